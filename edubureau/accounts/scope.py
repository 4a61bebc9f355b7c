"""What a user may see and do: computed once per request from the user's current memberships."""

from django.http import Http404

from edubureau.org.models import OrgGroupMember


class _All:
    def __repr__(self):
        return "ALL"


ALL = _All()  # reserved for callers that bypass scope (jobs); users always get a list of prefixes


class _Grant:
    __slots__ = ("department_id", "group_id", "membership", "paths", "perms", "role_code")

    def __init__(self, membership, paths):
        self.membership = membership
        self.perms = membership.role.permission_set
        self.role_code = membership.role.code
        self.group_id = membership.group_id
        self.department_id = membership.department_id
        self.paths = paths


def _grants(user):
    """The user's current grants, cached on the user object (two queries, once per request)."""
    cached = getattr(user, "_eb_grants", None)
    if cached is not None:
        return cached
    grants = []
    if user is not None and getattr(user, "is_authenticated", False) and user.is_active:
        memberships = list(user.memberships.current().select_related("role", "unit", "department", "group"))
        group_ids = [m.group_id for m in memberships if m.group_id]
        group_paths = {}
        if group_ids:
            rows = OrgGroupMember.objects.filter(group_id__in=group_ids).values_list("group_id", "unit__path")
            for group_id, path in rows:
                group_paths.setdefault(group_id, []).append(path)
        for m in memberships:
            paths = [m.unit.path] if m.unit_id else group_paths.get(m.group_id, [])
            grants.append(_Grant(m, paths))
    user._eb_grants = grants
    return grants


def forget(user):
    """Drop the cached grants (after the user's memberships change)."""
    for attr in ("_eb_grants", "_eb_prefixes"):
        if hasattr(user, attr):
            delattr(user, attr)


def _minimal(paths):
    """Drop paths that lie under another path in the list."""
    result = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def user_scope_prefixes(user, perm):
    """The path prefixes of the units on which `user` holds `perm` (a list, possibly empty)."""
    cache = getattr(user, "_eb_prefixes", None)
    if cache is None:
        cache = {}
        if user is not None:
            user._eb_prefixes = cache
    if perm not in cache:
        cache[perm] = _minimal(p for g in _grants(user) if perm in g.perms for p in g.paths)
    return cache[perm]


def user_group_ids(user, perm):
    return {g.group_id for g in _grants(user) if g.group_id and perm in g.perms}


def require_perm(user, perm):
    """A page or operation for a permission the user holds nowhere answers 404, like a missing one."""
    if not user_has_perm(user, perm):
        raise Http404("未找到该页面，或您无权访问。")


def user_has_perm(user, perm):
    """Does the user hold `perm` anywhere?"""
    return any(perm in g.perms for g in _grants(user))


def user_has_root_perm(user, perm):
    """Does the user hold `perm` on a root unit (the whole county)? County-wide configuration (the
    calendar, the role definitions) needs this: a grant on a school or a town must not change what
    every other unit works with."""
    return any(prefix.count("/") == 1 for prefix in user_scope_prefixes(user, perm))


def user_can(user, perm, unit):
    """Does the user hold `perm` on this unit?"""
    if unit is None:
        return False
    return any(unit.path.startswith(prefix) for prefix in user_scope_prefixes(user, perm))


def user_perms_on(user, unit):
    """Every permission the user holds on this unit."""
    perms = set()
    for g in _grants(user):
        if any(unit.path.startswith(p) for p in g.paths):
            perms |= g.perms
    return perms


def user_role_codes(user):
    return {g.role_code for g in _grants(user)}


def user_departments(user):
    return {g.membership.department for g in _grants(user) if g.department_id}


def user_grants(user):
    return list(_grants(user))
