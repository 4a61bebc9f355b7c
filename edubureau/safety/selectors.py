"""Reads of the hazard ledger: scoped querysets with their joins, and the named figures.

Figures (stable names; the inspections app and later indicator work use them):

- `hazard_figures(queryset, today=None) -> dict`: found, rectified, on_the_spot, overdue, open,
  awaiting_check, major, major_open, rate (整改率, percent with one decimal, None without hazards).
- `hazard_breakdown(queryset, by, today=None) -> list[dict]`: the same figures per category, school
  kind, town (the school's ancestor of kind "town") or month found.

Definitions (each figure is a query over the ledger, nothing is typed in):
  发现数 found        every hazard recorded, except voided records;
  整改数 rectified    closed (verified 已销号), including those fixed on the spot;
  当场整改 on_the_spot closed in one step when found;
  逾期 overdue        open and past the deadline (models.overdue_q);
  整改率 rate         rectified / found × 100.
Each takes one aggregate query (two for "town").
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgUnit

from . import permissions as P
from .choices import OPEN_STATUSES, AttachmentKind, HazardLevel, HazardStatus
from .models import (
    Hazard,
    HazardAttachment,
    HazardCategory,
    HazardEvent,
    MajorHazardSupervision,
    SupervisionProgress,
    overdue_q,
)

BREAKDOWNS = ("category", "school_kind", "town", "month")


# --- figures --------------------------------------------------------------------------------------


def _figure_aggregates(today):
    counted = ~Q(status=HazardStatus.VOID)
    return {
        "found": Count("pk", filter=counted),
        "rectified": Count("pk", filter=Q(status=HazardStatus.CLOSED)),
        "on_the_spot": Count("pk", filter=Q(status=HazardStatus.CLOSED, fixed_on_spot=True)),
        "overdue": Count("pk", filter=overdue_q(today)),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "awaiting_check": Count("pk", filter=Q(status=HazardStatus.AWAITING_CHECK)),
        "major": Count("pk", filter=counted & Q(level=HazardLevel.MAJOR)),
        "major_open": Count("pk", filter=Q(status__in=OPEN_STATUSES, level=HazardLevel.MAJOR)),
    }


FIGURE_KEYS = tuple(_figure_aggregates(datetime.date.today()))


def rate(rectified, found):
    """整改率 in percent, one decimal (None when nothing was found)."""
    if not found:
        return None
    return (Decimal(rectified) * 100 / Decimal(found)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _with_rate(row):
    row["rate"] = rate(row["rectified"], row["found"])
    return row


def hazard_figures(queryset, today=None):
    """The ledger's figures over `queryset` (any hazard queryset: a user's scope, a campaign's, a
    period's), in one query."""
    today = today or timezone.localdate()
    row = queryset.order_by().aggregate(**_figure_aggregates(today))
    return _with_rate({k: row[k] or 0 for k in FIGURE_KEYS})


def hazards_from_source(source_type, source_ids=None, queryset=None):
    """Hazards linked to records of another app, e.g. ("inspections.visit", [visit ids]): the
    queryset a campaign's figures are computed over (pass a user's scoped queryset to restrict)."""
    qs = (queryset if queryset is not None else Hazard.objects.all()).filter(source_type=source_type)
    if source_ids is not None:
        qs = qs.filter(source_id__in=source_ids)
    return qs


def hazards_found_between(queryset, start, end):
    """Hazards found in [start, end]: the usual period filter for the figures."""
    return queryset.filter(found_on__gte=start, found_on__lte=end)


