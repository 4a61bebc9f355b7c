import datetime

import pytest
from django.urls import reverse

from edubureau.audit.models import AuditEvent
from edubureau.calendar import services
from edubureau.calendar.choices import DayKind
from edubureau.calendar.models import CalendarDay, HolidayYear, SchoolYear

D = datetime.date
NOTICE_2027 = (
    "2027年的节假日安排尚未录入，截止日期暂按周一至周五计算；国务院办公厅公布安排后，请系统管理员及时录入。"
)


# --- overview: every signed-in user ------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("calendar:overview"))
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_teacher_sees_national_day_and_the_make_up_saturday_in_october_2026(client, teacher_a):
    client.force_login(teacher_a)
    response = client.get(reverse("calendar:overview"), {"month": "2026-10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年10月" in html
    assert "国庆节调休上班" in html
    assert 'title="2026年10月1日 星期四：国庆节放假"' in html
    assert 'title="2026年10月10日 星期六：国庆节调休上班"' in html
    assert "尚未录入" not in html


def test_a_month_of_a_year_with_no_arrangement_shows_the_plain_notice(client, teacher_a):
    client.force_login(teacher_a)
    response = client.get(reverse("calendar:overview"), {"month": "2027-03"})
    assert NOTICE_2027 in response.content.decode()


def test_an_entered_year_shows_its_days_and_no_notice(client, teacher_a, entered_2027):
    client.force_login(teacher_a)
    html = client.get(reverse("calendar:overview"), {"month": "2027-02"}).content.decode()
    assert NOTICE_2027 not in html
    assert 'title="2027年2月8日 星期一：春节放假"' in html
    assert 'title="2027年2月14日 星期日：春节调休上班"' in html
    assert "国办发明电〔2026〕7号" in html


@pytest.mark.parametrize("month", ["2026-13", "abc", "", "99999-01", "2026-0"])
def test_an_unreadable_month_falls_back_to_this_month(client, teacher_a, month):
    client.force_login(teacher_a)
    assert client.get(reverse("calendar:overview"), {"month": month}).status_code == 200


def test_overview_shows_the_current_school_year_semester_and_teaching_week(
    client, teacher_a, school_year, monkeypatch
):
    monkeypatch.setattr("edubureau.calendar.views.timezone.localdate", lambda: D(2026, 9, 16))
    client.force_login(teacher_a)
    html = client.get(reverse("calendar:overview")).content.decode()
    assert "2026—2027学年" in html
    assert "第一学期 · 第3周" in html
    assert "2026年9月" in html


def test_overview_without_a_school_year_says_so(client, teacher_a):
    client.force_login(teacher_a)
    assert "尚未设置" in client.get(reverse("calendar:overview")).content.decode()


def test_the_calculator_shows_the_date_and_its_basis(client, teacher_a):
    client.force_login(teacher_a)
    response = client.get(reverse("calendar:calculate"), {"start": "2026-09-30", "n": "3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026年10月10日" in html
    assert "系统内置的法定节假日数据" in html


def test_the_calculator_says_when_it_falls_back_to_weekdays(client, teacher_a):
    client.force_login(teacher_a)
    html = client.get(reverse("calendar:calculate"), {"start": "2027-02-05", "n": "5"}).content.decode()
    assert "2027年2月12日" in html
    assert "暂按周一至周五" in html


def test_the_calculator_works_without_javascript_on_the_overview(client, teacher_a):
    client.force_login(teacher_a)
    html = client.get(reverse("calendar:overview"), {"start": "2026-02-13", "n": "2"}).content.decode()
    assert "2026年2月24日" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-02-30", "n": "2"}, "请填写正确的日期"),
        ({"start": "2026-02-13", "n": "-1"}, "工作日数不能小于0"),
        ({"start": "2026-02-13", "n": "abc"}, "工作日数应为整数"),
        ({"start": "", "n": "2"}, "请填写起算日期"),
        ({"start": "2026-02-13", "n": "99999"}, "工作日数不能超过3660"),
        ({"start": "9999-12-30", "n": "5"}, "无法计算该日期"),
    ],
)
def test_bad_calculator_input_gets_a_chinese_message(client, teacher_a, params, message):
    client.force_login(teacher_a)
    response = client.get(reverse("calendar:calculate"), params)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_overview_uses_a_fixed_number_of_queries(
    client, teacher_a, entered_2027, school_year, django_assert_max_num_queries
):
    client.force_login(teacher_a)
    client.get(reverse("calendar:overview"), {"month": "2027-02"})  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("calendar:overview"), {"month": "2027-02", "start": "2027-02-05", "n": "30"}
        )
    assert response.status_code == 200


def test_managers_see_the_link_to_maintenance_and_teachers_do_not(client, sysadmin, teacher_a):
    client.force_login(sysadmin)
    assert reverse("calendar:manage") in client.get(reverse("calendar:overview")).content.decode()
    client.force_login(teacher_a)
    assert reverse("calendar:manage") not in client.get(reverse("calendar:overview")).content.decode()


# --- maintenance: calendar.manage only ---------------------------------------------------------------


def manage_urls(school_year, holiday_year, day):
    semester = school_year.semesters.first()
    return [
        reverse("calendar:manage"),
        reverse("calendar:school_year_create"),
        reverse("calendar:school_year_edit", args=[school_year.pk]),
        reverse("calendar:semester_create", args=[school_year.pk]),
        reverse("calendar:semester_edit", args=[semester.pk]),
        reverse("calendar:holiday_year_create"),
        reverse("calendar:holiday_year_detail", args=[holiday_year.year]),
        reverse("calendar:holiday_year_edit", args=[holiday_year.year]),
        reverse("calendar:holiday_year_delete", args=[holiday_year.year]),
        reverse("calendar:day_delete", args=[day.pk]),
    ]


@pytest.mark.parametrize(
    "username", ["teacher_a", "admin_a", "safety_a", "leader", "dept_officer", "supervisor"]
)
def test_users_without_calendar_manage_get_404_on_every_maintenance_page(
    client, role_users, school_year, entered_2027, username
):
    client.force_login(role_users[username])
    day = entered_2027.days.first()
    for url in manage_urls(school_year, entered_2027, day):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "name": "x"}).status_code == 404, url
    assert CalendarDay.objects.filter(pk=day.pk).exists()


