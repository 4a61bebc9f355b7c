"""API: the hazard ledger. Reads are scoped; every write goes through safety.services.

Phones record hazards in one multipart request with photos (POST /field-reports) or as JSON
(POST /hazards) followed by POST /hazards/{id}/photos.
"""

import datetime
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from edubureau.accounts.models import User
from edubureau.accounts.scope import require_perm
from edubureau.api.pagination import LimitOffset
from edubureau.api.schemas import ID_MAX, InputSchema, ObjectId, PathId, UnitRef, errors, unit_ref
from edubureau.common.errors import ServiceError
from edubureau.org.models import OrgUnit
from edubureau.org.scoping import get_visible_or_404

from . import permissions as P
from . import selectors, services
from .choices import AttachmentKind, HazardLevel, HazardSource
from .models import Hazard, HazardAttachment, HazardCategory, MajorHazardSupervision

router = Router()

HAZARDS_TAG = ["安全隐患"]
SUPERVISION_TAG = ["挂牌督办"]
MAX_VERSION = 2**31 - 1


def _hazard(user, perm, pk):
    return get_visible_or_404(Hazard.objects.select_related("school", "category"), user, perm, pk=pk)


def _detail(user, pk):
    return selectors.hazard_detail(user, pk)


# --- schemas ----------------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    code: str
    name: str


class HazardOut(Schema):
    id: int
    number: str = Field(description="隐患编号，如 YH2026-000123")
    school: UnitRef
    place: str
    category: CategoryOut
    level: str = Field(description="general 一般 / major 重大")
    level_label: str
    source: str = Field(description="发现方式编码")
    source_name: str = Field(description="发现方式")
    source_type: str = Field(description="来源记录类型，如 inspections.visit")
    source_id: int | None
    source_label: str
    found_on: datetime.date
    finder_name: str
    description: str
    measures: str
    responsible_person: str
    deadline: datetime.date | None
    deadline_workdays: int | None = Field(description="期限按“N个工作日内”设定时的N")
    cost: Decimal | None = Field(description="整改资金（元）")
    status: str
    status_label: str
    is_overdue: bool = Field(description="逾期（由期限和日历计算）")
    fixed_on_spot: bool
    rectified_on: datetime.date | None
    closed_on: datetime.date | None
    supervised: bool = Field(description="是否挂牌督办")
    version: int = Field(description="版本号，修改和办理时原样提交")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_school(obj):
        return unit_ref(obj.school)

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_source_name(obj):
        return obj.get_source_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_supervised(obj):
        try:
            return obj.supervision is not None
        except MajorHazardSupervision.DoesNotExist:
            return False


class EventOut(Schema):
    occurred_at: datetime.datetime
    actor_name: str
    action: str
    action_label: str
    from_status: str
    to_status: str
    note: str

    @staticmethod
    def resolve_action_label(obj):
        return obj.get_action_display()


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    content_type: str
    size: int
    is_image: bool
    uploaded_at: datetime.datetime
    url: str = Field(description="下载地址（接口）")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_name(obj):
        return obj.original_name

    @staticmethod
    def resolve_url(obj):
        return f"/api/v1/safety/attachments/{obj.pk}"


class ProgressOut(Schema):
    reported_on: datetime.date
    text: str
    reporter_name: str


class SupervisionOut(Schema):
    id: int
    hazard_id: int
    deadline: datetime.date = Field(description="督办期限")
    leader: str | None = Field(description="督办责任领导")
    requirement: str
    document_no: str
    listed_at: datetime.datetime
    lifted_at: datetime.datetime | None
    is_active: bool
    is_past_deadline: bool
    version: int

    @staticmethod
    def resolve_leader(obj):
        return obj.leader.real_name if obj.leader_id else None


class SupervisionListOut(SupervisionOut):
    school: UnitRef
    place: str
    hazard_status: str

    @staticmethod
    def resolve_school(obj):
        return unit_ref(obj.hazard.school)

    @staticmethod
    def resolve_place(obj):
        return obj.hazard.place

    @staticmethod
    def resolve_hazard_status(obj):
        return obj.hazard.status


