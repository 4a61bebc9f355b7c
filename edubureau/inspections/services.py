"""Writes of the inspections app: keyword-only, atomic, validated, audited, refused in Chinese.

Checklists are configuration; a checklist that an opened campaign uses is never changed in place: an
edit makes its next revision (第N版) and the old one stays with the campaigns that used it.
"""

import datetime
import random
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from edubureau.accounts import scope
from edubureau.accounts.models import User
from edubureau.audit import services as audit
from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.org.choices import SCHOOL_KINDS, UnitKind, UnitStatus
from edubureau.org.models import OrgGroup, OrgUnit

from .choices import (
    SOURCE_SELF_CHECK,
    SOURCE_VISIT,
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
from .models import (
    Answer,
    Campaign,
    CampaignTarget,
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    SelfCheck,
    Team,
    TeamAssignment,
    TeamMember,
    Visit,
)
from .perms import MANAGE, SELF_CHECK, VISIT

HAZARD_REPORT = "safety.hazard.report"  # the safety ledger's permission to record a hazard at a school
MAX_SAMPLE_SEED = 2**53  # seeds stay exact in JSON and in a spreadsheet
MAX_TEAM_MEMBERS = 30
MAX_FINDINGS = 100
MAX_ANSWER_NUMBER = Decimal("9999999999.99")


def _text(value, *, field, label, max_length, required=False):
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}。", field=field)
    if len(value) > max_length:
        raise ServiceError(f"{label}不能超过{max_length}个字符。", field=field)
    return value


def _require_unit(actor, perm, unit):
    if unit is None or not scope.user_can(actor, perm, unit):
        raise NotFoundError()


def _root_of(unit):
    """The top unit of `unit`'s tree (the bureau)."""
    root_path = unit.path[: unit.path.find("/") + 1]
    return OrgUnit.objects.get(path=root_path)


def hazard_category_codes():
    """The codes of the active hazard categories of the safety ledger."""
    from edubureau.safety.models import HazardCategory

    return dict(HazardCategory.objects.active().values_list("code", "name"))


def _report_hazard(*, actor, finding, photos, source, source_type, source_obj, found_on=None):
    from edubureau.safety.services import hazard_report

    extra = {"fixed_on_spot": True, "photos": photos} if finding.fixed_on_spot else {}
    if photos and not finding.fixed_on_spot:
        extra["photos"] = photos
    hazard = hazard_report(
        actor=actor,
        school=finding.school,
        place=finding.place,
        category=finding.category,
        level="general",
        description=finding.description,
        source=source,
        source_type=source_type,
        source_id=source_obj.pk,
        source_label=str(source_obj),
        found_on=found_on,
        **extra,
    )
    finding.hazard_id = hazard.pk
    finding.save(update_fields=["hazard_id"])
    return hazard


# --- checklist templates ----------------------------------------------------------------------------

TEMPLATE_FIELDS = ("name", "description", "is_active")
ITEM_FIELDS = (
    "category",
    "text",
    "standard",
    "answer_type",
    "creates_hazard_on_fail",
    "hazard_category",
    "order",
)


def default_owner(actor):
    """The unit a new checklist belongs to: the top unit the actor organises inspections for."""
    prefixes = scope.user_scope_prefixes(actor, MANAGE)
    if not prefixes:
        raise NotFoundError()
    return OrgUnit.objects.filter(path__in=prefixes).order_by("depth", "path").first()


def _clean_template(name, description):
    return (
        _text(name, field="name", label="检查表名称", max_length=100, required=True),
        _text(description, field="description", label="说明", max_length=2000),
    )


def _clean_item(fields, categories):
    data = {
        "category": _text(
            fields.get("category"), field="category", label="检查类别", max_length=40, required=True
        ),
        "text": _text(fields.get("text"), field="text", label="检查内容", max_length=200, required=True),
        "standard": _text(fields.get("standard"), field="standard", label="检查标准", max_length=2000),
        "answer_type": fields.get("answer_type") or AnswerType.YES_NO_NA,
        "creates_hazard_on_fail": bool(fields.get("creates_hazard_on_fail")),
        "hazard_category": (fields.get("hazard_category") or "").strip(),
        "order": fields.get("order") if fields.get("order") is not None else None,
    }
    if data["answer_type"] not in AnswerType.values:
        raise ServiceError("答复方式不正确。", field="answer_type")
    if data["answer_type"] != AnswerType.YES_NO_NA:
        data["creates_hazard_on_fail"] = False
    if data["creates_hazard_on_fail"] and not data["hazard_category"]:
        raise ServiceError("不符合时自动登记隐患的检查项须选择隐患类别。", field="hazard_category")
    if data["hazard_category"] and data["hazard_category"] not in categories:
        raise ServiceError("隐患类别不存在或已停用。", field="hazard_category")
    order = data["order"]
    if order is not None and not (isinstance(order, int) and 0 <= order <= 100000):
        raise ServiceError("排序应为0-100000之间的整数。", field="order")
    return data


@transaction.atomic
def template_create(*, actor, name, description="", owner=None, items=(), channel=None):
    """A new checklist (第1版) with its items."""
    owner = owner or default_owner(actor)
    _require_unit(actor, MANAGE, owner)
    name, description = _clean_template(name, description)
    template = ChecklistTemplate.objects.create(
        owner=owner, name=name, description=description, created_by=actor
    )
    categories = hazard_category_codes() if items else {}
    for position, fields in enumerate(items, start=1):
        data = _clean_item(fields, categories)
        if data["order"] is None:
            data["order"] = position * 10
        ChecklistItem.objects.create(template=template, **data)
    audit.record(actor=actor, action="inspections.template.create", obj=template, unit=owner, channel=channel)
    return template


