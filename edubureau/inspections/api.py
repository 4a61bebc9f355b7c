"""API: inspection campaigns, their targets and figures, visits (recorded from a phone) and self-checks.

Reads are scoped like the pages; writes go through inspections.services. Photos of a hazard found in
a visit are uploaded to the hazard afterwards (safety API), or with the visit form on the web.
"""

import datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from edubureau.accounts.models import User
from edubureau.accounts.scope import require_perm
from edubureau.api.pagination import LimitOffset
from edubureau.api.schemas import InputSchema, NamedRef, ObjectId, PathId, UnitRef, errors, unit_ref
from edubureau.common.errors import ServiceError
from edubureau.org.choices import SCHOOL_KINDS, UnitKind
from edubureau.org.models import OrgGroup, OrgUnit
from edubureau.org.scoping import get_visible_or_404

from . import figures, selectors, services
from .choices import CampaignStatus, MemberKind, Mode, TargetRule, Theme, VisitStatus
from .models import CampaignTarget, ChecklistTemplate, SelfCheck, TeamAssignment, TeamMember, Visit
from .perms import MANAGE, SELF_CHECK, VIEW, VISIT

router = Router()

CAMPAIGNS_TAG = ["安全检查活动"]
VISITS_TAG = ["督查检查"]
SELF_CHECK_TAG = ["学校自查"]

MAX_ANSWERS = 500
MAX_FINDINGS = 100
MAX_TARGET_SCHOOLS = 2000
MAX_TEAM_MEMBERS = 30
VERSION_FIELD = Field(None, ge=1, le=2**31 - 1, description="读取时的版本号；他人已修改时返回 409")


# --- schemas ----------------------------------------------------------------------------------------


