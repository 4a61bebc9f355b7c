"""Workday maths. Expected dates come from chinesecalendar 1.11.0's 2026 data (checked before writing):
国庆 2026: Thu 1 Oct – Wed 7 Oct off, make-up workdays Sun 20 Sep and Sat 10 Oct;
春节 2026: Sun 15 Feb – Mon 23 Feb off, make-up workdays Sat 14 Feb and Sat 28 Feb."""

import datetime

import pytest

from edubureau.calendar import services, workdays
from edubureau.calendar.choices import Basis, DayKind
from edubureau.calendar.workdays import WorkdayCalendar

D = datetime.date


# --- chinesecalendar's data (2026) -------------------------------------------------------------------


@pytest.mark.django_db
def test_national_day_2026_holidays_are_not_workdays():
    for day in range(1, 8):
        assert workdays.is_workday(D(2026, 10, day)) is False


@pytest.mark.django_db
def test_make_up_saturday_after_national_day_2026_counts_as_a_workday():
    assert workdays.is_workday(D(2026, 10, 10)) is True
    info = workdays.day_info(D(2026, 10, 10))
    assert (info.kind, info.name, info.basis) == (DayKind.MAKEUP_WORKDAY, "国庆节", Basis.PACKAGE)


@pytest.mark.django_db
def test_make_up_sunday_before_national_day_2026_counts_as_a_workday():
    assert workdays.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert workdays.add_workdays(D(2026, 9, 18), 2) == D(2026, 9, 21)


@pytest.mark.django_db
def test_add_workdays_across_national_day_skips_the_holiday_and_counts_the_make_up_saturday():
    assert workdays.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert workdays.add_workdays(D(2026, 9, 30), 2) == D(2026, 10, 9)
    assert workdays.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert workdays.add_workdays(D(2026, 9, 30), 4) == D(2026, 10, 12)


@pytest.mark.django_db
def test_add_workdays_over_the_spring_festival_2026():
    start = D(2026, 2, 13)  # Friday before the holiday
    assert workdays.add_workdays(start, 1) == D(2026, 2, 14)  # make-up Saturday
    assert workdays.add_workdays(start, 2) == D(2026, 2, 24)  # 15–23 Feb off
    assert workdays.add_workdays(start, 5) == D(2026, 2, 27)
    assert workdays.add_workdays(start, 6) == D(2026, 2, 28)  # make-up Saturday


@pytest.mark.django_db
def test_start_day_is_not_counted_and_n_zero_moves_a_holiday_to_the_next_workday():
    assert workdays.add_workdays(D(2026, 10, 9), 0) == D(2026, 10, 9)
    assert workdays.add_workdays(D(2026, 10, 1), 0) == D(2026, 10, 8)
    assert workdays.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert workdays.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)


@pytest.mark.django_db
def test_negative_n_counts_back_before_the_start():
    assert workdays.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert workdays.add_workdays(D(2026, 10, 12), -2) == D(2026, 10, 9)


@pytest.mark.django_db
def test_workdays_between_counts_after_a_up_to_and_including_b():
    assert workdays.workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert workdays.workdays_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
    assert workdays.workdays_between(D(2026, 10, 1), D(2026, 10, 1)) == 0
    cal = WorkdayCalendar()
    for n in (1, 5, 17, 40):
        assert cal.workdays_between(D(2026, 9, 15), cal.add_workdays(D(2026, 9, 15), n)) == n


@pytest.mark.django_db
def test_deadline_after_with_package_data_names_its_basis():
    deadline = workdays.deadline_after(D(2026, 9, 30), 3)
    assert deadline.date == D(2026, 10, 10)
    assert deadline.basis == Basis.PACKAGE
    assert "2026年10月10日（星期六）" in deadline.explanation
    assert "系统内置" in deadline.explanation


@pytest.mark.django_db
def test_absurd_counts_are_refused():
    with pytest.raises(ValueError):
        workdays.add_workdays(D(2026, 1, 5), workdays.MAX_WORKDAYS + 1)


# --- a year nobody knows: Monday–Friday --------------------------------------------------------------


@pytest.mark.django_db
def test_2027_with_nothing_entered_falls_back_to_monday_to_friday():
    assert workdays.package_covers(2027) is False
    assert workdays.year_basis(2027) == Basis.WEEKDAYS
    deadline = workdays.deadline_after(D(2027, 2, 5), 5)  # Friday
    assert deadline.date == D(2027, 2, 12)
    assert deadline.basis == Basis.WEEKDAYS
    assert deadline.is_fallback
    assert "2027年的节假日安排尚未录入，暂按周一至周五计算" in deadline.explanation


@pytest.mark.django_db
def test_a_count_from_2026_into_an_unknown_2027_reports_the_weaker_basis():
    deadline = workdays.deadline_after(D(2026, 12, 25), 10)
    assert deadline.date == D(2027, 1, 8)
    assert deadline.basis == Basis.WEEKDAYS
    assert deadline.years == ((2026, Basis.PACKAGE), (2027, Basis.WEEKDAYS))


# --- entered arrangements ----------------------------------------------------------------------------


