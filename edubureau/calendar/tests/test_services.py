import datetime

import pytest

from edubureau.audit.models import AuditEvent
from edubureau.calendar import selectors, services
from edubureau.calendar.choices import DayKind, Term
from edubureau.calendar.models import CalendarDay, HolidayYear, SchoolYear
from edubureau.common.errors import ConflictError, NotFoundError, ServiceError

D = datetime.date


def row(start, end=None, kind=DayKind.HOLIDAY, name="春节"):
    return {"start": start, "end": end, "kind": kind, "name": name}


# --- school years and semesters ----------------------------------------------------------------------


def test_creating_a_school_year_is_audited(sysadmin):
    school_year = services.school_year_create(
        actor=sysadmin, name="2026—2027学年", start=D(2026, 9, 1), end=D(2027, 8, 31)
    )
    event = AuditEvent.objects.get(action="calendar.school_year.create")
    assert event.object_id == str(school_year.pk)
    assert event.after["name"] == "2026—2027学年"
    assert event.actor == sysadmin


def test_school_year_must_end_after_it_starts(sysadmin):
    with pytest.raises(ServiceError, match="结束日期必须晚于开始日期") as exc:
        services.school_year_create(
            actor=sysadmin, name="2026—2027学年", start=D(2026, 9, 1), end=D(2026, 9, 1)
        )
    assert exc.value.field == "end"


def test_school_years_may_not_overlap(sysadmin, school_year):
    with pytest.raises(ServiceError, match=r"与2026—2027学年.*日期重叠"):
        services.school_year_create(
            actor=sysadmin, name="2027—2028学年", start=D(2027, 8, 1), end=D(2028, 7, 31)
        )


def test_school_year_names_are_unique(sysadmin, school_year):
    with pytest.raises(ServiceError, match="已存在"):
        services.school_year_create(
            actor=sysadmin, name="2026—2027学年", start=D(2030, 9, 1), end=D(2031, 8, 31)
        )


def test_a_stale_school_year_edit_is_refused(sysadmin, school_year):
    version = school_year.version
    services.school_year_update(
        actor=sysadmin,
        school_year=school_year,
        name="2026—2027学年",
        start=D(2026, 8, 31),
        end=D(2027, 8, 31),
        version=version,
    )
    with pytest.raises(ConflictError):
        services.school_year_update(
            actor=sysadmin,
            school_year=school_year,
            name="2026至2027学年",
            start=D(2026, 9, 1),
            end=D(2027, 8, 31),
            version=version,
        )


def test_school_year_update_is_audited_with_before_and_after(sysadmin, school_year):
    services.school_year_update(
        actor=sysadmin,
        school_year=school_year,
        name="2026至2027学年",
        start=D(2026, 9, 1),
        end=D(2027, 8, 31),
        version=school_year.version,
    )
    event = AuditEvent.objects.get(action="calendar.school_year.update")
    assert event.before["name"] == "2026—2027学年"
    assert event.after["name"] == "2026至2027学年"


def test_school_year_cannot_shrink_away_from_its_semesters(sysadmin, school_year):
    with pytest.raises(ServiceError, match=r"第二学期.*不在学年日期范围内"):
        services.school_year_update(
            actor=sysadmin,
            school_year=school_year,
            name="2026—2027学年",
            start=D(2026, 9, 1),
            end=D(2027, 6, 30),
        )


def test_semester_must_lie_within_its_school_year(sysadmin):
    school_year = services.school_year_create(
        actor=sysadmin, name="2026—2027学年", start=D(2026, 9, 1), end=D(2027, 8, 31)
    )
    with pytest.raises(ServiceError, match="学期日期必须在2026—2027学年"):
        services.semester_create(
            actor=sysadmin, school_year=school_year, term=1, start=D(2026, 8, 25), end=D(2027, 1, 22)
        )


def test_a_school_year_has_one_semester_of_each_term(sysadmin, school_year):
    with pytest.raises(ServiceError, match="已有第一学期"):
        services.semester_create(
            actor=sysadmin, school_year=school_year, term=Term.FIRST, start=D(2027, 7, 20), end=D(2027, 8, 20)
        )


