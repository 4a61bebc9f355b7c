"""Reads for the calendar pages. The calendar is county-wide: every signed-in user may read it."""

import calendar as pycalendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from .choices import Basis, DayKind
from .models import CalendarDay, HolidayYear, SchoolYear, Semester
from .workdays import WorkdayCalendar, missing_arrangement_notice

MIN_MONTH_YEAR = 1900
MAX_MONTH_YEAR = 2200


def parse_month(value, today):
    """'2026-10' -> (2026, 10); anything unreadable or out of range -> today's month."""
    try:
        year_s, month_s = (value or "").strip().split("-", 1)
        year, month = int(year_s), int(month_s)
        if MIN_MONTH_YEAR <= year <= MAX_MONTH_YEAR and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def _shift_month(year, month, delta):
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Cell:
    info: object  # workdays.DayInfo
    in_month: bool
    is_today: bool
    semester_week: int | None

    @property
    def date(self):
        return self.info.date


def current_term(today):
    """The school year and semester containing `today` (or the next semester during a break)."""
    school_year = (
        SchoolYear.objects.filter(start__lte=today, end__gte=today)
        .prefetch_related(Prefetch("semesters", queryset=Semester.objects.order_by("start")))
        .first()
    )
    semester = next_semester = None
    week = None
    if school_year is not None:
        for s in school_year.semesters.all():
            if s.contains(today):
                semester = s
            elif s.start > today and next_semester is None:
                next_semester = s
        if semester is not None:
            week = semester.week_of(today)
    return {"school_year": school_year, "semester": semester, "next_semester": next_semester, "week": week}


def month_view(*, year, month, today, cal=None):
    """Everything the month grid needs: weeks of cells (Monday first), teaching weeks, the year's basis."""
    cal = cal or WorkdayCalendar()
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, pycalendar.monthrange(year, month)[1])
    grid_first = first - datetime.timedelta(days=first.weekday())
    grid_last = last + datetime.timedelta(days=6 - last.weekday())
    semesters = list(Semester.objects.filter(start__lte=grid_last, end__gte=grid_first))
    weeks, row = [], []
    for info in cal.days_in_range(grid_first, grid_last):
        semester = next((s for s in semesters if s.contains(info.date)), None)
        week = semester.week_of(info.date) if semester is not None else None
        row.append(
            Cell(
                info=info, in_month=info.date.month == month, is_today=info.date == today, semester_week=week
            )
        )
        if len(row) == 7:
            teaching = next((c.semester_week for c in row if c.semester_week is not None), None)
            weeks.append({"cells": row, "teaching_week": teaching})
            row = []
    basis = cal.basis(year)
    runs = cal.year_runs(year)
    prev_year, prev_month = _shift_month(year, month, -1)
    next_year, next_month = _shift_month(year, month, 1)
    month_runs = [r for r in runs if r.first <= last and r.last >= first]
    return {
        "year": year,
        "month": month,
        "month_value": f"{year:04d}-{month:02d}",
        "weeks": weeks,
        "basis": basis,
        "basis_label": Basis(basis).label,
        "document_no": cal.document_no(year),
        "notice": missing_arrangement_notice(year) if basis == Basis.WEEKDAYS else "",
        "entered_but_empty": basis == Basis.ENTERED and not runs,
        "runs": runs,
        "month_runs": month_runs,
        "has_teaching_weeks": any(w["teaching_week"] for w in weeks),
        "workday_count": sum(1 for w in weeks for c in w["cells"] if c.in_month and c.info.is_workday),
        "prev": f"{prev_year:04d}-{prev_month:02d}" if prev_year >= MIN_MONTH_YEAR else "",
        "next": f"{next_year:04d}-{next_month:02d}" if next_year <= MAX_MONTH_YEAR else "",
    }


def school_years():
    """School years, newest first, with their semesters."""
    return SchoolYear.objects.prefetch_related(
        Prefetch("semesters", queryset=Semester.objects.order_by("start"))
    ).order_by("-start")


def holiday_years():
    """Entered arrangements, newest first, with counts of their holidays and make-up workdays."""
    return (
        HolidayYear.objects.select_related("entered_by")
        .annotate(
            holiday_count=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
            makeup_count=Count("days", filter=Q(days__kind=DayKind.MAKEUP_WORKDAY)),
        )
        .order_by("-year")
    )


def holiday_year_days(holiday_year):
    return CalendarDay.objects.filter(holiday_year=holiday_year).order_by("date")