class CampaignFilters(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    q: str | None = Field(None, max_length=100, description="按名称查找")
    year: int | None = Field(None, ge=2000, le=2100, description="年度（检查期间与该年有交集）")
    theme: Theme | None = Field(None, description="检查主题")
    mode: Mode | None = Field(None, description="检查方式")
    status: CampaignStatus | None = Field(None, description="状态")


class ItemOut(Schema):
    id: int
    category: str = Field(description="检查类别")
    text: str = Field(description="检查内容")
    standard: str = Field(description="检查标准")
    answer_type: str = Field(description="答复方式：yes_no_na / number / text")
    creates_hazard_on_fail: bool = Field(description="判定不符合时自动登记隐患")
    hazard_category: str = Field(description="登记隐患时的隐患类别编码")
    order: int


class CampaignOut(Schema):
    id: int
    name: str
    theme: str
    theme_label: str
    mode: str
    mode_label: str
    start: datetime.date
    end: datetime.date
    status: str
    status_label: str
    department: UnitRef
    template: NamedRef = Field(description="检查表（名称含版次）")
    self_check_required: bool
    self_check_due: datetime.date | None = Field(description="自查截止日期（未设时以结束日期为准）")
    target_rule: str
    target_description: str = Field(description="检查对象规则的文字说明")
    sample_size: int | None
    sample_seed: int | None = Field(description="随机抽取的种子（启动后才确定）")
    version: int

    @staticmethod
    def resolve_theme_label(obj):
        return obj.get_theme_display()

    @staticmethod
    def resolve_mode_label(obj):
        return obj.get_mode_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_department(obj):
        return unit_ref(obj.department)

    @staticmethod
    def resolve_template(obj):
        return {"id": obj.template_id, "name": str(obj.template)}

    @staticmethod
    def resolve_self_check_due(obj):
        return obj.self_check_deadline if obj.self_check_required else None


class CampaignDetailOut(CampaignOut):
    description: str
    items: list[ItemOut] = Field(description="检查表的检查项（按类别和排序）")

    @staticmethod
    def resolve_items(obj):
        return list(obj.template.items.all().order_by("order", "pk"))


class TargetOut(Schema):
    id: int = Field(description="检查对象编号（自查接口用）")
    school: UnitRef
    draw_order: int | None = Field(description="随机抽取时的抽中顺序")
    self_check_status: str | None = Field(description="自查状态：draft / submitted / null（未填写）")
    visit_count: int = Field(description="已记录的检查次数")
    last_visit_on: datetime.date | None
    team_name: str | None

    @staticmethod
    def resolve_school(obj):
        return unit_ref(obj.school)

    @staticmethod
    def resolve_visit_count(obj):
        return obj.visit_count or 0


class DrawOut(Schema):
    seed: int
    size: int
    candidates: list[int] = Field(description="启动时的候选学校编号（升序）")
    drawn: list[int] = Field(description="用同一种子重新抽取的结果（按抽中顺序）")
    stored: list[int] = Field(description="启动时记录的检查对象（按抽中顺序）")
    matches: bool = Field(description="重新抽取与记录是否一致")
    pool_unchanged: bool = Field(description="当前按规则选出的候选学校是否与启动时相同")


class BreakdownRow(Schema):
    key: str | int | None
    label: str
    targeted: int | None = None
    covered: int | None = None
    visits: int | None = None
    person_visits: int | None = None
    found: int
    rectified: int
    on_the_spot: int
    overdue: int
    rate: Decimal | None = Field(description="整改率（%）")


class FiguresOut(Schema):
    teams: int = Field(description="督查组数")
    visits: int = Field(description="已记录的检查次数")
    person_visits: int = Field(description="检查人次")
    schools_targeted: int = Field(description="对象学校数")
    schools_covered: int = Field(description="已检查学校数")
    self_checks_submitted: int = Field(description="已提交自查数")
    points_checked: int = Field(description="排查点位数（作答的检查项）")
    hazards_found: int
    hazards_rectified: int
    hazards_on_the_spot: int
    hazards_overdue: int
    hazards_open: int
    rectification_rate: Decimal | None = Field(description="整改率（%），无隐患时为 null")
    by_category: list[BreakdownRow]
    by_school_kind: list[BreakdownRow]
    by_town: list[BreakdownRow]
    by_month: list[BreakdownRow]


class AnswerOut(Schema):
    item: int = Field(description="检查项编号")
    verdict: str = Field(description="pass 符合 / fail 不符合 / na 不适用 / 空")
    number: Decimal | None
    text: str
    note: str
    place: str

    @staticmethod
    def resolve_item(obj):
        return obj.item_id


class FindingOut(Schema):
    id: int
    item: int | None = Field(description="来自的检查项（另外发现的问题为 null）")
    category: str
    place: str
    description: str
    fixed_on_spot: bool
    hazard_id: int | None = Field(description="登记的隐患编号（提交后）")

    @staticmethod
    def resolve_item(obj):
        return obj.item_id


class VisitOut(Schema):
    id: int
    campaign: NamedRef
    team: NamedRef
    school: UnitRef
    visited_on: datetime.date
    present_count: int
    present_names: str
    notes: str
    status: str
    status_label: str
    recorded_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_campaign(obj):
        return {"id": obj.campaign_id, "name": obj.campaign.name}

    @staticmethod
    def resolve_team(obj):
        return {"id": obj.team_id, "name": obj.team.name}

    @staticmethod
    def resolve_school(obj):
        return unit_ref(obj.school)

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class VisitDetailOut(VisitOut):
    answers: list[AnswerOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.all())


class VisitFilters(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    campaign: ObjectId | None = Field(None, description="检查活动编号")
    school: ObjectId | None = Field(None, description="学校编号")
    status: VisitStatus | None = Field(None, description="状态")
    date_from: datetime.date | None = Field(None, description="检查日期自")
    date_to: datetime.date | None = Field(None, description="检查日期至")


class AssignmentOut(Schema):
    id: int = Field(description="分工编号（记录检查时用）")
    campaign: NamedRef
    team: NamedRef
    school: UnitRef
    planned_on: datetime.date | None
    visited: bool = Field(description="本组是否已有已记录的检查")

    @staticmethod
    def resolve_campaign(obj):
        return {"id": obj.campaign_id, "name": obj.campaign.name}

    @staticmethod
    def resolve_team(obj):
        return {"id": obj.team_id, "name": obj.team.name}

    @staticmethod
    def resolve_school(obj):
        return unit_ref(obj.school)


class AnswerIn(InputSchema):
    item: ObjectId = Field(description="检查项编号")
    verdict: Literal["pass", "fail", "na", ""] = Field(
        "", description="符合/不符合/不适用（“符合/不符合/不适用”类检查项）"
    )
    number: Decimal | None = Field(None, max_digits=12, decimal_places=2, description="数值（数值类检查项）")
    text: str = Field("", max_length=500, description="文字（文字类检查项）")
    note: str = Field("", max_length=500, description="问题描述（判定不符合时必填）")
    place: str = Field("", max_length=100, description="部位（判定不符合时必填）")


class FindingIn(InputSchema):
    category: str = Field(max_length=40, description="隐患类别编码")
    place: str = Field(min_length=1, max_length=100, description="部位")
    description: str = Field(min_length=1, max_length=500, description="问题描述")


class VisitIn(InputSchema):
    visited_on: datetime.date = Field(description="检查日期（在活动期间内，不晚于今天）")
    present_names: str = Field("", max_length=300, description="到场人员，用顿号分隔")
    present_count: int | None = Field(None, ge=0, le=100, description="到场人数；不填按到场人员计算")
    notes: str = Field("", max_length=5000, description="检查情况")
    answers: list[AnswerIn] = Field(default_factory=list, max_length=MAX_ANSWERS)
    findings: list[FindingIn] = Field(
        default_factory=list, max_length=MAX_FINDINGS, description="检查表以外发现的问题"
    )
    record: bool = Field(False, description="true：提交（不能再改，不符合项登记为隐患）；false：暂存")


class VisitUpdateIn(VisitIn):
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="读取时的版本号；他人已修改时返回 409")


class SelfCheckTargetOut(Schema):
    id: int = Field(description="检查对象编号")
    campaign: NamedRef
    school: UnitRef
    due: datetime.date = Field(description="自查截止日期")
    campaign_status: str
    self_check_status: str | None = Field(description="draft / submitted / null（未填写）")

    @staticmethod
    def resolve_campaign(obj):
        return {"id": obj.campaign_id, "name": obj.campaign.name}

    @staticmethod
    def resolve_school(obj):
        return unit_ref(obj.school)

    @staticmethod
    def resolve_due(obj):
        return obj.campaign.self_check_deadline

    @staticmethod
    def resolve_campaign_status(obj):
        return obj.campaign.status


class SelfCheckOut(Schema):
    id: int | None = Field(description="自查编号（尚未填写时为 null）")
    campaign: NamedRef
    school: UnitRef
    status: str | None
    note: str
    submitted_at: datetime.datetime | None
    version: int | None
    items: list[ItemOut]
    answers: list[AnswerOut]
    findings: list[FindingOut]


class SelfCheckIn(InputSchema):
    note: str = Field("", max_length=5000, description="自查情况说明")
    answers: list[AnswerIn] = Field(default_factory=list, max_length=MAX_ANSWERS)
    findings: list[FindingIn] = Field(default_factory=list, max_length=MAX_FINDINGS)
    submit: bool = Field(False, description="true：提交（须全部填写，不能再改）；false：暂存")
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="读取时的版本号")