def hazard_breakdown(queryset, by, today=None):
    """[{key, label, found, rectified, on_the_spot, overdue, ..., rate}] grouped by `by`, one of
    "category", "school_kind", "town", "month". Rows without hazards are left out."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; one of {BREAKDOWNS}")
    today = today or timezone.localdate()
    aggregates = _figure_aggregates(today)
    qs = queryset.order_by()
    if by == "category":
        rows = qs.values("category_id", "category__name", "category__sort_order").annotate(**aggregates)
        rows = sorted(rows, key=lambda r: (r["category__sort_order"], r["category_id"]))
        return [
            _with_rate(
                {"key": r["category_id"], "label": r["category__name"], **{k: r[k] for k in FIGURE_KEYS}}
            )
            for r in rows
        ]
    if by == "school_kind":
        rows = qs.values("school__kind").annotate(**aggregates)
        order = list(UnitKind.values)
        rows = sorted(
            rows, key=lambda r: order.index(r["school__kind"]) if r["school__kind"] in order else 99
        )
        return [
            _with_rate(
                {
                    "key": r["school__kind"],
                    "label": UnitKind(r["school__kind"]).label
                    if r["school__kind"] in order
                    else r["school__kind"],
                    **{k: r[k] for k in FIGURE_KEYS},
                }
            )
            for r in rows
        ]
    if by == "month":
        rows = (
            qs.annotate(month=TruncMonth("found_on")).values("month").annotate(**aggregates).order_by("month")
        )
        return [
            _with_rate(
                {
                    "key": r["month"].strftime("%Y-%m"),
                    "label": f"{r['month'].year}年{r['month'].month}月",
                    **{k: r[k] for k in FIGURE_KEYS},
                }
            )
            for r in rows
        ]
    # by town: count per school, then add the schools up under their town (the ancestor of kind town).
    rows = list(qs.values("school__path").annotate(**aggregates))
    towns = _towns_for_paths([r["school__path"] for r in rows])
    totals = {}
    for r in rows:
        town = towns.get(r["school__path"])
        key = town.pk if town else None
        entry = totals.setdefault(
            key,
            {
                "key": key,
                "label": town.name if town else "直属学校",
                "sort": town.path if town else "~",
                **dict.fromkeys(FIGURE_KEYS, 0),
            },
        )
        for k in FIGURE_KEYS:
            entry[k] += r[k]
    result = sorted(totals.values(), key=lambda e: e.pop("sort"))
    return [_with_rate(e) for e in result]


def _towns_for_paths(paths):
    """{school path: town unit} for the given school paths (one query)."""
    prefixes = set()
    for path in paths:
        parts = path.split("/")[:-1]
        prefixes |= {"/".join(parts[:i]) + "/" for i in range(1, len(parts))}
    if not prefixes:
        return {}
    towns = list(OrgUnit.objects.filter(kind=UnitKind.TOWN, path__in=prefixes).only("pk", "name", "path"))
    result = {}
    for path in paths:
        matches = [t for t in towns if path.startswith(t.path)]
        if matches:
            result[path] = max(matches, key=lambda t: len(t.path))
    return result


# --- lists ----------------------------------------------------------------------------------------


SORTS = {
    "-found_on": ("-found_on", "-pk"),
    "found_on": ("found_on", "pk"),
    "deadline": ("deadline", "pk"),
    "-deadline": ("-deadline", "-pk"),
    "school": ("school__path", "-found_on", "-pk"),
    "status": ("status", "-found_on", "-pk"),
    "-updated_at": ("-updated_at", "-pk"),
}
SORT_LABELS = {
    "-found_on": "发现日期（新→旧）",
    "found_on": "发现日期（旧→新）",
    "deadline": "整改期限（近→远）",
    "-deadline": "整改期限（远→近）",
    "school": "学校",
    "status": "状态",
    "-updated_at": "最近更新",
}


@dataclass
class HazardFilters:
    q: str = ""
    school: OrgUnit | None = None
    town: OrgUnit | None = None
    school_kind: str = ""
    category: HazardCategory | None = None
    level: str = ""
    source: str = ""
    status: str = ""  # a HazardStatus value, "open" or "overdue"
    found_from: datetime.date | None = None
    found_to: datetime.date | None = None
    supervised: bool = False
    source_type: str = ""
    source_id: int | None = None
    sort: str = "-found_on"

    @classmethod
    def from_dict(cls, data):
        data = data or {}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__ and v not in (None, "")})


def apply_filters(qs, filters, today=None):
    f = filters if isinstance(filters, HazardFilters) else HazardFilters.from_dict(filters)
    today = today or timezone.localdate()
    if f.q:
        text = f.q.strip()
        cond = Q(place__icontains=text) | Q(description__icontains=text) | Q(school__name__icontains=text)
        number = text.upper().removeprefix("YH")
        if "-" in number:
            number = number.rsplit("-", 1)[-1]
        if number.isdigit() and len(number) <= 12:
            cond |= Q(pk=int(number))
        qs = qs.filter(cond)
    if f.school is not None:
        qs = qs.filter(school__path__startswith=f.school.path)
    if f.town is not None:
        qs = qs.filter(school__path__startswith=f.town.path)
    if f.school_kind:
        qs = qs.filter(school__kind=f.school_kind)
    if f.category is not None:
        qs = qs.filter(category=f.category)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status == "overdue":
        qs = qs.filter(overdue_q(today))
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.found_from:
        qs = qs.filter(found_on__gte=f.found_from)
    if f.found_to:
        qs = qs.filter(found_on__lte=f.found_to)
    if f.source_type:
        qs = qs.filter(source_type=f.source_type)
    if f.source_id is not None:
        qs = qs.filter(source_id=f.source_id)
    if f.supervised:
        qs = qs.filter(supervision__isnull=False)
    return qs.order_by(*SORTS.get(f.sort, SORTS["-found_on"]))


def hazards_visible(user, perm=P.VIEW):
    return Hazard.objects.visible_to(user, perm)


def hazard_list(user, filters=None, today=None):
    """The ledger rows the user may see, filtered and sorted, with what a list row shows (fixed
    number of queries whatever the page size)."""
    photos = (
        HazardAttachment.objects.filter(hazard=OuterRef("pk"), is_image=True)
        .order_by()
        .values("hazard")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = (
        hazards_visible(user)
        .select_related("school", "category", "supervision")
        .annotate(photo_count=Coalesce(Subquery(photos, output_field=IntegerField()), 0))
    )
    return apply_filters(qs, filters, today)


def hazard_export_rows(user, filters=None, today=None):
    """The ledger rows for the Excel export (same filters as the page)."""
    qs = hazards_visible(user).select_related(
        "school", "school__parent", "category", "supervision", "rectified_by", "verified_by"
    )
    return apply_filters(qs, filters, today)


def hazard_detail(user, pk):
    """One hazard with its timeline, attachments and supervision (fixed query count)."""
    from edubureau.org.scoping import get_visible_or_404

    events = (
        HazardEvent.objects.select_related("actor")
        .prefetch_related("attachments")
        .order_by("occurred_at", "pk")
    )
    qs = Hazard.objects.select_related(
        "school",
        "school__parent",
        "category",
        "found_by",
        "reported_by",
        "rectified_by",
        "verified_by",
        "voided_by",
    ).prefetch_related(
        Prefetch("events", queryset=events),
        Prefetch("attachments", queryset=HazardAttachment.objects.order_by("uploaded_at", "pk")),
    )
    hazard = get_visible_or_404(qs, user, P.VIEW, pk=pk)
    supervision = (
        MajorHazardSupervision.objects.select_related("leader", "listed_by", "lifted_by")
        .prefetch_related(
            Prefetch("progress", queryset=SupervisionProgress.objects.order_by("-reported_on", "-pk"))
        )
        .filter(hazard=hazard)
        .first()
    )
    hazard.supervision_row = supervision
    return hazard


def photos_by_kind(hazard):
    """{kind: [attachments]} of an already prefetched hazard."""
    result = {kind: [] for kind in AttachmentKind.values}
    for item in hazard.attachments.all():
        result[item.kind].append(item)
    return result


# --- supervision ----------------------------------------------------------------------------------


def supervision_list(user, *, active=None, today=None):
    """挂牌督办 rows the user may see: active first, past the bureau deadline first."""
    today = today or timezone.localdate()
    qs = (
        MajorHazardSupervision.objects.visible_to(user, P.VIEW)
        .select_related("hazard", "hazard__school", "hazard__category", "leader")
        .annotate(progress_count=Count("progress"))
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=SupervisionProgress.objects.order_by("-reported_on", "-pk"),
                to_attr="progress_rows",
            )
        )
    )
    if active is True:
        qs = qs.filter(lifted_at__isnull=True)
    elif active is False:
        qs = qs.filter(lifted_at__isnull=False)
    rows = list(qs.order_by("lifted_at", "deadline", "pk"))
    rows.sort(key=lambda s: (not s.is_active, not s.past_deadline_on(today), s.deadline))
    return rows


def supervision_leaders(hazard):
    """Active users who may be the responsible bureau leader of a listed hazard: they hold the supervise
    permission on its school (a handful of bureau people; checked per person)."""
    from edubureau.accounts.models import Membership, Role, User
    from edubureau.accounts.scope import user_can

    role_ids = [r.pk for r in Role.objects.all() if P.SUPERVISE in r.permission_set]
    candidates = (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.current().filter(role_id__in=role_ids).values("user_id"),
        )
        .select_related("unit")
        .order_by("real_name", "username")
    )
    return [u for u in candidates if user_can(u, P.SUPERVISE, hazard.school)]


# --- overview -------------------------------------------------------------------------------------


def overview(user, *, start=None, end=None, today=None):
    """The bureau overview: figures, counts by status / category / town / month, and the hazards
    to look at first (overdue and major ones)."""
    today = today or timezone.localdate()
    qs = hazards_visible(user)
    period = qs
    if start:
        period = period.filter(found_on__gte=start)
    if end:
        period = period.filter(found_on__lte=end)
    status_counts = dict(period.order_by().values_list("status").annotate(n=Count("pk")))
    base = period.select_related("school", "category", "supervision")
    attention = list(
        base.filter(Q(overdue_q(today)) | Q(level=HazardLevel.MAJOR, status__in=OPEN_STATUSES)).order_by(
            "deadline", "found_on"
        )[:30]
    )
    attention.sort(key=lambda h: (not h.overdue_on(today), not h.is_major, h.deadline or datetime.date.max))
    return {
        "figures": hazard_figures(period, today),
        "status_counts": [
            (value, label, status_counts.get(value, 0)) for value, label in HazardStatus.choices
        ],
        "by_category": hazard_breakdown(period, "category", today),
        "by_town": hazard_breakdown(period, "town", today),
        "by_month": hazard_breakdown(period, "month", today),
        "by_school_kind": hazard_breakdown(period, "school_kind", today),
        "attention": attention,
    }


def categories():
    return list(HazardCategory.objects.active())
