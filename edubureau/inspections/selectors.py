"""Reads of the inspections pages: scoped, with the joins each page needs (fixed query counts)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.http import Http404

from edubureau.accounts import scope
from edubureau.org.choices import SCHOOL_KINDS, UnitKind
from edubureau.org.models import OrgGroup, OrgUnit
from edubureau.org.scoping import get_visible_or_404

from .choices import CampaignStatus, SelfCheckStatus, VisitStatus
from .models import (
    Answer,
    Campaign,
    CampaignTarget,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    SelfCheck,
    Team,
    TeamAssignment,
    TeamMember,
    Visit,
)
from .perms import MANAGE, SELF_CHECK, VIEW, VISIT


def require_perm(user, perm):
    """A page for a permission the user holds nowhere answers 404, like a missing page."""
    if not scope.user_has_perm(user, perm):
        raise Http404("未找到该页面，或您无权访问。")


# --- campaigns --------------------------------------------------------------------------------------


def campaign_list(*, user, q="", year=None, theme="", mode="", status=""):
    qs = Campaign.objects.visible_to(user, VIEW).select_related("department", "template")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if year:
        qs = qs.filter(start__lte=datetime.date(year, 12, 31), end__gte=datetime.date(year, 1, 1))
    if theme:
        qs = qs.filter(theme=theme)
    if mode:
        qs = qs.filter(mode=mode)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-start", "-pk")


def attach_progress(*, user, campaigns):
    """Set targeted / covered / submitted / teams / person_visits on each campaign of a page (four
    queries for the page, counted over what the user may see)."""
    ids = [c.pk for c in campaigns]
    if not ids:
        return campaigns
    targeted = dict(
        CampaignTarget.objects.visible_to(user, VIEW)
        .filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    visits = {
        row["campaign_id"]: row
        for row in Visit.objects.visible_to(user, VIEW)
        .filter(campaign_id__in=ids, status=VisitStatus.RECORDED)
        .values("campaign_id")
        .annotate(schools=Count("school_id", distinct=True), people=Sum("present_count"))
    }
    submitted = dict(
        SelfCheck.objects.visible_to(user, VIEW)
        .filter(campaign_id__in=ids, status=SelfCheckStatus.SUBMITTED)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    team_counts = dict(
        Team.objects.visible_to(user, VIEW)
        .filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    for c in campaigns:
        c.targeted = targeted.get(c.pk, 0)
        row = visits.get(c.pk) or {}
        c.covered = row.get("schools", 0)
        c.person_visits = row.get("people") or 0
        c.submitted = submitted.get(c.pk, 0)
        c.team_count = team_counts.get(c.pk, 0)
    return campaigns


def campaign_get(*, user, pk, perm=VIEW):
    qs = Campaign.objects.select_related(
        "department", "template", "target_group", "created_by", "opened_by", "closed_by"
    )
    return get_visible_or_404(qs, user, perm, pk=pk)


def target_progress(*, user, campaign, q="", state=""):
    """The campaign's target schools the user may see, each with its self-check status, its team and
    the number of recorded visits."""
    self_checks = SelfCheck.objects.filter(campaign=campaign, school_id=OuterRef("school_id"))
    recorded = Visit.objects.filter(
        campaign=campaign, school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
    )
    qs = (
        CampaignTarget.objects.visible_to(user, VIEW)
        .filter(campaign=campaign)
        .select_related("school", "school__parent")
        .annotate(
            self_check_status=self_checks.values("status")[:1],
            self_check_id=self_checks.values("pk")[:1],
            self_check_at=self_checks.values("submitted_at")[:1],
            visit_count=recorded.values("school_id").annotate(n=Count("pk")).values("n")[:1],
            last_visit_on=recorded.order_by("-visited_on").values("visited_on")[:1],
            team_name=TeamAssignment.objects.filter(
                campaign=campaign, school_id=OuterRef("school_id")
            ).values("team__name")[:1],
        )
    )
    if q:
        qs = qs.filter(Q(school__name__icontains=q) | Q(school__short_name__icontains=q))
    if state == "submitted":
        qs = qs.filter(Exists(self_checks.filter(status=SelfCheckStatus.SUBMITTED)))
    elif state == "not_submitted":
        qs = qs.exclude(Exists(self_checks.filter(status=SelfCheckStatus.SUBMITTED)))
    elif state == "visited":
        qs = qs.filter(Exists(recorded))
    elif state == "not_visited":
        qs = qs.exclude(Exists(recorded))
    return qs.order_by("draw_order", "school__path") if campaign.is_sample else qs.order_by("school__path")


def campaign_teams(*, user, campaign):
    """The campaign's teams the user may see, with members and assignments (three queries)."""
    recorded = Visit.objects.filter(
        team_id=OuterRef("team_id"), school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
    )
    assignments = (
        TeamAssignment.objects.visible_to(user, VIEW)
        .select_related("school")
        .annotate(visited=Exists(recorded))
        .order_by("school__path")
    )
    return (
        Team.objects.visible_to(user, VIEW)
        .filter(campaign=campaign)
        .prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("user")),
            Prefetch("assignments", queryset=assignments, to_attr="visible_assignments"),
        )
        .order_by("pk")
    )