SchoolKind = Literal[tuple(value for value, _ in UnitKind.choices if value in SCHOOL_KINDS)]


class CampaignFieldsIn(InputSchema):
    """The campaign's fields as the web form takes them (every one optional: the PATCH body)."""

    name: str | None = Field(None, max_length=100, description="活动名称")
    theme: Theme | None = Field(None, description="检查主题")
    mode: Mode | None = Field(None, description="检查方式")
    start: datetime.date | None = Field(None, description="开始日期")
    end: datetime.date | None = Field(None, description="结束日期")
    department: ObjectId | None = Field(None, description="牵头科室编号")
    template: ObjectId | None = Field(None, description="检查表编号")
    description: str | None = Field(None, max_length=5000, description="检查要求")
    self_check_required: bool | None = Field(None, description="是否要求学校自查（“自查”方式总是要求）")
    self_check_due: datetime.date | None = Field(
        None, description="自查截止日期（在活动期间内；不填以结束日期为准）"
    )
    target_rule: TargetRule | None = Field(
        None,
        description="检查对象：all 全部学校 / kinds 按学校类型 / group 按分组 / list 指定学校 / sample 随机抽取",
    )
    target_kinds: list[SchoolKind] | None = Field(
        None, max_length=20, description="学校类型（按类型或随机抽取时）"
    )
    target_group: ObjectId | None = Field(None, description="单位分组编号（按分组或随机抽取时）")
    target_schools: list[ObjectId] | None = Field(
        None, max_length=MAX_TARGET_SCHOOLS, description="指定学校的编号（指定学校时）"
    )
    sample_size: int | None = Field(None, ge=1, le=10000, description="随机抽取的学校数")
    sample_seed: int | None = Field(
        None, ge=0, le=services.MAX_SAMPLE_SEED, description="随机种子；不填则启动时生成"
    )