class SupervisionDetailOut(SupervisionOut):
    progress: list[ProgressOut]

    @staticmethod
    def resolve_progress(obj):
        return list(obj.progress.all())


class HazardDetailOut(HazardOut):
    rectification_note: str
    verify_note: str
    void_reason: str
    events: list[EventOut]
    attachments: list[AttachmentOut]
    supervision: SupervisionDetailOut | None

    @staticmethod
    def resolve_supervised(obj):
        return obj.supervision_row is not None

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())

    @staticmethod
    def resolve_supervision(obj):
        return obj.supervision_row


class HazardFiltersIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    q: str | None = Field(None, max_length=100, description="按部位、描述、学校名称或编号查找")
    school: ObjectId | None = Field(None, description="学校（含其下属教学点）")
    town: ObjectId | None = Field(None, description="镇/街道")
    category: str | None = Field(None, max_length=30, description="隐患类别编码")
    level: HazardLevel | None = None
    source: HazardSource | None = None
    status: str | None = Field(
        None,
        pattern="^(found|rectifying|awaiting_check|closed|void|open|overdue)$",
        description="状态；open 未销号，overdue 逾期",
    )
    found_from: datetime.date | None = None
    found_to: datetime.date | None = None
    supervised: bool = Field(False, description="只列出挂牌督办的")
    source_type: str | None = Field(None, max_length=60, description="来源记录类型，如 inspections.visit")
    source_id: ObjectId | None = Field(None, description="来源记录编号")
    sort: str = Field("-found_on", pattern="^-?(found_on|deadline|updated_at)$|^(school|status)$")

    def to_filters(self):
        data = self.model_dump(exclude_none=True)
        for key in ("school", "town"):
            if key in data:
                data[key] = OrgUnit.objects.filter(pk=data[key]).first() or OrgUnit(path="~none~/")
        if "category" in data:
            data["category"] = HazardCategory.objects.filter(code=data["category"]).first() or HazardCategory(
                pk=0
            )
        return data


class FiguresOut(Schema):
    found: int = Field(description="发现数（不含作废）")
    rectified: int = Field(description="整改数（已销号，含当场整改）")
    on_the_spot: int = Field(description="当场整改数")
    overdue: int = Field(description="逾期数")
    open: int = Field(description="未销号数")
    awaiting_check: int
    major: int
    major_open: int
    rate: Decimal | None = Field(description="整改率（%）")


class BreakdownRow(FiguresOut):
    key: str | int | None
    label: str


class FiguresResponse(Schema):
    figures: FiguresOut
    breakdown: list[BreakdownRow] | None = None


class FiguresIn(Schema):
    found_from: datetime.date | None = None
    found_to: datetime.date | None = None
    by: str | None = Field(None, pattern="^(category|school_kind|town|month)$", description="分组方式")


class HazardReportIn(InputSchema):
    school: ObjectId = Field(description="学校编号（须在您的登记范围内）")
    place: str = Field(min_length=1, max_length=100, description="隐患部位")
    category: str = Field(min_length=1, max_length=30, description="隐患类别编码，如 fire")
    level: HazardLevel = Field(HazardLevel.GENERAL, description="general 一般 / major 重大（自动挂牌督办）")
    description: str = Field(min_length=1, max_length=2000)
    found_on: datetime.date | None = Field(None, description="发现日期，默认今天")
    finder_name: str = Field("", max_length=60)
    source: HazardSource = HazardSource.SELF_CHECK
    source_label: str = Field("", max_length=200)
    deadline: datetime.date | None = Field(None, description="整改期限（日期）")
    deadline_workdays: int | None = Field(None, ge=1, le=250, description="或：自发现日期起N个工作日内")
    measures: str = Field("", max_length=2000)
    responsible_person: str = Field("", max_length=60)


