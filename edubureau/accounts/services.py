"""Writes on users, memberships, passwords and API tokens. Each is atomic and audited."""

import datetime
import secrets
import string

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from edubureau.audit import services as audit
from edubureau.audit.choices import LoginEventKind
from edubureau.common.errors import ForbiddenError, NotFoundError, ServiceError, from_validation_error
from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgGroup, OrgUnit

from . import scope
from .choices import RoleScope
from .models import ApiToken, Membership, PasswordHistory, Role, User, hash_token_secret

USER_FIELDS = ("username", "real_name", "phone", "email", "unit", "is_active", "must_change_password")


def _require_manage(actor, unit):
    """The actor manages users on `unit`; otherwise the unit is as good as missing."""
    if unit is None or not scope.user_can(actor, "users.manage", unit):
        raise NotFoundError("未找到该单位，或您无权管理该单位的用户。")


def _require_manageable_user(actor, user):
    if user.unit_id is None or not scope.user_can(actor, "users.manage", user.unit):
        raise NotFoundError("未找到该用户，或您无权管理该用户。")


def _require_covers_roles(actor, user):
    """The actor could have granted every role the user holds: otherwise a school admin could take over
    (reset the password of) an account that also holds a role elsewhere, e.g. a principal who is a
    part-time supervisor, and with it that role."""
    for m in user.memberships.current().select_related("role", "unit", "group"):
        try:
            _check_grant_allowed(actor, m.role, unit=m.unit, group=None if m.unit_id else m.group)
        except ServiceError:
            where = m.unit or m.group
            raise ForbiddenError(
                f"{user.real_name}还在“{where}”拥有“{m.role.name}”角色，超出您的管理范围，请由上级管理员操作。"
            ) from None


# Characters easily confused when a temporary password is read out or copied by hand (0/O, 1/l/I) are left out.
_TEMPORARY_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0OoIl1")


def generate_temporary_password():
    """A password that passes the policy: letters of both cases, digits and a symbol."""
    alphabet = _TEMPORARY_ALPHABET
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        candidate = body + secrets.choice("@#%+=") + secrets.choice("23456789")
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return candidate


def _save_password(user, raw, *, must_change):
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(raw)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change


@transaction.atomic
def user_create(
    *,
    actor,
    unit,
    username,
    real_name,
    phone="",
    email="",
    password=None,
    role=None,
    department=None,
    channel=None,
):
    """Create a user in a unit the actor manages. Returns (user, temporary password or None).

    With `role`, the new user also gets that role on `unit` (through `membership_grant`, so the same
    rules apply); if the grant is refused, the user is not created either.
    """
    _require_manage(actor, unit)
    user = User(
        username=(username or "").strip(), real_name=(real_name or "").strip(), phone=phone, email=email
    )
    user.unit = unit
    temporary = None
    if password is None:
        temporary = password = generate_temporary_password()
    try:
        user.full_clean(exclude=["password"])
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    user.save()
    audit.record(actor=actor, action="user.create", obj=user, channel=channel)
    if role is not None:
        membership_grant(actor=actor, user=user, role=role, unit=unit, department=department, channel=channel)
    return user, temporary


@transaction.atomic
def user_update(*, actor, user, version=None, channel=None, **changes):
    """Change a user's name, phone, email, unit or active flag. A stale version is refused."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manageable_user(actor, user)
    _require_covers_roles(actor, user)
    user.check_version(version)
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    before = audit.snapshot(user)
    for field, value in changes.items():
        setattr(user, field, value)
    if "unit" in changes:
        _require_manage(actor, user.unit)  # a user cannot be moved out of the actor's scope
    if user.pk == actor.pk and changes.get("is_active") is False:
        raise ServiceError("不能停用自己的账号。", field="is_active")
    if changes.get("must_change_password") is False and before["must_change_password"]:
        # Only the user lifts it, by choosing a password of their own: otherwise whoever set the
        # temporary password would keep knowing the password the account goes on using.
        raise ServiceError("“下次登录须修改密码”只能由用户本人修改密码后解除。", field="must_change_password")
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    user.bump_version()
    user.save()
    audit.record(actor=actor, action="user.update", obj=user, before=before, channel=channel)
    return user


@transaction.atomic
def user_set_active(*, actor, user, active, reason="", channel=None):
    if not active and not reason.strip():
        raise ServiceError("停用账号须填写原因。", field="reason")
    user = user_update(actor=actor, user=user, is_active=active, channel=channel)
    if reason:
        audit.record(
            actor=actor,
            action="user.activate" if active else "user.deactivate",
            obj=user,
            after={},
            note=reason,
            channel=channel,
        )
    return user


@transaction.atomic
def user_reset_password(*, actor, user, channel=None):
    """Give the user a temporary password that must be changed at the next sign-in."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_manageable_user(actor, user)
    if user.pk == actor.pk:
        # Resetting skips the old password: a borrowed or stolen session must not take the account over.
        raise ServiceError("不能重置自己的密码，请通过“修改密码”设置新密码（须输入原密码）。")
    _require_covers_roles(actor, user)
    temporary = generate_temporary_password()
    _save_password(user, temporary, must_change=True)
    user.bump_version()
    user.save()
    # A reset means the account may be in the wrong hands: its API tokens stop working too.
    revoked = list(ApiToken.objects.usable().filter(user=user).values_list("pk", flat=True))
    ApiToken.objects.filter(pk__in=revoked).update(revoked_at=timezone.now())
    audit.record(
        actor=actor,
        action="user.reset_password",
        obj=user,
        after={"must_change_password": True, **({"revoked_tokens": revoked} if revoked else {})},
        channel=channel,
    )
    return temporary


