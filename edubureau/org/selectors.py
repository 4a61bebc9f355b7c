"""Reads of the org tree and groups: scoped, with the joins their pages need, fixed query counts."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from edubureau.accounts import scope

from .choices import GroupKind, GroupMemberRole, UnitKind, UnitStatus
from .models import SEGMENT_WIDTH, OrgGroup, OrgGroupMember, OrgUnit

TREE_FIELDS = (
    "id",
    "parent_id",
    "path",
    "depth",
    "kind",
    "name",
    "short_name",
    "school_code",
    "status",
    "closed_on",
    "sort_order",
)
# The tree opens this many levels below each visible root, and one level more for small trees.
OPEN_LEVELS = 1
SMALL_TREE = 300


@dataclass
class TreeNode:
    unit: OrgUnit
    level: int = 0  # depth below the visible root it hangs from
    children: list = field(default_factory=list)


@dataclass
class TreeRow:
    """One line of the rendered tree; `closes` is how many open lists end after it."""

    node: TreeNode
    is_open: bool
    closes: range


def _parent_path(path):
    return path[: -(SEGMENT_WIDTH + 1)]


def visible_units(*, user, perm="org.view"):
    """Every unit the user can see, ordered by path (ONE query), with only the columns a tree needs."""
    return list(OrgUnit.objects.visible_to(user, perm).only(*TREE_FIELDS).order_by("path"))


def build_tree(units):
    """Roots of the forest formed by `units` (ordered by path). A unit whose parent is not in the list
    hangs from its nearest listed ancestor, or becomes a root."""
    by_path = {}
    roots = []
    for unit in units:
        node = TreeNode(unit)
        by_path[unit.path] = node
        parent_path = _parent_path(unit.path)
        parent = None
        while parent_path and parent is None:
            parent = by_path.get(parent_path)
            parent_path = _parent_path(parent_path)
        if parent is None:
            roots.append(node)
        else:
            node.level = parent.level + 1
            parent.children.append(node)
    _sort(roots)
    return roots


def _sort(nodes):
    nodes.sort(key=lambda n: (n.unit.sort_order, n.unit.path))
    for node in nodes:
        _sort(node.children)


def tree_rows(roots, *, open_levels):
    """The tree flattened for a template without recursion."""
    rows = []

    def walk(node, closes_after):
        is_open = node.level < open_levels
        if not node.children:
            rows.append(TreeRow(node, is_open, range(closes_after)))
            return
        rows.append(TreeRow(node, is_open, range(0)))
        last = len(node.children) - 1
        for i, child in enumerate(node.children):
            walk(child, (closes_after + 1) if i == last else 0)

    for root in roots:
        walk(root, 0)
    return rows


def kind_counts(units):
    """[(kind value, label, count)] in the order of UnitKind, kinds with no unit left out."""
    counts = Counter(u.kind for u in units)
    return [(k.value, k.label, counts[k.value]) for k in UnitKind if counts[k.value]]


def filter_units(units, *, kind="", status="", q=""):
    """The flat search result, filtered in Python from the same list (no further query)."""
    q = (q or "").strip().lower()
    result = []
    for unit in units:
        if kind and unit.kind != kind:
            continue
        if status and unit.status != status:
            continue
        if q and not (
            q in unit.name.lower() or q in unit.short_name.lower() or q in (unit.school_code or "")
        ):
            continue
        result.append(unit)
    return result


def org_tree(*, user, kind="", status="", q=""):
    """Everything the tree page shows, from one query on OrgUnit."""
    units = visible_units(user=user)
    by_path = {u.path: u for u in units}
    filtering = bool(kind or status or (q or "").strip())
    data = {
        "total": len(units),
        "closed": sum(1 for u in units if u.status == UnitStatus.CLOSED),
        "kind_counts": kind_counts(units),
        "filtering": filtering,
    }
    if filtering:
        results = filter_units(units, kind=kind, status=status, q=q)
        data["results"] = [(u, by_path.get(_parent_path(u.path))) for u in results]
    else:
        roots = build_tree(units)
        open_levels = OPEN_LEVELS + (1 if len(units) <= SMALL_TREE else 0)
        data["rows"] = tree_rows(roots, open_levels=open_levels)
    return data


# --- one unit ---------------------------------------------------------------------------------


def unit_detail(*, user, unit):
    """What the unit page shows besides the unit itself (the unit was fetched with
    get_visible_or_404). A fixed number of queries."""
    from edubureau.accounts.models import User
    from edubureau.audit.models import AuditEvent

    ancestors = [
        (a, scope.user_can(user, "org.view", a))
        for a in OrgUnit.objects.filter(path__in=unit.ancestor_paths()).order_by("depth")
    ]
    children = list(
        OrgUnit.objects.visible_to(user, "org.view").filter(parent=unit).order_by("sort_order", "path")
    )
    memberships = list(
        OrgGroupMember.objects.filter(
            unit=unit, group__in=OrgGroup.objects.visible_to(user, "org.view")
        ).select_related("group")
    )
    data = {
        "ancestors": ancestors,
        "children": children,
        "group_memberships": memberships,
        "can_view_users": scope.user_can(user, "users.view", unit),
        "can_view_audit": scope.user_can(user, "audit.view", unit),
    }
    if data["can_view_users"]:
        data["user_count"] = User.objects.visible_to(user, "users.view").filter(unit=unit).count()
    if data["can_view_audit"]:
        from edubureau.audit.selectors import action_label

        data["audit_events"] = list(
            AuditEvent.objects.visible_to(user, "audit.view")
            .filter(Q(unit=unit) | Q(object_type="org.orgunit", object_id=str(unit.pk)))
            .order_by("-occurred_at", "-id")[:10]
        )
        for event in data["audit_events"]:
            event.action_label = action_label(event.action)
    return data


def manageable_parents(*, user, unit=None, kind=None):
    """Units the user may put a unit under: in their org.manage scope, open, not in the unit's own
    subtree, and of a kind that may hold `kind`."""
    from .services import ALLOWED_PARENTS, SCHOOL_PARENTS

    qs = OrgUnit.objects.visible_to(user, "org.manage").filter(status=UnitStatus.ACTIVE)
    if unit is not None:
        qs = qs.exclude(path__startswith=unit.path)
        if unit.parent_id:
            qs = qs.exclude(pk=unit.parent_id)
        kind = kind or unit.kind
    if kind:
        allowed = {k for k in ALLOWED_PARENTS.get(kind, SCHOOL_PARENTS) if k}
        qs = qs.filter(kind__in=allowed)
    return qs.order_by("path")


# --- groups -------------------------------------------------------------------------------------

# How members are listed: the lead school and the helping side first, then the others by place in the tree.
ROLE_ORDER = {
    GroupMemberRole.LEAD: 0,
    GroupMemberRole.HELPER: 1,
    GroupMemberRole.HELPED: 2,
    GroupMemberRole.MEMBER: 3,
}


def sorted_members(memberships):
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.unit.path))


def group_supervisors(group_ids):
    """{group id: [current memberships held on the group]} in one query."""
    from edubureau.accounts.models import Membership

    result = {}
    rows = (
        Membership.objects.current()
        .filter(group_id__in=list(group_ids))
        .select_related("user", "role")
        .order_by("role__sort_order", "user__real_name")
    )
    for m in rows:
        result.setdefault(m.group_id, []).append(m)
    return result


def group_list(*, user, kind="", q=""):
    """Visible groups with the members the user can see and the roles held on them, by kind
    (3 queries)."""
    qs = OrgGroup.objects.visible_to(user, "org.view")
    if kind:
        qs = qs.filter(kind=kind)
    if q and q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(code__icontains=q.strip()))
    qs = qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=OrgGroupMember.objects.filter(unit__in=OrgUnit.objects.visible_to(user, "org.view"))
            .select_related("unit")
            .order_by("unit__path"),
            to_attr="visible_memberships",
        )
    ).order_by("kind", "code")
    groups = list(qs)
    for g in groups:
        g.visible_memberships = sorted_members(g.visible_memberships)
    supervisors = group_supervisors(g.pk for g in groups)
    sections = []
    for gk in GroupKind:
        items = [g for g in groups if g.kind == gk.value]
        for g in items:
            g.supervisor_memberships = supervisors.get(g.pk, [])
        if items or not kind:
            sections.append((gk.value, gk.label, items))
    return sections


def group_detail(*, user, group):
    """Members in the user's scope and the roles held on the group."""
    members = sorted_members(
        OrgGroupMember.objects.filter(
            group=group, unit__in=OrgUnit.objects.visible_to(user, "org.view")
        ).select_related("unit")
    )
    return {
        "members": members,
        "supervisors": group_supervisors([group.pk]).get(group.pk, []),
    }


def group_can_manage(*, user, group):
    """Can the user change this group's members (org.manage on every current member)?"""
    if not scope.user_has_perm(user, "org.manage"):
        return False
    units = OrgUnit.objects.filter(group_memberships__group=group).only("id", "path")
    return all(scope.user_can(user, "org.manage", u) for u in units)