def test_semesters_may_not_overlap_and_keep_their_order(sysadmin):
    school_year = services.school_year_create(
        actor=sysadmin, name="2026—2027学年", start=D(2026, 9, 1), end=D(2027, 8, 31)
    )
    services.semester_create(
        actor=sysadmin, school_year=school_year, term=1, start=D(2026, 9, 1), end=D(2027, 1, 22)
    )
    with pytest.raises(ServiceError, match="日期重叠"):
        services.semester_create(
            actor=sysadmin, school_year=school_year, term=2, start=D(2027, 1, 20), end=D(2027, 7, 9)
        )
    other = services.school_year_create(
        actor=sysadmin, name="2027—2028学年", start=D(2027, 9, 1), end=D(2028, 8, 31)
    )
    services.semester_create(
        actor=sysadmin, school_year=other, term=2, start=D(2028, 2, 20), end=D(2028, 7, 9)
    )
    with pytest.raises(ServiceError, match="第一学期应在第二学期之前"):
        services.semester_create(
            actor=sysadmin, school_year=other, term=1, start=D(2028, 7, 10), end=D(2028, 8, 20)
        )


def test_current_term_finds_the_semester_and_its_teaching_week(school_year):
    term = selectors.current_term(D(2026, 9, 16))
    assert term["school_year"] == school_year
    assert term["semester"].term == Term.FIRST
    assert term["week"] == 3  # 1 Sep 2026 is a Tuesday: week 1 is 31 Aug – 6 Sep


def test_current_term_during_the_winter_break_names_the_next_semester(school_year):
    term = selectors.current_term(D(2027, 2, 1))
    assert term["semester"] is None
    assert term["next_semester"].term == Term.SECOND


def test_users_without_calendar_manage_cannot_write(teacher_a, admin_a, leader):
    for user in (teacher_a, admin_a, leader):
        with pytest.raises(NotFoundError):
            services.school_year_create(
                actor=user, name="2026—2027学年", start=D(2026, 9, 1), end=D(2027, 8, 31)
            )
        with pytest.raises(NotFoundError):
            services.holiday_year_create(actor=user, year=2027)
    assert not SchoolYear.objects.exists()
    assert not HolidayYear.objects.exists()


# --- holiday arrangements ----------------------------------------------------------------------------


@pytest.fixture
def year_2027(sysadmin):
    return services.holiday_year_create(actor=sysadmin, year=2027, document_no="国办发明电〔2026〕7号")


def test_a_year_can_be_entered_only_once(sysadmin, year_2027):
    with pytest.raises(ServiceError, match="2027年的节假日安排已录入"):
        services.holiday_year_create(actor=sysadmin, year=2027)


def test_holiday_year_records_who_entered_it(sysadmin, year_2027):
    assert year_2027.entered_by == sysadmin
    assert AuditEvent.objects.filter(
        action="calendar.holiday_year.create", object_id=str(year_2027.pk)
    ).exists()


def test_a_range_of_holiday_dates_is_entered_in_one_row(sysadmin, year_2027):
    created = services.calendar_days_add(
        actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 6), D(2027, 2, 13))]
    )
    assert len(created) == 8
    assert list(year_2027.days.values_list("date", flat=True)) == [D(2027, 2, d) for d in range(6, 14)]
    assert AuditEvent.objects.filter(action="calendar.day.create").count() == 8


def test_a_date_outside_the_year_is_refused(sysadmin, year_2027):
    with pytest.raises(ServiceError, match="第1行：2028年1月1日不在2027年内"):
        services.calendar_days_add(
            actor=sysadmin, holiday_year=year_2027, rows=[row(D(2028, 1, 1), name="元旦")]
        )


def test_a_date_entered_twice_is_refused(sysadmin, year_2027):
    services.calendar_days_add(
        actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 6), D(2027, 2, 13))]
    )
    with pytest.raises(ServiceError, match="第1行：2027年2月8日已录入（春节，放假），请勿重复录入"):
        services.calendar_days_add(actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 8))])


def test_the_same_date_in_two_rows_is_refused(sysadmin, year_2027):
    with pytest.raises(ServiceError, match="第2行：2027年2月10日与第1行重复"):
        services.calendar_days_add(
            actor=sysadmin,
            holiday_year=year_2027,
            rows=[row(D(2027, 2, 6), D(2027, 2, 13)), row(D(2027, 2, 10), D(2027, 2, 11))],
        )


def test_a_make_up_workday_on_a_weekday_makes_no_sense(sysadmin, year_2027):
    with pytest.raises(ServiceError, match="2027年2月17日是星期三，本来就是工作日，不能设为调休上班日"):
        services.calendar_days_add(
            actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 17), kind=DayKind.MAKEUP_WORKDAY)]
        )


