"""Inspection campaigns (安全检查): checklists, campaigns and their target schools, self-checks, teams
and their visits. Hazards found become records of the safety ledger (safety.Hazard) that point back
here through source_type/source_id.

Scope: a campaign belongs to the department that runs it; its records also belong to the school they
are about. Everyone sees what lies in their scope, except that a school does not see a 飞行检查
(unannounced) campaign, its team or its visit before the visit to that school is recorded.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from edubureau.common.models import TimeStampedModel, VersionedModel
from edubureau.org.scoping import scope_q

from .choices import (
    AnswerType,
    CampaignStatus,
    MemberKind,
    Mode,
    SelfCheckStatus,
    TargetRule,
    Theme,
    Verdict,
    VisitStatus,
)
from .perms import MANAGE, VIEW, VISIT

# --- scope ------------------------------------------------------------------------------------------


def _prefixes(user, perm):
    from edubureau.accounts.scope import user_scope_prefixes

    return user_scope_prefixes(user, perm)


def inspector_prefixes(user):
    """Where the user inspects or organises inspections: they may know of unannounced checks there."""
    paths = sorted({*_prefixes(user, VISIT), *_prefixes(user, MANAGE)})
    result = []
    for path in paths:
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def _announced_or_known(user, *, mode_lookup, school_lookup, recorded_visit):
    """A school-level view of a record is allowed for announced campaigns, for inspectors of that
    school, and for an unannounced check once the visit to that school is recorded."""
    cond = ~Q(**{mode_lookup: Mode.UNANNOUNCED}) | Exists(recorded_visit)
    inspectors = inspector_prefixes(user)
    if inspectors:
        cond |= scope_q(inspectors, f"{school_lookup}__path")
    return cond


def _member_team_ids(user):
    return TeamMember.objects.filter(user_id=user.pk).values("team_id")


class _ScopedBase(models.QuerySet):
    """visible_to(user, perm) for the records of this app: see `_condition` of each queryset."""

    def visible_to(self, user, perm=VIEW):
        from edubureau.accounts.scope import ALL

        prefixes = _prefixes(user, perm)
        if prefixes is ALL:
            return self
        if not prefixes:
            return self.none()
        return self.filter(self._condition(user, perm, prefixes))

    def _condition(self, user, perm, prefixes):  # pragma: no cover - overridden
        raise NotImplementedError


# --- checklists -------------------------------------------------------------------------------------


class TemplateQuerySet(_ScopedBase):
    def _condition(self, user, perm, prefixes):
        return scope_q(prefixes, "owner__path")

    def active(self):
        return self.filter(is_active=True)


class ChecklistTemplate(VersionedModel):
    """A checklist (检查表) that campaigns use: items grouped by category. Configuration, not code."""

    owner = models.ForeignKey(
        "org.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("检查表名称", max_length=100)
    description = models.TextField("说明", blank=True)
    revision = models.PositiveIntegerField("版次", default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name="上一版",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_revision",
    )
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = "检查表"
        ordering = ["-is_active", "name", "-revision"]

    def __str__(self):
        return f"{self.name}（第{self.revision}版）"

    def get_absolute_url(self):
        return reverse("inspections:template_detail", args=[self.pk])


class ChecklistItem(TimeStampedModel):
    """One point of a checklist: what to check, the standard, how it is answered."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name="检查表", on_delete=models.CASCADE, related_name="items"
    )
    category = models.CharField(
        "检查类别", max_length=40, help_text="同一类别的检查项在表中排在一起，如“消防安全”。"
    )
    text = models.CharField("检查内容", max_length=200)
    standard = models.TextField("检查标准", blank=True)
    answer_type = models.CharField(
        "答复方式", max_length=12, choices=AnswerType.choices, default=AnswerType.YES_NO_NA
    )
    creates_hazard_on_fail = models.BooleanField(
        "不符合时自动登记隐患", default=True, help_text="仅对“符合/不符合/不适用”的检查项有效。"
    )
    hazard_category = models.CharField("隐患类别", max_length=40, blank=True)
    order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.category} · {self.text}"

    @property
    def makes_hazards(self):
        return self.answer_type == AnswerType.YES_NO_NA and self.creates_hazard_on_fail


# --- campaigns --------------------------------------------------------------------------------------


