"""Workdays (工作日) across statutory holidays and 调休 make-up workdays; deadlines "within N workdays".

Where a year's days come from (its *basis*), in this order:

1. ``entered``  — a bureau admin has entered the year's arrangement (a HolidayYear row). The year then
   follows ONLY the entered days: Monday–Friday are workdays, Saturday and Sunday are not, except
   entered holidays (not workdays) and entered make-up workdays (workdays). chinesecalendar is not
   consulted for that year, even when it knows it: what the bureau entered wins.
2. ``package``  — chinesecalendar knows the year (it raises NotImplementedError outside the years it
   ships, 2004–2026 in 1.11.0): ``chinese_calendar.is_workday`` decides.
3. ``weekdays`` — neither: Monday–Friday are workdays and the result says it is a fallback.

Conventions (the same in every function here):

- ``next_workday(d)`` is the first workday strictly after ``d``.
- ``add_workdays(start, n)`` with n > 0 is the n-th workday strictly after ``start``: the start day itself
  is never counted, so ``add_workdays(d, 1) == next_workday(d)``. "Within 5 workdays of Monday
  2026-03-02" ends on Monday 2026-03-09.
  With n == 0 it is ``start`` when ``start`` is a workday, else the next workday (a deadline "on the
  day" that falls on a holiday moves to the next workday). With n < 0 it is the |n|-th workday strictly
  before ``start`` (for reminders "3 workdays before").
- ``workdays_between(a, b)`` counts the workdays d with a < d <= b (negative when b < a), so that
  ``workdays_between(a, add_workdays(a, n)) == n`` for every n >= 1.

Efficiency: one ``WorkdayCalendar`` reads which years were entered with ONE small query (the HolidayYear
table) the first time it needs it; a year's entered days are loaded with one query and kept in a
per-process cache keyed by the HolidayYear's (id, version, days_revision, updated_at), which every write
in services.py changes. So a call costs one query in the steady state and two after a change, however
many days it walks. Code that computes many deadlines (a list page) should make one
``WorkdayCalendar()`` and use its methods, so the whole page costs one query; the module-level
functions make a fresh one per call (always current, one query each).
"""

import datetime
import threading
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar.constants import Holiday

from .choices import Basis, DayKind
from .models import CalendarDay, HolidayYear, cn_date, cn_date_weekday

ONE_DAY = datetime.timedelta(days=1)
MAX_WORKDAYS = 3660  # refuse absurd counts rather than walk for ever
_SEARCH_LIMIT = 800  # days searched for the next workday before giving up

# Kinds of day shown to users. Holidays and make-up workdays use the DayKind values.
WORKDAY = "workday"
WEEKEND = "weekend"
HOLIDAY = DayKind.HOLIDAY.value
MAKEUP_WORKDAY = DayKind.MAKEUP_WORKDAY.value

_CN_HOLIDAY_NAMES = {
    Holiday.new_years_day.value: "元旦",
    Holiday.spring_festival.value: "春节",
    Holiday.tomb_sweeping_day.value: "清明节",
    Holiday.labour_day.value: "劳动节",
    Holiday.dragon_boat_festival.value: "端午节",
    Holiday.national_day.value: "国庆节",
    Holiday.mid_autumn_festival.value: "中秋节",
}

# Per-process caches. Keys are checked on every use, so a stale entry is never served.
_package_years: dict[int, bool] = {}
_entered_days_cache: dict[int, tuple[tuple, dict]] = {}
_cache_lock = threading.Lock()


def clear_cache():
    """Forget every cached year (tests; never needed for correctness)."""
    with _cache_lock:
        _entered_days_cache.clear()
        _package_years.clear()


def package_covers(year):
    """Does chinesecalendar ship this year's arrangement?"""
    known = _package_years.get(year)
    if known is None:
        try:
            chinese_calendar.is_workday(datetime.date(year, 1, 1))
            known = True
        except NotImplementedError:
            known = False
        _package_years[year] = known
    return known


def package_year_range():
    """(first, last) year that chinesecalendar ships data for."""
    years = {day.year for day in chinese_calendar.holidays}
    return min(years), max(years)


def package_holiday_name(english):
    """The Chinese name of one of chinesecalendar's holidays."""
    if not english:
        return ""
    if english in _CN_HOLIDAY_NAMES:
        return _CN_HOLIDAY_NAMES[english]
    try:
        return Holiday(english).chinese
    except ValueError:
        return english


def missing_arrangement_notice(year):
    """The plain notice for a year whose days are counted Monday–Friday."""
    return (
        f"{year}年的节假日安排尚未录入，截止日期暂按周一至周五计算；"
        "国务院办公厅公布安排后，请系统管理员及时录入。"
    )


