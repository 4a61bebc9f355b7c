"""The hazard ledger 隐患台账: hazards, their history, photos and the bureau's 挂牌督办 of major ones."""

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from edubureau.common.models import TimeStampedModel, VersionedModel
from edubureau.org.scoping import ScopedQuerySet

from .choices import (
    OPEN_STATUSES,
    STATUS_COLOURS,
    AttachmentKind,
    HazardAction,
    HazardLevel,
    HazardSource,
    HazardStatus,
)


def _user_fk(label, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class HazardCategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class HazardCategory(models.Model):
    """A kind of hazard (校舍, 消防, 用电 ...): configuration rows, loaded by a migration, editable."""

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    objects = HazardCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = "隐患类别"
        verbose_name_plural = "隐患类别"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


def overdue_q(today):
    """逾期: still open and the deadline has passed. A hazard waiting for verification is overdue only
    when the school finished its rectification after the deadline (the wait is not the school's)."""
    return models.Q(status__in=(HazardStatus.FOUND, HazardStatus.RECTIFYING), deadline__lt=today) | models.Q(
        status=HazardStatus.AWAITING_CHECK, deadline__lt=today, rectified_on__gt=models.F("deadline")
    )


class HazardQuerySet(ScopedQuerySet):
    scope_field = "school"

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def counted(self):
        """Every hazard that counts in the figures (voided records do not)."""
        return self.exclude(status=HazardStatus.VOID)

    def overdue(self, today=None):
        return self.filter(overdue_q(today or timezone.localdate()))

    def major(self):
        return self.filter(level=HazardLevel.MAJOR)


class Hazard(VersionedModel):
    """One safety hazard found at a school, and its rectification up to verification (销号)."""

    school = models.ForeignKey(
        "org.OrgUnit", verbose_name="学校", on_delete=models.PROTECT, related_name="hazards"
    )
    place = models.CharField("隐患部位", max_length=100)
    category = models.ForeignKey(
        HazardCategory, verbose_name="隐患类别", on_delete=models.PROTECT, related_name="hazards"
    )
    level = models.CharField(
        "隐患等级", max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    source = models.CharField(
        "发现方式", max_length=20, choices=HazardSource.choices, default=HazardSource.SELF_CHECK
    )
    # A generic link to the record the hazard came from (e.g. "inspections.visit" #12).
    source_type = models.CharField("来源类型", max_length=60, blank=True, default="")
    source_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    source_label = models.CharField("来源说明", max_length=200, blank=True, default="")
    found_on = models.DateField("发现日期")
    found_by = _user_fk("发现人（账号）", "hazards_found")
    finder_name = models.CharField("发现人", max_length=60, blank=True, default="")
    description = models.TextField("隐患描述")
    measures = models.TextField("整改措施", blank=True, default="")
    responsible_person = models.CharField("整改责任人", max_length=60, blank=True, default="")
    deadline = models.DateField("整改期限", null=True, blank=True)
    deadline_workdays = models.PositiveSmallIntegerField(
        "期限（工作日）", null=True, blank=True, help_text="期限按“N个工作日内”设定时的N。"
    )
    cost = models.DecimalField("整改资金（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=HazardStatus.choices, default=HazardStatus.FOUND, db_index=True
    )
    fixed_on_spot = models.BooleanField("当场整改", default=False)
    rectification_note = models.TextField("整改情况", blank=True, default="")
    rectified_by = _user_fk("整改人")
    rectified_at = models.DateTimeField("整改提交时间", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    verified_by = _user_fk("复核人")
    verified_at = models.DateTimeField("复核时间", null=True, blank=True)
    verify_note = models.TextField("复核意见", blank=True, default="")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=300, blank=True, default="")
    voided_by = _user_fk("作废人")
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    reported_by = _user_fk("登记人", "hazards_reported")

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = "安全隐患"
        verbose_name_plural = "安全隐患"
        ordering = ["-found_on", "-pk"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["found_on"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__isnull=True) | models.Q(cost__gte=0),
                name="safety_hazard_cost_not_negative",
                violation_error_message="整改资金不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.place}"

    def get_absolute_url(self):
        return reverse("safety:hazard_detail", args=[self.pk])

    @property
    def number(self):
        """The ledger number users quote: YH2026-000123."""
        year = self.found_on.year if self.found_on else ""
        return f"YH{year}-{self.pk or 0:06d}"

    @property
    def source_url(self):
        """The page of the record the hazard came from, by convention "<app>.<model>" #id ->
        "<app>:<model>_detail" (e.g. an inspection visit); "" when there is none. That page checks
        its own scope."""
        if not self.source_type or not self.source_id or "." not in self.source_type:
            return ""
        app, model = self.source_type.split(".", 1)
        try:
            return reverse(f"{app}:{model}_detail", args=[self.source_id])
        except NoReverseMatch:
            return ""

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_major(self):
        return self.level == HazardLevel.MAJOR

    def overdue_on(self, today):
        if self.deadline is None or self.deadline >= today:
            return False
        if self.status in (HazardStatus.FOUND, HazardStatus.RECTIFYING):
            return True
        if self.status == HazardStatus.AWAITING_CHECK:
            return self.rectified_on is not None and self.rectified_on > self.deadline
        return False

    @property
    def is_overdue(self):
        """逾期 (derived, never stored): open and past its deadline."""
        return self.overdue_on(timezone.localdate())

    @property
    def overdue_days(self):
        if not self.is_overdue:
            return 0
        return (timezone.localdate() - self.deadline).days

    @property
    def status_colour(self):
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def display_status(self):
        """The status as users read it, with 逾期 added when it applies."""
        label = self.get_status_display()
        return f"{label}（逾期）" if self.is_overdue else label


class HazardEventQuerySet(ScopedQuerySet):
    scope_field = "hazard__school"


class HazardEvent(models.Model):
    """One step in a hazard's life: who did what, from which state to which, with what note."""

    hazard = models.ForeignKey(Hazard, verbose_name="隐患", on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField("时间", default=timezone.now)
    actor = _user_fk("操作人")
    actor_name = models.CharField("操作人姓名", max_length=80, blank=True, default="")
    action = models.CharField("操作", max_length=20, choices=HazardAction.choices)
    from_status = models.CharField("原状态", max_length=20, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=HazardStatus.choices, blank=True)
    note = models.TextField("说明", blank=True, default="")

    objects = HazardEventQuerySet.as_manager()

    class Meta:
        verbose_name = "隐患处置记录"
        verbose_name_plural = "隐患处置记录"
        ordering = ["occurred_at", "pk"]

    def __str__(self):
        return f"{self.hazard_id} {self.get_action_display()}"

    @property
    def changes_status(self):
        return bool(self.to_status) and self.from_status != self.to_status


def attachment_path(instance, filename):
    """Uploads are stored under a random name (the original name is kept in the row)."""
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    now = timezone.localdate()
    return f"safety/hazards/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class HazardAttachmentQuerySet(ScopedQuerySet):
    scope_field = "hazard__school"


class HazardAttachment(models.Model):
    """A photo or document of a hazard: before, after rectification, or other evidence."""

    hazard = models.ForeignKey(
        Hazard, verbose_name="隐患", on_delete=models.PROTECT, related_name="attachments"
    )
    event = models.ForeignKey(
        HazardEvent,
        verbose_name="处置记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField("类别", max_length=10, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField("缩略图", upload_to=attachment_path, max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    is_image = models.BooleanField("图片", default=False)
    uploaded_by = _user_fk("上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = HazardAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "隐患附件"
        verbose_name_plural = "隐患附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

    def get_absolute_url(self):
        return reverse("safety:attachment", args=[self.pk])

    @property
    def thumbnail_url(self):
        url = self.get_absolute_url()
        return f"{url}?thumb=1" if self.thumbnail else url


class SupervisionQuerySet(ScopedQuerySet):
    scope_field = "hazard__school"

    def active(self):
        return self.filter(lifted_at__isnull=True)


class MajorHazardSupervision(VersionedModel):
    """挂牌督办: the bureau lists a major hazard, sets its own deadline and a responsible leader."""

    hazard = models.OneToOneField(
        Hazard, verbose_name="隐患", on_delete=models.PROTECT, related_name="supervision"
    )
    deadline = models.DateField("督办期限")
    leader = _user_fk("督办责任领导", "supervised_hazards")
    requirement = models.TextField("督办要求", blank=True, default="")
    document_no = models.CharField("督办文号", max_length=60, blank=True, default="")
    listed_by = _user_fk("挂牌人")
    listed_at = models.DateTimeField("挂牌时间", default=timezone.now)
    lifted_by = _user_fk("摘牌人")
    lifted_at = models.DateTimeField("摘牌时间", null=True, blank=True)
    lift_note = models.CharField("摘牌说明", max_length=300, blank=True, default="")

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = "重大隐患挂牌督办"
        verbose_name_plural = "重大隐患挂牌督办"
        ordering = ["deadline", "pk"]

    def __str__(self):
        return f"挂牌督办 YH-{self.hazard_id:06d}"

    def get_absolute_url(self):
        return reverse("safety:hazard_detail", args=[self.hazard_id]) + "#supervision"

    @property
    def is_active(self):
        return self.lifted_at is None

    def past_deadline_on(self, today):
        return self.is_active and self.deadline < today and self.hazard.status != HazardStatus.CLOSED

    @property
    def is_past_deadline(self):
        return self.past_deadline_on(timezone.localdate())

    @property
    def days_past_deadline(self):
        today = timezone.localdate()
        return (today - self.deadline).days if self.past_deadline_on(today) else 0


class SupervisionProgressQuerySet(ScopedQuerySet):
    scope_field = "supervision__hazard__school"


class SupervisionProgress(TimeStampedModel):
    """A progress report on a listed major hazard (by the school or the bureau)."""

    supervision = models.ForeignKey(
        MajorHazardSupervision, verbose_name="挂牌督办", on_delete=models.PROTECT, related_name="progress"
    )
    reported_on = models.DateField("报告日期")
    text = models.TextField("进展情况")
    reported_by = _user_fk("报告人")
    reporter_name = models.CharField("报告人姓名", max_length=80, blank=True, default="")

    objects = SupervisionProgressQuerySet.as_manager()

    class Meta:
        verbose_name = "督办进展"
        verbose_name_plural = "督办进展"
        ordering = ["reported_on", "pk"]

    def __str__(self):
        return f"督办进展 {self.reported_on}"
