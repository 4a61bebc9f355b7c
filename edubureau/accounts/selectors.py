"""Reads for the user and token pages: scoped, with the joins each page needs."""

import datetime

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from edubureau.audit.choices import FAILURE_KINDS, LoginEventKind
from edubureau.audit.models import LoginEvent
from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgGroup, OrgUnit
from edubureau.org.scoping import get_visible_or_404

from .models import ApiToken, Membership, Role, User

# Sort keys offered on the user list: key -> order_by fields.
USER_SORTS = {
    "username": ("username",),
    "-username": ("-username",),
    "real_name": ("real_name", "username"),
    "-real_name": ("-real_name", "username"),
    "unit": ("unit__path", "username"),
    "-unit": ("-unit__path", "username"),
    "last_login": ("last_login", "username"),
    "-last_login": ("-last_login", "username"),
}

STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
STATUS_LOCKED = "locked"
STATUS_MUST_CHANGE = "must_change"


def current_memberships_prefetch():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.current()
        .select_related("role", "unit", "group", "department")
        .order_by("role__sort_order", "id"),
        to_attr="current_memberships",
    )


def user_list(*, actor, q="", unit=None, role=None, status="", sort=""):
    """The users the actor may see, filtered and sorted, with unit and current roles joined."""
    qs = (
        User.objects.visible_to(actor, "users.view")
        .select_related("unit")
        .prefetch_related(current_memberships_prefetch())
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(real_name__icontains=q) | Q(phone__icontains=q))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if role is not None:
        qs = qs.filter(pk__in=Membership.objects.current().filter(role=role).values("user_id"))
    if status == STATUS_ACTIVE:
        qs = qs.filter(is_active=True)
    elif status == STATUS_INACTIVE:
        qs = qs.filter(is_active=False)
    elif status == STATUS_MUST_CHANGE:
        qs = qs.filter(must_change_password=True)
    elif status == STATUS_LOCKED:
        qs = qs.filter(username__in=list(locked_until_map()))
    return qs.order_by(*USER_SORTS.get(sort, ("unit__path", "username")))


def user_filter_units(actor):
    """Units offered in the list's unit filter: those whose users the actor may see."""
    return OrgUnit.objects.visible_to(actor, "users.view").order_by("path")


def roles():
    return Role.objects.all()


def user_get(*, actor, pk, perm="users.view"):
    """One user the actor may see (or manage, with perm="users.manage"), else 404."""
    return get_visible_or_404(User.objects.select_related("unit"), actor, perm, pk=pk)


def user_memberships(user):
    """All of a user's role assignments, current first, then ended (newest first)."""
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("role", "unit", "group", "department")
        .order_by("role__sort_order", "id")
    )
    current = [m for m in memberships if m.ended_at is None]
    ended = sorted((m for m in memberships if m.ended_at is not None), key=lambda m: m.ended_at, reverse=True)
    return current, ended


def user_recent_logins(user, limit=10):
    """The user's latest login events; rows of another account that once had the same username are not
    theirs (only rows without an account, e.g. time-outs and attempts before it existed, go by name)."""
    own = Q(user=user) | Q(user__isnull=True, username=user.username)
    return list(LoginEvent.objects.filter(own).order_by("-occurred_at", "-id")[:limit])


def locked_until_map(usernames=None):
    """{username: locked until} for the accounts that are locked now, in one query.

    Same rule as accounts.security.account_locked_until (which answers for one account): within the
    lock-out window, the failures after the last success or unlock; when they reach the limit, the lock
    lasts until the newest failure plus the window. Pass the usernames of a page, or None for all.
    """
    window = datetime.timedelta(minutes=settings.EDUBUREAU_LOCKOUT_MINUTES)
    limit = settings.EDUBUREAU_LOCKOUT_FAILURES
    since = timezone.now() - window
    resets = {LoginEventKind.SUCCESS, LoginEventKind.UNLOCK}
    events = LoginEvent.objects.filter(occurred_at__gt=since, kind__in=[*FAILURE_KINDS, *resets])
    if usernames is not None:
        usernames = list(usernames)
        if not usernames:
            return {}
        events = events.filter(username__in=usernames)
    failures = {}
    rows = events.order_by("occurred_at", "id").values_list("username", "kind", "occurred_at")
    for username, kind, occurred_at in rows:
        if kind in resets:
            failures[username] = []
        else:
            failures.setdefault(username, []).append(occurred_at)
    return {name: times[-1] + window for name, times in failures.items() if len(times) >= limit}


# --- choices for the management forms -------------------------------------------------------------


def manageable_units(actor):
    """Units on which the actor manages users (create, move, grant)."""
    return OrgUnit.objects.visible_to(actor, "users.manage").active().order_by("path")


def manageable_groups(actor):
    return OrgGroup.objects.visible_to(actor, "users.manage").filter(is_active=True).order_by("kind", "name")


def manageable_departments(actor):
    return manageable_units(actor).filter(kind=UnitKind.DEPARTMENT)


# --- personal API tokens --------------------------------------------------------------------------


def token_list(*, user):
    """The user's own tokens: nobody sees another person's tokens."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get(*, user, pk):
    """One of the user's own tokens; another person's token is as good as missing (404)."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404("未找到该令牌。")
    return token