def test_system_admin_opens_every_maintenance_page(client, sysadmin, school_year, entered_2027):
    client.force_login(sysadmin)
    for url in manage_urls(school_year, entered_2027, entered_2027.days.first()):
        assert client.get(url).status_code == 200, url


def test_missing_objects_get_404_for_the_system_admin_too(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("calendar:school_year_edit", args=[999])).status_code == 404
    assert client.get(reverse("calendar:holiday_year_detail", args=[2031])).status_code == 404
    assert client.get(reverse("calendar:day_delete", args=[999])).status_code == 404


def test_system_admin_creates_a_school_year(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar:school_year_create"),
        {"name": "2026—2027学年", "start": "2026-09-01", "end": "2027-08-31"},
    )
    assert response.status_code == 302
    assert SchoolYear.objects.get().name == "2026—2027学年"


def test_a_bad_school_year_is_shown_back_in_chinese(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar:school_year_create"),
        {"name": "2026—2027学年", "start": "2026-09-01", "end": "2026-08-01"},
    )
    assert response.status_code == 422
    assert "结束日期必须晚于开始日期" in response.content.decode()
    assert not SchoolYear.objects.exists()


def test_a_stale_semester_edit_gets_the_conflict_message(client, sysadmin, school_year):
    semester = school_year.semesters.first()
    client.force_login(sysadmin)
    url = reverse("calendar:semester_edit", args=[semester.pk])
    data = {"term": "1", "start": "2026-09-01", "end": "2027-01-20", "version": semester.version}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 422
    assert "该记录已被他人修改" in response.content.decode()


def test_system_admin_enters_a_year_and_a_range_of_holidays(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar:holiday_year_create"),
        {"year": "2027", "document_no": "国办发明电〔2026〕7号", "note": ""},
    )
    assert response.status_code == 302
    holiday_year = HolidayYear.objects.get(year=2027)
    response = client.post(
        reverse("calendar:holiday_year_detail", args=[2027]),
        {
            "rows-TOTAL_FORMS": "3",
            "rows-INITIAL_FORMS": "0",
            "rows-0-start": "2027-02-06",
            "rows-0-end": "2027-02-13",
            "rows-0-kind": DayKind.HOLIDAY,
            "rows-0-name": "春节",
            "rows-1-start": "2027-02-14",
            "rows-1-end": "",
            "rows-1-kind": DayKind.MAKEUP_WORKDAY,
            "rows-1-name": "春节",
            "rows-2-start": "",
            "rows-2-end": "",
            "rows-2-kind": DayKind.HOLIDAY,
            "rows-2-name": "",
        },
    )
    assert response.status_code == 302
    assert holiday_year.days.count() == 9


def test_bad_rows_are_marked_on_their_row_and_nothing_is_written(client, sysadmin, entered_2027):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar:holiday_year_detail", args=[2027]),
        {
            "rows-TOTAL_FORMS": "2",
            "rows-INITIAL_FORMS": "0",
            "rows-0-start": "2027-05-01",
            "rows-0-end": "2027-05-05",
            "rows-0-kind": DayKind.HOLIDAY,
            "rows-0-name": "劳动节",
            "rows-1-start": "2027-05-06",
            "rows-1-end": "",
            "rows-1-kind": DayKind.MAKEUP_WORKDAY,
            "rows-1-name": "劳动节",
        },
    )
    assert response.status_code == 422
    assert "第2行：2027年5月6日是星期四，本来就是工作日，不能设为调休上班日。" in response.content.decode()
    assert not CalendarDay.objects.filter(date__month=5).exists()