def template_is_used(template):
    """Used = an opened (or closed) campaign works with it: its items are then fixed."""
    return template.campaigns.exclude(status=CampaignStatus.DRAFT).exists()


def _writable(actor, template, channel):
    """The template to change: itself, or its next revision when campaigns already use it.
    Returns (template, {old item pk: new item}) — the map is empty when nothing was copied."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _require_unit(actor, MANAGE, template.owner)
    if not template_is_used(template):
        return template, {}
    newer = ChecklistTemplate.objects.filter(previous=template).first()
    if newer is not None:
        raise ServiceError(f"该检查表已有更新的版本（第{newer.revision}版），请在最新版本上修改。")
    copy = ChecklistTemplate.objects.create(
        owner=template.owner,
        name=template.name,
        description=template.description,
        revision=template.revision + 1,
        previous=template,
        is_active=True,
        created_by=actor,
    )
    item_map = {}
    for item in template.items.all():
        old_pk = item.pk
        item.pk = None
        item.template = copy
        item.save()
        item_map[old_pk] = item
    before = audit.snapshot(template)
    template.is_active = False
    template.bump_version()
    template.save(update_fields=["is_active", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="inspections.template.revise",
        obj=copy,
        unit=copy.owner,
        note=f"第{template.revision}版已被检查活动使用，修改时生成第{copy.revision}版。",
        channel=channel,
    )
    audit.record(
        actor=actor, action="inspections.template.supersede", obj=template, before=before, channel=channel
    )
    return copy, item_map


@transaction.atomic
def template_update(*, actor, template, version=None, channel=None, **changes):
    """Rename / describe / switch a checklist on or off. A used checklist gets a new revision for a
    change of name or description; switching it off changes it in place."""
    unknown = set(changes) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    current = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _require_unit(actor, MANAGE, current.owner)
    current.check_version(version)
    name, description = _clean_template(
        changes.get("name", current.name), changes.get("description", current.description)
    )
    content_changed = name != current.name or description != current.description
    target = current
    if content_changed:
        target, _ = _writable(actor, current, channel)
    before = audit.snapshot(target)
    target.name, target.description = name, description
    if "is_active" in changes:
        if changes["is_active"] and ChecklistTemplate.objects.filter(previous=target).exists():
            raise ServiceError("该检查表已有更新的版本，不能再启用旧版本。", field="is_active")
        target.is_active = bool(changes["is_active"])
    target.bump_version()
    target.save()
    audit.record(
        actor=actor, action="inspections.template.update", obj=target, before=before, channel=channel
    )
    return target


@transaction.atomic
def template_item_add(*, actor, template, channel=None, **fields):
    """Add an item. Returns the item (on the new revision when the checklist is in use)."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    data = _clean_item(fields, hazard_category_codes())
    target, _ = _writable(actor, template, channel)
    if data["order"] is None:
        data["order"] = (target.items.aggregate(m=Max("order"))["m"] or 0) + 10
    item = ChecklistItem.objects.create(template=target, **data)
    audit.record(
        actor=actor,
        action="inspections.template.item_add",
        obj=item,
        object_label=f"{target} · {item.text}",
        unit=target.owner,
        channel=channel,
    )
    return item


@transaction.atomic
def template_item_update(*, actor, item, channel=None, **fields):
    """Change an item. Returns the changed item (a copy on the new revision when in use)."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    item = ChecklistItem.objects.select_related("template").get(pk=item.pk)
    merged = {name: getattr(item, name) for name in ITEM_FIELDS}
    merged.update(fields)
    data = _clean_item(merged, hazard_category_codes())
    target, item_map = _writable(actor, item.template, channel)
    item = item_map.get(item.pk, item)
    before = audit.snapshot(item)
    for name, value in data.items():
        if value is not None:
            setattr(item, name, value)
    item.save()
    audit.record(
        actor=actor,
        action="inspections.template.item_update",
        obj=item,
        before=before,
        object_label=f"{target} · {item.text}",
        unit=target.owner,
        channel=channel,
    )
    return item


@transaction.atomic
def template_item_remove(*, actor, item, channel=None):
    """Take an item off the checklist. Returns the template that no longer has it."""
    item = ChecklistItem.objects.select_related("template").get(pk=item.pk)
    target, item_map = _writable(actor, item.template, channel)
    item = item_map.get(item.pk, item)
    before = audit.snapshot(item)
    label = f"{target} · {item.text}"
    pk = item.pk
    item.delete()
    audit.record(
        actor=actor,
        action="inspections.template.item_remove",
        object_type="inspections.checklistitem",
        object_id=pk,
        object_label=label,
        before=before,
        after={},
        unit=target.owner,
        channel=channel,
    )
    return target


# --- campaigns --------------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "theme",
    "mode",
    "start",
    "end",
    "department",
    "template",
    "description",
    "self_check_required",
    "self_check_due",
    "target_rule",
    "target_kinds",
    "target_group",
    "target_schools",
    "sample_size",
    "sample_seed",
)
# What may still change once the campaign is open.
OPEN_CAMPAIGN_FIELDS = ("name", "description", "end", "self_check_due")


def school_pool(department):
    """Every active school of the department's county (the candidates of any target rule), by pk."""
    root_path = department.path[: department.path.find("/") + 1]
    return OrgUnit.objects.filter(
        path__startswith=root_path, kind__in=SCHOOL_KINDS, status=UnitStatus.ACTIVE
    ).order_by("pk")


