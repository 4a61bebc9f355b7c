"""The hazard ledger's items on the home page's 我的待办 (fixed number of queries)."""

from django.db.models import Q
from django.utils import timezone

from edubureau.accounts.scope import user_has_perm, user_has_root_perm, user_scope_prefixes
from edubureau.org.scoping import scope_q
from edubureau.web.todos import TodoItem

from . import permissions as P
from .choices import HazardLevel, HazardStatus
from .models import Hazard, MajorHazardSupervision

LIMIT = 50  # per kind; the ledger page lists the rest


def _school_level_prefixes(user, perm):
    """Scope prefixes of `perm` below the county root (a school's or a town's grant, not the bureau's)."""
    return [p for p in user_scope_prefixes(user, perm) if p.count("/") > 1]


def to_rectify(user, today):
    """Hazards of the user's schools that wait for the school's rectification, overdue first."""
    if not user_has_perm(user, P.RECTIFY):
        return []
    qs = (
        Hazard.objects.visible_to(user, P.RECTIFY)
        .filter(status__in=(HazardStatus.FOUND, HazardStatus.RECTIFYING))
        .select_related("school")
        .order_by("deadline", "found_on", "pk")[:LIMIT]
    )
    items = []
    for h in qs:
        verb = "制定整改措施" if h.status == HazardStatus.FOUND else "完成整改并提交复核"
        items.append(
            TodoItem(
                title=f"{'重大' if h.is_major else ''}隐患{h.number}：{h.place}，请{verb}",
                url=h.get_absolute_url(),
                due=h.deadline,
                kind_label="隐患整改",
                overdue=h.overdue_on(today),
                unit_name=h.school.name,
            )
        )
    return items


def to_verify(user, today):
    """Rectifications the user is to verify: major hazards for bureau verifiers, general ones for
    verifiers at a school (or town), and any hazard the user found; never the user's own rectification."""
    if not user_has_perm(user, P.VERIFY):
        return []
    cond = Q()
    if user_has_root_perm(user, P.VERIFY):
        cond |= Q(level=HazardLevel.MAJOR)
    local = _school_level_prefixes(user, P.VERIFY)
    if local:
        cond |= Q(level=HazardLevel.GENERAL) & scope_q(local, "school__path")
    cond |= Q(found_by=user, level=HazardLevel.GENERAL)
    qs = (
        Hazard.objects.visible_to(user, P.VERIFY)
        .filter(cond, status=HazardStatus.AWAITING_CHECK)
        .exclude(rectified_by=user)
        .select_related("school")
        .order_by("rectified_at", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            title=f"{'重大' if h.is_major else ''}隐患{h.number}：{h.place}，整改已完成，请复核",
            url=h.get_absolute_url(),
            due=None,
            kind_label="隐患复核",
            overdue=False,
            unit_name=h.school.name,
        )
        for h in qs
    ]


def past_bureau_deadline(user, today):
    """Listed major hazards past the bureau's deadline and not yet closed."""
    if not user_has_perm(user, P.SUPERVISE):
        return []
    qs = (
        MajorHazardSupervision.objects.visible_to(user, P.SUPERVISE)
        .active()
        .filter(deadline__lt=today)
        .exclude(hazard__status__in=(HazardStatus.CLOSED, HazardStatus.VOID))
        .select_related("hazard", "hazard__school")
        .order_by("deadline")[:LIMIT]
    )
    return [
        TodoItem(
            title=f"挂牌督办重大隐患{s.hazard.number}：{s.hazard.place}，已超过督办期限",
            url=s.get_absolute_url(),
            due=s.deadline,
            kind_label="挂牌督办",
            overdue=True,
            unit_name=s.hazard.school.name,
        )
        for s in qs
    ]


def hazard_todos(user):
    today = timezone.localdate()
    return [*to_rectify(user, today), *to_verify(user, today), *past_bureau_deadline(user, today)]