def basis_note(year, basis, document_no=""):
    """One sentence on how a year's workdays are counted."""
    if basis == Basis.ENTERED:
        doc = f"（{document_no}）" if document_no else ""
        return f"{year}年按系统管理员录入的节假日安排{doc}计算。"
    if basis == Basis.PACKAGE:
        return f"{year}年按系统内置的国务院办公厅节假日安排计算。"
    return f"{year}年的节假日安排尚未录入，暂按周一至周五计算，未扣除法定节假日和调休。"


@dataclass(frozen=True)
class DayInfo:
    """What one date is: workday or not, which kind, the holiday's name, and where that came from."""

    date: datetime.date
    is_workday: bool
    kind: str  # WORKDAY, WEEKEND, HOLIDAY or MAKEUP_WORKDAY
    name: str
    basis: str

    @property
    def is_weekend(self):
        return self.date.weekday() >= 5

    @property
    def kind_label(self):
        return {
            WORKDAY: "工作日",
            WEEKEND: "周末",
            HOLIDAY: "放假",
            MAKEUP_WORKDAY: "调休上班",
        }[self.kind]


@dataclass(frozen=True)
class Deadline:
    """The result of deadline_after: the date, the basis it rests on and a Chinese explanation.

    `basis` is the least certain basis among the years the count went through (weekdays before package
    before entered); `years` lists each year with its own basis.
    """

    date: datetime.date
    start: datetime.date
    workdays: int
    basis: str
    explanation: str
    years: tuple  # ((year, basis), ...)

    @property
    def basis_label(self):
        return Basis(self.basis).label

    @property
    def is_fallback(self):
        return self.basis == Basis.WEEKDAYS


@dataclass(frozen=True)
class HolidayRun:
    """Consecutive days of one kind and name, for listing a year's arrangement."""

    name: str
    kind: str
    first: datetime.date
    last: datetime.date
    count: int

    @property
    def kind_label(self):
        return DayKind(self.kind).label


def _package_kind(workday, weekend, named):
    if workday:
        return MAKEUP_WORKDAY if weekend else WORKDAY
    return HOLIDAY if named else WEEKEND


_BASIS_RANK = {Basis.WEEKDAYS: 0, Basis.PACKAGE: 1, Basis.ENTERED: 2}