def rule_candidates(*, department, target_rule, target_kinds=(), target_group=None, target_schools=()):
    """The schools a rule selects before any draw (for a sample: the pool it draws from), by pk."""
    pool = school_pool(department)
    if target_rule == TargetRule.ALL:
        return pool
    if target_rule == TargetRule.LIST:
        return pool.filter(pk__in=[s.pk for s in target_schools])
    if target_kinds:
        pool = pool.filter(kind__in=list(target_kinds))
    if target_group is not None:
        pool = pool.filter(pk__in=target_group.memberships.values("unit_id"))
    return pool


def draw_sample(candidate_ids, size, seed):
    """The reproducible draw: random.Random(seed) samples `size` of the candidates (sorted by pk).
    Returns the chosen pks in draw order."""
    ids = sorted(candidate_ids)
    if size > len(ids):
        raise ServiceError(f"候选学校只有{len(ids)}所，不能抽取{size}所。", field="sample_size")
    return random.Random(seed).sample(ids, size)


def _clean_campaign(actor, data, *, creating):
    errors = {}

    def fail(field, message):
        errors.setdefault(field, message)

    data["name"] = _text(data.get("name"), field="name", label="活动名称", max_length=100, required=True)
    data["description"] = _text(
        data.get("description"), field="description", label="检查要求", max_length=5000
    )
    if data.get("theme") not in Theme.values:
        fail("theme", "请选择检查主题。")
    if data.get("mode") not in Mode.values:
        fail("mode", "请选择检查方式。")
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, datetime.date):
        fail("start", "请填写开始日期。")
    if not isinstance(end, datetime.date):
        fail("end", "请填写结束日期。")
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        fail("end", "结束日期不能早于开始日期。")
    department = data.get("department")
    if department is None or department.kind != UnitKind.DEPARTMENT:
        fail("department", "请选择牵头科室。")
    elif not scope.user_can(actor, MANAGE, department):
        fail("department", "只能选择您所在范围内的科室。")
    template = data.get("template")
    if template is None:
        fail("template", "请选择检查表。")
    elif not scope.user_can(actor, MANAGE, template.owner):
        fail("template", "检查表不存在或不在您的范围内。")
    elif creating and not template.is_active:
        fail("template", "该检查表已停用，请选择启用中的检查表。")
    data["self_check_required"] = bool(data.get("self_check_required"))
    if data.get("mode") == Mode.UNANNOUNCED and data["self_check_required"]:
        fail("self_check_required", "飞行检查（暗访）不事先通知学校，不能要求学校自查。")
    if data.get("mode") == Mode.SELF_CHECK and not data["self_check_required"]:
        data["self_check_required"] = True
    due = data.get("self_check_due")
    if not data["self_check_required"]:
        data["self_check_due"] = None
    elif (
        due
        and isinstance(start, datetime.date)
        and isinstance(end, datetime.date)
        and not start <= due <= end
    ):
        fail("self_check_due", "自查截止日期应在活动期间内。")
    rule = data.get("target_rule")
    if rule not in TargetRule.values:
        fail("target_rule", "请选择检查对象。")
    kinds = list(dict.fromkeys(data.get("target_kinds") or []))
    if any(k not in SCHOOL_KINDS for k in kinds):
        fail("target_kinds", "学校类型不正确。")
    data["target_kinds"] = kinds if rule in (TargetRule.KINDS, TargetRule.SAMPLE) else []
    group = data.get("target_group")
    if rule not in (TargetRule.GROUP, TargetRule.SAMPLE):
        data["target_group"] = group = None
    if group is not None and not OrgGroup.objects.visible_to(actor, MANAGE).filter(pk=group.pk).exists():
        fail("target_group", "分组不存在或不在您的范围内。")
    schools = list(data.get("target_schools") or []) if rule == TargetRule.LIST else []
    data["target_schools"] = schools
    if rule == TargetRule.KINDS and not kinds:
        fail("target_kinds", "请至少选择一种学校类型。")
    if rule == TargetRule.GROUP and group is None:
        fail("target_group", "请选择分组。")
    if rule == TargetRule.LIST and not schools:
        fail("target_schools", "请至少选择一所学校。")
    if department is not None and schools:
        pool = set(school_pool(department).values_list("pk", flat=True))
        if any(s.pk not in pool for s in schools):
            fail("target_schools", "所选学校须是本县正常办学的学校。")
    if rule == TargetRule.SAMPLE:
        size = data.get("sample_size")
        if not isinstance(size, int) or size < 1:
            fail("sample_size", "请填写要抽取的学校数（至少1所）。")
        seed = data.get("sample_seed")
        if seed is not None and not (isinstance(seed, int) and 0 <= seed <= MAX_SAMPLE_SEED):
            fail("sample_seed", f"随机种子应为0-{MAX_SAMPLE_SEED}之间的整数。")
        if data.get("mode") in (Mode.SURVEY,):
            fail("target_rule", "普查应覆盖全部对象学校，不能随机抽取；抽取部分学校请选择“抽查”。")
    else:
        data["sample_size"] = None
        data["sample_seed"] = None
    if errors:
        field, message = next(iter(errors.items()))
        raise ServiceError(message, field=field, details={f: [m] for f, m in errors.items()})
    return data


def _apply(campaign, data):
    schools = data.pop("target_schools", None)
    for field, value in data.items():
        setattr(campaign, field, value)
    return schools


