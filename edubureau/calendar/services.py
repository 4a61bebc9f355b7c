"""Writes on the calendar: school years, semesters and each year's holiday arrangement.

Keyword-only, atomic, validated (Chinese messages), audited in the same transaction. The calendar is
county-wide configuration: only holders of "calendar.manage" change it. Entered days are configuration,
not ledger records, so a wrongly entered day may be removed; the removal is audited with its before state.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from edubureau.accounts import scope
from edubureau.audit import services as audit
from edubureau.common.errors import NotFoundError, ServiceError

from .choices import DayKind, Term
from .models import WEEKDAY_NAMES, CalendarDay, HolidayYear, SchoolYear, Semester, cn_date
from .workdays import package_covers, package_holiday_name

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_RANGE_DAYS = 31  # one row of the entry form covers at most this many days
NAME_MAX = 30


def can_manage(user):
    """The calendar is county-wide: "calendar.manage" must be held on a root unit, not on one school."""
    return user is not None and scope.user_has_root_perm(user, "calendar.manage")


def _require_manage(actor):
    if not can_manage(actor):
        raise NotFoundError("未找到该页面，或您无权维护校历。")


def _fmt(day):
    return cn_date(day)


# --- school years ----------------------------------------------------------------------------------


def _validate_school_year(*, name, start, end, exclude_pk=None):
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写学年名称。", field="name")
    if len(name) > 40:
        raise ServiceError("学年名称不能超过40个字。", field="name")
    if start is None:
        raise ServiceError("请填写开始日期。", field="start")
    if end is None:
        raise ServiceError("请填写结束日期。", field="end")
    if end <= start:
        raise ServiceError("结束日期必须晚于开始日期。", field="end")
    if (end - start).days > 400:
        raise ServiceError("一个学年不能超过400天，请检查起止日期。", field="end")
    others = SchoolYear.objects.exclude(pk=exclude_pk)
    if others.filter(name=name).exists():
        raise ServiceError(f"学年“{name}”已存在。", field="name")
    overlap = others.filter(start__lte=end, end__gte=start).order_by("start").first()
    if overlap:
        raise ServiceError(
            f"与{overlap.name}（{_fmt(overlap.start)}至{_fmt(overlap.end)}）的日期重叠。", field="start"
        )
    return name


@transaction.atomic
def school_year_create(*, actor, name, start, end, channel=None):
    """Add a school year. Names are unique; school years never overlap."""
    _require_manage(actor)
    name = _validate_school_year(name=name, start=start, end=end)
    try:
        with transaction.atomic():
            school_year = SchoolYear.objects.create(name=name, start=start, end=end)
    except IntegrityError:
        raise ServiceError(f"学年“{name}”已存在。", field="name") from None
    audit.record(actor=actor, action="calendar.school_year.create", obj=school_year, channel=channel)
    return school_year


@transaction.atomic
def school_year_update(*, actor, school_year, name, start, end, version=None, channel=None):
    """Change a school year's name or dates; its semesters must still lie within it."""
    _require_manage(actor)
    school_year = SchoolYear.objects.select_for_update().get(pk=school_year.pk)
    school_year.check_version(version)
    name = _validate_school_year(name=name, start=start, end=end, exclude_pk=school_year.pk)
    outside = school_year.semesters.filter(Q(start__lt=start) | Q(end__gt=end)).first()
    if outside:
        raise ServiceError(
            f"{outside.get_term_display()}（{_fmt(outside.start)}至{_fmt(outside.end)}）"
            "将不在学年日期范围内，请先调整学期日期。",
            field="start",
        )
    before = audit.snapshot(school_year)
    school_year.name, school_year.start, school_year.end = name, start, end
    school_year.bump_version()
    try:
        with transaction.atomic():
            school_year.save()
    except IntegrityError:
        raise ServiceError(f"学年“{name}”已存在。", field="name") from None
    audit.record(
        actor=actor, action="calendar.school_year.update", obj=school_year, before=before, channel=channel
    )
    return school_year


