"""A campaign in a real browser: an inspector records a visit on a phone-sized screen, a failed item
becomes a hazard, and the campaign's coverage page shows the school as covered."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from edubureau.common.factories import TEST_PASSWORD
from edubureau.inspections import services
from edubureau.inspections.choices import Mode, TargetRule, Theme
from edubureau.inspections.testing import period
from edubureau.safety.models import Hazard

from .conftest import ITEMS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def page():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 412, "height": 900}, locale="zh-CN")
        page = context.new_page()
        outside = []
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(("http://localhost", "data:")) else None,
        )
        page.on("dialog", lambda dialog: dialog.accept())
        page.outside_requests = outside
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_inspector_records_a_visit_and_the_campaign_coverage_updates(live_server, page, county, dept_officer):
    template = services.template_create(actor=dept_officer, name="校园安全检查表", items=ITEMS)
    start, end = period()
    campaign = services.campaign_create(
        actor=dept_officer,
        name="秋季开学安全大检查",
        theme=Theme.SEMESTER_START,
        mode=Mode.SURVEY,
        start=start,
        end=end,
        department=county.safety_dept,
        template=template,
        target_rule=TargetRule.LIST,
        target_schools=[county.school_a, county.school_b],
    )
    campaign = services.campaign_open(actor=dept_officer, campaign=campaign)
    team = services.team_create(
        actor=dept_officer,
        campaign=campaign,
        name="第一督查组",
        members=[{"kind": "staff", "user": dept_officer, "is_leader": True}],
    )
    services.team_assign(actor=dept_officer, team=team, schools=[county.school_a, county.school_b])

    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    assert "已检查 0 / 2 所" in page.content()
    page.goto(f"{live_server.url}{team.get_absolute_url()}")
    page.locator("tr", has_text=county.school_a.name).locator("a", has_text="记录检查").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=visited_on]", timezone.localdate().isoformat())
    items = list(template.items.order_by("order"))
    page.click(f"label[for=item-{items[0].pk}-fail]")
    page.fill(f"input[name=item-{items[0].pk}-place]", "教学楼一楼走廊")
    page.fill(f"input[name=item-{items[0].pk}-note]", "两具灭火器压力不足")
    page.click(f"label[for=item-{items[1].pk}-pass]")
    assert "已填写 2 / 5 项" in page.inner_text("#eb-answered-count")
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    assert "检查记录已提交" in page.content()
    assert Hazard.objects.filter(source_type="inspections.visit", school=county.school_a).count() == 1

    page.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    content = page.content()
    assert "已检查 1 / 2 所" in content
    assert not page.outside_requests