def _campaign_snapshot(campaign):
    data = audit.snapshot(campaign)
    data["target_schools"] = (
        sorted(campaign.target_schools.values_list("pk", flat=True)) if campaign.pk else []
    )
    return data


@transaction.atomic
def campaign_create(*, actor, channel=None, **fields):
    """A campaign in 筹备中 (draft): nothing is shown to schools until it is opened."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    if not scope.user_has_perm(actor, MANAGE):
        raise NotFoundError()
    data = _clean_campaign(actor, dict(fields), creating=True)
    campaign = Campaign(created_by=actor)
    schools = _apply(campaign, data)
    campaign.save()
    campaign.target_schools.set(schools)
    audit.record(
        actor=actor,
        action="inspections.campaign.create",
        obj=campaign,
        after=_campaign_snapshot(campaign),
        unit=campaign.department,
        channel=channel,
    )
    return campaign


def _lock_campaign(actor, campaign, perm=MANAGE):
    locked = Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    if locked is None or not Campaign.objects.visible_to(actor, perm).filter(pk=locked.pk).exists():
        raise NotFoundError()
    return locked


@transaction.atomic
def campaign_update(*, actor, campaign, version=None, channel=None, **changes):
    """Edit a draft campaign; an open one only in its name, requirements, end and self-check due date."""
    unknown = set(changes) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ServiceError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    campaign = _lock_campaign(actor, campaign)
    campaign.check_version(version)
    if campaign.status == CampaignStatus.CLOSED:
        raise ServiceError("检查活动已结束，不能再修改。")
    if campaign.status == CampaignStatus.OPEN:
        fixed = {
            f
            for f in set(changes) - set(OPEN_CAMPAIGN_FIELDS)
            if _current_value(campaign, f) != _comparable(changes[f])
        }
        if fixed:
            raise ServiceError(
                "检查活动已启动，检查对象、方式和检查表不能再修改；只能修改名称、要求、结束日期和自查截止日期。"
            )
    before = _campaign_snapshot(campaign)
    data = {f: _current_value(campaign, f, raw=True) for f in CAMPAIGN_FIELDS}
    data.update(changes)
    data = _clean_campaign(actor, data, creating=False)
    if campaign.status == CampaignStatus.OPEN:
        data = {f: data[f] for f in OPEN_CAMPAIGN_FIELDS}
        last_visit = campaign.visits.aggregate(m=Max("visited_on"))["m"]
        if last_visit and data["end"] < last_visit:
            raise ServiceError(f"结束日期不能早于已记录的检查日期（{last_visit:%Y-%m-%d}）。", field="end")
    schools = _apply(campaign, data)
    campaign.bump_version()
    campaign.save()
    if schools is not None:
        campaign.target_schools.set(schools)
    audit.record(
        actor=actor,
        action="inspections.campaign.update",
        obj=campaign,
        before=before,
        after=_campaign_snapshot(campaign),
        unit=campaign.department,
        channel=channel,
    )
    return campaign


def _current_value(campaign, field, raw=False):
    if field == "target_schools":
        schools = list(campaign.target_schools.order_by("pk"))
        return schools if raw else [s.pk for s in schools]
    value = getattr(campaign, field)
    if raw:
        return value
    return _comparable(value)


def _comparable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple):
        return sorted(getattr(v, "pk", v) for v in value)
    return value


@transaction.atomic
def campaign_open(*, actor, campaign, version=None, channel=None):
    """筹备中 → 进行中: the target schools are written (for a sample, drawn with the recorded seed)."""
    campaign = _lock_campaign(actor, campaign)
    campaign.check_version(version)
    if campaign.status != CampaignStatus.DRAFT:
        raise ServiceError("只有“筹备中”的检查活动可以启动。")
    if not campaign.template.items.exists():
        raise ServiceError("检查表还没有检查项，请先完善检查表。", field="template")
    before = audit.snapshot(campaign)
    candidates = rule_candidates(
        department=campaign.department,
        target_rule=campaign.target_rule,
        target_kinds=campaign.target_kinds,
        target_group=campaign.target_group,
        target_schools=list(campaign.target_schools.all()),
    )
    candidate_ids = list(candidates.values_list("pk", flat=True))
    if not candidate_ids:
        raise ServiceError("按所选规则没有选出任何学校，请调整检查对象。", field="target_rule")
    draw_positions = {}
    if campaign.target_rule == TargetRule.SAMPLE:
        if campaign.sample_seed is None:
            campaign.sample_seed = secrets.randbelow(10**9)
        chosen = draw_sample(candidate_ids, campaign.sample_size, campaign.sample_seed)
        draw_positions = {pk: n for n, pk in enumerate(chosen, start=1)}
        campaign.draw_candidates = sorted(candidate_ids)
        target_ids = chosen
    else:
        target_ids = candidate_ids
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(campaign=campaign, school_id=pk, draw_order=draw_positions.get(pk))
            for pk in target_ids
        ]
    )
    campaign.status = CampaignStatus.OPEN
    campaign.opened_at = timezone.now()
    campaign.opened_by = actor
    campaign.bump_version()
    campaign.save()
    note = f"检查对象{len(target_ids)}所学校"
    if campaign.target_rule == TargetRule.SAMPLE:
        note += f"（从{len(candidate_ids)}所候选学校中随机抽取，随机种子{campaign.sample_seed}）"
    audit.record(
        actor=actor,
        action="inspections.campaign.open",
        obj=campaign,
        before=before,
        unit=campaign.department,
        note=note,
        channel=channel,
    )
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign, note="", version=None, channel=None):
    """进行中 → 已结束. Draft visits and self-checks stay as they are (not counted)."""
    campaign = _lock_campaign(actor, campaign)
    campaign.check_version(version)
    if campaign.status != CampaignStatus.OPEN:
        raise ServiceError("只有“进行中”的检查活动可以结束。")
    before = audit.snapshot(campaign)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.closed_by = actor
    campaign.close_note = _text(note, field="note", label="总结说明", max_length=5000)
    campaign.bump_version()
    campaign.save()
    audit.record(
        actor=actor,
        action="inspections.campaign.close",
        obj=campaign,
        before=before,
        unit=campaign.department,
        channel=channel,
    )
    return campaign


def verify_draw(campaign):
    """Re-run a sample's draw from what was recorded: {seed, candidates, drawn, stored, matches,
    pool_unchanged}. Anyone who can see the campaign can check it."""
    if campaign.target_rule != TargetRule.SAMPLE or campaign.status == CampaignStatus.DRAFT:
        return None
    stored = list(
        CampaignTarget.objects.filter(campaign=campaign)
        .order_by("draw_order")
        .values_list("school_id", flat=True)
    )
    drawn = draw_sample(campaign.draw_candidates, campaign.sample_size, campaign.sample_seed)
    current = list(
        rule_candidates(
            department=campaign.department,
            target_rule=campaign.target_rule,
            target_kinds=campaign.target_kinds,
            target_group=campaign.target_group,
        ).values_list("pk", flat=True)
    )
    return {
        "seed": campaign.sample_seed,
        "size": campaign.sample_size,
        "candidates": campaign.draw_candidates,
        "drawn": drawn,
        "stored": stored,
        "matches": drawn == stored,
        "pool_unchanged": sorted(current) == sorted(campaign.draw_candidates),
    }


# --- teams ------------------------------------------------------------------------------------------


def _clean_members(actor, members):
    """[{kind, user, name, affiliation, is_leader}] → unsaved TeamMember rows (without team)."""
    rows = []
    seen_users = set()
    for n, member in enumerate(members, start=1):
        kind = member.get("kind")
        user = member.get("user")
        if kind not in MemberKind.values:
            raise ServiceError(f"第{n}位成员的类别不正确。", field="members")
        if kind == MemberKind.EXPERT:
            user = None
            name = _text(
                member.get("name"),
                field="members",
                label=f"第{n}位成员（外聘专家）的姓名",
                max_length=40,
                required=True,
            )
        else:
            if user is None:
                raise ServiceError(
                    f"第{n}位成员须选择系统用户（外聘专家请选“外聘专家”并填写姓名）。", field="members"
                )
            if not User.objects.visible_to(actor, "users.view").filter(pk=user.pk, is_active=True).exists():
                raise ServiceError(f"第{n}位成员不存在或已停用。", field="members")
            if kind == MemberKind.SUPERVISOR and "supervisor" not in _role_codes(user):
                raise ServiceError(f"{user.real_name}不是责任督学，请选择“局机关人员”。", field="members")
            if user.pk in seen_users:
                raise ServiceError(f"{user.real_name}重复加入了督查组。", field="members")
            seen_users.add(user.pk)
            name = user.real_name
        affiliation = _text(member.get("affiliation"), field="members", label="单位/职务", max_length=100)
        rows.append(
            TeamMember(
                kind=kind,
                user=user,
                name=name,
                affiliation=affiliation,
                is_leader=bool(member.get("is_leader")),
            )
        )
    if not rows:
        raise ServiceError("督查组至少要有一名成员。", field="members")
    if len(rows) > MAX_TEAM_MEMBERS:
        raise ServiceError(f"督查组成员不能超过{MAX_TEAM_MEMBERS}人。", field="members")
    leaders = [r for r in rows if r.is_leader]
    if len(leaders) != 1:
        raise ServiceError("请指定一名组长（只能一名）。", field="members")
    return rows


def _role_codes(user):
    scope.forget(user)
    return scope.user_role_codes(user)


def _team_snapshot(team):
    data = audit.snapshot(team)
    data["members"] = [f"{m.name}{'（组长）' if m.is_leader else ''}" for m in team.members.all()]
    data["schools"] = sorted(team.assignments.values_list("school_id", flat=True))
    return data


@transaction.atomic
def team_create(*, actor, campaign, name, members, note="", channel=None):
    """A 督查小组 of the campaign with its members (one leader)."""
    campaign = _lock_campaign(actor, campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise ServiceError("检查活动已结束，不能再组建督查组。")
    if campaign.mode == Mode.SELF_CHECK:
        raise ServiceError("“自查”方式的检查活动由学校自行检查，不组建督查组。")
    name = _text(name, field="name", label="组名", max_length=60, required=True)
    if campaign.teams.filter(name=name).exists():
        raise ServiceError("本活动已有同名的督查组。", field="name")
    rows = _clean_members(actor, members)
    team = Team.objects.create(
        campaign=campaign, name=name, note=_text(note, field="note", label="分工说明", max_length=200)
    )
    for row in rows:
        row.team = team
    TeamMember.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="inspections.team.create",
        obj=team,
        after=_team_snapshot(team),
        unit=campaign.department,
        channel=channel,
    )
    return team


def _lock_team(actor, team):
    locked = Team.objects.select_for_update().filter(pk=team.pk).first()
    if locked is None or not Team.objects.visible_to(actor, MANAGE).filter(pk=locked.pk).exists():
        raise NotFoundError()
    return locked


@transaction.atomic
def team_update(*, actor, team, name, members, note="", version=None, channel=None):
    """Rename a team and replace its members."""
    team = _lock_team(actor, team)
    team.check_version(version)
    if team.campaign.status == CampaignStatus.CLOSED:
        raise ServiceError("检查活动已结束，督查组不能再修改。")
    name = _text(name, field="name", label="组名", max_length=60, required=True)
    if team.campaign.teams.filter(name=name).exclude(pk=team.pk).exists():
        raise ServiceError("本活动已有同名的督查组。", field="name")
    rows = _clean_members(actor, members)
    before = _team_snapshot(team)
    team.name = name
    team.note = _text(note, field="note", label="分工说明", max_length=200)
    team.bump_version()
    team.save()
    team.members.all().delete()
    for row in rows:
        row.team = team
    TeamMember.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="inspections.team.update",
        obj=team,
        before=before,
        after=_team_snapshot(team),
        unit=team.campaign.department,
        channel=channel,
    )
    return team


@transaction.atomic
def team_assign(*, actor, team, schools, planned_on=None, version=None, channel=None):
    """Set the schools the team visits (replacing the list). Each must be a target of the campaign and
    not another team's; a school the team already visited cannot be taken off."""
    team = _lock_team(actor, team)
    team.check_version(version)
    campaign = team.campaign
    if campaign.status != CampaignStatus.OPEN:
        raise ServiceError("检查活动启动后才能为督查组分配学校；已结束的活动不能再分配。")
    wanted = {s.pk for s in schools}
    targets = set(CampaignTarget.objects.filter(campaign=campaign).values_list("school_id", flat=True))
    if wanted - targets:
        raise ServiceError("只能分配本活动的检查对象学校。", field="schools")
    taken = dict(
        TeamAssignment.objects.filter(campaign=campaign, school_id__in=wanted)
        .exclude(team=team)
        .values_list("school__name", "team__name")
    )
    if taken:
        school_name, team_name = next(iter(taken.items()))
        raise ServiceError(f"{school_name}已分配给{team_name}。", field="schools")
    if planned_on is not None and not campaign.start <= planned_on <= campaign.end:
        raise ServiceError("计划检查日期应在活动期间内。", field="planned_on")
    current = set(team.assignments.values_list("school_id", flat=True))
    removed = current - wanted
    visited = set(
        Visit.objects.filter(team=team, school_id__in=removed).values_list("school__name", flat=True)
    )
    if visited:
        raise ServiceError(f"{'、'.join(sorted(visited))}已有本组的检查记录，不能取消分配。", field="schools")
    before = _team_snapshot(team)
    TeamAssignment.objects.filter(team=team, school_id__in=removed).delete()
    TeamAssignment.objects.bulk_create(
        [
            TeamAssignment(team=team, campaign=campaign, school_id=pk, planned_on=planned_on)
            for pk in sorted(wanted - current)
        ]
    )
    team.bump_version()
    team.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        action="inspections.team.assign",
        obj=team,
        before=before,
        after=_team_snapshot(team),
        unit=campaign.department,
        channel=channel,
    )
    return team


