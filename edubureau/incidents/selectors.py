"""Reads: scoped querysets with the annotations that the pages, the API and the bulletin need.

Every list is `incident_list(user=..., perm=...)`: one query for the rows (plus the count when
paginated), one for the time limits, one for the towns. Derived states (迟报, 漏报, 终报逾期, 续报到期,
待签收) are filtered with database conditions built from the same limits as rules.standing().
"""

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils import timezone

from edubureau.org.choices import SCHOOL_KINDS, UnitKind
from edubureau.org.models import SEGMENT_WIDTH, OrgUnit
from edubureau.org.scoping import get_visible_or_404

from .choices import IncidentFlag, IncidentLevel, ReportKind
from .models import Incident, IncidentReport, IncidentTimeLimit
from .rules import DEFAULT_NOTES, DEFAULT_TIME_LIMITS, standing

VIEW = "incidents.view"


# --- time limits ------------------------------------------------------------------------------------


def default_limit(level):
    minutes, hours, days = DEFAULT_TIME_LIMITS[level]
    return IncidentTimeLimit(
        level=level,
        first_report_minutes=minutes,
        followup_interval_hours=hours,
        final_report_days=days,
        note=DEFAULT_NOTES[level],
    )


def limits_by_level():
    """{level: IncidentTimeLimit} for every level (one query). A level without a row (a flushed test
    database) gets the built-in default, unsaved."""
    rows = {row.level: row for row in IncidentTimeLimit.objects.all()}
    return {level: rows.get(level) or default_limit(level) for level in IncidentLevel.values}


def time_limit_rows():
    """The configured rows in level order (the configuration page)."""
    order = {level: i for i, level in enumerate(IncidentLevel.values)}
    return sorted(IncidentTimeLimit.objects.all(), key=lambda row: order.get(row.level, 99))


# --- incidents --------------------------------------------------------------------------------------


def _per_level(limits, build):
    cond = Q(pk__in=[])
    for level, limit in limits.items():
        cond |= Q(level=level) & build(limit)
    return cond


def flag_condition(flag, *, limits, now):
    """The database condition of one IncidentFlag (on a queryset annotated by `annotated`)."""
    if flag == IncidentFlag.UNACKNOWLEDGED:
        return Q(needs_ack=True)
    if flag == IncidentFlag.MISSED:
        return Q(first_report_at__isnull=True)
    late = Q(first_report_at__isnull=False) & _per_level(
        limits,
        lambda lim: Q(
            first_report_at__gt=F("occurred_at") + datetime.timedelta(minutes=lim.first_report_minutes)
        ),
    )
    if flag == IncidentFlag.LATE:
        return late
    if flag == IncidentFlag.LATE_OR_MISSED:
        return late | Q(first_report_at__isnull=True)
    if flag == IncidentFlag.OPEN:
        return Q(final_report_at__isnull=True)
    if flag == IncidentFlag.CLOSED:
        return Q(final_report_at__isnull=False)
    if flag == IncidentFlag.FINAL_OVERDUE:
        return Q(final_report_at__isnull=True) & _per_level(
            limits,
            lambda lim: Q(occurred_at__lt=now - datetime.timedelta(days=lim.final_report_days)),
        )
    if flag == IncidentFlag.FOLLOWUP_DUE:
        return Q(final_report_at__isnull=True, last_report_at__isnull=False) & _per_level(
            limits,
            lambda lim: Q(last_report_at__lte=now - datetime.timedelta(hours=lim.followup_interval_hours)),
        )
    raise ValueError(flag)


