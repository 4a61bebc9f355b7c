"""Reads of the append-only logs, scoped by the reader's "audit.view" units (see
AppendOnlyQuerySet.visible_to: rows without a unit only for readers whose scope has a root unit)."""

import datetime
import json
from functools import lru_cache

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from edubureau.org.models import OrgUnit

from .models import AuditEvent, LoginEvent, SensitiveAccess

PERM = "audit.view"

# Chinese names of the actions services record; an unknown action shows its code. Apps may add theirs
# with `ACTION_LABELS.update(...)` in their AppConfig.ready.
ACTION_LABELS = {
    "org.unit.create": "新增单位",
    "org.unit.update": "修改单位信息",
    "org.unit.move": "调整单位隶属",
    "org.unit.close": "单位撤并/停办",
    "org.unit.reopen": "单位恢复办学",
    "org.group.create": "新建单位分组",
    "org.group.members": "调整分组成员",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.activate": "启用/停用用户",
    "user.change_password": "修改密码",
    "user.reset_password": "重置密码",
    "user.unlock": "解除锁定",
    "membership.grant": "授予角色",
    "membership.end": "结束角色授权",
    "token.create": "创建接口令牌",
    "token.revoke": "吊销接口令牌",
    "calendar.school_year.create": "新建学年",
    "calendar.school_year.update": "修改学年",
    "calendar.semester.create": "新建学期",
    "calendar.semester.update": "修改学期",
    "calendar.day.create": "设置特殊日期",
    "calendar.day.delete": "删除特殊日期",
    "calendar.holiday_year.create": "导入节假日安排",
    "calendar.holiday_year.update": "更新节假日安排",
    "calendar.holiday_year.delete": "删除节假日安排",
}
SENSITIVE_ACTIONS = {"view": "查看", "reveal": "查看原文", "export": "导出"}


def action_label(action):
    return ACTION_LABELS.get(action, action)


def day_start(day):
    """The first instant of a local calendar day (settings.TIME_ZONE, Asia/Shanghai by default)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _date_range(qs, date_from=None, date_to=None):
    if date_from:
        qs = qs.filter(occurred_at__gte=day_start(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=day_start(date_to + datetime.timedelta(days=1)))
    return qs


def _unit_subtree(qs, unit):
    return qs.filter(unit__path__startswith=unit.path) if unit else qs


def audit_units(*, user):
    """Units a reader may narrow a search to."""
    return OrgUnit.objects.visible_to(user, PERM).only("id", "name", "kind", "depth", "path").order_by("path")


def object_type_choices(*, user, model=AuditEvent):
    """[(object_type, label)] of the object types present in the reader's rows (one query)."""
    types = (
        model.objects.visible_to(user, PERM)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    return [(t, object_type_label(t)) for t in types if t]


@lru_cache(maxsize=256)
def _model(object_type):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type):
    model = _model(object_type)
    return f"{model._meta.verbose_name}" if model else object_type


@lru_cache(maxsize=2048)
def field_label(object_type, field):
    model = _model(object_type)
    if model is not None:
        try:
            return str(model._meta.get_field(field).verbose_name)
        except Exception:  # any unknown name shows as is
            return field
    return field


def display_value(value):
    """A snapshot value as a reader expects it: 是/否, lists joined with 、, dicts as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(display_value(v)) for v in value) if value else "（无）"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes(event):
    """[(field label, before, after)] of an event, with the fields' Chinese names."""
    return [
        (field_label(event.object_type, k), display_value(b), display_value(a))
        for k, b, a in event.changed_fields
    ]


def event_search(
    *,
    user,
    actor="",
    unit=None,
    object_type="",
    object_id="",
    action="",
    channel="",
    date_from=None,
    date_to=None,
):
    """Audit events the reader may see, filtered; newest first."""
    qs = AuditEvent.objects.visible_to(user, PERM).select_related("unit")
    actor = (actor or "").strip()
    if actor:
        qs = qs.filter(
            Q(actor_label__icontains=actor)
            | Q(actor__username__icontains=actor)
            | Q(actor__real_name__icontains=actor)
        )
    qs = _unit_subtree(qs, unit)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if (object_id or "").strip():
        qs = qs.filter(object_id=object_id.strip())
    if (action or "").strip():
        qs = qs.filter(action__icontains=action.strip())
    if channel:
        qs = qs.filter(channel=channel)
    qs = _date_range(qs, date_from, date_to)
    return qs.order_by("-occurred_at", "-id")


def login_search(*, user, username="", kind="", ip="", unit=None, date_from=None, date_to=None):
    qs = LoginEvent.objects.visible_to(user, PERM).select_related("unit")
    if (username or "").strip():
        qs = qs.filter(username__icontains=username.strip())
    if kind:
        qs = qs.filter(kind=kind)
    if (ip or "").strip():
        qs = qs.filter(ip__startswith=ip.strip())
    qs = _unit_subtree(qs, unit)
    qs = _date_range(qs, date_from, date_to)
    return qs.order_by("-occurred_at", "-id")


def sensitive_search(*, user, actor="", object_type="", field="", unit=None, date_from=None, date_to=None):
    qs = SensitiveAccess.objects.visible_to(user, PERM).select_related("unit")
    actor = (actor or "").strip()
    if actor:
        qs = qs.filter(
            Q(actor_label__icontains=actor)
            | Q(actor__username__icontains=actor)
            | Q(actor__real_name__icontains=actor)
        )
    if object_type:
        qs = qs.filter(object_type=object_type)
    if (field or "").strip():
        qs = qs.filter(field__icontains=field.strip())
    qs = _unit_subtree(qs, unit)
    qs = _date_range(qs, date_from, date_to)
    return qs.order_by("-occurred_at", "-id")