class CampaignCreateIn(CampaignFieldsIn):
    name: str = Field(max_length=100, description="活动名称")
    theme: Theme = Field(description="检查主题")
    mode: Mode = Field(description="检查方式")
    start: datetime.date = Field(description="开始日期")
    end: datetime.date = Field(description="结束日期")
    department: ObjectId = Field(description="牵头科室编号")
    template: ObjectId = Field(description="检查表编号")
    target_rule: TargetRule = Field(TargetRule.ALL, description="检查对象规则（默认全部学校）")


class CampaignPatchIn(CampaignFieldsIn):
    version: int = Field(ge=1, le=2**31 - 1, description="读取时的版本号；他人已修改时返回 409")


class CampaignOpenIn(InputSchema):
    version: int | None = VERSION_FIELD


class CampaignCloseIn(InputSchema):
    note: str = Field("", max_length=5000, description="总结说明")
    version: int | None = VERSION_FIELD


class MemberIn(InputSchema):
    kind: MemberKind = Field(description="staff 局机关人员 / supervisor 责任督学 / expert 外聘专家")
    user: ObjectId | None = Field(None, description="系统用户编号（外聘专家不填）")
    name: str = Field("", max_length=40, description="姓名（外聘专家必填）")
    affiliation: str = Field("", max_length=100, description="单位/职务")
    is_leader: bool = Field(False, description="是否组长（须有且只有一名）")


class TeamCreateIn(InputSchema):
    name: str = Field(max_length=60, description="组名")
    note: str = Field("", max_length=200, description="分工说明")
    members: list[MemberIn] = Field(max_length=MAX_TEAM_MEMBERS, description="成员")
    schools: list[ObjectId] = Field(
        default_factory=list,
        max_length=MAX_TARGET_SCHOOLS,
        description="分配检查的学校编号（须是活动的检查对象；活动启动后才能分配）",
    )
    planned_on: datetime.date | None = Field(None, description="计划检查日期（在活动期间内）")


class TeamMemberOut(Schema):
    kind: str
    user: int | None
    name: str
    affiliation: str
    is_leader: bool

    @staticmethod
    def resolve_user(obj):
        return obj.user_id


class TeamOut(Schema):
    id: int
    campaign: NamedRef
    name: str
    note: str
    members: list[TeamMemberOut]
    schools: list[UnitRef] = Field(description="分配检查的学校")
    version: int

    @staticmethod
    def resolve_campaign(obj):
        return {"id": obj.campaign_id, "name": obj.campaign.name}

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())

    @staticmethod
    def resolve_schools(obj):
        assignments = obj.assignments.select_related("school").order_by("school__path")
        return [unit_ref(a.school) for a in assignments]


