from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited by people: the version column refuses stale edits (DESIGN.md rule 5)."""

    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        abstract = True

    def check_version(self, expected):
        from .errors import ConflictError

        if expected is not None and int(expected) != self.version:
            raise ConflictError()

    def bump_version(self):
        self.version += 1
