"""API: org units and groups in the caller's scope; unit writes through org.services."""

import datetime

from django.db.models import Count, Prefetch, Q
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from edubureau.accounts.scope import require_perm
from edubureau.api.pagination import LimitOffset
from edubureau.api.schemas import InputSchema, ObjectId, PathId, UnitRef, errors, unit_ref
from edubureau.common.errors import ServiceError

from . import services
from .choices import SCHOOL_KINDS, GroupKind, Ownership, UnitKind, UnitStatus
from .models import OrgGroup, OrgGroupMember, OrgUnit
from .scoping import get_visible_or_404

router = Router()

UNITS_TAG = ["单位"]
GROUPS_TAG = ["单位分组"]


# --- reads (scoped, with their joins: fixed query counts) -------------------------------------------


def units_visible(user):
    """Units the user may see, with the number of direct children, in tree order."""
    return (
        OrgUnit.objects.visible_to(user, "org.view").annotate(child_count=Count("children")).order_by("path")
    )


def groups_visible(user):
    """Groups the user may see, with the number of members the user can see."""
    visible_units = OrgUnit.objects.visible_to(user, "org.view").values("pk")
    return (
        OrgGroup.objects.visible_to(user, "org.view")
        .annotate(member_count=Count("memberships", filter=Q(memberships__unit__in=visible_units)))
        .order_by("kind", "name")
    )


def group_with_members(user, pk):
    members = (
        OrgGroupMember.objects.filter(unit__in=OrgUnit.objects.visible_to(user, "org.view"))
        .select_related("unit")
        .order_by("role", "unit__path")
    )
    qs = groups_visible(user).prefetch_related(
        Prefetch("memberships", queryset=members, to_attr="visible_memberships")
    )
    return get_visible_or_404(qs, user, "org.view", pk=pk)


# --- schemas ----------------------------------------------------------------------------------------


