"""Append-only logs. Nothing in the application edits or deletes a row here: the model refuses it,
the queryset refuses it, and on the database a trigger refuses it too (see the migrations)."""

from django.conf import settings
from django.db import models

from edubureau.common.context import Channel
from edubureau.org.scoping import ScopedQuerySet, scope_q

from .choices import LoginEventKind


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm="audit.view"):
        """Rows of units in the user's scope; rows without a unit (system-wide events, unknown
        accounts) only for users whose scope includes a root unit (the whole county)."""
        from edubureau.accounts.scope import ALL, user_scope_prefixes

        prefixes = user_scope_prefixes(user, perm)
        if prefixes is ALL:
            return self
        if not prefixes:
            return self.none()
        cond = scope_q(prefixes, "unit__path")
        if any(prefix.count("/") == 1 for prefix in prefixes):  # a depth-0 (root) unit
            cond |= models.Q(unit__isnull=True)
        return self.filter(cond)

    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加，不能删除。")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能删除。")


def _actor_fk():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


def _unit_fk(label="所属单位"):
    return models.ForeignKey(
        "org.OrgUnit",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


class AuditEvent(AppendOnlyModel):
    """One write to the system: who changed what, from which value to which, when and through where."""

    occurred_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = _actor_fk()
    actor_label = models.CharField("操作人姓名", max_length=80, blank=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, db_index=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True, db_index=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    unit = _unit_fk()
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self):
        return f"{self.actor_label or '系统'} {self.action} {self.object_label}"

    @property
    def changed_fields(self):
        """[(field, before, after)] for display."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys]


class SensitiveAccess(AppendOnlyModel):
    """A look at protected data (a minor's ID number, a special-group mark): who, what, why."""

    occurred_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = _actor_fk()
    actor_label = models.CharField("查看人", max_length=80, blank=True)
    action = models.CharField("方式", max_length=20, default="reveal")  # view, reveal, export
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    field = models.CharField("字段", max_length=60, blank=True)
    reason = models.CharField("事由", max_length=300)
    unit = _unit_fk()
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "敏感信息访问记录"
        verbose_name_plural = "敏感信息访问记录"
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.actor_label} 查看 {self.object_label} {self.field}"


class LoginEvent(AppendOnlyModel):
    """A sign-in attempt, success or failure, and lock-out events. Lock-out is counted from these rows."""

    occurred_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    kind = models.CharField("结果", max_length=20, choices=LoginEventKind.choices)
    username = models.CharField("登录账号", max_length=150, db_index=True)
    user = _actor_fk()
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True, db_index=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.WEB)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    unit = _unit_fk()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.username} {self.get_kind_display()}"