def _answers(payload):
    return [a.model_dump() for a in payload.answers]


def _findings(payload):
    return [f.model_dump() for f in payload.findings]


# --- campaigns --------------------------------------------------------------------------------------


@router.get(
    "/campaigns",
    response={200: list[CampaignOut], **errors(404, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="list_campaigns",
    summary="检查活动列表",
)
@paginate(LimitOffset)
def list_campaigns(request, filters: Query[CampaignFilters]):
    """您可见的检查活动，开始日期新的在前。"""
    require_perm(request.user, VIEW)
    return selectors.campaign_list(user=request.user, **filters.model_dump(exclude_none=True))


@router.get(
    "/campaigns/{id}",
    response={200: CampaignDetailOut, **errors(404, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="get_campaign",
    summary="检查活动详情（含检查项）",
)
def get_campaign(request, id: PathId):
    return selectors.campaign_get(user=request.user, pk=id)


@router.get(
    "/campaigns/{id}/targets",
    response={200: list[TargetOut], **errors(404, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="list_campaign_targets",
    summary="检查对象与进度",
)
@paginate(LimitOffset)
def list_campaign_targets(request, id: PathId):
    """活动的检查对象学校（您可见的），含自查状态、督查组和已记录的检查次数。"""
    campaign = selectors.campaign_get(user=request.user, pk=id)
    return selectors.target_progress(user=request.user, campaign=campaign)


@router.get(
    "/campaigns/{id}/draw",
    response={200: DrawOut, **errors(404, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="verify_campaign_draw",
    summary="随机抽取验证",
)
def verify_campaign_draw(request, id: PathId):
    """用记录的随机种子和候选学校重新抽取，与启动时记录的检查对象比对。非随机抽查的活动返回 404。"""
    campaign = selectors.campaign_get(user=request.user, pk=id)
    result = services.verify_draw(campaign)
    if result is None:
        raise Http404
    return result


@router.get(
    "/campaigns/{id}/figures",
    response={200: FiguresOut, **errors(404, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="get_campaign_figures",
    summary="检查活动统计数据",
)
def get_campaign_figures(request, id: PathId):
    """由检查记录、自查和隐患台账计算的数据（只统计您可见的记录）。"""
    campaign = selectors.campaign_get(user=request.user, pk=id)
    today = timezone.localdate()
    user = request.user
    return {
        **figures.summary(campaign, user=user, today=today),
        "by_category": figures.by_category(campaign, user=user, today=today),
        "by_school_kind": figures.by_school_kind(campaign, user=user, today=today),
        "by_town": figures.by_town(campaign, user=user, today=today),
        "by_month": figures.by_month(campaign, user=user, today=today),
    }


# --- campaign management ----------------------------------------------------------------------------


def _campaign_refs(user, data):
    """Ids in a campaign body → the objects the service takes. Missing and out-of-scope ids get the
    same field error."""
    if data.get("department") is not None:
        department = selectors.department_choices(user).filter(pk=data["department"]).first()
        if department is None:
            raise ServiceError("牵头科室不存在或不在您的范围内。", field="department")
        data["department"] = department
    if data.get("template") is not None:
        template = ChecklistTemplate.objects.visible_to(user, MANAGE).filter(pk=data["template"]).first()
        if template is None:
            raise ServiceError("检查表不存在或不在您的范围内。", field="template")
        data["template"] = template
    if data.get("target_group") is not None:
        group = OrgGroup.objects.visible_to(user, MANAGE).filter(pk=data["target_group"]).first()
        if group is None:
            raise ServiceError("分组不存在或不在您的范围内。", field="target_group")
        data["target_group"] = group
    if data.get("target_schools") is not None:
        wanted = list(dict.fromkeys(data["target_schools"]))
        schools = list(selectors.school_choices(user).filter(pk__in=wanted))
        if len(schools) != len(wanted):
            raise ServiceError("所选学校不存在或不在您的范围内。", field="target_schools")
        data["target_schools"] = schools
    return data


@router.post(
    "/campaigns",
    response={201: CampaignDetailOut, **errors(403, 404, 409, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="create_campaign",
    summary="新建检查活动",
)
def create_campaign(request, payload: CampaignCreateIn):
    """新建“筹备中”的检查活动（启动前学校看不到）。检查对象规则：all 全部学校；kinds 按学校类型
    （target_kinds）；group 按分组（target_group）；list 指定学校（target_schools）；sample 随机抽取
    （sample_size，可按类型、分组缩小候选范围，sample_seed 不填则启动时生成）。"""
    user = request.user
    require_perm(user, MANAGE)
    data = _campaign_refs(user, payload.model_dump(exclude_none=True))
    campaign = services.campaign_create(actor=user, **data)
    return Status(201, selectors.campaign_get(user=user, pk=campaign.pk, perm=MANAGE))


@router.patch(
    "/campaigns/{id}",
    response={200: CampaignDetailOut, **errors(403, 404, 409, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="update_campaign",
    summary="修改检查活动",
)
def update_campaign(request, id: PathId, payload: CampaignPatchIn):
    """只修改提交的字段；须提交读取时的 version，他人已修改时返回 409。已启动的活动只能修改名称、
    检查要求、结束日期和自查截止日期；已结束的不能修改。"""
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=id, perm=MANAGE)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    if not changes:
        raise ServiceError("请至少提交一个要修改的字段。")
    services.campaign_update(actor=user, campaign=campaign, version=version, **_campaign_refs(user, changes))
    return selectors.campaign_get(user=user, pk=id, perm=MANAGE)


@router.post(
    "/campaigns/{id}/open",
    response={200: CampaignDetailOut, **errors(403, 404, 409, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="open_campaign",
    summary="启动检查活动",
)
def open_campaign(request, id: PathId, payload: CampaignOpenIn):
    """筹备中 → 进行中：按规则确定检查对象学校（随机抽取时以记录的种子抽取），此后学校可见。"""
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=id, perm=MANAGE)
    services.campaign_open(actor=user, campaign=campaign, version=payload.version)
    return selectors.campaign_get(user=user, pk=id, perm=MANAGE)


@router.post(
    "/campaigns/{id}/close",
    response={200: CampaignDetailOut, **errors(403, 404, 409, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="close_campaign",
    summary="结束检查活动",
)
def close_campaign(request, id: PathId, payload: CampaignCloseIn):
    """进行中 → 已结束：暂存的检查记录和自查保持原样，不计入统计。"""
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=id, perm=MANAGE)
    services.campaign_close(actor=user, campaign=campaign, note=payload.note, version=payload.version)
    return selectors.campaign_get(user=user, pk=id, perm=MANAGE)


def _members(user, members):
    """Member bodies → the specs team_create takes (users resolved among those the user may see)."""
    wanted = {m.user for m in members if m.user is not None}
    users = {u.pk: u for u in User.objects.visible_to(user, "users.view").filter(pk__in=wanted)}
    specs = []
    for n, member in enumerate(members, start=1):
        spec = member.model_dump()
        if member.user is not None and member.kind != MemberKind.EXPERT:
            if member.user not in users:
                raise ServiceError(f"第{n}位成员不存在或已停用。", field="members")
            spec["user"] = users[member.user]
        else:
            spec["user"] = None
        specs.append(spec)
    return specs


@router.post(
    "/campaigns/{id}/teams",
    response={201: TeamOut, **errors(403, 404, 409, 422)},
    tags=CAMPAIGNS_TAG,
    operation_id="create_team",
    summary="组建督查组",
)
def create_team(request, id: PathId, payload: TeamCreateIn):
    """组建活动的督查组（成员中须有且只有一名组长），并可同时分配检查学校（活动启动后，须是本活动
    尚未分给其他组的检查对象）。任一项不通过则都不保存。"""
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=id, perm=MANAGE)
    with transaction.atomic():
        team = services.team_create(
            actor=user,
            campaign=campaign,
            name=payload.name,
            note=payload.note,
            members=_members(user, payload.members),
        )
        if payload.schools:
            wanted = set(payload.schools)
            schools = list(OrgUnit.objects.filter(pk__in=wanted))
            if len(schools) != len(wanted):
                raise ServiceError("只能分配本活动的检查对象学校。", field="schools")
            services.team_assign(actor=user, team=team, schools=schools, planned_on=payload.planned_on)
    return Status(201, selectors.team_get(user=user, pk=team.pk, perm=MANAGE))


# --- visits -----------------------------------------------------------------------------------------


def _visits(user, perm=VIEW):
    return Visit.objects.visible_to(user, perm).select_related("campaign", "team", "school")


@router.get(
    "/visits",
    response={200: list[VisitOut], **errors(404, 422)},
    tags=VISITS_TAG,
    operation_id="list_visits",
    summary="督查检查记录列表",
)
@paginate(LimitOffset)
def list_visits(request, filters: Query[VisitFilters]):
    require_perm(request.user, VIEW)
    qs = _visits(request.user)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.date_from:
        qs = qs.filter(visited_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(visited_on__lte=filters.date_to)
    return qs.order_by("-visited_on", "-pk")


@router.get(
    "/visits/{id}",
    response={200: VisitDetailOut, **errors(404, 422)},
    tags=VISITS_TAG,
    operation_id="get_visit",
    summary="督查检查记录详情",
)
def get_visit(request, id: PathId):
    qs = _visits(request.user).prefetch_related("answers", "findings")
    return get_visible_or_404(qs, request.user, VIEW, pk=id)


@router.get(
    "/assignments",
    response={200: list[AssignmentOut], **errors(404, 422)},
    tags=VISITS_TAG,
    operation_id="list_assignments",
    summary="待检查的学校（督查组分工）",
)
@paginate(LimitOffset)
def list_assignments(request, mine: bool = False, pending: bool = False):
    """进行中活动里您可记录检查的分工。mine=true 只列您所在督查组的；pending=true 只列本组尚未记录检查的学校。"""
    user = request.user
    require_perm(user, VISIT)
    recorded = Visit.objects.filter(
        team_id=OuterRef("team_id"), school_id=OuterRef("school_id"), status=VisitStatus.RECORDED
    )
    qs = (
        TeamAssignment.objects.visible_to(user, VISIT)
        .filter(campaign__status=CampaignStatus.OPEN)
        .select_related("campaign", "team", "school")
        .annotate(visited=Exists(recorded))
    )
    if mine:
        qs = qs.filter(team_id__in=TeamMember.objects.filter(user_id=user.pk).values("team_id"))
    if pending:
        qs = qs.filter(visited=False)
    return qs.order_by("campaign__end", "school__path")


@router.post(
    "/assignments/{id}/visits",
    response={201: VisitDetailOut, **errors(403, 404, 409, 422)},
    tags=VISITS_TAG,
    operation_id="record_visit",
    summary="记录检查",
)
def record_visit(request, id: PathId, payload: VisitIn):
    """为分工中的学校新建检查记录。record=true 时直接提交：判定不符合且设为“自动登记隐患”的检查项和
    另外发现的问题登记为隐患（来源“督查检查”），记录不能再修改。"""
    user = request.user
    assignment = get_visible_or_404(TeamAssignment.objects.all(), user, VISIT, pk=id)
    visit = services.visit_save(
        actor=user,
        assignment=assignment,
        visited_on=payload.visited_on,
        present_count=payload.present_count,
        present_names=payload.present_names,
        notes=payload.notes,
        answers=_answers(payload),
        findings=_findings(payload),
        record=payload.record,
    )
    return Status(201, _visit_detail(user, visit.pk, VISIT))


def _visit_detail(user, pk, perm=VIEW):
    qs = _visits(user, perm).prefetch_related("answers", "findings")
    return get_visible_or_404(qs, user, perm, pk=pk)


@router.put(
    "/visits/{id}",
    response={200: VisitDetailOut, **errors(403, 404, 409, 422)},
    tags=VISITS_TAG,
    operation_id="update_visit",
    summary="修改暂存的检查记录或提交",
)
def update_visit(request, id: PathId, payload: VisitUpdateIn):
    """整体替换暂存记录的内容（答复、问题）；record=true 时提交。已提交的记录返回 422。"""
    user = request.user
    visit = get_visible_or_404(Visit.objects.all(), user, VISIT, pk=id)
    services.visit_save(
        actor=user,
        visit=visit,
        visited_on=payload.visited_on,
        present_count=payload.present_count,
        present_names=payload.present_names,
        notes=payload.notes,
        answers=_answers(payload),
        findings=_findings(payload),
        record=payload.record,
        version=payload.version,
    )
    return _visit_detail(user, id, VISIT)


# --- self-checks ------------------------------------------------------------------------------------


@router.get(
    "/self-checks",
    response={200: list[SelfCheckTargetOut], **errors(404, 422)},
    tags=SELF_CHECK_TAG,
    operation_id="list_self_check_targets",
    summary="本校的自查任务",
)
@paginate(LimitOffset)
def list_self_check_targets(request):
    """要求您所在学校自查的检查活动（进行中和已结束的）。"""
    require_perm(request.user, SELF_CHECK)
    return selectors.my_self_checks(user=request.user)


def _self_check_out(user, target):
    self_check = (
        SelfCheck.objects.filter(campaign=target.campaign, school=target.school)
        .prefetch_related("answers", "findings")
        .first()
    )
    return {
        "id": self_check.pk if self_check else None,
        "campaign": {"id": target.campaign_id, "name": target.campaign.name},
        "school": unit_ref(target.school),
        "status": self_check.status if self_check else None,
        "note": self_check.note if self_check else "",
        "submitted_at": self_check.submitted_at if self_check else None,
        "version": self_check.version if self_check else None,
        "items": list(target.campaign.template.items.all().order_by("order", "pk")),
        "answers": list(self_check.answers.all()) if self_check else [],
        "findings": list(self_check.findings.all()) if self_check else [],
    }


def _self_check_target(user, pk):
    qs = CampaignTarget.objects.filter(campaign__self_check_required=True).select_related(
        "campaign", "campaign__template", "school"
    )
    return get_visible_or_404(qs, user, SELF_CHECK, pk=pk)


@router.get(
    "/targets/{id}/self-check",
    response={200: SelfCheckOut, **errors(404, 422)},
    tags=SELF_CHECK_TAG,
    operation_id="get_self_check",
    summary="本校自查（检查项与已填内容）",
)
def get_self_check(request, id: PathId):
    return _self_check_out(request.user, _self_check_target(request.user, id))


@router.put(
    "/targets/{id}/self-check",
    response={200: SelfCheckOut, **errors(403, 404, 409, 422)},
    tags=SELF_CHECK_TAG,
    operation_id="save_self_check",
    summary="暂存或提交本校自查",
)
def save_self_check(request, id: PathId, payload: SelfCheckIn):
    """整体替换自查内容；submit=true 时提交（须全部填写），判定不符合的检查项和另外发现的问题登记为
    本校隐患（来源“学校自查”），提交后不能再修改。"""
    user = request.user
    target = _self_check_target(user, id)
    services.selfcheck_save(
        actor=user,
        target=target,
        note=payload.note,
        answers=_answers(payload),
        findings=_findings(payload),
        submit=payload.submit,
        version=payload.version,
    )
    return _self_check_out(user, target)