class FieldReportIn(Schema):
    """The form fields of a field report (multipart/form-data). Checked by the service, so a caller
    without the right to report gets 404 before any field is judged."""

    model_config = ConfigDict(str_strip_whitespace=True)

    school: int | None = Field(None, ge=1, le=ID_MAX, description="学校编号")
    place: str = Field("", max_length=100, description="隐患部位")
    category: str = Field("", max_length=30, description="隐患类别编码")
    level: str = Field("general", max_length=10, description="general 一般 / major 重大")
    description: str = Field("", max_length=2000)
    found_on: datetime.date | None = None
    source: str = Field("self_check", max_length=20)
    deadline_workdays: int | None = Field(None, ge=1, le=250, description="自发现日期起N个工作日内")
    measures: str = Field("", max_length=2000)
    fixed_on_spot: bool = Field(False, description="当场整改（须带照片，直接销号）")


class PhotosIn(Schema):
    kind: str = Field(
        "", max_length=10, description="before 整改前 / after 整改后 / evidence 佐证材料；不填按状态判断"
    )
    note: str = Field("", max_length=200)


class StartIn(InputSchema):
    measures: str = Field(min_length=1, max_length=2000)
    responsible_person: str = Field(min_length=1, max_length=60)
    deadline: datetime.date | None = Field(None, description="整改期限（日期）")
    deadline_workdays: int | None = Field(None, ge=1, le=250, description="或：自今天起N个工作日内")
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class SubmitIn(InputSchema):
    note: str = Field(min_length=1, max_length=2000, description="整改情况")
    rectified_on: datetime.date | None = Field(None, description="整改完成日期，默认今天")
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class VerifyIn(InputSchema):
    accepted: bool = Field(description="true 同意销号；false 退回整改（须填写 note）")
    note: str = Field("", max_length=2000)
    deadline: datetime.date | None = Field(None, description="退回时可重新设定整改期限")
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class VoidIn(InputSchema):
    reason: str = Field(min_length=1, max_length=300)
    version: int | None = Field(None, ge=1, le=MAX_VERSION)


class HazardPatchIn(InputSchema):
    version: int = Field(ge=1, le=MAX_VERSION, description="读取时的版本号；他人已修改时返回 409")
    place: str = Field(None, min_length=1, max_length=100)
    category: str = Field(None, min_length=1, max_length=30)
    level: HazardLevel = Field(None)
    source: HazardSource = Field(None)
    source_label: str = Field(None, max_length=200)
    found_on: datetime.date = Field(None)
    finder_name: str = Field(None, max_length=60)
    description: str = Field(None, min_length=1, max_length=2000)
    measures: str = Field(None, max_length=2000)
    responsible_person: str = Field(None, max_length=60)
    deadline: datetime.date | None = Field(None)
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class SupervisionPatchIn(InputSchema):
    version: int = Field(ge=1, le=MAX_VERSION)
    deadline: datetime.date = Field(description="督办期限")
    leader: ObjectId | None = Field(None, description="督办责任领导（用户编号）")
    requirement: str = Field("", max_length=2000)
    document_no: str = Field("", max_length=60)


class ProgressIn(InputSchema):
    text: str = Field(min_length=1, max_length=2000)
    reported_on: datetime.date | None = None


class LiftIn(InputSchema):
    note: str = Field("", max_length=300)


def _deadline(payload):
    if payload.deadline and payload.deadline_workdays:
        raise ServiceError("整改期限请填写 deadline 或 deadline_workdays，二选一。", field="deadline")
    return payload.deadline_workdays or payload.deadline


# --- reads ------------------------------------------------------------------------------------------


@router.get(
    "/categories",
    response={200: list[CategoryOut], **errors(404)},
    tags=HAZARDS_TAG,
    operation_id="list_hazard_categories",
    summary="隐患类别",
)
@paginate(LimitOffset)
def list_categories(request):
    """启用中的隐患类别（登记时 category 填写其编码）。"""
    require_perm(request.user, P.VIEW)
    return list(HazardCategory.objects.active())


