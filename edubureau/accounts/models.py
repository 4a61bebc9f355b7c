import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from edubureau.common.models import TimeStampedModel, VersionedModel
from edubureau.org.scoping import ScopedQuerySet

from .choices import RoleScope
from .permissions import PERMISSIONS

phone_validator = RegexValidator(r"^[0-9+\-\s]{5,20}$", "联系电话只能包含数字、空格、加号和短横线，5-20位。")


class UserQuerySet(ScopedQuerySet):
    scope_field = "unit"


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user


class User(AbstractBaseUser, VersionedModel):
    """A person who signs in: bureau staff, a supervisor, a principal, a teacher."""

    username = models.CharField(
        "登录账号",
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text="字母、数字和 @ . + - _，150个字符以内。",
        error_messages={"unique": "该登录账号已被使用。"},
    )
    real_name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号码", max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField("电子邮箱", blank=True)
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    is_active = models.BooleanField("启用", default=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return f"{self.real_name}（{self.username}）" if self.real_name else self.username

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    def get_full_name(self):
        return self.real_name

    def get_short_name(self):
        return self.real_name

    # Django's permission API is not used: rights come from memberships (accounts.scope).
    is_staff = False
    is_superuser = False

    def has_perm(self, perm, obj=None):
        from .scope import user_has_perm

        return user_has_perm(self, perm)

    def has_module_perms(self, app_label):
        return False


class Role(VersionedModel):
    """A role from the bureau's organisation chart with the set of permissions it grants."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=40)
    description = models.CharField("说明", max_length=200, blank=True)
    scope = models.CharField("授予对象", max_length=10, choices=RoleScope.choices, default=RoleScope.UNIT)
    permissions = models.JSONField("权限", default=list, blank=True)
    needs_department = models.BooleanField("须指定科室", default=False)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = sorted(set(self.permissions) - set(PERMISSIONS))
        if unknown:
            raise ValidationError({"permissions": f"未知的权限编码：{'、'.join(unknown)}"})

    @property
    def permission_set(self):
        return frozenset(self.permissions)


class MembershipQuerySet(ScopedQuerySet):
    scope_field = "user__unit"

    def current(self):
        return self.filter(ended_at__isnull=True)


class Membership(TimeStampedModel):
    """A user holds a role on an org unit (and everything below it) or on a group of units."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.PROTECT, related_name="memberships")
    role = models.ForeignKey(Role, verbose_name="角色", on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "org.OrgGroup", verbose_name="分组", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.OrgUnit",
        verbose_name="科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="department_memberships",
    )
    title = models.CharField("职务", max_length=40, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        ordering = ["user", "role__sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, group__isnull=True)
                    | models.Q(unit__isnull=True, group__isnull=False)
                ),
                name="membership_unit_xor_group",
            )
        ]

    def __str__(self):
        where = self.unit or self.group
        return f"{self.user.real_name} · {self.role.name} · {where}"

    @property
    def is_current(self):
        return self.ended_at is None


class PasswordHistory(models.Model):
    """A password hash the user had, so the last ones are not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


TOKEN_PREFIX = "ebt"


def hash_token_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A personal API token: shown once, stored as a hash, expires, can be revoked."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("用途", max_length=60)
    key = models.CharField("标识", max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.key}）"

    @staticmethod
    def generate():
        """(key, secret, full token text)."""
        key = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        return key, secret, f"{TOKEN_PREFIX}_{key}_{secret}"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status_label(self):
        if self.revoked_at:
            return "已吊销"
        if self.expires_at <= timezone.now():
            return "已过期"
        return "有效"