# --- answers ----------------------------------------------------------------------------------------


def _clean_answers(template, answers):
    """[{item, verdict, number, text, note, place}] → {item pk: cleaned dict}. Unknown items refused."""
    items = {i.pk: i for i in template.items.all()}
    cleaned = {}
    for entry in answers:
        item = entry.get("item")
        item_pk = getattr(item, "pk", item)
        if item_pk not in items:
            raise ServiceError("检查项不属于本活动的检查表。", field="answers")
        item = items[item_pk]
        label = f"“{item.text}”"
        verdict = (entry.get("verdict") or "").strip()
        number = entry.get("number")
        text = (entry.get("text") or "").strip()
        if item.answer_type == AnswerType.YES_NO_NA:
            if verdict and verdict not in Verdict.values:
                raise ServiceError(f"{label}的结论应为符合、不符合或不适用。", field="answers")
            number, text = None, ""
        elif item.answer_type == AnswerType.NUMBER:
            verdict, text = "", ""
            if number not in (None, ""):
                try:
                    number = Decimal(str(number))
                except (InvalidOperation, ValueError):
                    raise ServiceError(f"{label}应填写数字。", field="answers") from None
                if not number.is_finite() or abs(number) > MAX_ANSWER_NUMBER:
                    raise ServiceError(f"{label}的数值超出范围。", field="answers")
                number = number.quantize(Decimal("0.01"))
            else:
                number = None
        else:
            verdict, number = "", None
            if len(text) > 500:
                raise ServiceError(f"{label}的填写内容不能超过500个字符。", field="answers")
        note = (entry.get("note") or "").strip()
        place = (entry.get("place") or "").strip()
        if len(note) > 500:
            raise ServiceError(f"{label}的问题描述不能超过500个字符。", field="answers")
        if len(place) > 100:
            raise ServiceError(f"{label}的部位不能超过100个字符。", field="answers")
        cleaned[item.pk] = {
            "item": item,
            "verdict": verdict,
            "number": number,
            "text": text,
            "note": note,
            "place": place,
        }
    return items, cleaned


