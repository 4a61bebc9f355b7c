"""Campaign figures: computed from the records, never typed in (DESIGN.md rule 9).

Every figure is a named selector `f(campaigns, *, user=None, today=None)` over a Campaign queryset
(or one campaign): a year's campaigns, a theme's, one campaign's. With `user`, only the records the
user may see are counted (a school sees its own figures). `FIGURES` lists them by stable name for the
indicator work to register.

Definitions:
  督查组数 teams                   teams formed for the campaigns;
  检查人次 person_visits           Σ people present over recorded visits (members present × visits);
  检查次数 visits                  recorded visits;
  对象学校数 schools_targeted       schools the campaigns cover (CampaignTarget rows);
  已检查学校数 schools_covered       target schools with at least one recorded visit;
  已提交自查数 self_checks_submitted submitted self-checks;
  排查点位数 points_checked         checklist items answered in recorded visits and submitted self-checks;
  发现隐患数 hazards_found,        整改数 hazards_rectified, 当场整改 hazards_on_the_spot,
  逾期 hazards_overdue, 整改率 rectification_rate: the safety ledger's figures
  (safety.selectors.hazard_figures) over the hazards whose source is one of these visits or self-checks.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgUnit

from .choices import SOURCE_SELF_CHECK, SOURCE_VISIT, SelfCheckStatus
from .models import Answer, Campaign, CampaignTarget, SelfCheck, Team, Visit
from .perms import VIEW


def _campaigns(campaigns):
    if isinstance(campaigns, Campaign):
        return Campaign.objects.filter(pk=campaigns.pk)
    return campaigns


def _scoped(qs, user):
    return qs.visible_to(user, VIEW) if user is not None else qs


def targets(campaigns, *, user=None):
    return _scoped(CampaignTarget.objects.filter(campaign__in=_campaigns(campaigns).values("pk")), user)


def recorded_visits(campaigns, *, user=None):
    return _scoped(Visit.objects.recorded().filter(campaign__in=_campaigns(campaigns).values("pk")), user)


def submitted_self_checks(campaigns, *, user=None):
    qs = SelfCheck.objects.filter(
        campaign__in=_campaigns(campaigns).values("pk"), status=SelfCheckStatus.SUBMITTED
    )
    return _scoped(qs, user)


def hazards(campaigns, *, user=None):
    """The safety ledger's hazards that came from these campaigns' visits and self-checks."""
    from edubureau.safety.models import Hazard

    visit_ids = recorded_visits(campaigns, user=user).values("pk")
    check_ids = submitted_self_checks(campaigns, user=user).values("pk")
    return Hazard.objects.filter(
        Q(source_type=SOURCE_VISIT, source_id__in=visit_ids)
        | Q(source_type=SOURCE_SELF_CHECK, source_id__in=check_ids)
    )


# --- the named figures ------------------------------------------------------------------------------


def teams(campaigns, *, user=None, today=None):
    return _scoped(Team.objects.filter(campaign__in=_campaigns(campaigns).values("pk")), user).count()


def person_visits(campaigns, *, user=None, today=None):
    return recorded_visits(campaigns, user=user).aggregate(n=Sum("present_count"))["n"] or 0


def visits(campaigns, *, user=None, today=None):
    return recorded_visits(campaigns, user=user).count()


def schools_targeted(campaigns, *, user=None, today=None):
    return targets(campaigns, user=user).values("school_id").distinct().count()


def schools_covered(campaigns, *, user=None, today=None):
    visited = recorded_visits(campaigns, user=user).values("campaign_id", "school_id")
    return (
        targets(campaigns, user=user)
        .filter(school_id__in=visited.values("school_id"))
        .values("school_id")
        .distinct()
        .count()
    )


def self_checks_submitted(campaigns, *, user=None, today=None):
    return submitted_self_checks(campaigns, user=user).count()


def points_checked(campaigns, *, user=None, today=None):
    return Answer.objects.filter(
        Q(visit__in=recorded_visits(campaigns, user=user).values("pk"))
        | Q(self_check__in=submitted_self_checks(campaigns, user=user).values("pk"))
    ).count()


def hazard_counts(campaigns, *, user=None, today=None):
    from edubureau.safety.selectors import hazard_figures

    return hazard_figures(hazards(campaigns, user=user), today=today)


def hazards_found(campaigns, *, user=None, today=None):
    return hazard_counts(campaigns, user=user, today=today)["found"]


def hazards_rectified(campaigns, *, user=None, today=None):
    return hazard_counts(campaigns, user=user, today=today)["rectified"]


def hazards_on_the_spot(campaigns, *, user=None, today=None):
    return hazard_counts(campaigns, user=user, today=today)["on_the_spot"]


def hazards_overdue(campaigns, *, user=None, today=None):
    return hazard_counts(campaigns, user=user, today=today)["overdue"]


def rectification_rate(campaigns, *, user=None, today=None):
    return hazard_counts(campaigns, user=user, today=today)["rate"]


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    unit: str
    func: object
    description: str


FIGURES = {
    f.name: f
    for f in (
        Figure("inspections.teams", "督查组数", "个", teams, "为检查活动组建的督查小组数。"),
        Figure("inspections.person_visits", "检查人次", "人次", person_visits, "已记录检查的到场人数之和。"),
        Figure("inspections.visits", "检查次数", "次", visits, "已记录的督查检查次数。"),
        Figure(
            "inspections.schools_targeted", "对象学校数", "所", schools_targeted, "检查活动覆盖的学校数。"
        ),
        Figure(
            "inspections.schools_covered",
            "已检查学校数",
            "所",
            schools_covered,
            "至少有一次已记录检查的对象学校数。",
        ),
        Figure(
            "inspections.self_checks_submitted",
            "已提交自查数",
            "份",
            self_checks_submitted,
            "学校已提交的自查数。",
        ),
        Figure(
            "inspections.points_checked",
            "排查点位数",
            "个",
            points_checked,
            "已记录检查和已提交自查中作答的检查项数。",
        ),
        Figure(
            "inspections.hazards_found",
            "发现隐患数",
            "处",
            hazards_found,
            "检查和自查登记的隐患（不含作废）。",
        ),
        Figure(
            "inspections.hazards_rectified", "整改数", "处", hazards_rectified, "已销号的隐患，含当场整改。"
        ),
        Figure(
            "inspections.hazards_on_the_spot",
            "当场整改数",
            "处",
            hazards_on_the_spot,
            "发现时当场整改销号的隐患。",
        ),
        Figure(
            "inspections.hazards_overdue",
            "逾期未改数",
            "处",
            hazards_overdue,
            "仍未整改且已过整改期限的隐患。",
        ),
        Figure(
            "inspections.rectification_rate", "整改率", "%", rectification_rate, "整改数 ÷ 发现隐患数 × 100。"
        ),
    )
}


# --- everything a campaign page shows, in a fixed number of queries ---------------------------------


def summary(campaigns, *, user=None, today=None):
    """The headline figures as one dict (about eight queries whatever the number of records)."""
    visit_row = recorded_visits(campaigns, user=user).aggregate(
        visits=Count("pk"), person_visits=Sum("present_count")
    )
    counts = hazard_counts(campaigns, user=user, today=today)
    return {
        "teams": teams(campaigns, user=user),
        "visits": visit_row["visits"] or 0,
        "person_visits": visit_row["person_visits"] or 0,
        "schools_targeted": schools_targeted(campaigns, user=user),
        "schools_covered": schools_covered(campaigns, user=user),
        "self_checks_submitted": self_checks_submitted(campaigns, user=user),
        "points_checked": points_checked(campaigns, user=user),
        "hazards_found": counts["found"],
        "hazards_rectified": counts["rectified"],
        "hazards_on_the_spot": counts["on_the_spot"],
        "hazards_overdue": counts["overdue"],
        "hazards_open": counts["open"],
        "rectification_rate": counts["rate"],
    }


def _towns_by_path(paths):
    """{school path: town} (the nearest ancestor of kind town), one query."""
    prefixes = set()
    for path in paths:
        parts = path.split("/")[:-1]
        prefixes |= {"/".join(parts[:i]) + "/" for i in range(1, len(parts))}
    towns = list(OrgUnit.objects.filter(kind=UnitKind.TOWN, path__in=prefixes).only("pk", "name", "path"))
    result = {}
    for path in paths:
        matches = [t for t in towns if path.startswith(t.path)]
        if matches:
            result[path] = max(matches, key=lambda t: len(t.path))
    return result


def _school_rows(campaigns, user):
    """Per school (path, kind): targeted, covered, visits, person-visits (two queries)."""
    per_school = {}
    for row in targets(campaigns, user=user).values("school__path", "school__kind").annotate(n=Count("pk")):
        per_school[row["school__path"]] = {
            "kind": row["school__kind"],
            "targeted": 1,
            "covered": 0,
            "visits": 0,
            "person_visits": 0,
        }
    visit_rows = (
        recorded_visits(campaigns, user=user)
        .values("school__path", "school__kind")
        .annotate(n=Count("pk"), people=Sum("present_count"))
    )
    for row in visit_rows:
        entry = per_school.setdefault(
            row["school__path"],
            {"kind": row["school__kind"], "targeted": 0, "covered": 0, "visits": 0, "person_visits": 0},
        )
        entry["covered"] = 1 if entry["targeted"] else 0
        entry["visits"] += row["n"]
        entry["person_visits"] += row["people"] or 0
    return per_school


ZERO_HAZARDS = {"found": 0, "rectified": 0, "on_the_spot": 0, "overdue": 0, "rate": None}


def _merge(groups, hazard_rows, label_of):
    rows = {}
    for key, values in groups.items():
        rows[key] = {"key": key, "label": label_of(key), **values, **ZERO_HAZARDS}
    for h in hazard_rows:
        entry = rows.setdefault(
            h["key"],
            {
                "key": h["key"],
                "label": h["label"],
                "targeted": 0,
                "covered": 0,
                "visits": 0,
                "person_visits": 0,
            },
        )
        entry.update({k: h[k] for k in ZERO_HAZARDS})
    return list(rows.values())


def by_school_kind(campaigns, *, user=None, today=None):
    from edubureau.safety.selectors import hazard_breakdown

    groups = defaultdict(lambda: {"targeted": 0, "covered": 0, "visits": 0, "person_visits": 0})
    for entry in _school_rows(campaigns, user).values():
        for k in ("targeted", "covered", "visits", "person_visits"):
            groups[entry["kind"]][k] += entry[k]
    rows = _merge(
        groups,
        hazard_breakdown(hazards(campaigns, user=user), "school_kind", today=today),
        lambda k: UnitKind(k).label if k in UnitKind.values else k,
    )
    order = list(UnitKind.values)
    return sorted(rows, key=lambda r: order.index(r["key"]) if r["key"] in order else 99)


def by_town(campaigns, *, user=None, today=None):
    from edubureau.safety.selectors import hazard_breakdown

    per_school = _school_rows(campaigns, user)
    towns = _towns_by_path(list(per_school))
    groups = defaultdict(lambda: {"targeted": 0, "covered": 0, "visits": 0, "person_visits": 0})
    names, sort = {None: "直属学校"}, {None: "~"}
    for path, entry in per_school.items():
        town = towns.get(path)
        key = town.pk if town else None
        if town:
            names[key], sort[key] = town.name, town.path
        for k in ("targeted", "covered", "visits", "person_visits"):
            groups[key][k] += entry[k]
    hazard_rows = hazard_breakdown(hazards(campaigns, user=user), "town", today=today)
    for h in hazard_rows:
        sort.setdefault(h["key"], "~~")
    rows = _merge(groups, hazard_rows, lambda k: names.get(k, ""))
    return sorted(rows, key=lambda r: sort.get(r["key"], "~~"))


def by_category(campaigns, *, user=None, today=None):
    """Hazards per category of the safety ledger."""
    from edubureau.safety.selectors import hazard_breakdown

    return hazard_breakdown(hazards(campaigns, user=user), "category", today=today)


def by_month(campaigns, *, user=None, today=None):
    """Per month: visits and person-visits (by visit date), hazards found and rectified (by the month
    the hazard was found)."""
    from edubureau.safety.selectors import hazard_breakdown

    groups = {}
    rows = (
        recorded_visits(campaigns, user=user)
        .annotate(month=TruncMonth("visited_on"))
        .values("month")
        .annotate(n=Count("pk"), people=Sum("present_count"))
        .order_by("month")
    )
    for row in rows:
        key = row["month"].strftime("%Y-%m")
        groups[key] = {
            "key": key,
            "label": f"{row['month'].year}年{row['month'].month}月",
            "visits": row["n"],
            "person_visits": row["people"] or 0,
            **ZERO_HAZARDS,
        }
    for h in hazard_breakdown(hazards(campaigns, user=user), "month", today=today):
        entry = groups.setdefault(
            h["key"], {"key": h["key"], "label": h["label"], "visits": 0, "person_visits": 0}
        )
        entry.update({k: h[k] for k in ZERO_HAZARDS})
    return [groups[k] for k in sorted(groups)]


BREAKDOWNS = {
    "category": ("按隐患类别", by_category),
    "school_kind": ("按学校类型", by_school_kind),
    "town": ("按镇街", by_town),
    "month": ("按月份", by_month),
}
