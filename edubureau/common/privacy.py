"""Masking and logged reveal of protected data (DESIGN.md rule 7, 个人信息保护法 §28, §31).

Pages and exports show `mask_*` values by default. Showing the real value goes through `reveal`, which
checks the "sensitive.reveal" permission on the record's unit, requires a reason and writes a
SensitiveAccess row in the same transaction. Later modules (students, aid, psychological files) use it
for ID numbers and special-group marks.
"""

from django.db import transaction

from edubureau.accounts import scope
from edubureau.audit import services as audit
from edubureau.common.errors import NotFoundError, ServiceError

MASK = "*"


def mask_id_number(value):
    """居民身份证号: keep the first 6 (area) and the last 4 characters: 330102********123X."""
    value = (value or "").strip()
    if len(value) <= 10:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_phone(value):
    """手机号码: keep the first 3 and the last 4 digits: 138****5678."""
    value = (value or "").strip()
    if len(value) <= 7:
        return MASK * max(len(value) - 2, 0) + value[-2:] if value else ""
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_phone_tail(value):
    """手机号码 as the API shows it: every character but the last four digits hidden: *******5678."""
    value = (value or "").strip()
    if not value:
        return ""
    keep = 4 if len(value) > 4 else 0
    return MASK * (len(value) - keep) + value[len(value) - keep :]


def mask_name(value):
    """A person's name: keep the surname: 张**."""
    value = (value or "").strip()
    return value[:1] + MASK * (len(value) - 1) if value else ""


def mask_flag(value):
    """A special-group mark (留守, 建档立卡 …): hidden entirely."""
    return "***" if value not in (None, "", False) else ""


@transaction.atomic
def reveal(*, actor, obj, field, reason, unit=None, channel=None):
    """The real value of `obj.field` for an actor allowed to see it, logged with the reason.

    `unit` is the org unit the record belongs to (defaults to obj.unit / obj.school). Out of scope
    answers like a missing record.
    """
    unit = unit or getattr(obj, "unit", None) or getattr(obj, "school", None)
    if unit is None or not scope.user_can(actor, "sensitive.reveal", unit):
        raise NotFoundError()
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ServiceError("查看敏感信息须填写事由（至少2个字）。", field="reason")
    if len(reason) > 300:
        raise ServiceError("事由不能超过300个字。", field="reason")
    audit.record_sensitive_access(
        actor=actor, obj=obj, field=field, reason=reason, unit=unit, channel=channel
    )
    return getattr(obj, field)
