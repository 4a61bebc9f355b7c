import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from edubureau.web import context_processors
from edubureau.web.navigation import NavItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def nav(monkeypatch):
    """A navigation made only of pages that exist, so the test does not depend on other apps."""
    items = [
        NavItem("工作台", "我的待办", "web:home", "bi-list-check", None, 10),
        NavItem("系统管理", "仅审计可见", "web:password_change", "bi-journal-text", "audit.view", 900),
        NavItem("系统管理", "尚未接入的页面", "nowhere:page", "bi-x", None, 950),
    ]
    monkeypatch.setattr(context_processors, "NAV_ITEMS", items)
    return items


def labels(ctx):
    return [e["item"].label for entries in ctx.get("nav_sections", {}).values() for e in entries]


def test_context_processor_works_for_anonymous_users(rf, county):
    request = rf.get("/login/")
    request.user = AnonymousUser()
    ctx = context_processors.navigation(request)
    assert ctx["site_name"]
    assert "nav_sections" not in ctx


def test_nav_shows_entries_by_permission(rf, nav, leader, teacher_a):
    request = rf.get("/")
    request.user = leader
    assert labels(context_processors.navigation(request)) == ["我的待办", "仅审计可见"]
    request.user = teacher_a
    assert labels(context_processors.navigation(request)) == ["我的待办"]


def test_current_page_is_marked_active(rf, nav, leader):
    request = rf.get("/password/")
    request.user = leader
    sections = context_processors.navigation(request)["nav_sections"]
    active = {e["item"].label: e["active"] for entries in sections.values() for e in entries}
    assert active == {"我的待办": False, "仅审计可见": True}


def test_rendered_sidebar_follows_the_permissions(client, teacher_a):
    client.force_login(teacher_a)
    html = client.get(reverse("web:home")).content.decode()
    assert 'id="eb-sidebar"' in html
    assert "我的待办" in html
    assert "审计日志" not in html


def test_login_page_has_no_sidebar(client, county):
    assert 'id="eb-sidebar"' not in client.get(reverse("web:login")).content.decode()


def test_no_sidebar_while_a_password_change_is_forced(client, county):
    from edubureau.common.factories import make_user

    newbie = make_user("teacher", unit=county.school_a, username="newbie", must_change_password=True)
    client.force_login(newbie)
    html = client.get(reverse("web:password_change")).content.decode()
    assert 'id="eb-sidebar"' not in html
    assert "退出登录" in html