@router.get(
    "/hazards",
    response={200: list[HazardOut], **errors(404, 422)},
    tags=HAZARDS_TAG,
    operation_id="list_hazards",
    summary="隐患列表",
)
@paginate(LimitOffset)
def list_hazards(request, filters: Query[HazardFiltersIn]):
    """您可见范围内的隐患，可按学校、类别、等级、状态（含 overdue 逾期）等筛选。"""
    require_perm(request.user, P.VIEW)
    return selectors.hazard_list(request.user, filters.to_filters())


@router.get(
    "/hazards/{id}",
    response={200: HazardDetailOut, **errors(404, 422)},
    tags=HAZARDS_TAG,
    operation_id="get_hazard",
    summary="隐患详情",
)
def get_hazard(request, id: PathId):
    """一条隐患及其处置记录、附件和挂牌督办情况。"""
    return _detail(request.user, id)


@router.get(
    "/figures",
    response={200: FiguresResponse, **errors(404, 422)},
    tags=HAZARDS_TAG,
    operation_id="hazard_figures",
    summary="隐患统计",
)
def figures(request, params: Query[FiguresIn]):
    """您可见范围内的发现数、整改数、当场整改、逾期和整改率；by 可按类别、学校类型、镇街或月份分组。"""
    require_perm(request.user, P.VIEW)
    qs = selectors.hazards_visible(request.user)
    if params.found_from:
        qs = qs.filter(found_on__gte=params.found_from)
    if params.found_to:
        qs = qs.filter(found_on__lte=params.found_to)
    result = {"figures": selectors.hazard_figures(qs)}
    if params.by:
        result["breakdown"] = selectors.hazard_breakdown(qs, params.by)
    return result


@router.get(
    "/attachments/{id}",
    response={200: None, **errors(404, 422)},
    tags=HAZARDS_TAG,
    operation_id="get_hazard_attachment",
    summary="下载隐患附件",
)
def get_attachment(request, id: PathId):
    """照片或材料的原文件。"""
    item = get_visible_or_404(HazardAttachment.objects.all(), request.user, P.VIEW, pk=id)
    try:
        handle = default_storage.open(item.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, content_type=item.content_type, filename=item.original_name)


# --- writes -----------------------------------------------------------------------------------------


@router.post(
    "/hazards",
    response={201: HazardDetailOut, **errors(403, 404, 409, 422)},
    tags=HAZARDS_TAG,
    operation_id="report_hazard",
    summary="登记隐患",
)
def report_hazard(request, payload: HazardReportIn):
    """登记一条隐患（状态为“发现”）。照片请随后用“上传隐患照片”接口上传；重大隐患自动挂牌督办。"""
    require_perm(request.user, P.REPORT)
    school = OrgUnit.objects.filter(pk=payload.school).first()
    hazard = services.hazard_report(
        actor=request.user,
        school=school,
        place=payload.place,
        category=payload.category,
        level=payload.level,
        description=payload.description,
        found_on=payload.found_on,
        finder_name=payload.finder_name,
        source=payload.source,
        source_label=payload.source_label,
        deadline=_deadline(payload),
        measures=payload.measures,
        responsible_person=payload.responsible_person,
    )
    return Status(201, _detail(request.user, hazard.pk))


@router.post(
    "/field-reports",
    response={201: HazardDetailOut, **errors(403, 404, 409, 422)},
    tags=HAZARDS_TAG,
    operation_id="report_hazard_with_photos",
    summary="现场登记隐患（可带照片）",
)
def report_hazard_with_photos(
    request,
    payload: Form[FieldReportIn],
    photos: File[list[UploadedFile]] = None,
):
    """multipart/form-data：一次提交隐患信息和照片，适合手机现场登记；fixed_on_spot=true 时当场整改销号。"""
    require_perm(request.user, P.REPORT)
    unit = OrgUnit.objects.filter(pk=payload.school).first() if payload.school else None
    hazard = services.hazard_report(
        actor=request.user,
        school=unit,
        place=payload.place,
        category=payload.category,
        level=payload.level,
        description=payload.description,
        found_on=payload.found_on,
        source=payload.source,
        deadline=payload.deadline_workdays,
        measures=payload.measures,
        fixed_on_spot=payload.fixed_on_spot,
        photos=photos or (),
    )
    return Status(201, _detail(request.user, hazard.pk))


