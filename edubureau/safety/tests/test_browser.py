"""The hazard workflow in a real browser: a school safety officer reports a major hazard with a photo
from the quick form and rectifies it; the bureau verifies and closes it."""

import os
from pathlib import Path

import pytest

from edubureau.common.factories import TEST_PASSWORD
from edubureau.safety.models import Hazard

from .conftest import jpeg_bytes

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
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


def test_officer_reports_and_rectifies_a_major_hazard_and_the_bureau_closes_it(
    live_server, page, county, safety_a, dept_officer, tmp_path
):
    picture = tmp_path / "现场.jpg"
    picture.write_bytes(jpeg_bytes((640, 480)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, "safety_a")
    page.goto(f"{live_server.url}/safety/report/")
    page.fill("input[name=place]", "教学楼外墙")
    page.select_option("select[name=category]", label="校舍")
    page.check("input[name=level][value=major]")
    page.fill("textarea[name=description]", "北侧外墙瓷砖空鼓脱落，下方为学生通道。")
    page.set_input_files("input[name=photos]", str(picture))
    assert "已选择1个" in page.inner_text(".eb-file-names")
    page.click("button:has-text('提交登记')")
    page.wait_for_load_state("networkidle")
    assert "已自动挂牌督办" in page.content()
    hazard = Hazard.objects.get()
    assert hazard.attachments.count() == 1

    page.click("a.btn:has-text('开始整改')")
    page.fill("textarea[name=measures]", "封闭通道，委托检测后修缮外墙。")
    page.fill("input[name=responsible_person]", "李安全")
    page.fill("input[name=deadline_workdays]", "10")
    page.click("main button:has-text('开始整改')")
    page.wait_for_load_state("networkidle")
    page.click("a.btn:has-text('提交复核')")
    page.fill("textarea[name=note]", "外墙已修缮，通道恢复使用。")
    page.set_input_files("input[name=photos]", str(picture))
    page.click("main button:has-text('提交复核')")
    page.wait_for_load_state("networkidle")
    assert "等待教育局复核销号" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "hazard-awaiting-check.png"), full_page=True)

    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/")
    page.click(f"text=隐患{hazard.number}")
    page.click("a.btn:has-text('复核')")
    page.check("input[name=decision][value=accept]")
    page.fill("textarea[name=note]", "现场核实整改到位。")
    page.click("main button:has-text('提交复核结论')")
    page.wait_for_load_state("networkidle")
    assert "复核通过，隐患已销号" in page.content()
    hazard.refresh_from_db()
    assert hazard.status == "closed"
    page.screenshot(path=str(SCREENSHOTS / "hazard-closed.png"), full_page=True)
    assert page.outside_requests == []
