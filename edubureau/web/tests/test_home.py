import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import LoginEvent
from edubureau.common.factories import SchoolFactory, UserFactory
from edubureau.org.choices import UnitKind, UnitStatus
from edubureau.web import todos
from edubureau.web.todos import TodoItem

from .helpers import post_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(monkeypatch):
    """An empty provider registry for the test; what the test registers is gone afterwards."""
    monkeypatch.setattr(todos, "_PROVIDERS", [])
    return todos


def item(title, due=None, overdue=False):
    return TodoItem(
        title=title, url="/x/", due=due, kind_label="测试事项", overdue=overdue, unit_name="东城镇中心小学"
    )


def test_home_shows_the_empty_state_when_nothing_is_due(client, admin_a, providers):
    client.force_login(admin_a)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert "暂无待办事项" in response.content.decode()


def test_home_shows_name_unit_and_roles(client, dept_officer):
    client.force_login(dept_officer)
    html = client.get(reverse("web:home")).content.decode()
    assert "吴科员" in html
    assert "测试县教育局" in html
    assert "科室人员" in html
    assert "安全稳定科" in html


def test_supervisor_role_names_the_zone(client, supervisor):
    client.force_login(supervisor)
    html = client.get(reverse("web:home")).content.decode()
    assert "责任督学" in html
    assert "第一督学责任区" in html


def test_home_shows_the_previous_successful_login_not_the_current_one(admin_a):
    first, second = Client(), Client(REMOTE_ADDR="10.0.0.8")
    post_login(first, "admin_a")
    post_login(second, "admin_a", "Wrong#pass123")
    post_login(second, "admin_a")
    earlier, current = LoginEvent.objects.filter(kind=LoginEventKind.SUCCESS).order_by("pk")
    response = second.get(reverse("web:home"))
    assert response.context["previous_login"].pk == earlier.pk
    assert timezone.localtime(earlier.occurred_at).strftime("%Y-%m-%d %H:%M") in response.content.decode()
    assert "127.0.0.1" in response.content.decode()
    assert current.ip == "10.0.0.8"


def test_first_ever_login_says_so(client, admin_a):
    post_login(client, "admin_a")
    response = client.get(reverse("web:home"))
    assert response.context["previous_login"] is None
    assert "这是您首次登录本系统" in response.content.decode()


def test_leader_sees_the_schools_in_scope_counted_by_kind(client, leader):
    client.force_login(leader)
    counts = client.get(reverse("web:home")).context["school_counts"]
    assert counts["total"] == 3
    assert counts["kinds"] == [
        {"label": "幼儿园", "n": 1},
        {"label": "小学", "n": 1},
        {"label": "初中", "n": 1},
    ]


def test_closed_schools_are_not_counted(client, county, leader):
    SchoolFactory(kind=UnitKind.PRIMARY, parent=county.town_a)
    SchoolFactory(
        kind=UnitKind.PRIMARY,
        parent=county.town_a,
        status=UnitStatus.CLOSED,
        closed_on=datetime.date(2024, 8, 31),
    )
    client.force_login(leader)
    counts = client.get(reverse("web:home")).context["school_counts"]
    assert counts["total"] == 4
    assert {"label": "小学", "n": 2} in counts["kinds"]


def test_supervisor_counts_only_the_schools_of_the_zone(client, supervisor):
    client.force_login(supervisor)
    counts = client.get(reverse("web:home")).context["school_counts"]
    assert counts["total"] == 2
    assert "管辖范围内学校" in client.get(reverse("web:home")).content.decode()


def test_school_admin_of_one_school_sees_no_counts(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("web:home"))
    assert response.context["school_counts"] is None
    assert "管辖范围内学校" not in response.content.decode()


def test_user_without_roles_sees_an_empty_home_and_no_counts(client, county, providers):
    calls = []
    providers.register_todo_provider(lambda user: calls.append(user) or [item("不应出现")])
    loner = UserFactory(unit=county.school_a, username="loner")
    client.force_login(loner)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()
    assert "暂无待办事项" in response.content.decode()
    assert response.context["school_counts"] is None
    assert calls == []


def test_registered_providers_fill_the_list_overdue_first_then_by_due_date(client, admin_a, providers):
    today = timezone.localdate()

    @providers.register_todo_provider
    def tasks(user):
        return [item("无期限的事项"), item("下周到期的报表", today + datetime.timedelta(days=7))]

    @providers.register_todo_provider
    def hazards(user):
        return [
            item("明天到期的复核", today + datetime.timedelta(days=1)),
            item("逾期的整改", today - datetime.timedelta(days=2), overdue=True),
        ]

    client.force_login(admin_a)
    response = client.get(reverse("web:home"))
    titles = [i.title for i in response.context["todos"].items]
    assert titles == ["逾期的整改", "明天到期的复核", "下周到期的报表", "无期限的事项"]
    html = response.content.decode()
    assert "逾期2天" in html
    assert "已逾期 1 项" in html
    assert "暂无待办事项" not in html


def test_provider_receives_the_signed_in_user(client, admin_a, providers):
    seen = []
    providers.register_todo_provider(lambda user: seen.append(user.pk) or [])
    client.force_login(admin_a)
    client.get(reverse("web:home"))
    assert seen == [admin_a.pk]


def test_a_failing_provider_does_not_break_home(client, admin_a, providers):
    def broken(user):
        raise RuntimeError("provider bug")

    providers.register_todo_provider(broken)
    providers.register_todo_provider(lambda user: [item("仍然显示的事项")])
    client.force_login(admin_a)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "仍然显示的事项" in html
    assert "部分待办事项暂时无法加载" in html


def _home_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("web:home")).status_code == 200
    return len(ctx.captured_queries)


def test_home_uses_a_fixed_number_of_queries(
    client, county, leader, providers, django_assert_max_num_queries
):
    providers.register_todo_provider(lambda user: [item(f"事项{n}") for n in range(30)])
    post_login(client, "leader")
    post_login(Client(), "leader")
    small = _home_queries(client)
    for n in range(20):
        SchoolFactory(kind=[UnitKind.PRIMARY, UnitKind.JUNIOR, UnitKind.SENIOR][n % 3], parent=county.town_b)
    assert _home_queries(client) == small
    with django_assert_max_num_queries(9):
        client.get(reverse("web:home"))