# --- semesters -------------------------------------------------------------------------------------


def _validate_semester(*, school_year, term, start, end, exclude_pk=None):
    try:
        term = Term(int(term))
    except (TypeError, ValueError):
        raise ServiceError("请选择第一学期或第二学期。", field="term") from None
    if start is None:
        raise ServiceError("请填写开始日期。", field="start")
    if end is None:
        raise ServiceError("请填写结束日期。", field="end")
    if end <= start:
        raise ServiceError("结束日期必须晚于开始日期。", field="end")
    if not (school_year.contains(start) and school_year.contains(end)):
        raise ServiceError(
            f"学期日期必须在{school_year.name}（{_fmt(school_year.start)}至{_fmt(school_year.end)}）之内。",
            field="start" if not school_year.contains(start) else "end",
        )
    others = Semester.objects.filter(school_year=school_year).exclude(pk=exclude_pk)
    if others.filter(term=term).exists():
        raise ServiceError(f"{school_year.name}已有{term.label}。", field="term")
    for other in others:
        if other.start <= end and start <= other.end:
            raise ServiceError(
                f"与{other.get_term_display()}（{_fmt(other.start)}至{_fmt(other.end)}）的日期重叠。",
                field="start",
            )
        if (term == Term.FIRST and other.term == Term.SECOND and start > other.start) or (
            term == Term.SECOND and other.term == Term.FIRST and start < other.start
        ):
            raise ServiceError("第一学期应在第二学期之前。", field="start")
    return term


@transaction.atomic
def semester_create(*, actor, school_year, term, start, end, channel=None):
    """Add a semester to a school year: within the year, one of each term, no overlap."""
    _require_manage(actor)
    school_year = SchoolYear.objects.select_for_update().get(pk=school_year.pk)
    term = _validate_semester(school_year=school_year, term=term, start=start, end=end)
    try:
        with transaction.atomic():
            semester = Semester.objects.create(school_year=school_year, term=term, start=start, end=end)
    except IntegrityError:
        raise ServiceError(f"{school_year.name}已有{term.label}。", field="term") from None
    audit.record(actor=actor, action="calendar.semester.create", obj=semester, channel=channel)
    return semester


@transaction.atomic
def semester_update(*, actor, semester, term, start, end, version=None, channel=None):
    _require_manage(actor)
    semester = Semester.objects.select_for_update().select_related("school_year").get(pk=semester.pk)
    semester.check_version(version)
    term = _validate_semester(
        school_year=semester.school_year, term=term, start=start, end=end, exclude_pk=semester.pk
    )
    before = audit.snapshot(semester)
    semester.term, semester.start, semester.end = term, start, end
    semester.bump_version()
    try:
        with transaction.atomic():
            semester.save()
    except IntegrityError:
        raise ServiceError(f"{semester.school_year.name}已有{term.label}。", field="term") from None
    audit.record(actor=actor, action="calendar.semester.update", obj=semester, before=before, channel=channel)
    return semester


# --- holiday arrangements --------------------------------------------------------------------------


def _validate_year_meta(document_no, note):
    document_no = (document_no or "").strip()
    note = (note or "").strip()
    if len(document_no) > 80:
        raise ServiceError("通知文号不能超过80个字。", field="document_no")
    if len(note) > 300:
        raise ServiceError("备注不能超过300个字。", field="note")
    return document_no, note


def _touch(holiday_year):
    """Mark the year's days as changed: the workday cache key moves on (see workdays.py)."""
    HolidayYear.objects.filter(pk=holiday_year.pk).update(
        days_revision=F("days_revision") + 1, updated_at=timezone.now()
    )
    holiday_year.refresh_from_db(fields=["days_revision", "updated_at"])


