import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from edubureau.common.models import VersionedModel

from .choices import (
    SCHOOL_CODE_TYPE_PREFIXES,
    SCHOOL_KINDS,
    GroupKind,
    GroupMemberRole,
    KindergartenGrade,
    Ownership,
    UnitKind,
    UnitStatus,
)
from .scoping import ScopedQuerySet, scope_q
from .validators import validate_division_code, validate_school_code, validate_uscc

# Materialized path: one fixed-width segment per level, each the unit's primary key.
SEGMENT_WIDTH = 8
# Plausible opening and closing dates (a typo like 0001-01-01 or 9999-12-31 is refused, not stored).
UNIT_FIRST_DAY = datetime.date(1800, 1, 1)
UNIT_LAST_DAY = datetime.date(2100, 12, 31)


def path_segment(pk):
    return f"{pk:0{SEGMENT_WIDTH}d}/"


class OrgUnitQuerySet(ScopedQuerySet):
    scope_field = ""  # an org unit is scoped by its own path

    def active(self):
        return self.filter(status=UnitStatus.ACTIVE)

    def schools(self):
        return self.filter(kind__in=SCHOOL_KINDS)

    def subtree_of(self, unit, include_self=True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def existing_during(self, start, end):
        """Units that existed at some point of [start, end]: the completeness denominator."""
        return self.filter(
            models.Q(opened_on__isnull=True) | models.Q(opened_on__lte=end),
            models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=start),
        )


class OrgUnit(VersionedModel):
    """A unit of the county's education system: the bureau, a department, a town or a school."""

    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("层级路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    school_code = models.CharField(
        "学校标识码",
        max_length=10,
        blank=True,
        default="",
        validators=[validate_school_code],
        help_text="10位数字，前两位为学校类型，第3-4位为省级代码。",
    )
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        blank=True,
        default="",
        validators=[validate_uscc],
        help_text="18位，末位为校验码。",
    )
    division_code = models.CharField(
        "行政区划代码", max_length=6, blank=True, default="", validators=[validate_division_code]
    )
    ownership = models.CharField(
        "办学性质", max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    is_puhui = models.BooleanField("普惠性", default=False, help_text="仅对幼儿园有意义。")
    kindergarten_grade = models.CharField(
        "幼儿园等级", max_length=4, choices=KindergartenGrade.choices, blank=True, default=""
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField("状态", max_length=10, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    opened_on = models.DateField("设立日期", null=True, blank=True)
    closed_on = models.DateField("撤并/停办日期", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [
            # violation_error_code="unique" puts the message on the field (Model.validate_constraints).
            models.UniqueConstraint(
                fields=["school_code"],
                condition=~models.Q(school_code=""),
                name="org_unique_school_code",
                violation_error_code="unique",
                violation_error_message="该学校标识码已被其他单位使用，请核对。",
            ),
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc=""),
                name="org_unique_uscc",
                violation_error_code="unique",
                violation_error_message="该统一社会信用代码已被其他单位使用，请核对。",
            ),
            models.CheckConstraint(
                condition=models.Q(status=UnitStatus.ACTIVE) | models.Q(closed_on__isnull=False),
                name="org_closed_unit_has_date",
                violation_error_message="已撤并/停办的单位必须填写撤并/停办日期。",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:unit_detail", args=[self.pk])

    @property
    def is_school(self):
        return self.kind in SCHOOL_KINDS

    @property
    def is_active(self):
        return self.status == UnitStatus.ACTIVE

    @property
    def display_name(self):
        return self.short_name or self.name

    def ancestor_paths(self):
        """Paths of this unit's ancestors, root first (no query)."""
        step = SEGMENT_WIDTH + 1
        return [self.path[: i * step] for i in range(1, len(self.path) // step)]

    def ancestors(self):
        return OrgUnit.objects.filter(path__in=self.ancestor_paths()).order_by("depth")

    def is_descendant_of(self, other, include_self=True):
        if self.pk == other.pk:
            return include_self
        return self.path.startswith(other.path)

    def clean(self):
        errors = {}
        if self.school_code and self.kind in SCHOOL_CODE_TYPE_PREFIXES:
            allowed = SCHOOL_CODE_TYPE_PREFIXES[self.kind]
            if self.school_code[:2] not in allowed:
                errors["school_code"] = (
                    f"学校标识码前两位应为{'或'.join(sorted(allowed))}（{self.get_kind_display()}）。"
                )
        if self.kind != UnitKind.KINDERGARTEN and (self.is_puhui or self.kindergarten_grade):
            errors["is_puhui"] = "只有幼儿园可以设置普惠性和幼儿园等级。"
        if self.status == UnitStatus.CLOSED and not self.closed_on:
            errors["closed_on"] = "已撤并/停办的单位必须填写撤并/停办日期。"
        if self.status == UnitStatus.ACTIVE and self.closed_on:
            errors["closed_on"] = "正常办学的单位不应填写撤并/停办日期。"
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = "撤并/停办日期不能早于设立日期。"
        for name in ("opened_on", "closed_on"):
            day = getattr(self, name)
            if day and not UNIT_FIRST_DAY <= day <= UNIT_LAST_DAY:
                label = self._meta.get_field(name).verbose_name
                errors[name] = f"{label}应在{UNIT_FIRST_DAY.year}年至{UNIT_LAST_DAY.year}年之间。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        """New units get their path from their parent; moves go through services.unit_move."""
        if self.uscc:
            self.uscc = self.uscc.strip().upper()
        creating = self._state.adding or not self.path
        super().save(*args, **kwargs)
        if creating:
            parent_path = self.parent.path if self.parent_id else ""
            self.path = parent_path + path_segment(self.pk)
            self.depth = self.path.count("/") - 1
            OrgUnit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)


class OrgGroupQuerySet(models.QuerySet):
    def visible_to(self, user, perm="org.view"):
        """Groups of which the user can see at least one member, or on which they hold a role."""
        from edubureau.accounts.scope import ALL, user_group_ids, user_scope_prefixes

        prefixes = user_scope_prefixes(user, perm)
        if prefixes is ALL:
            return self
        cond = models.Q(pk__in=list(user_group_ids(user, perm))) | scope_q(prefixes, "members__path")
        return self.filter(pk__in=OrgGroup.objects.filter(cond).values("pk"))


class OrgGroup(VersionedModel):
    """A named grouping across the tree: a 学区, 督学责任区, 教育集团 or 结对帮扶 pair."""

    kind = models.CharField("分组类型", max_length=20, choices=GroupKind.choices)
    name = models.CharField("名称", max_length=100)
    code = models.SlugField("编码", max_length=40, unique=True)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("有效", default=True)
    members = models.ManyToManyField(OrgUnit, through="OrgGroupMember", related_name="org_groups")

    objects = OrgGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "单位分组"
        verbose_name_plural = "单位分组"
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self):
        return reverse("org:group_detail", args=[self.pk])


class OrgGroupMember(models.Model):
    """A unit's place in a group (e.g. the lead school of an 教育集团)."""

    group = models.ForeignKey(OrgGroup, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="group_memberships")
    role = models.CharField(
        "在组中的角色", max_length=10, choices=GroupMemberRole.choices, default=GroupMemberRole.MEMBER
    )
    joined_on = models.DateField("加入日期", null=True, blank=True)

    class Meta:
        verbose_name = "分组成员"
        verbose_name_plural = "分组成员"
        constraints = [models.UniqueConstraint(fields=["group", "unit"], name="org_group_member_unique")]

    def __str__(self):
        return f"{self.group.name} · {self.unit.name}"