def annotated(qs):
    """Report times and counts, and whether the bureau has yet to read the latest report."""
    return qs.annotate(
        first_report_at=Min("reports__submitted_at", filter=Q(reports__kind=ReportKind.FIRST)),
        final_report_at=Max("reports__submitted_at", filter=Q(reports__kind=ReportKind.FINAL)),
        last_report_at=Max("reports__submitted_at"),
        report_count=Count("reports"),
    ).annotate(
        needs_ack=Case(
            When(
                Q(acknowledged_at__isnull=True) | Q(last_report_at__gt=F("acknowledged_at")), then=Value(True)
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def incident_list(
    *,
    user,
    perm=VIEW,
    q="",
    level="",
    category="",
    school=None,
    town=None,
    flag="",
    occurred_from=None,
    occurred_to=None,
    limits=None,
    now=None,
):
    """Incidents the user may see with `perm`, filtered; new and unacknowledged first, then newest."""
    now = now or timezone.now()
    limits = limits if limits is not None else limits_by_level()
    qs = annotated(Incident.objects.visible_to(user, perm).select_related("school", "acknowledged_by"))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(school__name__icontains=q) | Q(place__icontains=q))
    if level:
        qs = qs.filter(level=level)
    if category:
        qs = qs.filter(category=category)
    if school is not None:
        qs = qs.filter(school=school)
    if town is not None:
        qs = qs.filter(school__path__startswith=town.path)
    if occurred_from:
        qs = qs.filter(occurred_at__date__gte=occurred_from)
    if occurred_to:
        qs = qs.filter(occurred_at__date__lte=occurred_to)
    if flag:
        qs = qs.filter(flag_condition(flag, limits=limits, now=now))
    return qs.order_by("-needs_ack", "-occurred_at", "-id")


def attach_standing(incidents, *, limits, now=None):
    """Give each incident its `.standing` (rules.Standing); returns the list."""
    now = now or timezone.now()
    items = list(incidents)
    for incident in items:
        incident.standing = standing(incident, limits[incident.level], now)
        incident.time_limit = limits[incident.level]
    return items


def incident_detail(*, user, pk, perm=VIEW):
    """One incident with its reports (and their authors), or 404 when missing or out of scope."""
    reports = IncidentReport.objects.select_related("submitted_by").order_by("sequence")
    qs = annotated(
        Incident.objects.select_related("school", "school__parent", "created_by", "acknowledged_by")
    ).prefetch_related(Prefetch("reports", queryset=reports, to_attr="report_list"))
    return get_visible_or_404(qs, user, perm, pk=pk)


def incident_for_write(*, user, pk, perm):
    """The incident row a service writes about (no annotations), or 404."""
    return get_visible_or_404(Incident.objects.select_related("school"), user, perm, pk=pk)


# --- filter choices ---------------------------------------------------------------------------------


def visible_schools(user, perm=VIEW):
    return OrgUnit.objects.visible_to(user, perm).filter(kind__in=SCHOOL_KINDS).order_by("path")


def reportable_schools(user):
    """Schools the user may report for: active schools in their incidents.report scope."""
    return visible_schools(user, "incidents.report").active()


def visible_towns(user, perm=VIEW):
    """Towns that hold at least one school the user may see (for the town filter)."""
    from edubureau.accounts.scope import user_scope_prefixes

    prefixes = user_scope_prefixes(user, perm)
    towns = OrgUnit.objects.filter(kind=UnitKind.TOWN).order_by("sort_order", "path")
    # A town is offered when it lies under one of the user's prefixes (county users) or holds one
    # (a school user's own town is not offered: they see one school).
    cond = Q(pk__in=[])
    for prefix in prefixes:
        cond |= Q(path__startswith=prefix)
    return towns.filter(cond)


def town_names(towns):
    """{path prefix: town name} to name each school's town without a query per row."""
    return {town.path: town.name for town in towns}


def town_of(school, names):
    for path, name in names.items():
        if school.path.startswith(path):
            return name
    return ""


def bureau_name(school=None):
    """The name that heads documents: the root unit above `school` (the bureau), else the site name."""
    from django.conf import settings

    root = None
    if school is not None and school.path:
        root = OrgUnit.objects.filter(path=school.path[: SEGMENT_WIDTH + 1]).first()
    return root.name if root is not None else settings.EDUBUREAU_SITE_NAME
