"""Writes on the hazard ledger: one function per transition, keyword-only, atomic, validated, audited.

The life of a hazard (DOMAIN.md §1):

    发现 found ──start_rectify──▶ 整改中 rectifying ──submit──▶ 待复核 awaiting_check ──verify(accept)──▶ 已销号 closed
                                      ▲                                   │
                                      └──────────── verify(refuse) 退回 ◀──┘
    当场整改: report(fixed_on_spot=True) goes straight to 已销号, with a photo.
    作废 void: from any open state, with a reason; nothing is ever deleted.

逾期 (overdue) is derived from the deadline (see models.overdue_q), never written. A 重大 hazard is listed
for the bureau's supervision (挂牌督办) as it is reported, and only the bureau verifies it.

Other apps create hazards through `hazard_report` (e.g. an inspection visit's finding, with
source="inspection", source_type="inspections.visit", source_id=visit.pk).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from edubureau.accounts import scope
from edubureau.audit import services as audit
from edubureau.calendar.workdays import WorkdayCalendar
from edubureau.common.errors import ForbiddenError, NotFoundError, ServiceError
from edubureau.org.choices import SCHOOL_KINDS
from edubureau.org.models import OrgUnit

from . import permissions as P
from . import uploads
from .choices import (
    OPEN_STATUSES,
    AttachmentKind,
    HazardAction,
    HazardLevel,
    HazardSource,
    HazardStatus,
)
from .models import (
    Hazard,
    HazardAttachment,
    HazardCategory,
    HazardEvent,
    MajorHazardSupervision,
    SupervisionProgress,
)

# Bureau deadline of a newly listed major hazard, in workdays after listing
# (EDUBUREAU_MAJOR_HAZARD_WORKDAYS overrides; regions differ).
DEFAULT_SUPERVISION_WORKDAYS = 20
MAX_DEADLINE_WORKDAYS = 250
EARLIEST_DATE = datetime.date(2000, 1, 1)
MAX_COST = Decimal("9999999999.99")

TEXT_LIMITS = {
    "place": ("隐患部位", 100),
    "description": ("隐患描述", 2000),
    "measures": ("整改措施", 2000),
    "responsible_person": ("整改责任人", 60),
    "finder_name": ("发现人", 60),
    "source_label": ("来源说明", 200),
    "source_type": ("来源类型", 60),
    "note": ("说明", 2000),
    "reason": ("作废原因", 300),
    "requirement": ("督办要求", 2000),
    "document_no": ("督办文号", 60),
    "text": ("进展情况", 2000),
}

UPDATABLE_FIELDS = (
    "place",
    "category",
    "level",
    "source",
    "source_label",
    "found_on",
    "finder_name",
    "description",
    "measures",
    "responsible_person",
    "deadline",
    "cost",
)


def supervision_workdays():
    return int(getattr(settings, "EDUBUREAU_MAJOR_HAZARD_WORKDAYS", DEFAULT_SUPERVISION_WORKDAYS))


# --- small helpers --------------------------------------------------------------------------------


def actor_name(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return getattr(actor, "real_name", "") or actor.get_username()


def _now(at=None):
    now = timezone.now()
    if at is None:
        return now
    if isinstance(at, datetime.date) and not isinstance(at, datetime.datetime):
        at = timezone.make_aware(datetime.datetime.combine(at, datetime.time(10, 0)))
    if at > now + datetime.timedelta(minutes=5):
        raise ServiceError("操作时间不能晚于当前时间。")
    return at


def _text(value, field, *, required=False):
    label, limit = TEXT_LIMITS[field]
    value = "" if value is None else str(value).strip()
    if "\x00" in value:
        raise ServiceError(f"{label}含有非法字符。", field=field)
    if required and not value:
        raise ServiceError(f"请填写{label}。", field=field)
    if len(value) > limit:
        raise ServiceError(f"{label}不能超过{limit}个字。", field=field)
    return value


def _date(value, field, label, *, required=False, not_after=None, not_before=None):
    if value in (None, ""):
        if required:
            raise ServiceError(f"请填写{label}。", field=field)
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ServiceError(f"{label}应为日期，格式为YYYY-MM-DD。", field=field) from None
    if not isinstance(value, datetime.date):
        raise ServiceError(f"{label}应为日期。", field=field)
    if value < EARLIEST_DATE:
        raise ServiceError(f"{label}不能早于{EARLIEST_DATE.year}年。", field=field)
    if not_after is not None and value > not_after:
        raise ServiceError(f"{label}不能晚于{not_after:%Y年%m月%d日}。", field=field)
    if not_before is not None and value < not_before:
        raise ServiceError(f"{label}不能早于{not_before:%Y年%m月%d日}。", field=field)
    return value


WORKDAY_PATTERN = re.compile(r"^\s*(\d{1,3})\s*(个)?\s*工作日(内|之内)?\s*$")


def resolve_deadline(value, start, *, calendar=None):
    """(deadline date, N workdays or None) from a date, an int N ("within N workdays of `start`") or a
    text like "5个工作日内". The date is stored; N is kept only to show how it was set."""
    if value in (None, ""):
        return None, None
    workdays = None
    if isinstance(value, bool):
        raise ServiceError("整改期限格式不正确。", field="deadline")
    if isinstance(value, int):
        workdays = value
    elif isinstance(value, str):
        match = WORKDAY_PATTERN.match(value)
        if match:
            workdays = int(match.group(1))
    if workdays is not None:
        if not 1 <= workdays <= MAX_DEADLINE_WORKDAYS:
            raise ServiceError(f"整改期限应为1至{MAX_DEADLINE_WORKDAYS}个工作日。", field="deadline")
        calendar = calendar or WorkdayCalendar()
        return calendar.add_workdays(start, workdays), workdays
    day = _date(value, "deadline", "整改期限")
    return day, None


def _cost(value):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError("整改资金应为数字（单位：元）。", field="cost") from None
    if not amount.is_finite():
        raise ServiceError("整改资金应为数字（单位：元）。", field="cost")
    if amount < 0:
        raise ServiceError("整改资金不能为负数。", field="cost")
    if amount > MAX_COST:
        raise ServiceError("整改资金数额过大，请核对（单位：元）。", field="cost")
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError("整改资金最多保留两位小数（单位：元）。", field="cost")
    return amount.quantize(Decimal("0.01"))


def resolve_category(category):
    """A HazardCategory from itself, its code or its name (active categories only)."""
    if isinstance(category, HazardCategory):
        found = category if category.is_active else None
    elif category in (None, ""):
        raise ServiceError("请选择隐患类别。", field="category")
    else:
        text = str(category).strip()
        found = (
            HazardCategory.objects.active().filter(code=text).first()
            or HazardCategory.objects.active().filter(name=text).first()
        )
    if found is None:
        raise ServiceError("隐患类别不存在或已停用，请从列表中选择。", field="category")
    return found


def _choice(value, choices, field, label):
    if value not in choices.values:
        raise ServiceError(f"{label}应为以下之一：{'、'.join(choices.labels)}。", field=field)
    return value


def _require(actor, perm, hazard, message):
    """The actor holds `perm` on the hazard's school. Cannot see it at all: NotFound (the same as a
    missing hazard); can see it but not do this: Forbidden with `message`."""
    if scope.user_can(actor, perm, hazard.school):
        return
    if scope.user_can(actor, P.VIEW, hazard.school):
        raise ForbiddenError(message)
    raise NotFoundError()


def _locked(hazard):
    pk = hazard.pk if isinstance(hazard, Hazard) else hazard
    try:
        return Hazard.objects.select_for_update().select_related("school", "category").get(pk=pk)
    except (Hazard.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def _check_status(hazard, allowed, message):
    if hazard.status not in allowed:
        raise ServiceError(f"{message}（当前状态：{hazard.get_status_display()}）")


def _event(hazard, *, actor, action, from_status="", to_status="", note="", at=None):
    return HazardEvent.objects.create(
        hazard=hazard,
        occurred_at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _split_files(files):
    """[(kind or None, upload)] from uploads or (kind, upload) pairs."""
    result = []
    for item in files or ():
        if isinstance(item, tuple | list):
            kind, upload = item
            _choice(kind, AttachmentKind, "kind", "附件类别")
        else:
            kind, upload = None, item
        result.append((kind, upload))
    return result


def _check_files(files, default_kind):
    pairs = _split_files(files)
    if len(pairs) > uploads.MAX_FILES:
        raise ServiceError(f"一次最多上传{uploads.MAX_FILES}个文件。", field="photos")
    checked = []
    for kind, upload in pairs:
        item = uploads.check_upload(upload)
        if kind is None:
            kind = default_kind if item.is_image else AttachmentKind.EVIDENCE
        checked.append((kind, item))
    return checked


def _store(hazard, checked, *, actor, event, at=None):
    rows = []
    for kind, item in checked:
        row = HazardAttachment(
            hazard=hazard,
            event=event,
            kind=kind,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            is_image=item.is_image,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            uploaded_at=at or timezone.now(),
        )
        row.file.save(f"upload.{item.extension}", item.content(), save=False)
        if item.thumbnail:
            row.thumbnail.save("thumb.jpg", item.thumbnail_content(), save=False)
        row.save()
        rows.append(row)
    return rows


def _school(actor, school):
    if school is not None and not isinstance(school, OrgUnit):
        school = OrgUnit.objects.filter(pk=school).first() if str(school).isdigit() else None
    if school is None or not scope.user_can(actor, P.REPORT, school):
        raise ServiceError("请选择您有权登记隐患的学校。", field="school")
    if school.kind not in SCHOOL_KINDS:
        raise ServiceError(f"“{school.name}”不是学校，隐患须登记在具体学校。", field="school")
    if not school.is_active:
        raise ServiceError(f"“{school.name}”已撤并/停办，不能再登记隐患。", field="school")
    return school


def _list_for_supervision(hazard, *, actor, at, channel, note="重大隐患，自动挂牌督办。"):
    """挂牌督办 a major hazard with the default bureau deadline (workdays after listing)."""
    listed_on = timezone.localdate(at)
    supervision = MajorHazardSupervision.objects.create(
        hazard=hazard,
        deadline=WorkdayCalendar().add_workdays(listed_on, supervision_workdays()),
        listed_by=actor if getattr(actor, "is_authenticated", False) else None,
        listed_at=at,
    )
    _event(hazard, actor=actor, action=HazardAction.LIST, note=note, at=at)
    audit.record(
        actor=actor, action="safety.supervision.list", obj=supervision, unit=hazard.school_id, channel=channel
    )
    return supervision


def _lift(supervision, *, actor, at, note, channel):
    before = audit.snapshot(supervision)
    supervision.lifted_at = at
    supervision.lifted_by = actor if getattr(actor, "is_authenticated", False) else None
    supervision.lift_note = note[:300]
    supervision.bump_version()
    supervision.save()
    _event(supervision.hazard, actor=actor, action=HazardAction.LIFT, note=note, at=at)
    audit.record(
        actor=actor,
        action="safety.supervision.lift",
        obj=supervision,
        before=before,
        unit=supervision.hazard.school_id,
        channel=channel,
    )


# --- report ---------------------------------------------------------------------------------------


@transaction.atomic
def hazard_report(
    *,
    actor,
    school,
    place,
    category,
    level,
    description,
    found_on=None,
    finder_name="",
    source="self_check",
    source_type="",
    source_id=None,
    source_label="",
    deadline=None,
    measures="",
    responsible_person="",
    fixed_on_spot=False,
    photos=(),
    channel=None,
) -> Hazard:
    """Record a hazard found at `school` (发现). The entry point for every app that finds hazards.

    `category` is a HazardCategory or its code; `level` "general"/"major"; `deadline` a date or N
    (workdays after `found_on`); `photos` uploads (or (kind, upload) pairs), checked by content.
    `fixed_on_spot=True` records 当场整改: found and closed in one step, which needs at least one photo
    and is not possible for a major hazard. A major hazard is listed for the bureau's supervision
    (挂牌督办) with the default bureau deadline.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    school = _school(actor, school)
    place = _text(place, "place", required=True)
    category = resolve_category(category)
    level = _choice(level, HazardLevel, "level", "隐患等级")
    description = _text(description, "description", required=True)
    found_on = _date(found_on, "found_on", "发现日期", not_after=today) or today
    finder_name = _text(finder_name, "finder_name") or actor_name(actor)
    source = _choice(source, HazardSource, "source", "发现方式")
    source_type = _text(source_type, "source_type")
    source_label = _text(source_label, "source_label")
    if source_id is not None and (
        not isinstance(source_id, int) or isinstance(source_id, bool) or source_id < 1
    ):
        raise ServiceError("来源编号应为正整数。", field="source_id")
    deadline, deadline_workdays = resolve_deadline(deadline, found_on)
    if deadline is not None and deadline < found_on:
        raise ServiceError("整改期限不能早于发现日期。", field="deadline")
    measures = _text(measures, "measures")
    responsible_person = _text(responsible_person, "responsible_person")
    fixed_on_spot = bool(fixed_on_spot)
    if fixed_on_spot and level == HazardLevel.MAJOR:
        raise ServiceError("重大隐患不能当场整改销号，须挂牌督办并由教育局复核。", field="fixed_on_spot")
    checked = _check_files(photos, AttachmentKind.AFTER if fixed_on_spot else AttachmentKind.BEFORE)
    if fixed_on_spot and not any(item.is_image for _kind, item in checked):
        raise ServiceError("当场整改须上传至少一张现场照片。", field="photos")

    hazard = Hazard(
        school=school,
        place=place,
        category=category,
        level=level,
        source=source,
        source_type=source_type,
        source_id=source_id,
        source_label=source_label,
        found_on=found_on,
        found_by=actor if getattr(actor, "is_authenticated", False) else None,
        finder_name=finder_name,
        description=description,
        measures=measures,
        responsible_person=responsible_person,
        deadline=deadline,
        deadline_workdays=deadline_workdays,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if fixed_on_spot:
        hazard.status = HazardStatus.CLOSED
        hazard.fixed_on_spot = True
        hazard.rectified_by = hazard.verified_by = hazard.found_by
        hazard.rectified_at = hazard.verified_at = now
        hazard.rectified_on = hazard.closed_on = found_on
        hazard.rectification_note = measures or "当场整改完毕。"
    hazard.save()
    event = _event(
        hazard,
        actor=actor,
        action=HazardAction.FIX_ON_SPOT if fixed_on_spot else HazardAction.REPORT,
        to_status=hazard.status,
        note=source_label,
        at=now,
    )
    _store(hazard, checked, actor=actor, event=event, at=now)
    audit.record(
        actor=actor,
        action="safety.hazard.fix_on_spot" if fixed_on_spot else "safety.hazard.report",
        obj=hazard,
        channel=channel,
    )
    if level == HazardLevel.MAJOR:
        _list_for_supervision(hazard, actor=actor, at=now, channel=channel)
    return hazard


# --- transitions ----------------------------------------------------------------------------------


@transaction.atomic
def hazard_start_rectify(
    *,
    actor,
    hazard,
    deadline,
    measures,
    responsible_person,
    cost=None,
    note="",
    version=None,
    channel=None,
    at=None,
):
    """发现 → 整改中: the school sets its measures, the person responsible and the deadline (a date or
    N, meaning N workdays from today)."""
    now = _now(at)
    today = timezone.localdate(now)
    hazard = _locked(hazard)
    _require(actor, P.RECTIFY, hazard, "您没有整改该隐患的权限。")
    hazard.check_version(version)
    _check_status(hazard, (HazardStatus.FOUND,), "只有“发现”状态的隐患可以开始整改。")
    measures = _text(measures, "measures", required=True)
    responsible_person = _text(responsible_person, "responsible_person", required=True)
    if deadline in (None, ""):
        raise ServiceError("请填写整改期限。", field="deadline")
    deadline, workdays = resolve_deadline(deadline, today)
    if deadline < today:
        raise ServiceError("整改期限不能早于今天。", field="deadline")
    note = _text(note, "note")
    before = audit.snapshot(hazard)
    hazard.measures = measures
    hazard.responsible_person = responsible_person
    hazard.deadline, hazard.deadline_workdays = deadline, workdays
    if cost not in (None, ""):
        hazard.cost = _cost(cost)
    hazard.status = HazardStatus.RECTIFYING
    hazard.bump_version()
    hazard.save()
    _event(
        hazard,
        actor=actor,
        action=HazardAction.START_RECTIFY,
        from_status=HazardStatus.FOUND,
        to_status=HazardStatus.RECTIFYING,
        note=note
        or f"整改措施：{measures.rstrip('。；;')}；责任人：{responsible_person}；期限：{deadline:%Y-%m-%d}",
        at=now,
    )
    audit.record(
        actor=actor, action="safety.hazard.start_rectify", obj=hazard, before=before, channel=channel
    )
    return hazard


@transaction.atomic
def hazard_submit_rectification(
    *,
    actor,
    hazard,
    note,
    photos=(),
    rectified_on=None,
    cost=None,
    version=None,
    channel=None,
    at=None,
):
    """整改中 → 待复核: the rectification is done; needs an after-photo or other evidence (uploaded now
    or before, since rectification started)."""
    now = _now(at)
    today = timezone.localdate(now)
    hazard = _locked(hazard)
    _require(actor, P.RECTIFY, hazard, "您没有整改该隐患的权限。")
    hazard.check_version(version)
    _check_status(hazard, (HazardStatus.RECTIFYING,), "只有“整改中”的隐患可以提交复核。")
    note = _text(note, "note", required=True)
    rectified_on = (
        _date(rectified_on, "rectified_on", "整改完成日期", not_after=today, not_before=hazard.found_on)
        or today
    )
    checked = _check_files(photos, AttachmentKind.AFTER)
    evidence_kinds = (AttachmentKind.AFTER, AttachmentKind.EVIDENCE)
    has_new = any(kind in evidence_kinds for kind, _item in checked)
    if not has_new and not hazard.attachments.filter(kind__in=evidence_kinds).exists():
        raise ServiceError("请上传整改后的照片或其他佐证材料。", field="photos")
    before = audit.snapshot(hazard)
    if cost not in (None, ""):
        hazard.cost = _cost(cost)
    hazard.status = HazardStatus.AWAITING_CHECK
    hazard.rectification_note = note
    hazard.rectified_by = actor
    hazard.rectified_at = now
    hazard.rectified_on = rectified_on
    hazard.bump_version()
    hazard.save()
    event = _event(
        hazard,
        actor=actor,
        action=HazardAction.SUBMIT,
        from_status=HazardStatus.RECTIFYING,
        to_status=HazardStatus.AWAITING_CHECK,
        note=note,
        at=now,
    )
    _store(hazard, checked, actor=actor, event=event, at=now)
    audit.record(actor=actor, action="safety.hazard.submit", obj=hazard, before=before, channel=channel)
    return hazard


def can_verify(actor, hazard):
    """(allowed, reason): may `actor` verify this hazard's rectification (ignoring its state)?"""
    if not scope.user_can(actor, P.VERIFY, hazard.school):
        return False, "您没有复核该隐患的权限。"
    if hazard.rectified_by_id is not None and hazard.rectified_by_id == getattr(actor, "pk", None):
        return False, "整改人不能复核自己的整改，请由其他人员复核。"
    if hazard.level == HazardLevel.MAJOR and not scope.user_has_root_perm(actor, P.VERIFY):
        return False, "重大隐患须由教育局复核销号。"
    return True, ""


@transaction.atomic
def hazard_verify(*, actor, hazard, accepted, note="", deadline=None, version=None, channel=None, at=None):
    """待复核 → 已销号 when accepted; 退回 back to 整改中 with a reason (and maybe a new deadline) when
    refused. The verifier is not the rectifier; a major hazard is verified by the bureau only."""
    now = _now(at)
    today = timezone.localdate(now)
    hazard = _locked(hazard)
    _require(actor, P.VERIFY, hazard, "您没有复核该隐患的权限。")
    hazard.check_version(version)
    _check_status(hazard, (HazardStatus.AWAITING_CHECK,), "只有“待复核”的隐患可以复核。")
    allowed, reason = can_verify(actor, hazard)
    if not allowed:
        raise ServiceError(reason)
    note = _text(note, "note")
    if not accepted and not note:
        raise ServiceError("退回整改时请填写退回原因。", field="note")
    before = audit.snapshot(hazard)
    hazard.verify_note = note
    if accepted:
        hazard.status = HazardStatus.CLOSED
        hazard.verified_by = actor
        hazard.verified_at = now
        hazard.closed_on = today
        action, audit_action = HazardAction.ACCEPT, "safety.hazard.close"
    else:
        if deadline not in (None, ""):
            new_deadline, workdays = resolve_deadline(deadline, today)
            if new_deadline < today:
                raise ServiceError("新的整改期限不能早于今天。", field="deadline")
            hazard.deadline, hazard.deadline_workdays = new_deadline, workdays
        hazard.status = HazardStatus.RECTIFYING
        hazard.rectified_at = None
        hazard.rectified_on = None
        action, audit_action = HazardAction.REJECT, "safety.hazard.reject"
    hazard.bump_version()
    hazard.save()
    _event(
        hazard,
        actor=actor,
        action=action,
        from_status=HazardStatus.AWAITING_CHECK,
        to_status=hazard.status,
        note=note,
        at=now,
    )
    audit.record(actor=actor, action=audit_action, obj=hazard, before=before, note=note, channel=channel)
    return hazard


@transaction.atomic
def hazard_void(*, actor, hazard, reason, version=None, channel=None, at=None):
    """作废 (e.g. a duplicate record or a mistaken report), with a reason. Never deleted; a closed
    hazard cannot be voided. A major hazard is voided by the bureau only."""
    now = _now(at)
    hazard = _locked(hazard)
    _require(actor, P.VERIFY, hazard, "您没有作废该隐患的权限。")
    hazard.check_version(version)
    _check_status(hazard, OPEN_STATUSES, "已销号或已作废的隐患不能作废。")
    reason = _text(reason, "reason", required=True)
    if hazard.level == HazardLevel.MAJOR and not scope.user_has_root_perm(actor, P.VERIFY):
        raise ServiceError("重大隐患须由教育局作废。")
    before = audit.snapshot(hazard)
    from_status = hazard.status
    hazard.status = HazardStatus.VOID
    hazard.void_reason = reason
    hazard.voided_by = actor
    hazard.voided_at = now
    hazard.bump_version()
    hazard.save()
    _event(
        hazard,
        actor=actor,
        action=HazardAction.VOID,
        from_status=from_status,
        to_status=HazardStatus.VOID,
        note=reason,
        at=now,
    )
    audit.record(
        actor=actor, action="safety.hazard.void", obj=hazard, before=before, note=reason, channel=channel
    )
    supervision = MajorHazardSupervision.objects.filter(hazard=hazard, lifted_at__isnull=True).first()
    if supervision is not None:
        supervision.hazard = hazard
        _lift(supervision, actor=actor, at=now, note=f"隐患已作废：{reason}", channel=channel)
    return hazard


FIELD_LABELS = {
    "place": "隐患部位",
    "category": "隐患类别",
    "level": "隐患等级",
    "source": "发现方式",
    "source_label": "来源说明",
    "found_on": "发现日期",
    "finder_name": "发现人",
    "description": "隐患描述",
    "measures": "整改措施",
    "responsible_person": "整改责任人",
    "deadline": "整改期限",
    "cost": "整改资金",
}


@transaction.atomic
def hazard_update(*, actor, hazard, version, channel=None, **changes):
    """Edit a hazard's details while it is open (not closed or void). Version-checked: a stale edit is
    refused with a conflict. Raising the level to 重大 lists it for supervision; lowering a major
    hazard to 一般 is for the bureau only (and lifts the listing)."""
    now = timezone.now()
    today = timezone.localdate(now)
    hazard = _locked(hazard)
    if not (
        scope.user_can(actor, P.REPORT, hazard.school) or scope.user_can(actor, P.RECTIFY, hazard.school)
    ):
        _require(actor, P.REPORT, hazard, "您没有修改该隐患的权限。")
    hazard.check_version(version)
    _check_status(hazard, OPEN_STATUSES, "已销号或已作废的隐患不能修改。")
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    clean = {}
    for field, value in changes.items():
        if field in ("place", "description"):
            clean[field] = _text(value, field, required=True)
        elif field in ("measures", "responsible_person", "finder_name", "source_label"):
            clean[field] = _text(value, field)
        elif field == "category":
            clean[field] = resolve_category(value)
        elif field == "level":
            clean[field] = _choice(value, HazardLevel, "level", "隐患等级")
        elif field == "source":
            clean[field] = _choice(value, HazardSource, "source", "发现方式")
        elif field == "found_on":
            clean[field] = _date(value, "found_on", "发现日期", required=True, not_after=today)
        elif field == "cost":
            clean[field] = _cost(value)
        elif field == "deadline":
            start = clean.get("found_on", hazard.found_on) if hazard.status == HazardStatus.FOUND else today
            clean["deadline"], clean["deadline_workdays"] = resolve_deadline(value, start)
    if hazard.status != HazardStatus.FOUND:
        for field in ("measures", "responsible_person"):
            if field in clean and not clean[field]:
                raise ServiceError(f"整改中的隐患须填写{FIELD_LABELS[field]}。", field=field)
        if "deadline" in clean and clean["deadline"] is None:
            raise ServiceError("整改中的隐患须有整改期限。", field="deadline")
    found_on = clean.get("found_on", hazard.found_on)
    deadline = clean.get("deadline", hazard.deadline)
    if deadline is not None and deadline < found_on:
        raise ServiceError("整改期限不能早于发现日期。", field="deadline")
    if (
        hazard.status == HazardStatus.AWAITING_CHECK
        and "deadline" in clean
        and clean["deadline"] != hazard.deadline
    ):
        raise ServiceError("待复核的隐患不能修改整改期限。", field="deadline")
    old_level = hazard.level
    new_level = clean.get("level", old_level)
    lowering = old_level == HazardLevel.MAJOR and new_level == HazardLevel.GENERAL
    if lowering and not scope.user_has_root_perm(actor, P.SUPERVISE):
        raise ServiceError("重大隐患降为一般隐患须由教育局确认。", field="level")
    before = audit.snapshot(hazard)
    changed = []
    for field, value in clean.items():
        if getattr(hazard, field) != value:
            setattr(hazard, field, value)
            if field in FIELD_LABELS:
                changed.append(FIELD_LABELS[field])
    if not changed:
        return hazard
    hazard.bump_version()
    hazard.save()
    _event(hazard, actor=actor, action=HazardAction.UPDATE, note="修改了" + "、".join(changed), at=now)
    audit.record(actor=actor, action="safety.hazard.update", obj=hazard, before=before, channel=channel)
    supervision = MajorHazardSupervision.objects.filter(hazard=hazard).first()
    if new_level == HazardLevel.MAJOR and old_level != HazardLevel.MAJOR:
        if supervision is None:
            _list_for_supervision(
                hazard, actor=actor, at=now, channel=channel, note="升为重大隐患，挂牌督办。"
            )
        elif not supervision.is_active:
            raise ServiceError("该隐患曾挂牌督办并已摘牌，不能再升为重大隐患；请另行登记。", field="level")
    if new_level == HazardLevel.GENERAL and supervision is not None and supervision.is_active:
        supervision.hazard = hazard
        _lift(supervision, actor=actor, at=now, note="经教育局确认降为一般隐患，摘牌。", channel=channel)
    return hazard


@transaction.atomic
def hazard_attach(*, actor, hazard, files, kind=None, note="", channel=None):
    """Add photos or documents to an open hazard (kind: before/after/evidence; by default images of a
    hazard not yet under rectification are 整改前, later 整改后, documents 佐证材料)."""
    now = timezone.now()
    hazard = _locked(hazard)
    _require(actor, P.REPORT, hazard, "您没有为该隐患上传附件的权限。")
    _check_status(hazard, OPEN_STATUSES, "已销号或已作废的隐患不能再上传附件。")
    if kind not in (None, ""):
        _choice(kind, AttachmentKind, "kind", "附件类别")
    files = list(files or ())
    if not files:
        raise ServiceError("请选择要上传的文件。", field="photos")
    default = kind or (AttachmentKind.BEFORE if hazard.status == HazardStatus.FOUND else AttachmentKind.AFTER)
    checked = _check_files([(kind, f) for f in files] if kind else files, default)
    note = _text(note, "note")
    names = "、".join(item.name for _k, item in checked)
    event = _event(hazard, actor=actor, action=HazardAction.ATTACH, note=note or f"上传：{names}", at=now)
    rows = _store(hazard, checked, actor=actor, event=event, at=now)
    for row in rows:
        audit.record(
            actor=actor,
            action="safety.hazard.attach",
            obj=row,
            object_label=f"{hazard} {row.original_name}",
            unit=hazard.school_id,
            channel=channel,
        )
    return rows


# --- 挂牌督办 -------------------------------------------------------------------------------------


def _locked_supervision(supervision):
    pk = supervision.pk if isinstance(supervision, MajorHazardSupervision) else supervision
    try:
        return (
            MajorHazardSupervision.objects.select_for_update()
            .select_related("hazard", "hazard__school")
            .get(pk=pk)
        )
    except (MajorHazardSupervision.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


@transaction.atomic
def supervision_update(
    *,
    actor,
    supervision,
    deadline,
    leader=None,
    requirement="",
    document_no="",
    version=None,
    channel=None,
    at=None,
):
    """The bureau sets a listed hazard's deadline, the responsible bureau leader and its requirements."""
    now = _now(at)
    supervision = _locked_supervision(supervision)
    hazard = supervision.hazard
    _require(actor, P.SUPERVISE, hazard, "您没有督办该隐患的权限。")
    supervision.check_version(version)
    if not supervision.is_active:
        raise ServiceError("该隐患已摘牌，不能再修改督办信息。")
    deadline, _workdays = resolve_deadline(deadline, timezone.localdate(now))
    if deadline is None:
        raise ServiceError("请填写督办期限。", field="deadline")
    if deadline < timezone.localdate(supervision.listed_at):
        raise ServiceError("督办期限不能早于挂牌日期。", field="deadline")
    if leader is not None and (
        not leader.is_active or not scope.user_can(leader, P.SUPERVISE, hazard.school)
    ):
        raise ServiceError(f"“{actor_name(leader)}”没有督办该隐患的权限，不能作为责任领导。", field="leader")
    before = audit.snapshot(supervision)
    supervision.deadline = deadline
    supervision.leader = leader
    supervision.requirement = _text(requirement, "requirement")
    supervision.document_no = _text(document_no, "document_no")
    supervision.bump_version()
    supervision.save()
    note = f"督办期限：{deadline:%Y-%m-%d}" + (f"；责任领导：{actor_name(leader)}" if leader else "")
    _event(hazard, actor=actor, action=HazardAction.LIST, note=f"更新督办信息。{note}", at=now)
    audit.record(
        actor=actor,
        action="safety.supervision.update",
        obj=supervision,
        before=before,
        unit=hazard.school_id,
        channel=channel,
    )
    return supervision


@transaction.atomic
def supervision_progress_add(*, actor, supervision, text, reported_on=None, channel=None, at=None):
    """A progress report on a listed hazard: by the school (rectify) or by the bureau (supervise)."""
    now = _now(at)
    supervision = _locked_supervision(supervision)
    hazard = supervision.hazard
    if not (
        scope.user_can(actor, P.SUPERVISE, hazard.school) or scope.user_can(actor, P.RECTIFY, hazard.school)
    ):
        _require(actor, P.SUPERVISE, hazard, "您没有报告该隐患督办进展的权限。")
    if not supervision.is_active:
        raise ServiceError("该隐患已摘牌，不能再报告督办进展。")
    today = timezone.localdate(now)
    text = _text(text, "text", required=True)
    reported_on = (
        _date(reported_on, "reported_on", "报告日期", not_after=today, not_before=hazard.found_on) or today
    )
    progress = SupervisionProgress.objects.create(
        supervision=supervision,
        reported_on=reported_on,
        text=text,
        reported_by=actor,
        reporter_name=actor_name(actor),
    )
    _event(hazard, actor=actor, action=HazardAction.PROGRESS, note=text, at=now)
    audit.record(
        actor=actor,
        action="safety.supervision.progress",
        obj=progress,
        object_label=f"{supervision} 进展",
        unit=hazard.school_id,
        channel=channel,
    )
    return progress


@transaction.atomic
def supervision_lift(*, actor, supervision, note="", channel=None, at=None):
    """摘牌: the bureau ends the supervision of a major hazard once it has been verified and closed."""
    now = _now(at)
    supervision = _locked_supervision(supervision)
    hazard = supervision.hazard
    _require(actor, P.SUPERVISE, hazard, "您没有督办该隐患的权限。")
    if not supervision.is_active:
        raise ServiceError("该隐患已经摘牌。")
    if hazard.status != HazardStatus.CLOSED:
        raise ServiceError(f"隐患复核销号后方可摘牌（当前状态：{hazard.get_status_display()}）。")
    note = _text(note, "note") or "隐患已整改销号，摘牌。"
    _lift(supervision, actor=actor, at=now, note=note, channel=channel)
    return supervision


# --- categories (county-wide configuration) ------------------------------------------------------

CATEGORY_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")


def _require_config(actor):
    if not scope.user_has_root_perm(actor, P.CONFIG):
        raise NotFoundError()


def _category_fields(*, name, sort_order):
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写类别名称。", field="name")
    if len(name) > 30:
        raise ServiceError("类别名称不能超过30个字。", field="name")
    try:
        sort_order = int(sort_order)
    except (TypeError, ValueError):
        raise ServiceError("排序应为整数。", field="sort_order") from None
    if not 0 <= sort_order <= 9999:
        raise ServiceError("排序应在0到9999之间。", field="sort_order")
    return name, sort_order


@transaction.atomic
def category_create(*, actor, code, name, sort_order=100, channel=None):
    """A new hazard category for the whole county (regions list their own)."""
    _require_config(actor)
    code = (code or "").strip()
    if not CATEGORY_CODE_RE.match(code):
        raise ServiceError("编码应以小写字母开头，由小写字母、数字和下划线组成，2-30位。", field="code")
    name, sort_order = _category_fields(name=name, sort_order=sort_order)
    if HazardCategory.objects.filter(code=code).exists():
        raise ServiceError(f"编码“{code}”已被使用。", field="code")
    if HazardCategory.objects.filter(name=name).exists():
        raise ServiceError(f"类别“{name}”已存在。", field="name")
    category = HazardCategory.objects.create(code=code, name=name, sort_order=sort_order)
    audit.record(actor=actor, action="safety.category.create", obj=category, channel=channel)
    return category


@transaction.atomic
def category_update(*, actor, category, name, sort_order, is_active, channel=None):
    """Rename, reorder or switch off a category. Its code and the hazards filed under it stay."""
    _require_config(actor)
    category = HazardCategory.objects.select_for_update().get(pk=category.pk)
    name, sort_order = _category_fields(name=name, sort_order=sort_order)
    if HazardCategory.objects.filter(name=name).exclude(pk=category.pk).exists():
        raise ServiceError(f"类别“{name}”已存在。", field="name")
    before = audit.snapshot(category)
    category.name, category.sort_order, category.is_active = name, sort_order, bool(is_active)
    category.save()
    audit.record(actor=actor, action="safety.category.update", obj=category, before=before, channel=channel)
    return category