@router.patch(
    "/hazards/{id}",
    response={200: HazardDetailOut, **errors(403, 404, 409, 422)},
    tags=HAZARDS_TAG,
    operation_id="update_hazard",
    summary="修改隐患",
)
def update_hazard(request, id: PathId, payload: HazardPatchIn):
    """只修改提交的字段；须提交读取时的 version，他人已修改时返回 409。已销号或作废的不能修改。"""
    hazard = _hazard(request.user, P.REPORT, id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    if not changes:
        raise ServiceError("请至少提交一个要修改的字段。")
    services.hazard_update(actor=request.user, hazard=hazard, version=version, **changes)
    return _detail(request.user, id)


@router.post(
    "/hazards/{id}/start",
    response={200: HazardDetailOut, **errors(403, 404, 409, 422)},
    tags=HAZARDS_TAG,
    operation_id="start_hazard_rectification",
    summary="开始整改",
)
def start_rectify(request, id: PathId, payload: StartIn):
    """发现 → 整改中：填写整改措施、责任人和期限（日期或N个工作日内）。"""
    hazard = _hazard(request.user, P.RECTIFY, id)
    services.hazard_start_rectify(
        actor=request.user,
        hazard=hazard,
        deadline=_deadline(payload),
        measures=payload.measures,
        responsible_person=payload.responsible_person,
        cost=payload.cost,
        version=payload.version,
    )
    return _detail(request.user, id)


@router.post(
    "/hazards/{id}/submit",
    response={200: HazardDetailOut, **errors(403, 404, 409, 422)},
    tags=HAZARDS_TAG,
    operation_id="submit_hazard_rectification",
    summary="提交整改复核",
)
def submit_rectification(request, id: PathId, payload: SubmitIn):
    """整改中 → 待复核。须先上传至少一张整改后照片或一份佐证材料。"""
    hazard = _hazard(request.user, P.RECTIFY, id)
    services.hazard_submit_rectification(
        actor=request.user,
        hazard=hazard,
        note=payload.note,
        rectified_on=payload.rectified_on,
        cost=payload.cost,
        version=payload.version,
    )
    return _detail(request.user, id)


@router.post(
    "/hazards/{id}/verify",
    response={200: HazardDetailOut, **errors(403, 404, 409, 422)},
    tags=HAZARDS_TAG,
    operation_id="verify_hazard_rectification",
    summary="复核整改",
)
def verify(request, id: PathId, payload: VerifyIn):
    """待复核 → 已销号（accepted=true）或退回整改中（须填写原因）。整改人不能复核自己的整改；重大隐患由教育局复核。"""
    hazard = _hazard(request.user, P.VERIFY, id)
    services.hazard_verify(
        actor=request.user,
        hazard=hazard,
        accepted=payload.accepted,
        note=payload.note,
        deadline=payload.deadline,
        version=payload.version,
    )
    return _detail(request.user, id)


@router.post(
    "/hazards/{id}/void",
    response={200: HazardDetailOut, **errors(403, 404, 409, 422)},
    tags=HAZARDS_TAG,
    operation_id="void_hazard",
    summary="作废隐患",
)
def void(request, id: PathId, payload: VoidIn):
    """作废（须填写原因）。记录保留，不计入统计；已销号的不能作废。"""
    hazard = _hazard(request.user, P.VERIFY, id)
    services.hazard_void(actor=request.user, hazard=hazard, reason=payload.reason, version=payload.version)
    return _detail(request.user, id)


@router.post(
    "/hazards/{id}/photos",
    response={201: list[AttachmentOut], **errors(403, 404, 413, 422)},
    tags=HAZARDS_TAG,
    operation_id="upload_hazard_photos",
    summary="上传隐患照片/材料",
)
def upload_photos(
    request,
    id: PathId,
    payload: Form[PhotosIn],
    files: File[list[UploadedFile]] = None,
):
    """multipart/form-data，字段名 files。文件按内容检查，不接受其他类型。"""
    hazard = _hazard(request.user, P.REPORT, id)
    if payload.kind and payload.kind not in AttachmentKind.values:
        raise ServiceError("附件类别应为 before、after 或 evidence。", field="kind")
    rows = services.hazard_attach(
        actor=request.user, hazard=hazard, files=files or [], kind=payload.kind or None, note=payload.note
    )
    return Status(201, rows)


# --- 挂牌督办 -------------------------------------------------------------------------------------


def _supervision(user, perm, pk):
    qs = MajorHazardSupervision.objects.select_related("hazard", "hazard__school", "leader")
    return get_visible_or_404(qs, user, perm, pk=pk)


@router.get(
    "/supervisions",
    response={200: list[SupervisionListOut], **errors(404, 422)},
    tags=SUPERVISION_TAG,
    operation_id="list_supervisions",
    summary="挂牌督办列表",
)
@paginate(LimitOffset)
def list_supervisions(request, active: bool | None = None):
    """您可见范围内挂牌督办的重大隐患；active=true 只列督办中的。"""
    require_perm(request.user, P.VIEW)
    qs = (
        MajorHazardSupervision.objects.visible_to(request.user, P.VIEW)
        .select_related("hazard", "hazard__school", "leader")
        .annotate(progress_count=Count("progress"))
        .order_by("lifted_at", "deadline", "pk")
    )
    if active is not None:
        qs = qs.filter(lifted_at__isnull=active)
    return qs


@router.patch(
    "/supervisions/{id}",
    response={200: SupervisionDetailOut, **errors(403, 404, 409, 422)},
    tags=SUPERVISION_TAG,
    operation_id="update_supervision",
    summary="督办设置",
)
def update_supervision(request, id: PathId, payload: SupervisionPatchIn):
    """设定督办期限、责任领导（须有督办权限）、督办要求和文号。"""
    supervision = _supervision(request.user, P.SUPERVISE, id)
    leader = User.objects.filter(pk=payload.leader).first() if payload.leader else None
    if payload.leader and leader is None:
        raise ServiceError("责任领导不存在。", field="leader")
    services.supervision_update(
        actor=request.user,
        supervision=supervision,
        deadline=payload.deadline,
        leader=leader,
        requirement=payload.requirement,
        document_no=payload.document_no,
        version=payload.version,
    )
    return _supervision(request.user, P.VIEW, id)


def _add_progress(request, id, perm, payload):
    supervision = _supervision(request.user, perm, id)
    services.supervision_progress_add(
        actor=request.user, supervision=supervision, text=payload.text, reported_on=payload.reported_on
    )
    return Status(201, _supervision(request.user, P.VIEW, id))


@router.post(
    "/supervisions/{id}/progress",
    response={201: SupervisionDetailOut, **errors(403, 404, 422)},
    tags=SUPERVISION_TAG,
    operation_id="add_supervision_progress",
    summary="记录督办进展（教育局）",
)
def add_progress(request, id: PathId, payload: ProgressIn):
    """教育局记录督办进展。"""
    return _add_progress(request, id, P.SUPERVISE, payload)


@router.post(
    "/supervisions/{id}/reports",
    response={201: SupervisionDetailOut, **errors(403, 404, 422)},
    tags=SUPERVISION_TAG,
    operation_id="report_supervision_progress",
    summary="报告整改进展（学校）",
)
def report_progress(request, id: PathId, payload: ProgressIn):
    """学校报告挂牌督办隐患的整改进展。"""
    return _add_progress(request, id, P.RECTIFY, payload)


@router.post(
    "/supervisions/{id}/lift",
    response={200: SupervisionDetailOut, **errors(403, 404, 422)},
    tags=SUPERVISION_TAG,
    operation_id="lift_supervision",
    summary="摘牌",
)
def lift(request, id: PathId, payload: LiftIn):
    """隐患经复核销号后摘牌，督办结束。"""
    supervision = _supervision(request.user, P.SUPERVISE, id)
    services.supervision_lift(actor=request.user, supervision=supervision, note=payload.note)
    return _supervision(request.user, P.VIEW, id)
