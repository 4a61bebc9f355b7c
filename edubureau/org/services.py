"""Writes on the org tree and groups. Atomic, validated, audited; a move carries the whole subtree."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from edubureau.accounts import scope
from edubureau.audit import services as audit
from edubureau.common.errors import NotFoundError, ServiceError, from_validation_error

from .choices import GroupMemberRole, UnitKind, UnitStatus
from .models import OrgGroup, OrgGroupMember, OrgUnit, path_segment

UNIT_FIELDS = (
    "kind",
    "name",
    "short_name",
    "school_code",
    "uscc",
    "division_code",
    "ownership",
    "is_puhui",
    "kindergarten_grade",
    "address",
    "contact_person",
    "phone",
    "opened_on",
    "sort_order",
)

# Which kinds may sit under which (None = a root).
ALLOWED_PARENTS = {
    UnitKind.BUREAU: {None, UnitKind.BUREAU},
    UnitKind.DEPARTMENT: {UnitKind.BUREAU},
    UnitKind.TOWN: {UnitKind.BUREAU},
    UnitKind.TEACHING_POINT: {
        UnitKind.PRIMARY,
        UnitKind.NINE_YEAR,
        UnitKind.KINDERGARTEN,
        UnitKind.TOWN,
        UnitKind.BUREAU,
    },
}
SCHOOL_PARENTS = {UnitKind.BUREAU, UnitKind.TOWN}


def _check_parent(kind, parent):
    allowed = ALLOWED_PARENTS.get(kind, SCHOOL_PARENTS)
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        where = parent.get_kind_display() if parent else "最上级"
        raise ServiceError(f"{UnitKind(kind).label}不能设在{where}之下。", field="parent")


def _require(actor, perm, unit):
    if unit is None or not scope.user_can(actor, perm, unit):
        raise NotFoundError()


@transaction.atomic
def unit_create(*, actor, parent, channel=None, **fields):
    """Add a unit under `parent` (which the actor manages)."""
    _require(actor, "org.manage", parent)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    unit = OrgUnit(parent=parent, **fields)
    _check_parent(unit.kind, parent)
    try:
        unit.full_clean(exclude=["path", "depth", "parent"])
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    unit.save()
    audit.record(actor=actor, action="org.unit.create", obj=unit, channel=channel)
    return unit


@transaction.atomic
def unit_update(*, actor, unit, version=None, channel=None, **changes):
    """Edit a unit's attributes (not its place in the tree: see unit_move)."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require(actor, "org.manage", unit)
    unit.check_version(version)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    before = audit.snapshot(unit)
    for field, value in changes.items():
        setattr(unit, field, value)
    if "kind" in changes:
        _check_parent(unit.kind, unit.parent)
    try:
        unit.full_clean(exclude=["path", "depth", "parent"])
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    unit.bump_version()
    unit.save()
    audit.record(actor=actor, action="org.unit.update", obj=unit, before=before, channel=channel)
    return unit


@transaction.atomic
def unit_move(*, actor, unit, new_parent, version=None, channel=None):
    """Move a unit and its whole subtree under `new_parent`, in one transaction."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    # Re-read the new parent too: a caller's copy may hold a stale path or status.
    new_parent = OrgUnit.objects.select_for_update().filter(pk=getattr(new_parent, "pk", None)).first()
    _require(actor, "org.manage", unit)
    _require(actor, "org.manage", new_parent)
    unit.check_version(version)
    if new_parent.path.startswith(unit.path):
        raise ServiceError("不能把单位移到它自己或它的下级单位之下。", field="parent")
    if unit.parent_id == new_parent.pk:
        raise ServiceError("该单位已在所选上级单位之下。", field="parent")
    if new_parent.status == UnitStatus.CLOSED:
        raise ServiceError("不能把单位移到已撤并/停办的单位之下。", field="parent")
    _check_parent(unit.kind, new_parent)
    before = {"parent": unit.parent_id, "path": unit.path}
    old_prefix = unit.path
    new_prefix = new_parent.path + path_segment(unit.pk)
    depth_delta = new_prefix.count("/") - old_prefix.count("/")
    OrgUnit.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + depth_delta,
    )
    OrgUnit.objects.filter(pk=unit.pk).update(parent=new_parent, version=F("version") + 1)
    unit.refresh_from_db()
    audit.record(
        actor=actor,
        action="org.unit.move",
        obj=unit,
        before=before,
        after={"parent": new_parent.pk, "path": unit.path},
        channel=channel,
    )
    return unit


@transaction.atomic
def unit_close(*, actor, unit, closed_on, reason, channel=None):
    """Mark a unit closed (撤并/停办). It stays with its history; it leaves completeness denominators."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require(actor, "org.manage", unit)
    if not (reason or "").strip():
        raise ServiceError("请填写撤并/停办原因。", field="reason")
    if unit.status == UnitStatus.CLOSED:
        raise ServiceError("该单位已是撤并/停办状态。")
    if unit.children.filter(status=UnitStatus.ACTIVE).exists():
        raise ServiceError("该单位下还有正常办学的下级单位，请先移走或撤并它们。")
    before = audit.snapshot(unit)
    unit.status = UnitStatus.CLOSED
    unit.closed_on = closed_on
    try:
        unit.full_clean(exclude=["path", "depth", "parent"])
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    unit.bump_version()
    unit.save()
    audit.record(actor=actor, action="org.unit.close", obj=unit, before=before, note=reason, channel=channel)
    return unit


