"""API: incidents and their reports in the caller's scope; writes through incidents.services.

Mounted by the project as `api.add_router("/incidents", router)`.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from edubureau.accounts.scope import require_perm
from edubureau.api.pagination import PageParams
from edubureau.api.schemas import InputSchema, ObjectId, PathId, UnitRef, errors, unit_ref
from edubureau.common.errors import ServiceError

from . import selectors, services
from .choices import IncidentCategory, IncidentFlag, IncidentLevel
from .models import MAX_LOSS, MAX_PEOPLE

router = Router()
TAGS = ["突发事件"]
VIEW, REPORT, MANAGE = "incidents.view", "incidents.report", "incidents.manage"

People = Field(0, ge=0, le=MAX_PEOPLE)


def _with_standing(incidents):
    return selectors.attach_standing(incidents, limits=selectors.limits_by_level())


def _detail(user, pk):
    return _with_standing([selectors.incident_detail(user=user, pk=pk)])[0]


def _school(user, pk, perm):
    """The school named in a body: missing and out-of-scope get the same field error."""
    qs = selectors.reportable_schools(user) if perm == REPORT else selectors.visible_schools(user, perm)
    school = qs.filter(pk=pk).first()
    if school is None:
        raise ServiceError("所选学校不存在，或不在您可报送的范围内。", field="school")
    return school


# --- schemas ------------------------------------------------------------------------------------------


class IncidentFilters(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)

    q: str | None = Field(None, max_length=50, description="按事件名称、学校或地点查找")
    level: IncidentLevel | None = Field(None, description="事件级别")
    category: IncidentCategory | None = Field(None, description="事件类别")
    school: ObjectId | None = Field(None, description="学校编号")
    flag: IncidentFlag | None = Field(
        None, description="状态：待签收、迟报、漏报、未终报、续报到期、终报逾期、已终报"
    )
    occurred_from: datetime.date | None = Field(None, description="事发日期起（含）")
    occurred_to: datetime.date | None = Field(None, description="事发日期止（含）")


class StandingOut(Schema):
    timeliness: str = Field(description="初报时效：on_time 按时、late 迟报、missed 漏报")
    timeliness_label: str
    first_deadline: datetime.datetime = Field(description="初报时限（事发时间加该级别的初报时限）")
    late_minutes: int | None = Field(description="迟报的分钟数")
    supplemented: bool = Field(description="教育局记录后学校补报")
    final_due: datetime.datetime
    final_overdue: bool
    followup_due_at: datetime.datetime | None
    followup_due: bool
    needs_acknowledgement: bool


def standing_out(s):
    return {
        "timeliness": s.timeliness,
        "timeliness_label": s.timeliness_label,
        "first_deadline": s.first_deadline,
        "late_minutes": int(s.late_by.total_seconds() // 60) if s.late_by is not None else None,
        "supplemented": s.supplemented,
        "final_due": s.final_due,
        "final_overdue": s.final_overdue,
        "followup_due_at": s.followup_due_at,
        "followup_due": s.followup_due,
        "needs_acknowledgement": s.needs_ack,
    }


class IncidentOut(Schema):
    id: int
    school: UnitRef
    title: str
    occurred_at: datetime.datetime
    bureau_learned_at: datetime.datetime
    category: str
    category_label: str
    level: str
    level_label: str
    place: str
    deaths: int = Field(description="登记时的死亡人数（最新数字见最近一次报告）")
    injuries: int
    estimated_loss: Decimal = Field(description="登记时的直接经济损失（元）")
    recorded_by_bureau: bool
    acknowledged_at: datetime.datetime | None
    first_report_at: datetime.datetime | None
    final_report_at: datetime.datetime | None
    last_report_at: datetime.datetime | None
    report_count: int
    standing: StandingOut

    @staticmethod
    def resolve_school(obj):
        return unit_ref(obj.school)

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_standing(obj):
        return standing_out(obj.standing)


class ReportOut(Schema):
    id: int
    kind: str
    label: str = Field(description="初报、第N次续报、终报")
    sequence: int
    submitted_at: datetime.datetime
    submitted_by: str
    text: str
    deaths: int
    injuries: int
    estimated_loss: Decimal
    measures: str
    cause: str
    next_steps: str

    @staticmethod
    def resolve_submitted_by(obj):
        return obj.submitted_by.real_name if obj.submitted_by else ""


class IncidentDetailOut(IncidentOut):
    summary: str
    likely_cause: str
    measures: str
    reporter_name: str
    reporter_phone: str
    bureau_source: str
    acknowledged_by: str
    reports: list[ReportOut]

    @staticmethod
    def resolve_acknowledged_by(obj):
        return obj.acknowledged_by.real_name if obj.acknowledged_by else ""

    @staticmethod
    def resolve_reports(obj):
        return obj.report_list


class IncidentPage(Schema):
    count: int = Field(description="符合条件的总条数")
    items: list[IncidentOut]
    limit: int
    offset: int


Money = Field(Decimal("0"), ge=0, le=MAX_LOSS, max_digits=12, decimal_places=2, description="元")


class ReportIn(InputSchema):
    text: str = Field(min_length=1, max_length=4000, description="报告内容")
    deaths: int = Field(0, ge=0, le=MAX_PEOPLE, description="截至本次报告的死亡人数")
    injuries: int = Field(0, ge=0, le=MAX_PEOPLE, description="截至本次报告的受伤人数")
    estimated_loss: Decimal = Money
    measures: str = Field(min_length=1, max_length=4000, description="已采取的措施")
    cause: str = Field("", max_length=2000, description="原因分析")
    next_steps: str = Field("", max_length=2000, description="下一步工作")


class FinalReportIn(ReportIn):
    cause: str = Field(min_length=1, max_length=2000, description="事件原因及责任认定（终报必填）")


class IncidentFactsIn(InputSchema):
    school: ObjectId = Field(description="学校编号")
    title: str = Field(min_length=1, max_length=100, description="事件名称")
    occurred_at: datetime.datetime = Field(description="事发时间")
    category: IncidentCategory
    level: IncidentLevel
    place: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=4000, description="事件简要经过")
    deaths: int = Field(0, ge=0, le=MAX_PEOPLE)
    injuries: int = Field(0, ge=0, le=MAX_PEOPLE)
    estimated_loss: Decimal = Money
    likely_cause: str = Field("", max_length=2000, description="初步原因")
    measures: str = Field(min_length=1, max_length=4000, description="已采取的措施")


class FirstReportIn(IncidentFactsIn):
    reporter_name: str = Field(min_length=1, max_length=40, description="报告人")
    reporter_phone: str = Field(min_length=1, max_length=20, description="报告人电话")
    next_steps: str = Field("", max_length=2000, description="下一步工作")
    phoned_at: datetime.datetime | None = Field(None, description="已先行电话报告教育局的时间")


class BureauRecordIn(IncidentFactsIn):
    bureau_learned_at: datetime.datetime = Field(description="教育局获知时间")
    bureau_source: str = Field(min_length=1, max_length=200, description="信息来源")
    reporter_name: str = Field("", max_length=40, description="信息提供人")
    reporter_phone: str = Field("", max_length=20, description="信息提供人电话")


# --- operations ---------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: IncidentPage, **errors(404, 422)},
    tags=TAGS,
    operation_id="list_incidents",
    summary="突发事件列表",
)
def list_incidents(request, filters: Query[IncidentFilters], page: Query[PageParams]):
    """您可见范围内的突发事件：待签收的在前，其余按事发时间倒序。"""
    user = request.user
    require_perm(user, VIEW)
    data = filters.model_dump(exclude_none=True)
    if "school" in data:
        data["school"] = selectors.visible_schools(user).filter(pk=data["school"]).first()
        if data["school"] is None:
            return {"count": 0, "items": [], "limit": page.limit, "offset": page.offset}
    now = timezone.now()
    limits = selectors.limits_by_level()
    qs = selectors.incident_list(user=user, limits=limits, now=now, **data)
    count = qs.count()
    rows = qs[page.offset : page.offset + page.limit] if count > page.offset else []
    items = selectors.attach_standing(rows, limits=limits, now=now)
    return {"count": count, "items": items, "limit": page.limit, "offset": page.offset}


@router.post(
    "/record",
    response={201: IncidentDetailOut, **errors(404, 409, 422)},
    tags=TAGS,
    operation_id="record_incident",
    summary="教育局记录学校未报送的事件",
)
def record_incident(request, payload: BureauRecordIn):
    """教育局通过其他渠道掌握、学校未报送的事件；学校补报初报前标记为漏报。"""
    user = request.user
    require_perm(user, MANAGE)
    data = payload.model_dump()
    data["school"] = _school(user, data["school"], MANAGE)
    incident = services.incident_record_by_bureau(actor=user, **data)
    return Status(201, _detail(user, incident.pk))


@router.get(
    "/{id}",
    response={200: IncidentDetailOut, **errors(404, 422)},
    tags=TAGS,
    operation_id="get_incident",
    summary="突发事件详情",
)
def get_incident(request, id: PathId):
    """一个事件及其全部报告；不存在或不在您的可见范围内时返回 404。"""
    return _detail(request.user, id)


@router.post(
    "",
    response={201: IncidentDetailOut, **errors(404, 409, 422)},
    tags=TAGS,
    operation_id="report_incident",
    summary="报送突发事件（初报）",
)
def report_incident(request, payload: FirstReportIn):
    """学校报送突发事件：一次提交事件信息和初报。"""
    user = request.user
    require_perm(user, REPORT)
    data = payload.model_dump()
    data["school"] = _school(user, data["school"], REPORT)
    incident = services.incident_report_first(actor=user, **data)
    return Status(201, _detail(user, incident.pk))


def _report(request, id, service, payload):
    user = request.user
    incident = selectors.incident_for_write(user=user, pk=id, perm=REPORT)
    service(actor=user, incident=incident, **payload.model_dump())
    return Status(201, _detail(user, id))


@router.post(
    "/{id}/first",
    response={201: IncidentDetailOut, **errors(404, 409, 422)},
    tags=TAGS,
    operation_id="supplement_incident_report",
    summary="补报初报",
)
def supplement_incident_report(request, id: PathId, payload: ReportIn):
    """学校对教育局已记录、学校未报送的事件补报初报。"""
    return _report(request, id, services.incident_report_supplement, payload)


@router.post(
    "/{id}/followups",
    response={201: IncidentDetailOut, **errors(404, 409, 422)},
    tags=TAGS,
    operation_id="add_incident_followup",
    summary="续报",
)
def add_incident_followup(request, id: PathId, payload: ReportIn):
    """报送续报：事件最新进展、截至目前的伤亡和损失。终报之后不能再续报。"""
    return _report(request, id, services.incident_add_followup, payload)


@router.post(
    "/{id}/final",
    response={201: IncidentDetailOut, **errors(404, 409, 422)},
    tags=TAGS,
    operation_id="add_incident_final_report",
    summary="终报",
)
def add_incident_final_report(request, id: PathId, payload: FinalReportIn):
    """报送终报：处置结果、原因和责任认定。每个事件只有一份终报。"""
    return _report(request, id, services.incident_final_report, payload)


@router.post(
    "/{id}/acknowledge",
    response={200: IncidentDetailOut, **errors(404, 409, 422)},
    tags=TAGS,
    operation_id="acknowledge_incident",
    summary="签收事件报告",
)
def acknowledge_incident(request, id: PathId):
    """教育局签收事件截至目前的全部报告。"""
    user = request.user
    incident = selectors.incident_for_write(user=user, pk=id, perm=MANAGE)
    services.incident_acknowledge(actor=user, incident=incident)
    return _detail(user, id)