class CampaignQuerySet(_ScopedBase):
    def _condition(self, user, perm, prefixes):
        cond = scope_q(prefixes, "department__path")
        if perm == MANAGE:
            return cond  # only the department that runs a campaign manages it
        recorded = Visit.objects.filter(
            campaign_id=OuterRef("campaign_id"), school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
        )
        targets = CampaignTarget.objects.filter(
            scope_q(prefixes, "school__path"),
            _announced_or_known(
                user, mode_lookup="campaign__mode", school_lookup="school", recorded_visit=recorded
            ),
        )
        cond |= Q(pk__in=targets.values("campaign_id"))
        cond |= Q(pk__in=Team.objects.filter(pk__in=_member_team_ids(user)).values("campaign_id"))
        return cond


class Campaign(VersionedModel):
    """A safety inspection campaign (安全检查活动): theme, mode, period, target schools, checklist."""

    name = models.CharField("活动名称", max_length=100)
    theme = models.CharField("检查主题", max_length=20, choices=Theme.choices)
    mode = models.CharField("检查方式", max_length=20, choices=Mode.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    department = models.ForeignKey(
        "org.OrgUnit", verbose_name="牵头科室", on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name="检查表", on_delete=models.PROTECT, related_name="campaigns"
    )
    description = models.TextField("检查要求", blank=True)
    self_check_required = models.BooleanField(
        "要求学校自查", default=False, help_text="对象学校须按检查表自查并在截止日期前提交。"
    )
    self_check_due = models.DateField("自查截止日期", null=True, blank=True)
    target_rule = models.CharField(
        "检查对象", max_length=10, choices=TargetRule.choices, default=TargetRule.ALL
    )
    target_kinds = models.JSONField("学校类型", default=list, blank=True)
    target_group = models.ForeignKey(
        "org.OrgGroup",
        verbose_name="单位分组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_schools = models.ManyToManyField(
        "org.OrgUnit", verbose_name="指定学校", blank=True, related_name="+"
    )
    sample_size = models.PositiveIntegerField("抽取学校数", null=True, blank=True)
    sample_seed = models.BigIntegerField("随机种子", null=True, blank=True)
    draw_candidates = models.JSONField("抽取时的候选学校", default=list, blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("启动时间", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="启动人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_note = models.TextField("总结说明", blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "安全检查活动"
        verbose_name_plural = "安全检查活动"
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="inspections_campaign_period"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:campaign_detail", args=[self.pk])

    @property
    def is_unannounced(self):
        return self.mode == Mode.UNANNOUNCED

    @property
    def is_draft(self):
        return self.status == CampaignStatus.DRAFT

    @property
    def is_open(self):
        return self.status == CampaignStatus.OPEN

    @property
    def is_sample(self):
        return self.target_rule == TargetRule.SAMPLE

    @property
    def self_check_deadline(self):
        return self.self_check_due or self.end

    @property
    def target_kind_labels(self):
        from edubureau.org.choices import UnitKind

        return [UnitKind(k).label for k in self.target_kinds if k in UnitKind.values]

    @property
    def target_description(self):
        """The target rule in words: 全部学校 / 小学、初中 / 第一督学责任区 / 随机抽取10所（…）."""
        kinds = "、".join(self.target_kind_labels)
        if self.target_rule == TargetRule.KINDS:
            return f"按学校类型：{kinds}"
        if self.target_rule == TargetRule.GROUP:
            return f"按分组：{self.target_group.name if self.target_group_id else ''}"
        if self.target_rule == TargetRule.LIST:
            return "指定学校名单"
        if self.target_rule == TargetRule.SAMPLE:
            pool = "、".join(p for p in (kinds, self.target_group.name if self.target_group_id else "") if p)
            return f"从{pool or '全部学校'}中随机抽取{self.sample_size}所"
        return "全部学校"


class TargetQuerySet(_ScopedBase):
    def _condition(self, user, perm, prefixes):
        recorded = Visit.objects.filter(
            campaign_id=OuterRef("campaign_id"), school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
        )
        return (
            scope_q(prefixes, "campaign__department__path")
            | (
                scope_q(prefixes, "school__path")
                & _announced_or_known(
                    user, mode_lookup="campaign__mode", school_lookup="school", recorded_visit=recorded
                )
            )
            | Q(campaign_id__in=Team.objects.filter(pk__in=_member_team_ids(user)).values("campaign_id"))
        )


class CampaignTarget(models.Model):
    """A school the campaign covers. Written when the campaign opens (the draw result, for 抽查)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="检查活动", on_delete=models.CASCADE, related_name="targets"
    )
    school = models.ForeignKey("org.OrgUnit", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    draw_order = models.PositiveIntegerField("抽中顺序", null=True, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "检查对象学校"
        verbose_name_plural = "检查对象学校"
        ordering = ["school__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="inspections_target_unique"),
        ]

    def __str__(self):
        return f"{self.campaign.name} · {self.school.name}"


# --- self-checks ------------------------------------------------------------------------------------


class SelfCheckQuerySet(_ScopedBase):
    def _condition(self, user, perm, prefixes):
        return scope_q(prefixes, "campaign__department__path") | scope_q(prefixes, "school__path")


class SelfCheck(VersionedModel):
    """A school's self-check (学校自查) for a campaign: its answers to the checklist."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="检查活动", on_delete=models.PROTECT, related_name="self_checks"
    )
    school = models.ForeignKey("org.OrgUnit", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "状态", max_length=10, choices=SelfCheckStatus.choices, default=SelfCheckStatus.DRAFT
    )
    note = models.TextField("自查情况说明", blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    objects = SelfCheckQuerySet.as_manager()

    class Meta:
        verbose_name = "学校自查"
        verbose_name_plural = "学校自查"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="inspections_selfcheck_unique"),
        ]

    def __str__(self):
        return f"{self.school.name}自查（{self.campaign.name}）"

    def get_absolute_url(self):
        return reverse("inspections:selfcheck_detail", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status == SelfCheckStatus.SUBMITTED


# --- teams and visits -------------------------------------------------------------------------------


class TeamQuerySet(_ScopedBase):
    def _condition(self, user, perm, prefixes):
        cond = scope_q(prefixes, "campaign__department__path")
        if perm == MANAGE:
            return cond
        recorded = Visit.objects.filter(
            team_id=OuterRef("team_id"), school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
        )
        assignments = TeamAssignment.objects.filter(
            scope_q(prefixes, "school__path"),
            _announced_or_known(
                user, mode_lookup="team__campaign__mode", school_lookup="school", recorded_visit=recorded
            ),
        )
        return cond | Q(pk__in=assignments.values("team_id")) | Q(pk__in=_member_team_ids(user))


class Team(VersionedModel):
    """A 督查小组: bureau staff, supervisors and outside experts who visit the schools assigned to it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="检查活动", on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField("组名", max_length=60)
    note = models.CharField("分工说明", max_length=200, blank=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = "督查小组"
        verbose_name_plural = "督查小组"
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="inspections_team_name_unique"),
        ]

    def __str__(self):
        return f"{self.campaign.name} · {self.name}"

    def get_absolute_url(self):
        return reverse("inspections:team_detail", args=[self.pk])


class TeamMember(models.Model):
    """A member of a team: a user of the system, or an outside expert recorded by name."""

    team = models.ForeignKey(Team, verbose_name="督查小组", on_delete=models.CASCADE, related_name="members")
    kind = models.CharField("成员类别", max_length=12, choices=MemberKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=40)
    affiliation = models.CharField("单位/职务", max_length=100, blank=True)
    is_leader = models.BooleanField("组长", default=False)

    class Meta:
        verbose_name = "督查组成员"
        verbose_name_plural = "督查组成员"
        ordering = ["-is_leader", "pk"]

    def __str__(self):
        return self.name


class AssignmentQuerySet(_ScopedBase):
    def _condition(self, user, perm, prefixes):
        cond = scope_q(prefixes, "team__campaign__department__path")
        if perm == MANAGE:
            return cond
        recorded = Visit.objects.filter(
            team_id=OuterRef("team_id"), school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
        )
        cond |= scope_q(prefixes, "school__path") & _announced_or_known(
            user, mode_lookup="team__campaign__mode", school_lookup="school", recorded_visit=recorded
        )
        return cond | Q(team_id__in=_member_team_ids(user))


class TeamAssignment(models.Model):
    """A school assigned to a team for the campaign (a school has one team per campaign)."""

    team = models.ForeignKey(
        Team, verbose_name="督查小组", on_delete=models.CASCADE, related_name="assignments"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="检查活动", on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey("org.OrgUnit", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField("计划检查日期", null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "督查组分工"
        verbose_name_plural = "督查组分工"
        ordering = ["school__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="inspections_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.team.name} · {self.school.name}"


class VisitQuerySet(_ScopedBase):
    def _condition(self, user, perm, prefixes):
        cond = scope_q(prefixes, "campaign__department__path")
        if perm == MANAGE:
            return cond
        known = Q(status=VisitStatus.RECORDED) | ~Q(campaign__mode=Mode.UNANNOUNCED)
        inspectors = inspector_prefixes(user)
        if inspectors:
            known |= scope_q(inspectors, "school__path")
        return cond | (scope_q(prefixes, "school__path") & known) | Q(team_id__in=_member_team_ids(user))

    def recorded(self):
        return self.filter(status=VisitStatus.RECORDED)


class Visit(VersionedModel):
    """A team's visit to a school: who was there, the checklist answers and the problems found."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="检查活动", on_delete=models.PROTECT, related_name="visits"
    )
    team = models.ForeignKey(Team, verbose_name="督查小组", on_delete=models.PROTECT, related_name="visits")
    school = models.ForeignKey("org.OrgUnit", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("检查日期")
    present_count = models.PositiveIntegerField("到场人数", default=0)
    present_names = models.CharField("到场人员", max_length=300, blank=True)
    notes = models.TextField("检查情况", blank=True)
    status = models.CharField("状态", max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "督查检查记录"
        verbose_name_plural = "督查检查记录"
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.school.name} {self.visited_on:%Y-%m-%d} 督查检查（{self.campaign.name}）"

    def get_absolute_url(self):
        return reverse("inspections:visit_detail", args=[self.pk])

    @property
    def is_recorded(self):
        return self.status == VisitStatus.RECORDED


# --- answers and findings ---------------------------------------------------------------------------


class Answer(models.Model):
    """The answer to one checklist item, in a visit or in a self-check."""

    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    self_check = models.ForeignKey(
        SelfCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField("结论", max_length=4, choices=Verdict.choices, blank=True)
    number = models.DecimalField("数值", max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.CharField("文字", max_length=500, blank=True)
    note = models.CharField("问题描述", max_length=500, blank=True)
    place = models.CharField("部位", max_length=100, blank=True)

    class Meta:
        verbose_name = "检查项答复"
        verbose_name_plural = "检查项答复"
        ordering = ["item__order", "item_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False, self_check__isnull=True)
                | Q(visit__isnull=True, self_check__isnull=False),
                name="inspections_answer_one_parent",
            ),
            models.UniqueConstraint(
                fields=["visit", "item"],
                condition=Q(visit__isnull=False),
                name="inspections_answer_visit_item",
            ),
            models.UniqueConstraint(
                fields=["self_check", "item"],
                condition=Q(self_check__isnull=False),
                name="inspections_answer_selfcheck_item",
            ),
        ]

    def __str__(self):
        return f"{self.item.text}：{self.display_value}"

    @property
    def display_value(self):
        if self.verdict:
            return self.get_verdict_display()
        if self.number is not None:
            return f"{self.number.normalize():f}"
        return self.text

    @property
    def is_given(self):
        return bool(self.verdict) or self.number is not None or bool(self.text)


class Finding(models.Model):
    """A problem found in a visit or a self-check; each becomes a hazard in the safety ledger."""

    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="findings")
    self_check = models.ForeignKey(
        SelfCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    school = models.ForeignKey("org.OrgUnit", verbose_name="学校", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name="检查项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField("隐患类别", max_length=40)
    place = models.CharField("部位", max_length=100)
    description = models.CharField("问题描述", max_length=500)
    fixed_on_spot = models.BooleanField("当场整改", default=False)
    hazard_id = models.PositiveBigIntegerField("隐患编号", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "发现问题"
        verbose_name_plural = "发现问题"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False, self_check__isnull=True)
                | Q(visit__isnull=True, self_check__isnull=False),
                name="inspections_finding_one_parent",
            ),
        ]

    def __str__(self):
        return f"{self.place}：{self.description}"
