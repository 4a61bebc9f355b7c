"""Writes on incidents: keyword-only, atomic, validated, audited, scoped. Views, the API and the demo
call these; nothing else writes incidents or reports.

`now` is the moment of the write (default: the clock). Views and the API never pass it; the demo
passes historical times to build a year of records, tests pass it to check the time limits.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from edubureau.accounts import scope
from edubureau.accounts.models import phone_validator
from edubureau.audit import services as audit
from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.org.choices import SCHOOL_KINDS, UnitStatus

from .choices import IncidentCategory, IncidentLevel, ReportKind
from .models import MAX_LOSS, MAX_PEOPLE, Incident, IncidentReport, IncidentTimeLimit

REPORT = "incidents.report"
MANAGE = "incidents.manage"
CONFIG = "incidents.config"

EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
CLOCK_SKEW = datetime.timedelta(minutes=5)  # a phone's clock a little ahead is not "the future"


# --- checks -----------------------------------------------------------------------------------------


def _require(actor, perm, unit, message="未找到该学校，或您无权为该学校报送事件。"):
    if unit is None or not scope.user_can(actor, perm, unit):
        raise NotFoundError(message)


def can_configure(user):
    """The time limits are county-wide: incidents.config must be held on a root unit."""
    return user is not None and scope.user_has_root_perm(user, CONFIG)


def _text(value, *, field, label, max_length, required=True):
    value = (value or "").strip() if isinstance(value, str | type(None)) else None
    if value is None:
        raise ServiceError(f"{label}应为文字。", field=field)
    if required and not value:
        raise ServiceError(f"请填写{label}。", field=field)
    if len(value) > max_length:
        raise ServiceError(f"{label}不能超过{max_length}个字。", field=field)
    if "\x00" in value:
        raise ServiceError(f"{label}含有非法字符。", field=field)
    return value


def _count(value, *, field, label):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except (TypeError, ValueError):
            raise ServiceError(f"{label}应为整数。", field=field) from None
    if value < 0:
        raise ServiceError(f"{label}不能为负数。", field=field)
    if value > MAX_PEOPLE:
        raise ServiceError(f"{label}不能超过{MAX_PEOPLE}。", field=field)
    return value


def _money(value, *, field="estimated_loss", label="直接经济损失"):
    if value in (None, ""):
        return Decimal("0.00")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(f"{label}应为金额（元），如 1200.50。", field=field) from None
    if not amount.is_finite():
        raise ServiceError(f"{label}应为金额（元），如 1200.50。", field=field)
    if amount < 0:
        raise ServiceError(f"{label}不能为负数。", field=field)
    if amount > MAX_LOSS:
        raise ServiceError(f"{label}过大，请核对（单位为元）。", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError(f"{label}最多保留两位小数。", field=field)
    return amount.quantize(Decimal("0.01"))


def _moment(value, *, field, label, now):
    if not isinstance(value, datetime.datetime):
        raise ServiceError(f"请填写{label}。", field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value < EARLIEST:
        raise ServiceError(f"{label}不能早于2000年。", field=field)
    if value > now + CLOCK_SKEW:
        raise ServiceError(f"{label}不能晚于当前时间。", field=field)
    return value


def _choice(value, choices, *, field, label):
    if value not in choices.values:
        raise ServiceError(f"请选择有效的{label}。", field=field)
    return value


def _phone(value, *, field="reporter_phone", required=True):
    value = _text(value, field=field, label="联系电话", max_length=20, required=required)
    if value:
        try:
            phone_validator(value)
        except ValidationError:
            raise ServiceError("联系电话只能包含数字、空格、加号和短横线，5-20位。", field=field) from None
    return value


def _check_school(school):
    if school.kind not in SCHOOL_KINDS:
        raise ServiceError("突发事件须报在具体学校名下，请选择学校。", field="school")
    if school.status != UnitStatus.ACTIVE:
        raise ServiceError("该学校已撤并/停办，不能再报送事件。", field="school")


def _facts(*, title, occurred_at, category, level, place, summary, likely_cause, measures, now):
    return {
        "title": _text(title, field="title", label="事件名称", max_length=100),
        "occurred_at": _moment(occurred_at, field="occurred_at", label="事发时间", now=now),
        "category": _choice(category, IncidentCategory, field="category", label="事件类别"),
        "level": _choice(level, IncidentLevel, field="level", label="事件级别"),
        "place": _text(place, field="place", label="事发地点", max_length=200),
        "summary": _text(summary, field="summary", label="事件简要经过", max_length=4000),
        "likely_cause": _text(
            likely_cause, field="likely_cause", label="初步原因", max_length=2000, required=False
        ),
        "measures": _text(measures, field="measures", label="已采取的措施", max_length=4000),
    }


def _figures(*, deaths, injuries, estimated_loss):
    return {
        "deaths": _count(deaths, field="deaths", label="死亡人数"),
        "injuries": _count(injuries, field="injuries", label="受伤人数"),
        "estimated_loss": _money(estimated_loss),
    }


def _lock(incident):
    """Re-read the incident under a row lock (reports of one incident are numbered one at a time)."""
    return Incident.objects.select_for_update().select_related("school").get(pk=incident.pk)


def _reports_state(incident):
    kinds = set(incident.reports.values_list("kind", flat=True))
    last = incident.reports.aggregate(n=Max("sequence"))["n"] or 0
    return kinds, last


def _add_report(*, actor, incident, kind, sequence, text, figures, measures, cause, next_steps, now):
    report = IncidentReport(
        incident=incident,
        kind=kind,
        sequence=sequence,
        submitted_by=actor,
        submitted_at=now,
        text=text,
        measures=measures,
        cause=cause,
        next_steps=next_steps,
        **figures,
    )
    report.save()
    return report


def _report_fields(*, text, measures, cause, next_steps, cause_required=False):
    return {
        "text": _text(text, field="text", label="报告内容", max_length=4000),
        "measures": _text(measures, field="measures", label="已采取的措施", max_length=4000),
        "cause": _text(cause, field="cause", label="原因分析", max_length=2000, required=cause_required),
        "next_steps": _text(
            next_steps, field="next_steps", label="下一步工作", max_length=2000, required=False
        ),
    }


# --- the school's reports ---------------------------------------------------------------------------


@transaction.atomic
def incident_report_first(
    *,
    actor,
    school,
    title,
    occurred_at,
    category,
    level,
    place,
    summary,
    measures,
    reporter_name,
    reporter_phone,
    deaths=0,
    injuries=0,
    estimated_loss=0,
    likely_cause="",
    next_steps="",
    phoned_at=None,
    now=None,
    channel=None,
):
    """A school reports an incident: the incident and its first report (初报) in one step.

    `phoned_at`: when the school first told the bureau by phone, if it did (the bureau learned of the
    incident then); otherwise the bureau learns of it with this report.
    """
    now = now or timezone.now()
    _require(actor, REPORT, school)
    _check_school(school)
    facts = _facts(
        title=title,
        occurred_at=occurred_at,
        category=category,
        level=level,
        place=place,
        summary=summary,
        likely_cause=likely_cause,
        measures=measures,
        now=now,
    )
    figures = _figures(deaths=deaths, injuries=injuries, estimated_loss=estimated_loss)
    learned = now
    if phoned_at:
        learned = _moment(phoned_at, field="phoned_at", label="电话报告时间", now=now)
        if learned < facts["occurred_at"]:
            raise ServiceError("电话报告时间不能早于事发时间。", field="phoned_at")
    incident = Incident(
        school=school,
        bureau_learned_at=learned,
        reporter_name=_text(reporter_name, field="reporter_name", label="报告人", max_length=40),
        reporter_phone=_phone(reporter_phone),
        created_by=actor,
        created_at=now,
        **facts,
        **figures,
    )
    incident.save()
    report = _add_report(
        actor=actor,
        incident=incident,
        kind=ReportKind.FIRST,
        sequence=1,
        text=facts["summary"],
        figures=figures,
        measures=facts["measures"],
        cause=facts["likely_cause"],
        next_steps=_text(next_steps, field="next_steps", label="下一步工作", max_length=2000, required=False),
        now=now,
    )
    audit.record(actor=actor, action="incident.report_first", obj=incident, unit=school, channel=channel)
    audit.record(actor=actor, action="incident.report.submit", obj=report, unit=school, channel=channel)
    return incident


@transaction.atomic
def incident_report_supplement(
    *,
    actor,
    incident,
    text,
    measures,
    deaths=0,
    injuries=0,
    estimated_loss=0,
    cause="",
    next_steps="",
    now=None,
    channel=None,
):
    """The school's first report (补报) on an incident the bureau recorded before the school reported
    it. Clears 漏报; the report is judged against the time limit like any first report."""
    now = now or timezone.now()
    _require(actor, REPORT, incident.school, "未找到该事件，或您无权报送。")
    incident = _lock(incident)
    kinds, last = _reports_state(incident)
    if ReportKind.FIRST in kinds:
        raise ServiceError("该事件已有初报，请报送续报。")
    fields = _report_fields(text=text, measures=measures, cause=cause, next_steps=next_steps)
    report = _add_report(
        actor=actor,
        incident=incident,
        kind=ReportKind.FIRST,
        sequence=last + 1,
        figures=_figures(deaths=deaths, injuries=injuries, estimated_loss=estimated_loss),
        now=now,
        **fields,
    )
    audit.record(
        actor=actor, action="incident.report.supplement", obj=report, unit=incident.school, channel=channel
    )
    return report


def _next_report(*, actor, incident, kind, fields, figures, now, channel):
    _require(actor, REPORT, incident.school, "未找到该事件，或您无权报送。")
    incident = _lock(incident)
    kinds, last = _reports_state(incident)
    if ReportKind.FIRST not in kinds:
        raise ServiceError("学校尚未报送初报，请先补报初报。")
    if ReportKind.FINAL in kinds:
        raise ServiceError("该事件已报送终报，不能再续报或终报。如需更正，请联系教育局。")
    report = _add_report(
        actor=actor, incident=incident, kind=kind, sequence=last + 1, figures=figures, now=now, **fields
    )
    action = "incident.report.final" if kind == ReportKind.FINAL else "incident.report.followup"
    audit.record(actor=actor, action=action, obj=report, unit=incident.school, channel=channel)
    return report


@transaction.atomic
def incident_add_followup(
    *,
    actor,
    incident,
    text,
    measures,
    deaths=0,
    injuries=0,
    estimated_loss=0,
    cause="",
    next_steps="",
    now=None,
    channel=None,
):
    """A follow-up report (续报): the situation, casualties and loss as they stand now."""
    now = now or timezone.now()
    fields = _report_fields(text=text, measures=measures, cause=cause, next_steps=next_steps)
    figures = _figures(deaths=deaths, injuries=injuries, estimated_loss=estimated_loss)
    return _next_report(
        actor=actor,
        incident=incident,
        kind=ReportKind.FOLLOWUP,
        fields=fields,
        figures=figures,
        now=now,
        channel=channel,
    )


@transaction.atomic
def incident_final_report(
    *,
    actor,
    incident,
    text,
    measures,
    cause,
    deaths=0,
    injuries=0,
    estimated_loss=0,
    next_steps="",
    now=None,
    channel=None,
):
    """The final report (终报): outcome, cause and how it was handled. At most one; none after it."""
    now = now or timezone.now()
    fields = _report_fields(
        text=text, measures=measures, cause=cause, next_steps=next_steps, cause_required=True
    )
    figures = _figures(deaths=deaths, injuries=injuries, estimated_loss=estimated_loss)
    return _next_report(
        actor=actor,
        incident=incident,
        kind=ReportKind.FINAL,
        fields=fields,
        figures=figures,
        now=now,
        channel=channel,
    )


# --- the bureau -------------------------------------------------------------------------------------


@transaction.atomic
def incident_record_by_bureau(
    *,
    actor,
    school,
    title,
    occurred_at,
    bureau_learned_at,
    category,
    level,
    place,
    summary,
    measures,
    bureau_source,
    deaths=0,
    injuries=0,
    estimated_loss=0,
    likely_cause="",
    reporter_name="",
    reporter_phone="",
    now=None,
    channel=None,
):
    """The bureau records an incident the school has not reported (from a hospital, the police, the
    public, the media...). It stands as 漏报 until the school submits its first report."""
    now = now or timezone.now()
    _require(actor, MANAGE, school, "未找到该学校，或您无权记录该学校的事件。")
    _check_school(school)
    facts = _facts(
        title=title,
        occurred_at=occurred_at,
        category=category,
        level=level,
        place=place,
        summary=summary,
        likely_cause=likely_cause,
        measures=measures,
        now=now,
    )
    learned = _moment(bureau_learned_at, field="bureau_learned_at", label="教育局获知时间", now=now)
    if learned < facts["occurred_at"]:
        raise ServiceError("教育局获知时间不能早于事发时间。", field="bureau_learned_at")
    incident = Incident(
        school=school,
        bureau_learned_at=learned,
        reporter_name=_text(
            reporter_name, field="reporter_name", label="信息提供人", max_length=40, required=False
        ),
        reporter_phone=_phone(reporter_phone, required=False),
        recorded_by_bureau=True,
        bureau_source=_text(bureau_source, field="bureau_source", label="信息来源", max_length=200),
        created_by=actor,
        created_at=now,
        acknowledged_by=actor,  # the bureau knows what it recorded itself
        acknowledged_at=now,
        **facts,
        **_figures(deaths=deaths, injuries=injuries, estimated_loss=estimated_loss),
    )
    incident.save()
    audit.record(actor=actor, action="incident.record_by_bureau", obj=incident, unit=school, channel=channel)
    return incident


@transaction.atomic
def incident_acknowledge(*, actor, incident, now=None, channel=None):
    """The bureau has read the incident's reports up to now (签收). Again after each new report."""
    now = now or timezone.now()
    _require(actor, MANAGE, incident.school, "未找到该事件，或您无权签收。")
    incident = _lock(incident)
    last = incident.reports.aggregate(last=Max("submitted_at"))["last"]
    if last is None:
        raise ServiceError("学校尚未报送该事件，暂无可签收的报告。")
    if incident.acknowledged_at is not None and incident.acknowledged_at >= last:
        raise ServiceError("该事件的报告均已签收。")
    before = audit.snapshot(incident, fields=["acknowledged_by", "acknowledged_at"])
    incident.acknowledged_by = actor
    incident.acknowledged_at = max(now, last)
    incident.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit.record(
        actor=actor,
        action="incident.acknowledge",
        obj=incident,
        before=before,
        after=audit.snapshot(incident, fields=["acknowledged_by", "acknowledged_at"]),
        unit=incident.school,
        channel=channel,
    )
    return incident