def grouped_items(template):
    """[(category, [items])] in checklist order (one query)."""
    groups = {}
    for item in template.items.all().order_by("order", "pk"):
        groups.setdefault(item.category, []).append(item)
    return list(groups.items())


def department_choices(user):
    return OrgUnit.objects.visible_to(user, MANAGE).filter(kind=UnitKind.DEPARTMENT).order_by("path")


def template_choices(user, include=None):
    qs = ChecklistTemplate.objects.visible_to(user, MANAGE).filter(is_active=True)
    if include is not None:
        qs = ChecklistTemplate.objects.visible_to(user, MANAGE).filter(Q(is_active=True) | Q(pk=include.pk))
    return qs.order_by("name", "-revision")


def group_choices(user):
    return OrgGroup.objects.visible_to(user, MANAGE).filter(is_active=True).order_by("kind", "name")


def school_choices(user):
    return (
        OrgUnit.objects.visible_to(user, MANAGE)
        .filter(kind__in=SCHOOL_KINDS, status="active")
        .select_related("parent")
        .order_by("path")
    )


# --- teams and visits -------------------------------------------------------------------------------


def team_get(*, user, pk, perm=VIEW):
    qs = Team.objects.select_related("campaign", "campaign__department").prefetch_related(
        Prefetch("members", queryset=TeamMember.objects.select_related("user", "user__unit"))
    )
    return get_visible_or_404(qs, user, perm, pk=pk)


def team_assignments(*, user, team):
    recorded = Visit.objects.filter(team=team, school_id=OuterRef("school_id"), status=VisitStatus.RECORDED)
    drafts = Visit.objects.filter(team=team, school_id=OuterRef("school_id"), status=VisitStatus.DRAFT)
    return (
        TeamAssignment.objects.visible_to(user, VIEW)
        .filter(team=team)
        .select_related("school", "school__parent")
        .annotate(
            visit_count=recorded.values("school_id").annotate(n=Count("pk")).values("n")[:1],
            draft_id=drafts.values("pk")[:1],
        )
        .order_by("school__path")
    )


def team_member_candidates(user):
    """Bureau users and supervisors who may sit on a team (active users the organiser can see)."""
    from edubureau.accounts.models import Membership, User

    roles = ("department_staff", "supervisor", "leader", "system_admin")
    return (
        User.objects.visible_to(user, "users.view")
        .filter(is_active=True)
        .filter(pk__in=Membership.objects.current().filter(role__code__in=roles).values("user_id"))
        .select_related("unit")
        .order_by("unit__path", "real_name")
    )


def visit_list(*, user, q="", campaign=None, school=None, status="", date_from=None, date_to=None):
    qs = (
        Visit.objects.visible_to(user, VIEW)
        .select_related("campaign", "team", "school", "recorded_by")
        .annotate(
            answer_count=Count("answers", distinct=True),
            finding_count=Count("findings", distinct=True),
        )
    )
    if q:
        qs = qs.filter(
            Q(school__name__icontains=q) | Q(campaign__name__icontains=q) | Q(team__name__icontains=q)
        )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if school is not None:
        qs = qs.filter(school=school)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(visited_on__gte=date_from)
    if date_to:
        qs = qs.filter(visited_on__lte=date_to)
    return qs.order_by("-visited_on", "-pk")


def visit_get(*, user, pk, perm=VIEW):
    qs = Visit.objects.select_related(
        "campaign", "campaign__template", "team", "school", "recorded_by", "created_by"
    )
    return get_visible_or_404(qs, user, perm, pk=pk)


def answers_by_item(parent_filter):
    return {a.item_id: a for a in Answer.objects.filter(**parent_filter)}


