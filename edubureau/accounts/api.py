"""API: the current user, users in the caller's scope, and the caller's own personal tokens."""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from edubureau.accounts.scope import require_perm
from edubureau.api.pagination import LimitOffset
from edubureau.api.schemas import (
    InputSchema,
    NamedRef,
    ObjectId,
    PathId,
    UnitRef,
    errors,
    mask_phone,
    named_ref,
    unit_ref,
)
from edubureau.common.errors import ForbiddenError, ServiceError
from edubureau.org.models import OrgUnit
from edubureau.org.scoping import get_visible_or_404

from . import scope, selectors, services
from .models import Role, User

router = Router()

ME_TAG = ["当前用户"]
USERS_TAG = ["用户"]
TOKENS_TAG = ["接口令牌"]


# --- schemas ----------------------------------------------------------------------------------------


class RoleOut(Schema):
    role: str = Field(description="角色编码")
    role_name: str
    unit: NamedRef | None = Field(description="授予在单位上时的单位")
    group: NamedRef | None = Field(description="授予在分组（如督学责任区）上时的分组")
    department: NamedRef | None = Field(description="科室人员所在科室")
    title: str = Field(description="职务")


def role_entries(memberships):
    return [
        {
            "role": m.role.code,
            "role_name": m.role.name,
            "unit": named_ref(m.unit),
            "group": named_ref(m.group),
            "department": named_ref(m.department),
            "title": m.title,
        }
        for m in memberships
    ]


class MeOut(Schema):
    id: int
    username: str
    real_name: str
    phone: str = Field(description="手机号码，仅显示后四位")
    email: str
    unit: UnitRef | None
    roles: list[RoleOut]
    permissions: list[str] = Field(description="在任一单位上拥有的权限编码")
    must_change_password: bool
    token_auth: bool = Field(description="本次请求是否以接口令牌认证")


class UserOut(Schema):
    id: int
    username: str
    real_name: str
    phone: str = Field(description="手机号码，仅显示后四位")
    email: str
    unit: UnitRef | None
    is_active: bool
    must_change_password: bool
    last_login: datetime.datetime | None
    roles: list[RoleOut] = Field(description="当前有效的角色")
    version: int = Field(description="版本号，修改时原样提交")
    created_at: datetime.datetime

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_unit(obj):
        return unit_ref(obj.unit)

    @staticmethod
    def resolve_roles(obj):
        return role_entries(obj.current_memberships)


class UserCreatedOut(UserOut):
    temporary_password: str = Field(description="临时密码，只显示这一次；首次登录须修改")