# --- configuration ----------------------------------------------------------------------------------


def _limit_number(value, *, field, label, low, high):
    if isinstance(value, bool):
        raise ServiceError(f"{label}应为整数。", field=field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError(f"{label}应为整数。", field=field) from None
    if not low <= number <= high:
        raise ServiceError(f"{label}应在{low}至{high}之间。", field=field)
    return number


@transaction.atomic
def time_limit_update(
    *,
    actor,
    limit,
    first_report_minutes,
    followup_interval_hours,
    final_report_days,
    note="",
    version=None,
    channel=None,
):
    """Change one level's reporting time limits (system admins of the whole county)."""
    if not can_configure(actor):
        raise NotFoundError("未找到该页面，或您无权维护事件报送时限。")
    limit = IncidentTimeLimit.objects.select_for_update().get(pk=limit.pk)
    limit.check_version(version)
    before = audit.snapshot(limit)
    limit.first_report_minutes = _limit_number(
        first_report_minutes, field="first_report_minutes", label="初报时限（分钟）", low=1, high=7 * 24 * 60
    )
    limit.followup_interval_hours = _limit_number(
        followup_interval_hours,
        field="followup_interval_hours",
        label="续报间隔（小时）",
        low=1,
        high=30 * 24,
    )
    limit.final_report_days = _limit_number(
        final_report_days, field="final_report_days", label="终报时限（天）", low=1, high=365
    )
    if limit.final_report_days * 24 * 60 <= limit.first_report_minutes:
        raise ServiceError("终报时限应长于初报时限。", field="final_report_days")
    limit.note = _text(note, field="note", label="说明", max_length=200, required=False)
    limit.bump_version()
    limit.save()
    audit.record(actor=actor, action="incident.time_limit.update", obj=limit, before=before, channel=channel)
    return limit
