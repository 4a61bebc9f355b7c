"""Incidents (突发事件) and their reports (初报/续报/终报), and the reporting time limits per level.

Nothing a school or the bureau submitted can be changed or deleted afterwards: an incident's facts are
fixed when it is recorded (only the bureau's acknowledgement moves on), and reports are append-only.
Corrections are new reports. The model and the queryset refuse other writes; a database trigger refuses
updates of reports too (see migrations/0004_append_only_triggers.py).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from edubureau.common.models import VersionedModel
from edubureau.org.scoping import ScopedQuerySet

from .choices import IncidentCategory, IncidentLevel, ReportKind

MAX_LOSS = Decimal("9999999999.99")
MAX_PEOPLE = 100000


class ImmutableRecordError(Exception):
    """A write that would change or delete a submitted incident or report."""


class IncidentTimeLimit(VersionedModel):
    """The reporting time limits for one incident level: first report, follow-ups, final report.

    Regional configuration (DOMAIN.md §7): loaded with defaults by a migration, edited by system admins.
    """

    level = models.CharField("事件级别", max_length=10, choices=IncidentLevel.choices, unique=True)
    first_report_minutes = models.PositiveIntegerField(
        "初报时限（分钟）",
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text="事发后多少分钟内须书面报送初报。",
    )
    followup_interval_hours = models.PositiveIntegerField(
        "续报间隔（小时）",
        validators=[MinValueValidator(1), MaxValueValidator(30 * 24)],
        help_text="终报之前，距上一次报告多少小时须续报一次。",
    )
    final_report_days = models.PositiveIntegerField(
        "终报时限（天）",
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="事发后多少天内须报送终报（自然日）。",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "事件报送时限"
        verbose_name_plural = "事件报送时限"
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_level_display()}事件报送时限"


class IncidentQuerySet(ScopedQuerySet):
    scope_field = "school"

    # The only columns that change after an incident is recorded: the bureau's acknowledgement.
    MUTABLE_FIELDS = frozenset({"acknowledged_by", "acknowledged_by_id", "acknowledged_at"})

    def update(self, **kwargs):
        frozen = set(kwargs) - self.MUTABLE_FIELDS
        if frozen:
            raise ImmutableRecordError(f"事件信息报送后不能修改（{'、'.join(sorted(frozen))}），更正请续报。")
        return super().update(**kwargs)

    def delete(self):
        raise ImmutableRecordError("突发事件记录不能删除。")

    _raw_delete = delete


class Incident(models.Model):
    """One incident at a school (突发事件), as first reported by the school or recorded by the bureau."""

    school = models.ForeignKey(
        "org.OrgUnit", verbose_name="学校", on_delete=models.PROTECT, related_name="incidents"
    )
    title = models.CharField("事件名称", max_length=100)
    occurred_at = models.DateTimeField("事发时间", db_index=True)
    bureau_learned_at = models.DateTimeField("教育局获知时间")
    category = models.CharField("事件类别", max_length=20, choices=IncidentCategory.choices)
    level = models.CharField("事件级别", max_length=10, choices=IncidentLevel.choices)
    place = models.CharField("事发地点", max_length=200)
    summary = models.TextField("事件简要经过", max_length=4000)
    deaths = models.PositiveIntegerField("死亡人数", default=0, validators=[MaxValueValidator(MAX_PEOPLE)])
    injuries = models.PositiveIntegerField("受伤人数", default=0, validators=[MaxValueValidator(MAX_PEOPLE)])
    estimated_loss = models.DecimalField(
        "直接经济损失（元）",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_LOSS)],
    )
    likely_cause = models.TextField("初步原因", max_length=2000, blank=True)
    measures = models.TextField("已采取的措施", max_length=4000)
    reporter_name = models.CharField("报告人", max_length=40, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=20, blank=True)
    recorded_by_bureau = models.BooleanField(
        "教育局记录", default=False, help_text="学校未报送、由教育局根据其他渠道掌握的情况记录。"
    )
    bureau_source = models.CharField("信息来源", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = "突发事件"
        verbose_name_plural = "突发事件"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["school", "occurred_at"]),
            models.Index(fields=["level", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bureau_learned_at__gte=models.F("occurred_at")),
                name="incidents_learned_after_occurred",
                violation_error_message="教育局获知时间不能早于事发时间。",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or set(fields) - IncidentQuerySet.MUTABLE_FIELDS:
                raise ImmutableRecordError("事件信息报送后不能修改，更正请续报。")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("突发事件记录不能删除。")


class IncidentReportQuerySet(ScopedQuerySet):
    scope_field = "incident__school"

    def update(self, **kwargs):
        raise ImmutableRecordError("事件报告提交后不能修改，更正请续报。")

    def delete(self):
        raise ImmutableRecordError("事件报告不能删除。")

    _raw_delete = delete


class IncidentReport(models.Model):
    """One report on an incident: the first (初报), a follow-up (续报) or the final report (终报)."""

    incident = models.ForeignKey(
        Incident, verbose_name="事件", on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField("报告类型", max_length=10, choices=ReportKind.choices)
    sequence = models.PositiveSmallIntegerField("序号")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间", db_index=True)
    text = models.TextField("报告内容", max_length=4000)
    deaths = models.PositiveIntegerField("死亡人数", default=0, validators=[MaxValueValidator(MAX_PEOPLE)])
    injuries = models.PositiveIntegerField("受伤人数", default=0, validators=[MaxValueValidator(MAX_PEOPLE)])
    estimated_loss = models.DecimalField(
        "直接经济损失（元）",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_LOSS)],
    )
    measures = models.TextField("已采取的措施", max_length=4000)
    cause = models.TextField("原因分析", max_length=2000, blank=True)
    next_steps = models.TextField("下一步工作", max_length=2000, blank=True)

    objects = IncidentReportQuerySet.as_manager()

    class Meta:
        verbose_name = "事件报告"
        verbose_name_plural = "事件报告"
        ordering = ["incident", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "sequence"], name="incidents_report_sequence_unique"),
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(kind="first"),
                name="incidents_one_first_report",
            ),
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(kind="final"),
                name="incidents_one_final_report",
            ),
        ]

    def __str__(self):
        return f"{self.incident.title} · {self.label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError("事件报告提交后不能修改，更正请续报。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("事件报告不能删除。")

    @property
    def label(self):
        """初报, 续报（第2次）, 终报."""
        if self.kind == ReportKind.FOLLOWUP:
            return f"第{self.sequence - 1}次续报"
        return self.get_kind_display()

    @property
    def school_id(self):  # the audit log files the event under the incident's school
        return self.incident.school_id