class UserFilters(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    q: str | None = Field(None, max_length=100, description="按登录账号、姓名或手机号码查找")
    unit: ObjectId | None = Field(None, description="单位编号（含其下级单位的用户）")
    role: str | None = Field(None, max_length=40, description="角色编码，如 school_admin")
    is_active: bool | None = Field(None, description="是否启用")


class UserCreateIn(InputSchema):
    unit: ObjectId = Field(description="所属单位编号（须在您的用户管理范围内）")
    username: str = Field(min_length=1, max_length=150, description="登录账号")
    real_name: str = Field(min_length=1, max_length=40, description="姓名")
    phone: str = Field("", max_length=20, description="手机号码")
    email: str = Field("", max_length=254, description="电子邮箱")
    role: str | None = Field(None, max_length=40, description="同时授予的角色编码，如 teacher")
    department: ObjectId | None = Field(None, description="科室编号（角色为科室人员时必填）")


class UserPatchIn(InputSchema):
    """Only the fields sent are changed; `version` is the one read before editing."""

    version: int = Field(ge=1, le=2**31 - 1, description="读取时的版本号；他人已修改时返回 409")
    username: str = Field(None, min_length=1, max_length=150)
    real_name: str = Field(None, min_length=1, max_length=40)
    phone: str = Field(None, max_length=20)
    email: str = Field(None, max_length=254)
    unit: ObjectId = Field(None, description="调往的单位编号")
    is_active: bool = Field(None)
    must_change_password: bool = Field(None)


class TokenOut(Schema):
    id: int
    name: str = Field(description="用途")
    key: str = Field(description="令牌标识（不是密钥）")
    status: str = Field(description="active 有效 / expired 已过期 / revoked 已吊销")
    status_label: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None

    @staticmethod
    def resolve_status(obj):
        if obj.revoked_at:
            return "revoked"
        return "active" if obj.is_usable else "expired"


class TokenCreatedOut(TokenOut):
    token: str = Field(description="完整令牌，只显示这一次，请妥善保存")


class TokenCreateIn(InputSchema):
    name: str = Field(min_length=1, max_length=60, description="用途，如“数据中心同步”")
    days: int | None = Field(None, ge=1, le=366, description="有效天数，默认按系统设置")


# --- helpers ----------------------------------------------------------------------------------------


def _user_detail(actor, pk, perm="users.view"):
    qs = User.objects.select_related("unit").prefetch_related(selectors.current_memberships_prefetch())
    return get_visible_or_404(qs, actor, perm, pk=pk)


def _unit_for(actor, pk, perm):
    """A unit named in a request body, or None when missing or out of the actor's scope (the service
    then answers 404 for both alike)."""
    if pk is None:
        return None
    return OrgUnit.objects.visible_to(actor, perm).filter(pk=pk).first()


# --- the current user -------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **errors()}, tags=ME_TAG, operation_id="get_me", summary="当前用户")
def get_me(request):
    """当前登录用户（或令牌所属用户）的基本信息、角色和权限。"""
    user = request.user
    grants = scope.user_grants(user)
    return {
        "id": user.pk,
        "username": user.username,
        "real_name": user.real_name,
        "phone": mask_phone(user.phone),
        "email": user.email,
        "unit": unit_ref(user.unit),
        "roles": role_entries(g.membership for g in grants),
        "permissions": sorted({p for g in grants for p in g.perms}),
        "must_change_password": user.must_change_password,
        "token_auth": bool(getattr(request, "token_auth", False)),
    }


# --- users ------------------------------------------------------------------------------------------


@router.get(
    "/users",
    response={200: list[UserOut], **errors(404, 422)},
    tags=USERS_TAG,
    operation_id="list_users",
    summary="用户列表",
)
@paginate(LimitOffset)
def list_users(request, filters: Query[UserFilters]):
    """您可查看范围内的用户，按单位层级和登录账号排序。"""
    actor = request.user
    q, unit, role, is_active = filters.q, filters.unit, filters.role, filters.is_active
    require_perm(actor, "users.view")
    unit_obj = role_obj = None
    if unit is not None:
        unit_obj = _unit_for(actor, unit, "users.view")
        if unit_obj is None:
            return User.objects.none()
    if role:
        role_obj = Role.objects.filter(code=role).first()
        if role_obj is None:
            return User.objects.none()
    status = (
        "" if is_active is None else (selectors.STATUS_ACTIVE if is_active else selectors.STATUS_INACTIVE)
    )
    return selectors.user_list(actor=actor, q=q or "", unit=unit_obj, role=role_obj, status=status)


@router.get(
    "/users/{id}",
    response={200: UserOut, **errors(404, 422)},
    tags=USERS_TAG,
    operation_id="get_user",
    summary="用户详情",
)
def get_user(request, id: PathId):
    """一个用户；不存在或不在您的查看范围内时返回 404。"""
    return _user_detail(request.user, id)


@router.post(
    "/users",
    response={201: UserCreatedOut, **errors(403, 404, 422)},
    tags=USERS_TAG,
    operation_id="create_user",
    summary="新建用户",
)
def create_user(request, payload: UserCreateIn):
    """在您管理的单位中新建用户，可同时授予一个角色。返回的临时密码只显示这一次。"""
    actor = request.user
    extra = {}
    if payload.role:
        role = Role.objects.filter(code=payload.role).first()
        if role is None:
            raise ServiceError("未知的角色编码。", field="role")
        extra["role"] = role
    if payload.department is not None:
        department = _unit_for(actor, payload.department, "users.manage")
        if department is None:
            raise ServiceError("未找到该科室，或您无权在该科室授予角色。", field="department")
        extra["department"] = department
    user, temporary = services.user_create(
        actor=actor,
        unit=_unit_for(actor, payload.unit, "users.manage"),
        username=payload.username,
        real_name=payload.real_name,
        phone=payload.phone,
        email=payload.email,
        **extra,
    )
    user = _user_detail(actor, user.pk, "users.manage")
    user.temporary_password = temporary
    return Status(201, user)


@router.patch(
    "/users/{id}",
    response={200: UserOut, **errors(403, 404, 409, 422)},
    tags=USERS_TAG,
    operation_id="update_user",
    summary="修改用户",
)
def update_user(request, id: PathId, payload: UserPatchIn):
    """只修改提交的字段。须提交读取时的 version；期间他人已修改时返回 409。"""
    actor = request.user
    user = _user_detail(actor, id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    if not changes:
        raise ServiceError("请至少提交一个要修改的字段。")
    if "unit" in changes:
        changes["unit"] = _unit_for(actor, changes["unit"], "users.manage")
    services.user_update(actor=actor, user=user, version=version, **changes)
    return _user_detail(actor, id, "users.manage")


# --- personal API tokens ----------------------------------------------------------------------------


@router.get(
    "/tokens",
    response={200: list[TokenOut], **errors(422)},
    tags=TOKENS_TAG,
    operation_id="list_tokens",
    summary="我的接口令牌",
)
@paginate(LimitOffset)
def list_tokens(request):
    """您本人的接口令牌（含已过期、已吊销的），新的在前。不显示密钥。"""
    return selectors.token_list(user=request.user)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **errors(403, 422)},
    tags=TOKENS_TAG,
    operation_id="create_token",
    summary="新建接口令牌",
)
def create_token(request, payload: TokenCreateIn):
    """为本人新建令牌。完整令牌只在此时返回一次。接口令牌不能用来创建新令牌，请登录网页后操作。"""
    if getattr(request, "token_auth", False):
        raise ForbiddenError("不能用接口令牌创建新令牌，请登录网页后创建。")
    token, text = services.token_create(actor=request.user, name=payload.name, days=payload.days)
    token.token = text
    return Status(201, token)


@router.delete(
    "/tokens/{id}",
    response={200: TokenOut, **errors(404, 422)},
    tags=TOKENS_TAG,
    operation_id="revoke_token",
    summary="吊销接口令牌",
)
def revoke_token(request, id: PathId):
    """吊销本人的一个令牌，立即失效；记录保留，不删除。"""
    token = selectors.token_get(user=request.user, pk=id)
    return services.token_revoke(actor=request.user, token=token)