@transaction.atomic
def user_unlock(*, actor, user, channel=None):
    """Lift a lock-out early (logged as an unlock in the login log)."""
    _require_manageable_user(actor, user)
    # Like a reset: unlocking again and again would let password guesses at an account that holds a
    # role beyond the actor's scope go on without end.
    _require_covers_roles(actor, user)
    audit.record_login(kind=LoginEventKind.UNLOCK, username=user.username, user=user, channel=channel)
    audit.record(actor=actor, action="user.unlock", obj=user, after={}, channel=channel)


def password_change(*, user, old_password, new_password, channel=None):
    """The user changes their own password (also the forced change after a reset).

    A wrong old password counts as a failed sign-in (logged outside the write's transaction, so the
    refusal keeps it) and a locked account cannot change its password: otherwise a borrowed or stolen
    session could guess the password here without end.
    """
    from .security import _lock_message, account_locked_until

    user = User.objects.get(pk=user.pk)  # the stored password, not the caller's copy
    until = account_locked_until(user.username)
    if until:
        raise ServiceError(_lock_message(until), field="old_password")
    if not user.check_password(old_password):
        audit.record_login(kind=LoginEventKind.FAILURE, username=user.username, user=user, channel=channel)
        raise ServiceError("原密码不正确。", field="old_password")
    return _password_change(user=user, old_password=old_password, new_password=new_password, channel=channel)


@transaction.atomic
def _password_change(*, user, old_password, new_password, channel):
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ServiceError("原密码不正确。", field="old_password")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError(
            exc.messages[0], field="new_password", details={"new_password": exc.messages}
        ) from None
    _save_password(user, new_password, must_change=False)
    user.bump_version()
    user.save()
    audit.record(
        actor=user,
        action="user.change_password",
        obj=user,
        after={"must_change_password": False},
        channel=channel,
    )
    return user


def _missing_perms(actor, role, unit):
    """What the role grants that the actor does not hold on `unit`. Whoever may edit the role
    definitions county-wide (roles.manage on a root unit) could give themselves any permission anyway,
    so nothing is missing for them; everyone else grants only what they hold."""
    if scope.user_has_root_perm(actor, "roles.manage"):
        return set()
    return role.permission_set - scope.user_perms_on(actor, unit)


def _check_grant_allowed(actor, role, unit=None, group=None):
    """No escalation: the actor manages users there and holds every permission the role grants."""
    if unit is not None:
        _require_manage(actor, unit)
        missing = _missing_perms(actor, role, unit)
    else:
        member_units = list(group.members.all())
        if not member_units:
            raise ServiceError("该分组还没有成员单位。", field="group")
        for member in member_units:
            _require_manage(actor, member)
        missing = set().union(*(_missing_perms(actor, role, u) for u in member_units))
    if missing:
        raise ForbiddenError(f"您不能授予超出自身权限的角色“{role.name}”。")


@transaction.atomic
def membership_grant(*, actor, user, role, unit=None, group=None, department=None, title="", channel=None):
    """Give `user` the role on a unit (and its subtree) or on a group."""
    _require_manageable_user(actor, user)
    if role.scope == RoleScope.UNIT and (unit is None or group is not None):
        raise ServiceError(f"角色“{role.name}”须授予在单位上。", field="unit")
    if role.scope == RoleScope.GROUP and (group is None or unit is not None):
        raise ServiceError(f"角色“{role.name}”须授予在分组（如督学责任区）上。", field="group")
    if role.needs_department:
        if department is None or department.kind != UnitKind.DEPARTMENT:
            raise ServiceError(f"角色“{role.name}”须指定所在科室。", field="department")
        if not scope.user_can(actor, "users.manage", department):
            raise NotFoundError("未找到该科室，或您无权在该科室授予角色。", field="department")
        if unit is not None and not department.is_descendant_of(unit):
            raise ServiceError(f"科室“{department.name}”不属于“{unit.name}”。", field="department")
    elif department is not None:
        raise ServiceError("只有科室人员需要指定科室。", field="department")
    _check_grant_allowed(actor, role, unit=unit, group=group)
    exists = Membership.objects.current().filter(user=user, role=role, unit=unit, group=group).exists()
    if exists:
        raise ServiceError(f"{user.real_name}已在该处拥有角色“{role.name}”。", field="role")
    membership = Membership.objects.create(
        user=user, role=role, unit=unit, group=group, department=department, title=title
    )
    audit.record(
        actor=actor,
        action="membership.grant",
        obj=membership,
        unit=user.unit,
        object_label=str(membership),
        channel=channel,
    )
    scope.forget(user)
    return membership