class UnitFilters(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    kind: UnitKind | None = Field(None, description="单位类型")
    status: UnitStatus | None = Field(None, description="状态")
    parent: ObjectId | None = Field(None, description="只列出该单位的直属下级")
    q: str | None = Field(None, max_length=100, description="按名称、简称或学校标识码查找")
    school_only: bool = Field(False, description="只列出学校（含幼儿园、教学点等）")


class GroupFilters(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    kind: GroupKind | None = Field(None, description="分组类型")
    q: str | None = Field(None, max_length=100, description="按名称或编码查找")
    is_active: bool | None = Field(None, description="是否有效")


class UnitOut(Schema):
    id: int
    parent_id: int | None = Field(description="上级单位编号")
    name: str
    short_name: str
    kind: str = Field(description="单位类型编码")
    kind_label: str
    is_school: bool
    school_code: str = Field(description="学校标识码")
    uscc: str = Field(description="统一社会信用代码")
    division_code: str = Field(description="行政区划代码")
    ownership: str
    ownership_label: str
    is_puhui: bool
    kindergarten_grade: str
    address: str
    contact_person: str
    phone: str = Field(description="单位联系电话")
    status: str
    status_label: str
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    sort_order: int
    depth: int
    child_count: int = Field(description="直属下级单位数")
    version: int = Field(description="版本号，修改和移动时原样提交")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_ownership_label(obj):
        return obj.get_ownership_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_child_count(obj):
        return getattr(obj, "child_count", 0)


class UnitFields(InputSchema):
    short_name: str = Field("", max_length=40, description="简称")
    school_code: str = Field("", max_length=10, description="学校标识码（10位数字）")
    uscc: str = Field("", max_length=18, description="统一社会信用代码（18位）")
    division_code: str = Field("", max_length=6, description="行政区划代码（6位）")
    ownership: Ownership = Field(Ownership.PUBLIC, description="办学性质")
    is_puhui: bool = Field(False, description="普惠性（仅幼儿园）")
    kindergarten_grade: str = Field("", max_length=4, description="幼儿园等级：p1/p2/p3/none")
    address: str = Field("", max_length=200)
    contact_person: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    opened_on: datetime.date | None = Field(None, description="设立日期")
    sort_order: int = Field(100, ge=0, le=2**31 - 1, description="同级排序")


class UnitCreateIn(UnitFields):
    parent: ObjectId = Field(description="上级单位编号（须在您的维护范围内）")
    kind: UnitKind = Field(description="单位类型")
    name: str = Field(min_length=1, max_length=100, description="单位名称")


class UnitPatchIn(InputSchema):
    """Only the fields sent are changed; `version` is the one read before editing."""

    version: int = Field(ge=1, le=2**31 - 1, description="读取时的版本号；他人已修改时返回 409")
    kind: UnitKind = Field(None)
    name: str = Field(None, min_length=1, max_length=100)
    short_name: str = Field(None, max_length=40)
    school_code: str = Field(None, max_length=10)
    uscc: str = Field(None, max_length=18)
    division_code: str = Field(None, max_length=6)
    ownership: Ownership = Field(None)
    is_puhui: bool = Field(None)
    kindergarten_grade: str = Field(None, max_length=4)
    address: str = Field(None, max_length=200)
    contact_person: str = Field(None, max_length=40)
    phone: str = Field(None, max_length=30)
    opened_on: datetime.date | None = Field(None)
    sort_order: int = Field(None, ge=0, le=2**31 - 1)


class UnitMoveIn(InputSchema):
    parent: ObjectId = Field(description="新的上级单位编号")
    version: int = Field(ge=1, le=2**31 - 1, description="读取时的版本号")


class GroupOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    code: str
    description: str
    is_active: bool
    member_count: int = Field(description="您可见的成员单位数")
    version: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class GroupMemberOut(Schema):
    unit: UnitRef
    role: str
    role_label: str
    joined_on: datetime.date | None

    @staticmethod
    def resolve_unit(obj):
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()


class GroupDetailOut(GroupOut):
    members: list[GroupMemberOut] = Field(description="您可见的成员单位")

    @staticmethod
    def resolve_members(obj):
        return obj.visible_memberships


# --- units ------------------------------------------------------------------------------------------


@router.get(
    "/units",
    response={200: list[UnitOut], **errors(404, 422)},
    tags=UNITS_TAG,
    operation_id="list_units",
    summary="单位列表",
)
@paginate(LimitOffset)
def list_units(request, filters: Query[UnitFilters]):
    """您可见范围内的单位，按层级顺序排列。"""
    require_perm(request.user, "org.view")
    qs = units_visible(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        q = filters.q
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(school_code__icontains=q))
    if filters.school_only:
        qs = qs.filter(kind__in=SCHOOL_KINDS)
    return qs


@router.get(
    "/units/{id}",
    response={200: UnitOut, **errors(404, 422)},
    tags=UNITS_TAG,
    operation_id="get_unit",
    summary="单位详情",
)
def get_unit(request, id: PathId):
    """一个单位；不存在或不在您的可见范围内时返回 404。"""
    return get_visible_or_404(units_visible(request.user), request.user, "org.view", pk=id)


@router.get(
    "/units/{id}/children",
    response={200: list[UnitOut], **errors(404, 422)},
    tags=UNITS_TAG,
    operation_id="list_unit_children",
    summary="直属下级单位",
)
@paginate(LimitOffset)
def list_unit_children(request, id: PathId):
    """一个单位的直属下级单位（您可见的），按排序号排列。"""
    parent = get_visible_or_404(OrgUnit, request.user, "org.view", pk=id)
    return units_visible(request.user).filter(parent=parent).order_by("sort_order", "path")


@router.post(
    "/units",
    response={201: UnitOut, **errors(403, 404, 409, 422)},
    tags=UNITS_TAG,
    operation_id="create_unit",
    summary="新建单位",
)
def create_unit(request, payload: UnitCreateIn):
    """在您维护范围内的上级单位下新建单位。"""
    actor = request.user
    fields = payload.model_dump(exclude={"parent"})
    parent = OrgUnit.objects.visible_to(actor, "org.view").filter(pk=payload.parent).first()
    unit = services.unit_create(actor=actor, parent=parent, **fields)
    return Status(201, get_visible_or_404(units_visible(actor), actor, "org.view", pk=unit.pk))


@router.patch(
    "/units/{id}",
    response={200: UnitOut, **errors(403, 404, 409, 422)},
    tags=UNITS_TAG,
    operation_id="update_unit",
    summary="修改单位",
)
def update_unit(request, id: PathId, payload: UnitPatchIn):
    """只修改提交的字段（上级单位请用“移动单位”）。须提交读取时的 version；他人已修改时返回 409。"""
    actor = request.user
    unit = get_visible_or_404(OrgUnit, actor, "org.view", pk=id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    if not changes:
        raise ServiceError("请至少提交一个要修改的字段。")
    services.unit_update(actor=actor, unit=unit, version=version, **changes)
    return get_visible_or_404(units_visible(actor), actor, "org.view", pk=id)


@router.post(
    "/units/{id}/move",
    response={200: UnitOut, **errors(403, 404, 409, 422)},
    tags=UNITS_TAG,
    operation_id="move_unit",
    summary="移动单位",
)
def move_unit(request, id: PathId, payload: UnitMoveIn):
    """把单位连同其全部下级移到新的上级单位之下。两处都须在您的维护范围内。"""
    actor = request.user
    unit = get_visible_or_404(OrgUnit, actor, "org.view", pk=id)
    new_parent = OrgUnit.objects.visible_to(actor, "org.view").filter(pk=payload.parent).first()
    services.unit_move(actor=actor, unit=unit, new_parent=new_parent, version=payload.version)
    return get_visible_or_404(units_visible(actor), actor, "org.view", pk=id)


# --- groups -----------------------------------------------------------------------------------------


@router.get(
    "/groups",
    response={200: list[GroupOut], **errors(404, 422)},
    tags=GROUPS_TAG,
    operation_id="list_groups",
    summary="单位分组列表",
)
@paginate(LimitOffset)
def list_groups(request, filters: Query[GroupFilters]):
    """学区、督学责任区、教育集团、结对帮扶：您可见其成员单位或在其上有角色的分组。"""
    require_perm(request.user, "org.view")
    qs = groups_visible(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    return qs


@router.get(
    "/groups/{id}",
    response={200: GroupDetailOut, **errors(404, 422)},
    tags=GROUPS_TAG,
    operation_id="get_group",
    summary="单位分组详情",
)
def get_group(request, id: PathId):
    """一个分组及其成员单位（只列出您可见的成员）。"""
    return group_with_members(request.user, id)