def _clean_findings(findings, categories):
    rows = []
    if len(findings) > MAX_FINDINGS:
        raise ServiceError(f"一次最多登记{MAX_FINDINGS}条问题。", field="findings")
    for n, entry in enumerate(findings, start=1):
        category = (entry.get("category") or "").strip()
        if category not in categories:
            raise ServiceError(f"第{n}条问题的隐患类别不存在或已停用。", field="findings")
        place = _text(
            entry.get("place"), field="findings", label=f"第{n}条问题的部位", max_length=100, required=True
        )
        description = _text(
            entry.get("description"),
            field="findings",
            label=f"第{n}条问题的描述",
            max_length=500,
            required=True,
        )
        photos = list(entry.get("photos") or [])
        fixed = bool(entry.get("fixed_on_spot"))
        if fixed and not photos:
            raise ServiceError(f"第{n}条问题当场整改，须上传至少一张现场照片。", field="findings")
        rows.append(
            {
                "category": category,
                "place": place,
                "description": description,
                "fixed_on_spot": fixed,
                "photos": photos,
            }
        )
    return rows


def _store_answers(cleaned, **parent):
    Answer.objects.filter(**parent).delete()
    Answer.objects.bulk_create(
        [
            Answer(**parent, **{k: v for k, v in data.items()})
            for data in cleaned.values()
            if data["verdict"] or data["number"] is not None or data["text"]
        ]
    )


