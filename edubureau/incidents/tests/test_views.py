"""The pages: scope (404 for other schools), forms and their refusals, filters, export, budgets."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from edubureau.incidents import services
from edubureau.incidents.models import Incident, IncidentTimeLimit

from .conftest import report_kwargs

H = datetime.timedelta(hours=1)


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def incident_a(safety_a, county, now, report_first):
    return report_first(safety_a, county.school_a, now - 3 * H, after=H)


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def first_report_form(unit, occurred, /, **overrides):
    data = {
        "school": unit.pk,
        "title": "学生课间摔伤",
        "occurred_at": local_input(occurred),
        "place": "操场",
        "category": "campus_injury",
        "level": "general",
        "summary": "学生课间奔跑摔倒。",
        "deaths": "0",
        "injuries": "1",
        "estimated_loss": "0",
        "likely_cause": "",
        "measures": "送医检查。",
        "next_steps": "",
        "reporter_name": "李安全",
        "reporter_phone": "13800000000",
        "phoned_at": "",
    }
    data.update(overrides)
    return data


# --- scope ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["incidents:detail", "incidents:bulletin", "incidents:followup", "incidents:final"]
)
def test_school_b_gets_404_for_school_a_s_incident(client, admin_b, incident_a, name):
    client.force_login(admin_b)
    assert client.get(reverse(name, args=[incident_a.pk])).status_code == 404


def test_school_b_cannot_post_a_follow_up_to_school_a_s_incident(client, admin_b, incident_a):
    client.force_login(admin_b)
    response = client.post(reverse("incidents:followup", args=[incident_a.pk]), report_kwargs())
    assert response.status_code == 404
    assert incident_a.reports.count() == 1


def test_school_b_does_not_see_school_a_s_incident_in_lists(client, admin_b, incident_a):
    client.force_login(admin_b)
    for name in ("incidents:inbox", "incidents:list"):
        assert incident_a.title not in client.get(reverse(name)).content.decode()


def test_a_supervisor_sees_the_incidents_of_the_zone_only(
    client, supervisor, county, admin_b, now, incident_a, report_first
):
    other = report_first(admin_b, county.school_b, now - 2 * H, title="初中学生食堂烫伤")
    client.force_login(supervisor)
    html = client.get(reverse("incidents:inbox")).content.decode()
    assert incident_a.title in html and other.title not in html
    assert client.get(reverse("incidents:detail", args=[other.pk])).status_code == 404


def test_a_teacher_has_no_incident_pages(client, teacher_a, incident_a):
    client.force_login(teacher_a)
    for url in (
        reverse("incidents:inbox"),
        reverse("incidents:list"),
        reverse("incidents:detail", args=[incident_a.pk]),
    ):
        assert client.get(url).status_code == 404


def test_the_bureau_does_not_get_the_school_s_report_forms(client, dept_officer, incident_a):
    client.force_login(dept_officer)
    assert client.get(reverse("incidents:followup", args=[incident_a.pk])).status_code == 404
    assert client.get(reverse("incidents:report")).status_code == 404


# --- the school -----------------------------------------------------------------------------------------


def test_the_quick_report_creates_the_incident_and_its_first_report(client, safety_a, county, now):
    client.force_login(safety_a)
    page = client.get(reverse("incidents:report")).content.decode()
    assert "报送学校：" in page and county.school_a.name in page  # one school: no choice to make
    response = client.post(reverse("incidents:report"), first_report_form(county.school_a, now - H))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    assert incident.reports.get().kind == "first"
    assert incident.occurred_at == (now - H).replace(second=0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "请填写事件名称。"),
        ({"occurred_at": "2026-13-45T99:00"}, "请填写正确的日期和时间。"),
        ({"injuries": "-1"}, "受伤人数不能为负数。"),
        ({"injuries": "两人"}, "受伤人数应为整数。"),
        ({"estimated_loss": "1.234"}, "直接经济损失最多保留两位小数。"),
        ({"category": "alien"}, "请从列表中选择事件类别。"),
        ({"level": ""}, "请选择事件级别。"),
        ({"school": "999999"}, "所选学校不存在，或不在您的范围内。"),
        ({"title": "长" * 101}, "100"),
    ],
)
def test_a_bad_quick_report_is_shown_again_with_chinese_errors(
    client, safety_a, county, now, changes, message
):
    client.force_login(safety_a)
    response = client.post(
        reverse("incidents:report"), first_report_form(county.school_a, now - H, **changes)
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def test_an_incident_in_the_future_is_refused_on_the_field(client, safety_a, county, now):
    client.force_login(safety_a)
    response = client.post(reverse("incidents:report"), first_report_form(county.school_a, now + 2 * H))
    assert response.status_code == 422
    assert "事发时间不能晚于当前时间。" in response.content.decode()


def test_a_school_admin_cannot_report_for_another_school_through_the_form(client, admin_a, county, now):
    client.force_login(admin_a)
    response = client.post(reverse("incidents:report"), first_report_form(county.school_b, now - H))
    assert response.status_code == 422
    assert not Incident.objects.exists()


def test_a_follow_up_starts_from_the_last_figures_and_is_added(client, safety_a, incident_a):
    client.force_login(safety_a)
    url = reverse("incidents:followup", args=[incident_a.pk])
    page = client.get(url).content.decode()
    assert 'name="injuries" value="1"' in page
    response = client.post(url, report_kwargs(injuries="2"))
    assert response.status_code == 302
    assert list(incident_a.reports.values_list("injuries", flat=True).order_by("sequence")) == [1, 2]


def test_the_final_report_form_needs_the_cause_and_closes_the_incident(client, safety_a, incident_a):
    client.force_login(safety_a)
    url = reverse("incidents:final", args=[incident_a.pk])
    response = client.post(url, report_kwargs())
    assert response.status_code == 422
    assert "请填写事件原因及责任认定。" in response.content.decode()
    assert client.post(url, report_kwargs(cause="课间奔跑。")).status_code == 302
    response = client.get(reverse("incidents:followup", args=[incident_a.pk]), follow=True)
    assert "该事件已报送终报，不能再续报或终报。" in response.content.decode()
    assert incident_a.reports.count() == 2


def test_the_school_supplements_a_missed_incident(client, safety_a, dept_officer, county, now, record_missed):
    incident = record_missed(dept_officer, county.school_a, now - 30 * H)
    client.force_login(safety_a)
    detail = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "补报初报" in detail and "漏报" in detail
    response = client.post(reverse("incidents:supplement", args=[incident.pk]), report_kwargs())
    assert response.status_code == 302
    detail = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "漏报后补报" in detail


def test_the_school_list_shows_what_is_due(client, safety_a, county, now, report_first):
    report_first(safety_a, county.school_a, now - 4 * 24 * H, title="四天前的事件")
    client.force_login(safety_a)
    html = client.get(reverse("incidents:list")).content.decode()
    assert "四天前的事件" in html
    assert "续报到期" in html


# --- the bureau -------------------------------------------------------------------------------------


def test_the_bureau_acknowledges_from_the_inbox(client, dept_officer, incident_a):
    client.force_login(dept_officer)
    url = reverse("incidents:acknowledge", args=[incident_a.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "inbox"})
    assert response["Location"] == reverse("incidents:inbox")
    incident_a.refresh_from_db()
    assert incident_a.acknowledged_by == dept_officer
    response = client.post(url, follow=True)
    assert "该事件的报告均已签收。" in response.content.decode()


def test_a_leader_sees_but_cannot_acknowledge(client, leader, incident_a):
    client.force_login(leader)
    detail = client.get(reverse("incidents:detail", args=[incident_a.pk])).content.decode()
    assert "签收</button>" not in detail
    assert client.post(reverse("incidents:acknowledge", args=[incident_a.pk])).status_code == 404


def test_the_bureau_records_an_unreported_incident(client, dept_officer, county, now):
    client.force_login(dept_officer)
    data = first_report_form(county.school_b, now - 5 * H)
    data.update(
        {
            "bureau_learned_at": local_input(now - H),
            "bureau_source": "县人民医院通报",
            "reporter_name": "",
            "reporter_phone": "",
        }
    )
    response = client.post(reverse("incidents:record"), data)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.recorded_by_bureau and incident.school == county.school_b
    html = client.get(reverse("incidents:inbox"), {"flag": "missed"}).content.decode()
    assert incident.title in html


def test_a_school_cannot_open_the_bureau_s_record_form(client, admin_a):
    client.force_login(admin_a)
    assert client.get(reverse("incidents:record")).status_code == 404


# --- the ledger -------------------------------------------------------------------------------------


@pytest.fixture
def ledger(safety_a, admin_b, dept_officer, county, now, report_first, record_missed):
    """Four incidents: A on time (general), A late (larger, traffic), B on time, C missed."""
    from edubureau.common.factories import make_user

    safety_c = make_user("safety_officer", unit=county.school_c)
    return {
        "on_time": report_first(safety_a, county.school_a, now - 10 * H, title="甲校按时事件"),
        "late": report_first(
            safety_a,
            county.school_a,
            now - 10 * H,
            after=3 * H,
            level="larger",
            category="traffic",
            title="甲校迟报事件",
        ),
        "school_b": report_first(admin_b, county.school_b, now - 5 * H, title="乙校事件"),
        "missed": record_missed(dept_officer, county.school_c, now - 30 * H, title="丙园漏报事件"),
        "safety_c": safety_c,
    }


def titles(response):
    html = response.content.decode()
    return {t for t in ("甲校按时事件", "甲校迟报事件", "乙校事件", "丙园漏报事件") if t in html}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"甲校按时事件", "甲校迟报事件", "乙校事件", "丙园漏报事件"}),
        ({"flag": "late"}, {"甲校迟报事件"}),
        ({"flag": "missed"}, {"丙园漏报事件"}),
        ({"flag": "late_or_missed"}, {"甲校迟报事件", "丙园漏报事件"}),
        ({"flag": "unacknowledged"}, {"甲校按时事件", "甲校迟报事件", "乙校事件"}),
        ({"level": "larger"}, {"甲校迟报事件"}),
        ({"category": "traffic"}, {"甲校迟报事件"}),
        ({"q": "乙校"}, {"乙校事件"}),
        ({"town": "town_b"}, {"丙园漏报事件"}),
        ({"school": "school_b"}, {"乙校事件"}),
        ({"level": "no-such-level"}, {"甲校按时事件", "甲校迟报事件", "乙校事件", "丙园漏报事件"}),
        ({"occurred_from": "2000-13-01"}, {"甲校按时事件", "甲校迟报事件", "乙校事件", "丙园漏报事件"}),
    ],
)
def test_the_inbox_filters(client, leader, county, ledger, params, expected):
    params = {k: getattr(county, v).pk if k in ("town", "school") else v for k, v in params.items()}
    client.force_login(leader)
    response = client.get(reverse("incidents:inbox"), params)
    assert response.status_code == 200
    assert titles(response) == expected


def test_an_ignored_filter_is_said_to_be_ignored(client, leader, ledger):
    client.force_login(leader)
    html = client.get(reverse("incidents:inbox"), {"level": "huge"}).content.decode()
    assert "已忽略该条件" in html


def test_the_inbox_counts_the_items_that_need_attention(client, dept_officer, ledger):
    client.force_login(dept_officer)
    response = client.get(reverse("incidents:inbox"))
    counts = response.context["counts"]
    assert (counts["unacknowledged"], counts["late"], counts["missed"], counts["final_overdue"]) == (
        3,
        1,
        1,
        0,
    )


def test_the_export_has_the_same_filters(client, leader, county, ledger):
    client.force_login(leader)
    response = client.get(reverse("incidents:export"), {"flag": "late_or_missed"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("事件编号", "事件名称", "学校")
    body = {row[1]: row for row in rows[1:]}
    assert set(body) == {"甲校迟报事件", "丙园漏报事件"}
    assert body["甲校迟报事件"][3] == "东城镇"
    assert body["甲校迟报事件"][10] == "迟报2小时"
    assert body["丙园漏报事件"][10] == "漏报"


def test_the_export_escapes_formulas(client, leader, safety_a, county, now, report_first):
    report_first(safety_a, county.school_a, now - 2 * H, title='=HYPERLINK("http://x")')
    client.force_login(leader)
    sheet = load_workbook(io.BytesIO(client.get(reverse("incidents:export")).content)).active
    assert sheet.cell(row=2, column=2).value.startswith("'=")


def test_the_export_is_scoped(client, admin_b, ledger):
    client.force_login(admin_b)
    sheet = load_workbook(io.BytesIO(client.get(reverse("incidents:export")).content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["乙校事件"]


def test_the_inbox_is_paginated(client, leader, safety_a, county, now, report_first):
    for n in range(23):
        report_first(safety_a, county.school_a, now - (n + 2) * H, title=f"分页事件{n:02d}")
    client.force_login(leader)
    first = client.get(reverse("incidents:inbox")).content.decode()
    second = client.get(reverse("incidents:inbox"), {"page": 2}).content.decode()
    assert "分页事件00" in first and "分页事件22" not in first
    assert "分页事件22" in second
    assert "共 23 条" in first


# --- query budgets ----------------------------------------------------------------------------------


def make_many(n, safety_a, dept_officer, county, now, report_first, record_missed):
    for i in range(n):
        incident = report_first(safety_a, county.school_a, now - (i + 2) * H, title=f"批量事件{i}")
        services.incident_add_followup(actor=safety_a, incident=incident, now=now - H, **report_kwargs())
        if i % 3 == 0:
            services.incident_acknowledge(actor=dept_officer, incident=incident, now=now)
        if i % 4 == 0:
            record_missed(dept_officer, county.school_b, now - (i + 2) * H, learned_after=H, title=f"漏报{i}")


@pytest.mark.parametrize(
    ("user", "url", "budget"),
    [
        ("dept_officer", "incidents:inbox", 16),
        ("leader", "incidents:inbox", 16),
        ("safety_a", "incidents:list", 10),
        ("dept_officer", "incidents:export", 11),
    ],
)
def test_pages_use_a_fixed_number_of_queries(
    client,
    role_users,
    safety_a,
    dept_officer,
    county,
    now,
    report_first,
    record_missed,
    user,
    url,
    budget,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(role_users[user])
    make_many(3, safety_a, dept_officer, county, now, report_first, record_missed)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url)).status_code == 200
    make_many(25, safety_a, dept_officer, county, now, report_first, record_missed)
    with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("user", "provider"), [("safety_a", "school_reports_due"), ("dept_officer", "bureau_unacknowledged")]
)
def test_home_to_dos_use_two_queries_however_many_incidents(
    role_users,
    safety_a,
    dept_officer,
    county,
    now,
    report_first,
    record_missed,
    user,
    provider,
    django_assert_num_queries,
):
    from edubureau.accounts.scope import user_has_perm
    from edubureau.incidents import todos

    user = role_users[user]
    make_many(12, safety_a, dept_officer, county, now, report_first, record_missed)
    user_has_perm(user, "incidents.view")  # the user's grants are read once per request, before
    with django_assert_num_queries(2):  # the limits and the incidents
        items = getattr(todos, provider)(user)
    assert len(items) >= 8


# --- home ---------------------------------------------------------------------------------------------


def test_the_school_s_home_lists_follow_ups_due_and_missing_final_reports(
    client, safety_a, county, now, report_first
):
    report_first(safety_a, county.school_a, now - 4 * 24 * H, title="需续报事件")
    report_first(safety_a, county.school_a, now - 9 * 24 * H, title="终报逾期事件")
    report_first(safety_a, county.school_a, now - 2 * H, title="刚报送事件")
    client.force_login(safety_a)
    html = client.get(reverse("web:home")).content.decode()
    assert "报送续报：需续报事件" in html
    assert "报送终报：终报逾期事件" in html
    assert "续报或终报：刚报送事件" in html


def test_the_school_s_home_asks_for_a_missed_first_report(
    client, safety_a, dept_officer, county, now, record_missed
):
    record_missed(dept_officer, county.school_a, now - 30 * H, title="学校漏报事件")
    client.force_login(safety_a)
    assert "补报初报：学校漏报事件" in client.get(reverse("web:home")).content.decode()


def test_the_bureau_s_home_lists_unacknowledged_incidents(client, dept_officer, leader, incident_a):
    client.force_login(dept_officer)
    assert f"签收一般事件：{incident_a.title}" in client.get(reverse("web:home")).content.decode()
    services.incident_acknowledge(actor=dept_officer, incident=incident_a)
    assert incident_a.title not in client.get(reverse("web:home")).content.decode()
    client.force_login(leader)
    assert "签收一般事件" not in client.get(reverse("web:home")).content.decode()


# --- configuration ------------------------------------------------------------------------------------


def test_a_system_admin_edits_the_time_limits(client, sysadmin):
    limit = IncidentTimeLimit.objects.get(level="larger")
    client.force_login(sysadmin)
    assert "事发后1小时内" in client.get(reverse("incidents:config")).content.decode()
    url = reverse("incidents:config_edit", args=[limit.pk])
    data = {
        "first_report_minutes": "90",
        "followup_interval_hours": "12",
        "final_report_days": "10",
        "note": "",
        "version": limit.version,
    }
    assert client.post(url, data).status_code == 302
    assert "事发后1小时30分钟内" in client.get(reverse("incidents:config")).content.decode()
    stale = client.post(url, data)
    assert stale.status_code == 422
    assert "已被他人修改" in stale.content.decode()
    bad = client.post(url, {**data, "first_report_minutes": "0", "version": limit.version + 1})
    assert bad.status_code == 422


def test_the_time_limit_pages_are_for_system_admins_only(client, dept_officer):
    client.force_login(dept_officer)
    limit = IncidentTimeLimit.objects.get(level="general")
    assert client.get(reverse("incidents:config")).status_code == 404
    assert client.get(reverse("incidents:config_edit", args=[limit.pk])).status_code == 404


def test_a_supervisor_can_filter_by_school_and_a_school_cannot(client, supervisor, admin_a, ledger):
    client.force_login(supervisor)
    html = client.get(reverse("incidents:inbox")).content.decode()
    assert 'name="school"' in html and 'name="town"' not in html
    client.force_login(admin_a)
    html = client.get(reverse("incidents:inbox")).content.decode()
    assert 'name="school"' not in html and 'name="town"' not in html
