"""The audit log's write side. Services call `record` inside their own transaction."""

import datetime
import decimal
import uuid

from django.db import models

from edubureau.common import context

from .models import AuditEvent, LoginEvent, SensitiveAccess


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or None
    return str(value)


# Secrets (even hashed ones) never go into the log that auditors read.
SKIP_FIELDS = {"password", "secret_hash", "created_at", "updated_at", "path", "depth"}


def snapshot(obj, fields=None):
    """The concrete field values of `obj` as JSON-friendly data (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if fields is None and field.name in SKIP_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            data[field.name] = getattr(obj, field.attname)
        else:
            data[field.name] = _jsonable(getattr(obj, field.attname))
    return data


def diff(before, after):
    """Only what changed: ({field: old}, {field: new})."""
    before, after = before or {}, after or {}
    keys = [k for k in dict.fromkeys([*before.keys(), *after.keys()]) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys if k in before}, {k: after.get(k) for k in keys if k in after}


def _actor_label(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    real = getattr(actor, "real_name", "")
    return f"{real}（{actor.get_username()}）" if real else actor.get_username()


def _unit_of(obj):
    if obj is None:
        return None
    from edubureau.org.models import OrgUnit

    if isinstance(obj, OrgUnit):
        return obj.pk
    for name in ("unit_id", "school_id", "org_unit_id"):
        if getattr(obj, name, None):
            return getattr(obj, name)
    return None


def record(
    *,
    actor,
    action,
    obj=None,
    before=None,
    after=None,
    object_type=None,
    object_id=None,
    object_label=None,
    unit=None,
    note="",
    channel=None,
):
    """Append one audit event. `before`/`after` are snapshots; only changed fields are kept.

    When `obj` is given and `after` is None, the object's current state is the after snapshot.
    """
    ctx = context.current()
    if obj is not None and after is None:
        after = snapshot(obj)
    if before is not None:
        before, after = diff(before, after)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        object_label=(object_label or (str(obj) if obj is not None else ""))[:200],
        unit_id=(unit.pk if hasattr(unit, "pk") else unit) if unit is not None else _unit_of(obj),
        before=before or None,
        after=_jsonable(after) or None,
        note=note[:500],
        channel=channel or ctx.channel,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


def record_sensitive_access(*, actor, obj, field, reason, action="reveal", unit=None, channel=None):
    """Log a look at protected data. Callers check the permission first; this only records."""
    ctx = context.current()
    return SensitiveAccess.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:200],
        field=field,
        reason=reason[:300],
        unit_id=(unit.pk if hasattr(unit, "pk") else unit) if unit is not None else _unit_of(obj),
        channel=channel or ctx.channel,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


def record_login(*, kind, username, user=None, channel=None):
    ctx = context.current()
    return LoginEvent.objects.create(
        kind=kind,
        username=username[:150],
        user=user,
        unit_id=getattr(user, "unit_id", None),
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        channel=channel or ctx.channel,
        request_id=ctx.request_id,
    )
