"""A real browser (Debian's chromium through Playwright) against a live server."""

import os
from pathlib import Path

import pytest

from edubureau.common.factories import TEST_PASSWORD

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still
    # plain synchronous code, so Django's async-safety check is relaxed for this test only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
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
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_school_admin_sees_only_their_school_and_gets_the_chinese_404_elsewhere(
    live_server, browser_page, county, admin_a
):
    page = browser_page
    sign_in(page, live_server, "admin_a")
    assert "我的待办" in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-school-admin.png"), full_page=True)

    page.goto(f"{live_server.url}/org/")
    tree = page.content()
    assert county.school_a.name in tree
    assert county.school_b.name not in tree
    assert county.school_c.name not in tree

    response = page.goto(f"{live_server.url}{county.school_b.get_absolute_url()}")
    assert response.status == 404
    assert "页面不存在" in page.content()
    assert county.school_b.name not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "404-other-school.png"), full_page=True)

    assert page.outside_requests == [], "pages must not load anything from outside hosts"


def test_leader_home_page_shows_the_whole_county(live_server, browser_page, county, leader):
    page = browser_page
    sign_in(page, live_server, "leader")
    assert "我的待办" in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home-leader.png"), full_page=True)
    page.goto(f"{live_server.url}/org/")
    for school in (county.school_a, county.school_b, county.school_c):
        assert school.name in page.content()
    assert page.outside_requests == []
