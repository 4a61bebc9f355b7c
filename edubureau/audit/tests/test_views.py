import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from edubureau.audit import services as audit
from edubureau.audit.choices import LoginEventKind
from edubureau.common import context
from edubureau.common.factories import grant, make_user
from edubureau.org import services as org

EVENTS = reverse("audit:event_list")
LOGINS = reverse("audit:login_list")
SENSITIVE = reverse("audit:sensitive_list")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    """Patch the clock so auto_now_add stamps this Shanghai local time."""
    return mock.patch("django.utils.timezone.now", return_value=datetime.datetime(*args, tzinfo=SHANGHAI))


@pytest.fixture
def history(county, sysadmin):
    """One edit per school, one group change, one event without a unit (a system-wide change)."""
    with context.acting(channel="web", ip="10.0.0.8"):
        org.unit_update(actor=sysadmin, unit=county.school_a, address="东城镇人民路1号")
    with context.acting(channel="api"):
        org.unit_update(actor=sysadmin, unit=county.school_b, address="东城镇建设路2号")
    org.unit_update(actor=sysadmin, unit=county.school_c, phone="0571-7654321")
    audit.record(
        actor=sysadmin, action="role.update", object_type="accounts.role", object_id="3", object_label="教师"
    )


def actions(response):
    return [(row["event"].action, row["event"].object_label) for row in response.context["rows"]]


def labels(response):
    return sorted(row["event"].object_label for row in response.context["rows"])


def test_leader_sees_every_event_including_those_without_a_unit(client, history, leader):
    client.force_login(leader)
    response = client.get(EVENTS)
    assert response.status_code == 200
    assert labels(response) == ["东城镇中心小学", "东城镇初级中学", "教师", "西河镇中心幼儿园"]


def test_retention_note_is_shown(client, history, leader, settings):
    client.force_login(leader)
    html = client.get(EVENTS).content.decode()
    assert f"日志至少保存 {settings.EDUBUREAU_AUDIT_RETENTION_DAYS} 天" in html
    assert "不能修改或删除" in html


@pytest.mark.parametrize(
    "username", ["admin_a", "admin_b", "teacher_a", "supervisor", "dept_officer", "safety_a"]
)
def test_users_without_audit_view_get_404_on_every_audit_page(client, history, role_users, username):
    client.force_login(role_users[username])
    for url in (EVENTS, LOGINS, SENSITIVE, reverse("audit:event_detail", args=[1])):
        assert client.get(url).status_code == 404


def test_audit_reader_of_school_b_cannot_see_school_a_events(client, history, county, admin_b):
    grant(admin_b, "leader", unit=county.school_b)  # audit.view on school_b only
    client.force_login(admin_b)
    response = client.get(EVENTS)
    assert labels(response) == ["东城镇初级中学"]
    event_a = next(e for e in _all_events() if e.unit_id == county.school_a.pk)
    assert client.get(reverse("audit:event_detail", args=[event_a.pk])).status_code == 404
    assert client.get(reverse("audit:event_detail", args=[999999])).status_code == 404


def test_town_reader_sees_the_town_subtree_but_not_unitless_events(client, history, county):
    town_leader = make_user("leader", unit=county.town_a)
    client.force_login(town_leader)
    assert labels(client.get(EVENTS)) == ["东城镇中心小学", "东城镇初级中学"]
    unitless = next(e for e in _all_events() if e.unit_id is None)
    assert client.get(reverse("audit:event_detail", args=[unitless.pk])).status_code == 404


def test_unit_filter_takes_the_subtree(client, history, county, leader):
    client.force_login(leader)
    assert labels(client.get(EVENTS, {"unit": county.town_a.pk})) == ["东城镇中心小学", "东城镇初级中学"]
    assert labels(client.get(EVENTS, {"unit": county.school_c.pk})) == ["西河镇中心幼儿园"]


def test_unit_filter_outside_the_scope_is_an_error_not_a_leak(client, history, county):
    town_leader = make_user("leader", unit=county.town_a)
    client.force_login(town_leader)
    response = client.get(EVENTS, {"unit": county.school_c.pk})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "unit" in response.context["form"].errors


def test_actor_filter_matches_username_and_real_name(client, history, county, leader):
    org.unit_update(
        actor=make_user("system_admin", unit=county.bureau, username="zhang", real_name="张工"),
        unit=county.bureau,
        phone="12345",
    )
    client.force_login(leader)
    assert labels(client.get(EVENTS, {"actor": "zhang"})) == ["测试县教育局"]
    assert labels(client.get(EVENTS, {"actor": "张工"})) == ["测试县教育局"]
    assert len(client.get(EVENTS, {"actor": "系统管理员"}).context["rows"]) == 4


def test_object_type_id_action_and_channel_filters(client, history, county, leader):
    client.force_login(leader)
    assert labels(client.get(EVENTS, {"object_type": "accounts.role"})) == ["教师"]
    assert labels(client.get(EVENTS, {"object_type": "org.orgunit", "object_id": county.school_b.pk})) == [
        "东城镇初级中学"
    ]
    assert labels(client.get(EVENTS, {"action": "role."})) == ["教师"]
    assert labels(client.get(EVENTS, {"channel": "api"})) == ["东城镇初级中学"]
    choices = dict(client.get(EVENTS).context["form"].fields["object_type"].choices)
    assert choices["org.orgunit"] == "单位"