def package_days(year):
    """chinesecalendar's holidays and make-up workdays of `year`, as rows for calendar_days_add."""
    import chinese_calendar

    rows = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        workday = chinese_calendar.is_workday(day)
        _on_holiday, english = chinese_calendar.get_holiday_detail(day)
        if english:
            kind = DayKind.MAKEUP_WORKDAY if workday else DayKind.HOLIDAY
            if kind == DayKind.HOLIDAY or day.weekday() >= 5:
                rows.append({"start": day, "end": None, "kind": kind, "name": package_holiday_name(english)})
        day += datetime.timedelta(days=1)
    return rows


@transaction.atomic
def holiday_year_create(*, actor, year, document_no="", note="", copy_package=False, channel=None):
    """Start entering a year's arrangement. From then on the year follows only the entered days.

    With copy_package=True and a year that chinesecalendar knows, its days are copied as a starting point.
    """
    _require_manage(actor)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ServiceError("请填写正确的年份。", field="year") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ServiceError(f"年份应在{MIN_YEAR}至{MAX_YEAR}之间。", field="year")
    document_no, note = _validate_year_meta(document_no, note)
    if HolidayYear.objects.filter(year=year).exists():
        raise ServiceError(f"{year}年的节假日安排已录入，请在原记录中修改。", field="year")
    if copy_package and not package_covers(year):
        raise ServiceError(f"系统内置数据中没有{year}年的安排，无法导入，请逐条录入。", field="copy_package")
    try:
        with transaction.atomic():
            holiday_year = HolidayYear.objects.create(
                year=year, document_no=document_no, note=note, entered_by=actor
            )
    except IntegrityError:
        raise ServiceError(f"{year}年的节假日安排已录入，请在原记录中修改。", field="year") from None
    audit.record(
        actor=actor,
        action="calendar.holiday_year.create",
        obj=holiday_year,
        note="导入系统内置数据" if copy_package else "",
        channel=channel,
    )
    if copy_package:
        calendar_days_add(actor=actor, holiday_year=holiday_year, rows=package_days(year), channel=channel)
        holiday_year.refresh_from_db()
    return holiday_year


@transaction.atomic
def holiday_year_update(*, actor, holiday_year, document_no="", note="", version=None, channel=None):
    """Change the document number or the note of an entered year."""
    _require_manage(actor)
    holiday_year = HolidayYear.objects.select_for_update().get(pk=holiday_year.pk)
    holiday_year.check_version(version)
    document_no, note = _validate_year_meta(document_no, note)
    before = audit.snapshot(holiday_year)
    holiday_year.document_no, holiday_year.note = document_no, note
    holiday_year.bump_version()
    holiday_year.save()
    audit.record(
        actor=actor, action="calendar.holiday_year.update", obj=holiday_year, before=before, channel=channel
    )
    return holiday_year


@transaction.atomic
def holiday_year_delete(*, actor, holiday_year, reason="", channel=None):
    """Remove a year's whole arrangement (its days too): the year falls back to built-in data or Mon–Fri."""
    _require_manage(actor)
    holiday_year = HolidayYear.objects.select_for_update().get(pk=holiday_year.pk)
    before = audit.snapshot(holiday_year)
    before["days"] = [
        {"date": d.isoformat(), "kind": kind, "name": name}
        for d, kind, name in holiday_year.days.order_by("date").values_list("date", "kind", "name")
    ]
    label, pk = str(holiday_year), holiday_year.pk
    holiday_year.days.all().delete()
    holiday_year.delete()
    audit.record(
        actor=actor,
        action="calendar.holiday_year.delete",
        object_type=HolidayYear._meta.label_lower,
        object_id=pk,
        object_label=label,
        before=before,
        after={},
        note=reason.strip()[:500],
        channel=channel,
    )