@transaction.atomic
def membership_end(*, actor, membership, channel=None):
    """End a role assignment. The row stays as history."""
    membership = Membership.objects.select_for_update().select_related("user", "role").get(pk=membership.pk)
    _require_manageable_user(actor, membership.user)
    if membership.ended_at is not None:
        raise ServiceError("该授权已经结束。")
    if membership.unit_id:
        _check_grant_allowed(actor, membership.role, unit=membership.unit)
    else:
        _check_grant_allowed(actor, membership.role, group=membership.group)
    if membership.user_id == actor.pk and "users.manage" in membership.role.permission_set:
        raise ServiceError("不能撤销自己的管理员角色，请由上级管理员操作。")
    before = audit.snapshot(membership)
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at", "updated_at"])
    audit.record(
        actor=actor,
        action="membership.end",
        obj=membership,
        before=before,
        unit=membership.user.unit,
        channel=channel,
    )
    scope.forget(membership.user)
    return membership


def grantable_roles(actor, unit):
    """Roles the actor may give on this unit (no escalation)."""
    perms = scope.user_perms_on(actor, unit) if unit else set()
    if "users.manage" not in perms:
        return []
    if scope.user_has_root_perm(actor, "roles.manage"):
        return list(Role.objects.all())
    return [r for r in Role.objects.all() if r.permission_set <= perms]


# --- roles ---------------------------------------------------------------------------------------


@transaction.atomic
def role_update(*, actor, role, permissions, name=None, description=None, version=None, channel=None):
    """Change what a role grants (roles are data: regions differ). Needs roles.manage."""
    from .permissions import PERMISSIONS

    if not scope.user_has_root_perm(actor, "roles.manage"):  # roles are county-wide data
        raise NotFoundError()
    role = Role.objects.select_for_update().get(pk=role.pk)
    role.check_version(version)
    permissions = sorted(set(permissions))
    unknown = [code for code in permissions if code not in PERMISSIONS]
    if unknown:
        raise ServiceError(f"未知的权限编码：{'、'.join(unknown)}", field="permissions")
    if role.code == "system_admin" and "roles.manage" not in permissions:
        raise ServiceError(
            "系统管理员角色必须保留“维护角色定义”权限，否则无人能再修改角色。", field="permissions"
        )
    before = audit.snapshot(role)
    role.permissions = permissions
    if name is not None:
        name = name.strip()
        if not name:
            raise ServiceError("请填写角色名称。", field="name")
        role.name = name
    if description is not None:
        role.description = description.strip()
    try:
        role.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    role.bump_version()
    role.save()
    audit.record(actor=actor, action="role.update", obj=role, before=before, channel=channel)
    return role


# --- API tokens -----------------------------------------------------------------------------------


@transaction.atomic
def token_create(*, actor, name, days=None, channel=None):
    """A new personal token. Returns (token, full text). The text is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写令牌用途。", field="name")
    if len(name) > 60:
        raise ServiceError("令牌用途不能超过60个字符。", field="name")
    days = settings.EDUBUREAU_API_TOKEN_DAYS if days is None else int(days)
    if not 1 <= days <= 366:
        raise ServiceError("有效期应在1到366天之间。", field="days")
    key, secret, text = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        key=key,
        secret_hash=hash_token_secret(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit.record(actor=actor, action="token.create", obj=token, unit=actor.unit, channel=channel)
    return token, text


@transaction.atomic
def token_revoke(*, actor, token, channel=None):
    if token.user_id != actor.pk:
        raise NotFoundError()
    if token.revoked_at:
        raise ServiceError("该令牌已吊销。")
    before = audit.snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor, action="token.revoke", obj=token, before=before, unit=actor.unit, channel=channel
    )
    return token


def token_authenticate(text):
    """The user behind a token text, or None when it is unknown, expired, revoked or malformed."""
    try:
        prefix, key, secret = (text or "").split("_", 2)
    except ValueError:
        return None
    if prefix != "ebt" or not key or not secret:
        return None
    token = ApiToken.objects.usable().select_related("user", "user__unit").filter(key=key).first()
    if token is None or not secrets.compare_digest(token.secret_hash, hash_token_secret(secret)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def groups_for_grant(actor):
    return OrgGroup.objects.visible_to(actor, "users.manage")


def units_for_grant(actor):
    return OrgUnit.objects.visible_to(actor, "users.manage")