class WorkdayCalendar:
    """A consistent view of the calendar for one request or one operation (see the module docstring)."""

    def __init__(self):
        self._entered_years = None  # {year: (cache key, document_no)}
        self._days = {}  # {year: {date: (kind, name)}} for entered years, loaded on demand

    # --- where each year comes from -------------------------------------------------------------

    def _entered(self):
        if self._entered_years is None:
            rows = HolidayYear.objects.values_list(
                "year", "pk", "version", "days_revision", "updated_at", "document_no"
            )
            self._entered_years = {
                year: ((pk, version, revision, updated), doc)
                for year, pk, version, revision, updated, doc in rows
            }
        return self._entered_years

    def basis(self, year):
        if year in self._entered():
            return Basis.ENTERED
        if package_covers(year):
            return Basis.PACKAGE
        return Basis.WEEKDAYS

    def document_no(self, year):
        entry = self._entered().get(year)
        return entry[1] if entry else ""

    def entered_days(self, year):
        """{date: (kind, name)} of an entered year (empty for other years)."""
        days = self._days.get(year)
        if days is not None:
            return days
        entry = self._entered().get(year)
        if entry is None:
            days = {}
        else:
            key = entry[0]
            cached = _entered_days_cache.get(year)
            if cached is not None and cached[0] == key:
                days = cached[1]
            else:
                rows = CalendarDay.objects.filter(holiday_year__year=year).values_list("date", "kind", "name")
                days = {d: (kind, name) for d, kind, name in rows}
                with _cache_lock:
                    _entered_days_cache[year] = (key, days)
        self._days[year] = days
        return days

    # --- single days ----------------------------------------------------------------------------

    def day_info(self, day):
        basis = self.basis(day.year)
        weekend = day.weekday() >= 5
        if basis == Basis.ENTERED:
            entry = self.entered_days(day.year).get(day)
            if entry is not None:
                kind, name = entry
                return DayInfo(day, kind == MAKEUP_WORKDAY, kind, name, basis)
        elif basis == Basis.PACKAGE:
            workday = chinese_calendar.is_workday(day)
            _on_holiday, english = chinese_calendar.get_holiday_detail(day)
            name = package_holiday_name(english)
            kind = _package_kind(workday, weekend, bool(name))
            return DayInfo(day, workday, kind, name if kind in (HOLIDAY, MAKEUP_WORKDAY) else "", basis)
        return DayInfo(day, not weekend, WEEKEND if weekend else WORKDAY, "", basis)

    def is_workday(self, day):
        basis = self.basis(day.year)
        if basis == Basis.ENTERED:
            entry = self.entered_days(day.year).get(day)
            if entry is not None:
                return entry[0] == MAKEUP_WORKDAY
            return day.weekday() < 5
        if basis == Basis.PACKAGE:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    # --- counting -------------------------------------------------------------------------------

    def next_workday(self, day):
        """The first workday strictly after `day`."""
        for _ in range(_SEARCH_LIMIT):
            day += ONE_DAY
            if self.is_workday(day):
                return day
        raise ValueError(f"no workday within {_SEARCH_LIMIT} days after {day}")

    def previous_workday(self, day):
        """The last workday strictly before `day`."""
        for _ in range(_SEARCH_LIMIT):
            day -= ONE_DAY
            if self.is_workday(day):
                return day
        raise ValueError(f"no workday within {_SEARCH_LIMIT} days before {day}")

    def add_workdays(self, start, n):
        """The n-th workday after `start` (start not counted); n=0: start if a workday, else the next."""
        n = int(n)
        if abs(n) > MAX_WORKDAYS:
            raise ValueError(f"at most {MAX_WORKDAYS} workdays")
        if n == 0:
            return start if self.is_workday(start) else self.next_workday(start)
        day = start
        for _ in range(abs(n)):
            day = self.next_workday(day) if n > 0 else self.previous_workday(day)
        return day

    def workdays_between(self, a, b):
        """The number of workdays d with a < d <= b; negative when b is before a."""
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        day = a + ONE_DAY
        while day <= b:
            if self.is_workday(day):
                count += 1
            day += ONE_DAY
        return count

    def deadline_after(self, start, n):
        """add_workdays with the basis it rests on and a Chinese explanation (a Deadline)."""
        n = int(n)
        result = self.add_workdays(start, n)
        first, last = sorted((start, result))
        years = tuple((year, self.basis(year)) for year in range(first.year, last.year + 1))
        weakest = min((basis for _year, basis in years), key=_BASIS_RANK.__getitem__)
        if n == 0:
            if result == start:
                head = f"{cn_date_weekday(start)}是工作日，截止日期即为当日。"
            else:
                head = f"{cn_date_weekday(start)}不是工作日，顺延至{cn_date_weekday(result)}。"
        elif n > 0:
            head = f"自{cn_date(start)}起（不含当日）第{n}个工作日为{cn_date_weekday(result)}。"
        else:
            head = f"{cn_date(start)}之前（不含当日）第{-n}个工作日为{cn_date_weekday(result)}。"
        notes = "".join(basis_note(year, basis, self.document_no(year)) for year, basis in years)
        return Deadline(
            date=result, start=start, workdays=n, basis=weakest, explanation=head + notes, years=years
        )

    # --- listing --------------------------------------------------------------------------------

    def days_in_range(self, first, last):
        """DayInfo for every date from first to last inclusive."""
        days = []
        day = first
        while day <= last:
            days.append(self.day_info(day))
            day += ONE_DAY
        return days

    def year_runs(self, year):
        """The year's holidays and make-up workdays as runs of consecutive days of one kind and name."""
        if self.basis(year) == Basis.ENTERED:
            items = sorted(self.entered_days(year).items())
            marked = [(day, kind, name) for day, (kind, name) in items]
        elif self.basis(year) == Basis.PACKAGE:
            marked = [
                (info.date, info.kind, info.name)
                for info in self.days_in_range(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
                if info.kind in (HOLIDAY, MAKEUP_WORKDAY)
            ]
        else:
            marked = []
        runs = []
        for day, kind, name in marked:
            last = runs[-1] if runs else None
            if last and last.kind == kind and last.name == name and last.last + ONE_DAY == day:
                runs[-1] = HolidayRun(name, kind, last.first, day, last.count + 1)
            else:
                runs.append(HolidayRun(name, kind, day, day, 1))
        return runs


# --- module-level shortcuts: each call sees the current calendar ------------------------------------


def is_workday(day):
    return WorkdayCalendar().is_workday(day)


def day_info(day):
    return WorkdayCalendar().day_info(day)


def next_workday(day):
    return WorkdayCalendar().next_workday(day)


def add_workdays(start, n):
    return WorkdayCalendar().add_workdays(start, n)


def workdays_between(a, b):
    return WorkdayCalendar().workdays_between(a, b)


def deadline_after(start, n):
    return WorkdayCalendar().deadline_after(start, n)


def year_basis(year):
    return WorkdayCalendar().basis(year)
