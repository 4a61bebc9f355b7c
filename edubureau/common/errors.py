"""Errors that services raise. Views and the API turn them into Chinese messages, never a 500."""


class ServiceError(Exception):
    """A business rule refused the write. `message` is shown to the user as is (Chinese)."""

    code = "invalid"

    def __init__(self, message, *, field=None, details=None, code=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or ({field: [message]} if field else {})
        if code:
            self.code = code

    def __str__(self):
        return self.message


class ConflictError(ServiceError):
    """The record changed since the user opened it (stale version)."""

    code = "conflict"

    def __init__(self, message="该记录已被他人修改，请刷新页面后重新编辑。", **kwargs):
        super().__init__(message, **kwargs)


class NotFoundError(ServiceError):
    """Missing or out of the actor's scope: the same answer for both."""

    code = "not_found"

    def __init__(self, message="未找到该对象，或您无权访问。", **kwargs):
        super().__init__(message, **kwargs)


class ForbiddenError(ServiceError):
    """The actor may see the object but has no right to do this to it."""

    code = "forbidden"

    def __init__(self, message="您没有执行此操作的权限。", **kwargs):
        super().__init__(message, **kwargs)