def _failed_items_need_details(cleaned):
    for data in cleaned.values():
        item = data["item"]
        if item.makes_hazards and data["verdict"] == Verdict.FAIL and not (data["note"] and data["place"]):
            raise ServiceError(
                f"“{item.text}”判定为不符合，将登记为隐患：请填写问题描述和部位。", field="answers"
            )


def _findings_from(cleaned, extra, *, school, categories, **parent):
    """[(Finding, photos)]: one per 不符合 on an item that makes hazards, plus the extra problems."""
    rows = []
    photos = []
    for data in cleaned.values():
        item = data["item"]
        if item.makes_hazards and data["verdict"] == Verdict.FAIL:
            category = item.hazard_category if item.hazard_category in categories else "other"
            rows.append(
                Finding(
                    **parent,
                    school=school,
                    item=item,
                    category=category,
                    place=data["place"],
                    description=f"{item.text}：{data['note']}"[:500],
                )
            )
            photos.append([])
    for entry in extra:
        entry = dict(entry)
        photos.append(entry.pop("photos", []))
        rows.append(Finding(**parent, school=school, **entry))
    return list(zip(Finding.objects.bulk_create(rows), photos, strict=True))


def _draft_findings(extra, *, school, **parent):
    """A draft keeps its extra problems (without photos); they become hazards on submission."""
    rows = []
    for entry in extra:
        if entry["photos"] or entry["fixed_on_spot"]:
            raise ServiceError("当场整改的问题须上传照片，请在提交时一并登记。", field="findings")
        rows.append(Finding(**parent, school=school, **{k: v for k, v in entry.items() if k != "photos"}))
    Finding.objects.bulk_create(rows)


# --- visits -----------------------------------------------------------------------------------------


def _may_record(actor, team, school):
    if scope.user_can(actor, VISIT, school):
        return True
    return scope.user_has_perm(actor, VISIT) and team.members.filter(user_id=actor.pk).exists()


def _clean_visit(campaign, visited_on, present_count, present_names, notes):
    if not isinstance(visited_on, datetime.date):
        raise ServiceError("请填写检查日期。", field="visited_on")
    if visited_on > timezone.localdate():
        raise ServiceError("检查日期不能晚于今天。", field="visited_on")
    if not campaign.start <= visited_on <= campaign.end:
        raise ServiceError(
            f"检查日期应在活动期间（{campaign.start:%Y-%m-%d}至{campaign.end:%Y-%m-%d}）内。",
            field="visited_on",
        )
    names = _text(present_names, field="present_names", label="到场人员", max_length=300)
    if present_count in (None, ""):
        present_count = len(
            [n for n in names.replace("，", "、").replace(",", "、").split("、") if n.strip()]
        )
    if not isinstance(present_count, int) or not 0 <= present_count <= 100:
        raise ServiceError("到场人数应为0-100之间的整数。", field="present_count")
    return visited_on, present_count, names, _text(notes, field="notes", label="检查情况", max_length=5000)