def test_a_date_outside_the_year_is_refused_on_the_page(client, sysadmin, entered_2027):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar:holiday_year_detail", args=[2027]),
        {
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "0",
            "rows-0-start": "2028-01-01",
            "rows-0-end": "",
            "rows-0-kind": DayKind.HOLIDAY,
            "rows-0-name": "元旦",
        },
    )
    assert response.status_code == 422
    assert "2028年1月1日不在2027年内" in response.content.decode()


def test_system_admin_removes_a_wrongly_entered_day(client, sysadmin, entered_2027):
    client.force_login(sysadmin)
    day = entered_2027.days.get(date=D(2027, 2, 14))
    response = client.post(reverse("calendar:day_delete", args=[day.pk]), {"reason": "录错"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    event = AuditEvent.objects.get(action="calendar.day.delete")
    assert event.before["date"] == "2027-02-14"
    assert event.channel == "web"


def test_system_admin_deletes_a_whole_arrangement(client, sysadmin, entered_2027):
    client.force_login(sysadmin)
    response = client.post(reverse("calendar:holiday_year_delete", args=[2027]), {"reason": ""})
    assert response.status_code == 302
    assert not HolidayYear.objects.exists()


def test_manage_page_warns_about_next_year_without_arrangement(client, sysadmin, monkeypatch):
    monkeypatch.setattr("edubureau.calendar.views.timezone.localdate", lambda: D(2026, 11, 20))
    client.force_login(sysadmin)
    html = client.get(reverse("calendar:manage")).content.decode()
    assert "2027年的节假日安排尚未录入" in html
    assert reverse("calendar:holiday_year_create") + "?year=2027" in html
    assert "2026年的节假日安排尚未录入" not in html


def test_manage_page_uses_a_fixed_number_of_queries(client, sysadmin, django_assert_max_num_queries):
    for i in range(5):
        sy = services.school_year_create(
            actor=sysadmin, name=f"{2020 + i}—{2021 + i}学年", start=D(2020 + i, 9, 1), end=D(2021 + i, 8, 31)
        )
        services.semester_create(
            actor=sysadmin, school_year=sy, term=1, start=D(2020 + i, 9, 1), end=D(2021 + i, 1, 20)
        )
        hy = services.holiday_year_create(actor=sysadmin, year=2030 + i)
        services.calendar_days_add(
            actor=sysadmin,
            holiday_year=hy,
            rows=[{"start": D(2030 + i, 5, 1), "kind": DayKind.HOLIDAY, "name": "劳动节"}],
        )
    client.force_login(sysadmin)
    client.get(reverse("calendar:manage"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("calendar:manage")).status_code == 200


def test_holiday_year_page_uses_a_fixed_number_of_queries(
    client, sysadmin, entered_2027, django_assert_max_num_queries
):
    client.force_login(sysadmin)
    client.get(reverse("calendar:holiday_year_detail", args=[2027]))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("calendar:holiday_year_detail", args=[2027])).status_code == 200


def test_row_numbers_in_messages_match_the_rows_on_the_page_when_a_row_is_left_blank(
    client, sysadmin, entered_2027
):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar:holiday_year_detail", args=[2027]),
        {
            "rows-TOTAL_FORMS": "3",
            "rows-INITIAL_FORMS": "0",
            "rows-0-start": "",
            "rows-0-end": "",
            "rows-0-kind": DayKind.HOLIDAY,
            "rows-0-name": "",
            "rows-1-start": "2027-05-01",
            "rows-1-end": "",
            "rows-1-kind": DayKind.HOLIDAY,
            "rows-1-name": "劳动节",
            "rows-2-start": "2027-02-08",
            "rows-2-end": "",
            "rows-2-kind": DayKind.HOLIDAY,
            "rows-2-name": "春节",
        },
    )
    assert response.status_code == 422
    assert "第3行：2027年2月8日已录入（春节，放假）" in response.content.decode()
    assert not CalendarDay.objects.filter(date=D(2027, 5, 1)).exists()


def test_a_row_without_a_name_is_marked_by_the_form(client, sysadmin, entered_2027):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar:holiday_year_detail", args=[2027]),
        {
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "0",
            "rows-0-start": "2027-05-01",
            "rows-0-end": "not-a-date",
            "rows-0-kind": DayKind.HOLIDAY,
            "rows-0-name": "",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写节日名称。" in html
    assert "请填写正确的日期" in html