def test_entered_2027_days_take_precedence(entered_2027):
    assert workdays.is_workday(D(2027, 2, 8)) is False  # Monday of 春节
    assert workdays.is_workday(D(2027, 2, 14)) is True  # make-up Sunday
    assert workdays.add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 14)
    assert workdays.add_workdays(D(2027, 2, 5), 2) == D(2027, 2, 15)
    assert workdays.add_workdays(D(2027, 1, 29), 1) == D(2027, 1, 31)  # make-up Sunday


def test_deadline_in_an_entered_year_cites_the_document(entered_2027):
    deadline = workdays.deadline_after(D(2027, 2, 5), 2)
    assert deadline.date == D(2027, 2, 15)
    assert deadline.basis == Basis.ENTERED
    assert "国办发明电〔2026〕7号" in deadline.explanation


def test_an_entered_year_overrides_chinesecalendars_data(sysadmin):
    holiday_year = services.holiday_year_create(actor=sysadmin, year=2026, note="测试")
    services.calendar_days_add(
        actor=sysadmin,
        holiday_year=holiday_year,
        rows=[{"start": D(2026, 3, 2), "kind": DayKind.HOLIDAY, "name": "测试假日"}],
    )
    assert workdays.year_basis(2026) == Basis.ENTERED
    assert workdays.is_workday(D(2026, 3, 2)) is False  # entered holiday on a Monday
    assert workdays.is_workday(D(2026, 10, 1)) is True  # chinesecalendar's National Day no longer applies
    assert workdays.is_workday(D(2026, 10, 10)) is False  # nor its make-up Saturday
    assert workdays.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 1)


def test_an_entered_year_with_no_days_yet_counts_monday_to_friday(sysadmin):
    services.holiday_year_create(actor=sysadmin, year=2027)
    assert workdays.year_basis(2027) == Basis.ENTERED
    assert workdays.add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 8)


def test_removing_an_entered_day_changes_the_result_at_once(sysadmin, entered_2027):
    assert workdays.is_workday(D(2027, 2, 8)) is False
    day = entered_2027.days.get(date=D(2027, 2, 8))
    services.calendar_day_delete(actor=sysadmin, day=day)
    assert workdays.is_workday(D(2027, 2, 8)) is True


def test_adding_days_changes_a_cached_year(sysadmin, entered_2027):
    assert workdays.is_workday(D(2027, 10, 1)) is True
    services.calendar_days_add(
        actor=sysadmin,
        holiday_year=entered_2027,
        rows=[{"start": D(2027, 10, 1), "end": D(2027, 10, 7), "kind": DayKind.HOLIDAY, "name": "国庆节"}],
    )
    assert workdays.is_workday(D(2027, 10, 1)) is False


def test_deleting_the_whole_arrangement_falls_back_again(sysadmin, entered_2027):
    assert workdays.year_basis(2027) == Basis.ENTERED
    services.holiday_year_delete(actor=sysadmin, holiday_year=entered_2027)
    assert workdays.year_basis(2027) == Basis.WEEKDAYS
    assert workdays.is_workday(D(2027, 2, 8)) is True


# --- queries -----------------------------------------------------------------------------------------


def test_add_workdays_over_60_days_of_an_entered_year_costs_two_queries_then_one(
    entered_2027, django_assert_num_queries
):
    workdays.clear_cache()
    with django_assert_num_queries(2):  # which years are entered + that year's days
        first = workdays.add_workdays(D(2027, 1, 4), 60)
    with django_assert_num_queries(1):  # the days come from the process cache
        assert workdays.add_workdays(D(2027, 1, 4), 60) == first


@pytest.mark.django_db
def test_add_workdays_over_a_package_year_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        workdays.add_workdays(D(2026, 1, 5), 120)


def test_one_calendar_object_serves_many_deadlines_with_a_fixed_number_of_queries(
    entered_2027, django_assert_num_queries
):
    cal = WorkdayCalendar()
    with django_assert_num_queries(2):
        for day in range(1, 29):
            cal.deadline_after(D(2027, 2, day), 10)
            cal.deadline_after(D(2026, 9, day), 10)


# --- listing -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_year_runs_group_consecutive_days_of_chinesecalendars_year():
    runs = WorkdayCalendar().year_runs(2026)
    national = [r for r in runs if r.name == "国庆节"]
    assert [(r.kind, r.first, r.last, r.count) for r in national] == [
        (DayKind.MAKEUP_WORKDAY, D(2026, 9, 20), D(2026, 9, 20), 1),
        (DayKind.HOLIDAY, D(2026, 10, 1), D(2026, 10, 7), 7),
        (DayKind.MAKEUP_WORKDAY, D(2026, 10, 10), D(2026, 10, 10), 1),
    ]


def test_year_runs_of_an_entered_year(entered_2027):
    runs = WorkdayCalendar().year_runs(2027)
    assert [(r.kind, r.first, r.count) for r in runs] == [
        (DayKind.MAKEUP_WORKDAY, D(2027, 1, 31), 1),
        (DayKind.HOLIDAY, D(2027, 2, 6), 8),
        (DayKind.MAKEUP_WORKDAY, D(2027, 2, 14), 1),
    ]