@transaction.atomic
def unit_reopen(*, actor, unit, reason, channel=None):
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require(actor, "org.manage", unit)
    if unit.status != UnitStatus.CLOSED:
        raise ServiceError("只有撤并/停办的单位可以恢复。")
    if unit.parent_id and unit.parent.status == UnitStatus.CLOSED:
        raise ServiceError("上级单位已撤并/停办，请先恢复上级单位或把本单位移走。")
    before = audit.snapshot(unit)
    unit.status = UnitStatus.ACTIVE
    unit.closed_on = None
    unit.bump_version()
    unit.save()
    audit.record(actor=actor, action="org.unit.reopen", obj=unit, before=before, note=reason, channel=channel)
    return unit


def _require_group_manage(actor, units):
    if not scope.user_has_perm(actor, "org.manage"):
        raise NotFoundError()
    for unit in units:
        _require(actor, "org.manage", unit)


def _member_pairs(members):
    """[(unit, role)] from units or (unit, role) pairs; refuses repeated units and unknown roles."""
    pairs = [m if isinstance(m, tuple) else (m, GroupMemberRole.MEMBER) for m in members]
    seen = set()
    for unit, role in pairs:
        if role not in GroupMemberRole.values:
            raise ServiceError(f"未知的成员角色：{role}", field="members")
        if unit.pk in seen:
            raise ServiceError(f"“{unit.name}”重复出现在成员中。", field="members")
        seen.add(unit.pk)
    return pairs


@transaction.atomic
def group_create(*, actor, kind, name, code, description="", members=(), channel=None):
    """Create a group of units. `members` is a list of units or (unit, role) pairs."""
    pairs = _member_pairs(members)
    _require_group_manage(actor, [u for u, _ in pairs])
    group = OrgGroup(kind=kind, name=(name or "").strip(), code=code, description=description)
    try:
        group.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    group.save()
    for unit, role in pairs:
        OrgGroupMember.objects.create(group=group, unit=unit, role=role)
    audit.record(
        actor=actor,
        action="org.group.create",
        obj=group,
        after={**audit.snapshot(group), "members": [u.pk for u, _ in pairs]},
        channel=channel,
    )
    return group


@transaction.atomic
def group_set_members(*, actor, group, members, channel=None):
    """Replace a group's members (list of units or (unit, role) pairs)."""
    group = OrgGroup.objects.select_for_update().get(pk=group.pk)
    pairs = _member_pairs(members)
    current = list(group.members.all())
    _require_group_manage(actor, current + [u for u, _ in pairs])
    before = {"members": sorted(u.pk for u in current)}
    group.memberships.all().delete()
    for unit, role in pairs:
        OrgGroupMember.objects.create(group=group, unit=unit, role=role)
    group.bump_version()
    group.save()
    audit.record(
        actor=actor,
        action="org.group.members",
        obj=group,
        before=before,
        after={"members": sorted(u.pk for u, _ in pairs)},
        channel=channel,
    )
    return group