@transaction.atomic
def visit_save(
    *,
    actor,
    assignment=None,
    visit=None,
    visited_on,
    present_count=None,
    present_names="",
    notes="",
    answers=(),
    findings=(),
    record=False,
    version=None,
    channel=None,
):
    """Save a team's visit to a school (new: from its assignment; or a draft `visit` again). With
    record=True the visit is 已记录: every 不符合 on an item that makes hazards and every extra problem
    becomes a hazard in the safety ledger (source "inspection"); a recorded visit no longer changes."""
    if visit is not None:
        visit = (
            Visit.objects.select_for_update()
            .select_related("campaign", "team", "school")
            .filter(pk=visit.pk)
            .first()
        )
        if visit is None or not Visit.objects.visible_to(actor, VISIT).filter(pk=visit.pk).exists():
            raise NotFoundError()
        visit.check_version(version)
        if visit.status == VisitStatus.RECORDED:
            raise ServiceError("该检查记录已提交，不能再修改。")
        campaign, team, school = visit.campaign, visit.team, visit.school
    else:
        if assignment is None:
            raise NotFoundError()
        assignment = (
            TeamAssignment.objects.visible_to(actor, VISIT)
            .select_related("team", "campaign", "school")
            .filter(pk=assignment.pk)
            .first()
        )
        if assignment is None:
            raise NotFoundError()
        campaign, team, school = assignment.campaign, assignment.team, assignment.school
    if not _may_record(actor, team, school):
        raise NotFoundError()
    campaign = Campaign.objects.select_related("template").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ServiceError("只有“进行中”的检查活动可以记录检查。")
    visited_on, present_count, present_names, notes = _clean_visit(
        campaign, visited_on, present_count, present_names, notes
    )
    _, cleaned = _clean_answers(campaign.template, answers)
    categories = hazard_category_codes()
    extra = _clean_findings(list(findings), categories)
    if record:
        if present_count < 1:
            raise ServiceError("提交检查记录须填写到场人员。", field="present_names")
        _failed_items_need_details(cleaned)
        makes_hazards = extra or any(
            d["item"].makes_hazards and d["verdict"] == Verdict.FAIL for d in cleaned.values()
        )
        if makes_hazards and not scope.user_can(actor, HAZARD_REPORT, school):
            raise ServiceError("您没有在该校登记隐患的权限：请暂存检查记录，由督查组组长提交。")
    creating = visit is None
    before = None if creating else audit.snapshot(visit)
    if creating:
        visit = Visit(campaign=campaign, team=team, school=school, created_by=actor)
    else:
        visit.bump_version()
    visit.visited_on = visited_on
    visit.present_count = present_count
    visit.present_names = present_names
    visit.notes = notes
    if record:
        visit.status = VisitStatus.RECORDED
        visit.recorded_by = actor
        visit.recorded_at = timezone.now()
    visit.save()
    _store_answers(cleaned, visit=visit)
    hazards = 0
    visit.findings.all().delete()
    if record:
        for finding, photos in _findings_from(
            cleaned, extra, school=school, categories=categories, visit=visit
        ):
            _report_hazard(
                actor=actor,
                finding=finding,
                photos=photos,
                source="inspection",
                source_type=SOURCE_VISIT,
                source_obj=visit,
                found_on=visit.visited_on,
            )
            hazards += 1
    else:
        _draft_findings(extra, school=school, visit=visit)
    answered = sum(1 for d in cleaned.values() if d["verdict"] or d["number"] is not None or d["text"])
    note = f"答复检查项{answered}项"
    if record:
        note += f"，登记隐患{hazards}条"
    audit.record(
        actor=actor,
        action="inspections.visit.record"
        if record
        else ("inspections.visit.create" if creating else "inspections.visit.update"),
        obj=visit,
        before=before,
        note=note,
        channel=channel,
    )
    return visit


# --- self-checks ------------------------------------------------------------------------------------


@transaction.atomic
def selfcheck_save(
    *, actor, target, note="", answers=(), findings=(), submit=False, version=None, at=None, channel=None
):
    """Save a school's self-check for a campaign (a draft until submitted). On submit every checklist
    item must be answered; each 不符合 on an item that makes hazards, and each extra problem, becomes a
    hazard in the safety ledger (source "self_check"). A submitted self-check no longer changes.
    `at`: when it was submitted (for records entered afterwards; never in the future)."""
    now = timezone.now()
    if at is not None and at > now:
        raise ServiceError("提交时间不能晚于当前时间。")
    at = at or now
    target = (
        CampaignTarget.objects.visible_to(actor, SELF_CHECK)
        .select_related("campaign__template", "school")
        .filter(pk=getattr(target, "pk", target))
        .first()
    )
    if target is None or not target.campaign.self_check_required:
        raise NotFoundError()
    campaign, school = target.campaign, target.school
    if campaign.status != CampaignStatus.OPEN:
        raise ServiceError("只有“进行中”的检查活动可以填报自查。")
    self_check = SelfCheck.objects.select_for_update().filter(campaign=campaign, school=school).first()
    if self_check is not None:
        self_check.check_version(version)
        if self_check.status == SelfCheckStatus.SUBMITTED:
            raise ServiceError("本校自查已提交，不能再修改。")
    items, cleaned = _clean_answers(campaign.template, answers)
    note = _text(note, field="note", label="自查情况说明", max_length=5000)
    categories = hazard_category_codes()
    extra = _clean_findings(list(findings), categories)
    if submit:
        missing = [
            i
            for pk, i in items.items()
            if pk not in cleaned
            or not (cleaned[pk]["verdict"] or cleaned[pk]["number"] is not None or cleaned[pk]["text"])
        ]
        if missing:
            raise ServiceError(
                f"还有{len(missing)}项未填写（如“{missing[0].text}”），全部填写后才能提交。", field="answers"
            )
        _failed_items_need_details(cleaned)
    creating = self_check is None
    before = None if creating else audit.snapshot(self_check)
    if creating:
        self_check = SelfCheck(campaign=campaign, school=school)
    else:
        self_check.bump_version()
    self_check.note = note
    self_check.filled_by = actor
    if submit:
        self_check.status = SelfCheckStatus.SUBMITTED
        self_check.submitted_by = actor
        self_check.submitted_at = at
    self_check.save()
    _store_answers(cleaned, self_check=self_check)
    hazards = 0
    self_check.findings.all().delete()
    if not submit:
        _draft_findings(extra, school=school, self_check=self_check)
    else:
        for finding, photos in _findings_from(
            cleaned, extra, school=school, categories=categories, self_check=self_check
        ):
            _report_hazard(
                actor=actor,
                finding=finding,
                photos=photos,
                source="self_check",
                source_type=SOURCE_SELF_CHECK,
                source_obj=self_check,
                found_on=timezone.localdate(at),
            )
            hazards += 1
    audit.record(
        actor=actor,
        action="inspections.selfcheck.submit" if submit else "inspections.selfcheck.save",
        obj=self_check,
        before=before,
        note=f"登记隐患{hazards}条" if submit else "",
        channel=channel,
    )
    return self_check