def test_a_range_ending_before_it_starts_is_refused(sysadmin, year_2027):
    with pytest.raises(ServiceError, match="结束日期不能早于开始日期"):
        services.calendar_days_add(
            actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 13), D(2027, 2, 6))]
        )


def test_a_row_needs_a_name_and_a_kind(sysadmin, year_2027):
    with pytest.raises(ServiceError, match="请填写节日名称"):
        services.calendar_days_add(
            actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 6), name=" ")]
        )
    with pytest.raises(ServiceError, match="请选择类型"):
        services.calendar_days_add(
            actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 6), kind="rest")]
        )


def test_one_bad_row_writes_nothing_and_every_error_is_reported(sysadmin, year_2027):
    with pytest.raises(ServiceError) as exc:
        services.calendar_days_add(
            actor=sysadmin,
            holiday_year=year_2027,
            rows=[
                row(D(2027, 2, 6), D(2027, 2, 13)),
                row(D(2027, 3, 3), kind=DayKind.MAKEUP_WORKDAY),
                row(D(2026, 12, 31), name="元旦"),
            ],
        )
    assert set(exc.value.details) == {"rows.1", "rows.2"}
    assert not CalendarDay.objects.exists()
    assert not AuditEvent.objects.filter(action="calendar.day.create").exists()


def test_removing_a_day_is_audited_with_its_before_state(sysadmin, year_2027):
    services.calendar_days_add(actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 6))])
    day = year_2027.days.get()
    services.calendar_day_delete(actor=sysadmin, day=day, reason="日期录错")
    assert not CalendarDay.objects.exists()
    event = AuditEvent.objects.get(action="calendar.day.delete")
    assert event.before["date"] == "2027-02-06"
    assert event.before["name"] == "春节"
    assert event.before["kind"] == DayKind.HOLIDAY
    assert event.after is None
    assert event.note == "日期录错"
    assert event.object_id == str(day.pk)


def test_deleting_an_arrangement_is_audited_with_its_days(sysadmin, year_2027):
    services.calendar_days_add(
        actor=sysadmin, holiday_year=year_2027, rows=[row(D(2027, 2, 6), D(2027, 2, 7))]
    )
    services.holiday_year_delete(actor=sysadmin, holiday_year=year_2027, reason="录错年份")
    assert not HolidayYear.objects.exists()
    assert not CalendarDay.objects.exists()
    event = AuditEvent.objects.get(action="calendar.holiday_year.delete")
    assert event.before["year"] == 2027
    assert [d["date"] for d in event.before["days"]] == ["2027-02-06", "2027-02-07"]


def test_a_year_can_start_from_chinesecalendars_data(sysadmin):
    holiday_year = services.holiday_year_create(actor=sysadmin, year=2026, copy_package=True)
    days = {d.date: (d.kind, d.name) for d in holiday_year.days.all()}
    assert days[D(2026, 10, 1)] == (DayKind.HOLIDAY, "国庆节")
    assert days[D(2026, 10, 10)] == (DayKind.MAKEUP_WORKDAY, "国庆节")
    assert days[D(2026, 2, 14)] == (DayKind.MAKEUP_WORKDAY, "春节")
    assert D(2026, 10, 9) not in days


def test_copying_a_year_chinesecalendar_does_not_know_is_refused(sysadmin):
    with pytest.raises(ServiceError, match="系统内置数据中没有2027年的安排"):
        services.holiday_year_create(actor=sysadmin, year=2027, copy_package=True)
    assert not HolidayYear.objects.exists()


def test_a_year_far_out_of_range_is_refused(sysadmin):
    with pytest.raises(ServiceError, match="年份应在2000至2100之间"):
        services.holiday_year_create(actor=sysadmin, year=1999)


def test_holiday_year_meta_update_is_audited_and_versioned(sysadmin, year_2027):
    services.holiday_year_update(
        actor=sysadmin, holiday_year=year_2027, document_no="国办发明电〔2026〕8号", version=year_2027.version
    )
    event = AuditEvent.objects.get(action="calendar.holiday_year.update")
    assert event.before == {"document_no": "国办发明电〔2026〕7号", "version": 1}
    with pytest.raises(ConflictError):
        services.holiday_year_update(actor=sysadmin, holiday_year=year_2027, document_no="x", version=1)