def test_date_range_uses_shanghai_calendar_days(client, county, sysadmin, leader):
    with at(2026, 3, 1, 23, 30):  # 15:30 UTC on 1 March
        org.unit_update(actor=sysadmin, unit=county.school_a, phone="111111")
    with at(2026, 3, 2, 0, 30):  # 16:30 UTC on 1 March, but 2 March in Shanghai
        org.unit_update(actor=sysadmin, unit=county.school_b, phone="222222")
    client.force_login(leader)
    day1 = client.get(EVENTS, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert labels(day1) == ["东城镇中心小学"]
    day2 = client.get(EVENTS, {"date_from": "2026-03-02"})
    assert labels(day2) == ["东城镇初级中学"]


def test_reversed_date_range_shows_an_error(client, history, leader):
    client.force_login(leader)
    response = client.get(EVENTS, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert response.context["form"].errors["date_to"] == ["结束日期不能早于开始日期。"]
    assert response.context["rows"] == []


def test_rows_expand_to_before_and_after_per_field_with_chinese_field_names(client, history, leader):
    client.force_login(leader)
    response = client.get(EVENTS, {"object_type": "org.orgunit", "channel": "web"})
    [row] = [r for r in response.context["rows"] if r["event"].object_label == "东城镇中心小学"]
    assert ("地址", "", "东城镇人民路1号") in row["changes"]
    html = response.content.decode()
    assert f'id="chg-{row["event"].pk}"' in html
    assert "东城镇人民路1号" in html
    assert "修改单位信息" in html


def test_event_detail_shows_the_changes(client, history, county, leader):
    event = next(e for e in _all_events() if e.unit_id == county.school_a.pk)
    client.force_login(leader)
    response = client.get(reverse("audit:event_detail", args=[event.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "东城镇人民路1号" in html
    assert "10.0.0.8" in html


def test_event_list_uses_a_fixed_number_of_queries(
    client, county, sysadmin, leader, django_assert_max_num_queries
):
    for i in range(60):
        audit.record(
            actor=sysadmin,
            action="org.unit.update",
            obj=county.school_a,
            before={"phone": ""},
            after={"phone": str(i)},
        )
    client.force_login(leader)
    with django_assert_max_num_queries(11):
        response = client.get(EVENTS)
    assert len(response.context["rows"]) == 20
    with django_assert_max_num_queries(12):
        client.get(EVENTS, {"unit": county.town_a.pk, "actor": "sysadmin", "page": 2})


# --- login log --------------------------------------------------------------------------------


@pytest.fixture
def logins(county, admin_a, admin_b):
    with context.acting(ip="10.1.1.5"):
        audit.record_login(kind=LoginEventKind.SUCCESS, username="admin_a", user=admin_a)
    with context.acting(ip="10.2.2.6"):
        audit.record_login(kind=LoginEventKind.FAILURE, username="admin_b", user=admin_b)
        audit.record_login(kind=LoginEventKind.UNKNOWN_USER, username="nobody")


def login_names(response):
    return sorted(e.username for e in response.context["page_obj"])


def test_login_log_is_scoped_and_unknown_accounts_are_for_root_readers(client, logins, county, leader):
    client.force_login(leader)
    assert login_names(client.get(LOGINS)) == ["admin_a", "admin_b", "nobody"]
    town_leader = make_user("leader", unit=county.town_a)
    client.force_login(town_leader)
    assert login_names(client.get(LOGINS)) == ["admin_a", "admin_b"]
    school_reader = make_user("leader", unit=county.school_b)
    client.force_login(school_reader)
    assert login_names(client.get(LOGINS)) == ["admin_b"]


def test_login_log_filters(client, logins, leader):
    client.force_login(leader)
    assert login_names(client.get(LOGINS, {"username": "admin"})) == ["admin_a", "admin_b"]
    assert login_names(client.get(LOGINS, {"kind": "failure"})) == ["admin_b"]
    assert login_names(client.get(LOGINS, {"ip": "10.2."})) == ["admin_b", "nobody"]
    today = datetime.datetime.now(SHANGHAI).date()
    assert len(login_names(client.get(LOGINS, {"date_from": today, "date_to": today}))) == 3
    assert login_names(client.get(LOGINS, {"date_to": today - datetime.timedelta(days=1)})) == []


def test_login_log_uses_a_fixed_number_of_queries(
    client, county, admin_a, leader, django_assert_max_num_queries
):
    for _ in range(50):
        audit.record_login(kind=LoginEventKind.SUCCESS, username="admin_a", user=admin_a)
    client.force_login(leader)
    with django_assert_max_num_queries(10):
        response = client.get(LOGINS)
    assert len(response.context["page_obj"]) == 20


# --- sensitive access log ---------------------------------------------------------------------


def test_sensitive_log_search_and_scope(
    client, county, admin_a, admin_b, teacher_a, leader, django_assert_max_num_queries
):
    audit.record_sensitive_access(actor=admin_a, obj=teacher_a, field="phone", reason="核对联系方式")
    audit.record_sensitive_access(actor=admin_b, obj=admin_b, field="email", reason="找回账号")
    client.force_login(leader)
    with django_assert_max_num_queries(11):
        response = client.get(SENSITIVE)
    assert [r["entry"].reason for r in response.context["rows"]] == ["找回账号", "核对联系方式"]
    assert response.context["rows"][1]["field_label"] == "手机号码"
    assert [r["entry"].reason for r in client.get(SENSITIVE, {"actor": "王校长"}).context["rows"]] == [
        "核对联系方式"
    ]
    assert [
        r["entry"].reason for r in client.get(SENSITIVE, {"unit": county.school_b.pk}).context["rows"]
    ] == ["找回账号"]
    school_reader = make_user("leader", unit=county.school_a)
    client.force_login(school_reader)
    assert [r["entry"].reason for r in client.get(SENSITIVE).context["rows"]] == ["核对联系方式"]


def _all_events():
    from edubureau.audit.models import AuditEvent

    return list(AuditEvent.objects.all())