def _row_dates(index, row, year):
    """The dates one entry row covers, or a Chinese error naming the row."""
    start, end = row.get("start"), row.get("end") or None
    prefix = f"第{index}行："
    if start is None:
        raise ServiceError(prefix + "请填写日期。")
    if end is None:
        end = start
    if end < start:
        raise ServiceError(prefix + "结束日期不能早于开始日期。")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ServiceError(prefix + f"一行最多录入{MAX_RANGE_DAYS}天，请分行录入。")
    for day in (start, end):
        if day.year != year:
            raise ServiceError(prefix + f"{_fmt(day)}不在{year}年内。跨年的日期请在对应年份的安排中录入。")
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def _validate_rows(holiday_year, rows):
    """All rows checked before anything is written: [(date, kind, name)] or a ServiceError."""
    existing = {d: (kind, name) for d, kind, name in holiday_year.days.values_list("date", "kind", "name")}
    errors, details, planned, seen = [], {}, [], {}
    for position, row in enumerate(rows):
        index = row.get("line") or position + 1  # the row number the user sees
        try:
            kind = row.get("kind")
            if kind not in DayKind.values:
                raise ServiceError(f"第{index}行：请选择类型（放假或调休上班）。")
            name = (row.get("name") or "").strip()
            if not name:
                raise ServiceError(f"第{index}行：请填写节日名称，如“春节”。")
            if len(name) > NAME_MAX:
                raise ServiceError(f"第{index}行：节日名称不能超过{NAME_MAX}个字。")
            for day in _row_dates(index, row, holiday_year.year):
                if day in existing:
                    old_kind, old_name = existing[day]
                    raise ServiceError(
                        f"第{index}行：{_fmt(day)}已录入（{old_name}，{DayKind(old_kind).label}），"
                        "请勿重复录入；如需更改，请先删除原记录。"
                    )
                if day in seen:
                    raise ServiceError(f"第{index}行：{_fmt(day)}与第{seen[day]}行重复。")
                if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
                    raise ServiceError(
                        f"第{index}行：{_fmt(day)}是{WEEKDAY_NAMES[day.weekday()]}，本来就是工作日，"
                        "不能设为调休上班日。"
                    )
                seen[day] = index
                planned.append((day, kind, name))
        except ServiceError as exc:
            errors.append(exc.message)
            details.setdefault(f"rows.{position}", []).append(exc.message)
    if errors:
        raise ServiceError("；".join(errors), details=details)
    if not planned:
        raise ServiceError("请至少填写一行。")
    return planned


@transaction.atomic
def calendar_days_add(*, actor, holiday_year, rows, channel=None):
    """Enter holidays and make-up workdays: rows of {start, end (optional), kind, name, line (optional)}.

    Every row is validated before anything is written (all rows or none). A range start..end puts
    every date in it; holidays may fall on any day (a holiday span covers its weekend), make-up
    workdays only on Saturday or Sunday. `line` is the row number shown in messages (default: position).
    An error names every bad row; its details map "rows.<position>" to that row's messages.
    """
    _require_manage(actor)
    holiday_year = HolidayYear.objects.select_for_update().get(pk=holiday_year.pk)
    planned = _validate_rows(holiday_year, rows)
    clash = CalendarDay.objects.filter(date__in=[d for d, _k, _n in planned]).first()
    if clash:
        raise ServiceError(f"{_fmt(clash.date)}已录入（{clash.name}），请勿重复录入。")
    created = CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=k, name=n, holiday_year=holiday_year) for d, k, n in planned]
    )
    for day in created:
        audit.record(actor=actor, action="calendar.day.create", obj=day, channel=channel)
    _touch(holiday_year)
    return created


@transaction.atomic
def calendar_day_delete(*, actor, day, reason="", channel=None):
    """Remove a wrongly entered day. Allowed (calendar configuration), audited with the before state."""
    _require_manage(actor)
    try:
        day = CalendarDay.objects.select_for_update().select_related("holiday_year").get(pk=day.pk)
    except CalendarDay.DoesNotExist:
        raise NotFoundError("该日期已被删除。") from None
    before = audit.snapshot(day)
    label, pk, holiday_year = str(day), day.pk, day.holiday_year
    day.delete()
    audit.record(
        actor=actor,
        action="calendar.day.delete",
        object_type=CalendarDay._meta.label_lower,
        object_id=pk,
        object_label=label,
        before=before,
        after={},
        note=reason.strip()[:500],
        channel=channel,
    )
    _touch(holiday_year)
    return holiday_year