def findings_of(parent_filter):
    """Findings with their hazards (two queries)."""
    from edubureau.safety.models import Hazard

    findings = list(Finding.objects.filter(**parent_filter).select_related("item").order_by("pk"))
    hazard_ids = [f.hazard_id for f in findings if f.hazard_id]
    hazards = Hazard.objects.select_related("category").in_bulk(hazard_ids) if hazard_ids else {}
    names = {}
    if any(f.hazard_id is None for f in findings):
        from edubureau.safety.models import HazardCategory

        names = dict(HazardCategory.objects.values_list("code", "name"))
    for f in findings:
        f.hazard = hazards.get(f.hazard_id)
        f.category_name = f.hazard.category.name if f.hazard else names.get(f.category, f.category)
    return findings


def checklist_rows(template, answers):
    """[(category, [(item, answer or None)])] for a form or a read-only sheet."""
    return [
        (category, [(item, answers.get(item.pk)) for item in items])
        for category, items in grouped_items(template)
    ]


# --- self-checks ------------------------------------------------------------------------------------


def my_self_checks(*, user):
    """Targets of open or closed campaigns that ask the user's school(s) for a self-check."""
    self_checks = SelfCheck.objects.filter(
        campaign_id=OuterRef("campaign_id"), school_id=OuterRef("school_id")
    )
    return (
        CampaignTarget.objects.visible_to(user, SELF_CHECK)
        .filter(campaign__self_check_required=True)
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("campaign", "school")
        .annotate(
            self_check_status=self_checks.values("status")[:1],
            self_check_id=self_checks.values("pk")[:1],
            self_check_at=self_checks.values("submitted_at")[:1],
        )
        .order_by("-campaign__start", "campaign_id", "school__path")
    )


def selfcheck_target_get(*, user, pk):
    qs = CampaignTarget.objects.filter(campaign__self_check_required=True).select_related(
        "campaign", "campaign__template", "school"
    )
    return get_visible_or_404(qs, user, SELF_CHECK, pk=pk)


def selfcheck_get(*, user, pk):
    qs = SelfCheck.objects.select_related(
        "campaign", "campaign__template", "school", "submitted_by", "filled_by"
    )
    return get_visible_or_404(qs, user, VIEW, pk=pk)


# --- templates --------------------------------------------------------------------------------------


def template_list(*, user, q="", active=""):
    qs = (
        ChecklistTemplate.objects.visible_to(user, VIEW)
        .select_related("owner")
        .annotate(
            item_count=Count("items", distinct=True),
            campaign_count=Count("campaigns", distinct=True),
        )
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if active == "1":
        qs = qs.filter(is_active=True)
    elif active == "0":
        qs = qs.filter(is_active=False)
    return qs.order_by("-is_active", "name", "-revision")


def template_get(*, user, pk, perm=VIEW):
    qs = ChecklistTemplate.objects.select_related("owner", "previous", "created_by")
    return get_visible_or_404(qs, user, perm, pk=pk)


def item_get(*, user, pk, perm=MANAGE):
    item = ChecklistItem.objects.select_related("template").filter(pk=pk).first() if pk < 2**63 else None
    if item is None:
        raise Http404("未找到该对象，或您无权访问。")
    template_get(user=user, pk=item.template_id, perm=perm)
    return item


# --- to-dos -----------------------------------------------------------------------------------------


def open_self_checks_to_submit(user):
    """Open campaigns whose self-check the user's school(s) have not submitted yet."""
    submitted = SelfCheck.objects.filter(
        campaign_id=OuterRef("campaign_id"), school_id=OuterRef("school_id"), status=SelfCheckStatus.SUBMITTED
    )
    return (
        CampaignTarget.objects.visible_to(user, SELF_CHECK)
        .filter(campaign__self_check_required=True, campaign__status=CampaignStatus.OPEN)
        .exclude(Exists(submitted))
        .select_related("campaign", "school")
        .order_by("campaign__end", "school__path")
    )


def schools_to_visit(user):
    """Assignments of open campaigns to teams the user sits on, without a recorded visit yet."""
    recorded = Visit.objects.filter(
        team_id=OuterRef("team_id"), school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
    )
    return (
        TeamAssignment.objects.visible_to(user, VISIT)
        .filter(team_id__in=TeamMember.objects.filter(user_id=user.pk).values("team_id"))
        .filter(campaign__status=CampaignStatus.OPEN)
        .exclude(Exists(recorded))
        .select_related("team", "campaign", "school")
        .order_by("campaign__end", "school__path")
    )
