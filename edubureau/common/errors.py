"""Errors that services raise. Views and the API turn them into Chinese messages, never a 500."""

from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent


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


# Why Django refused a request before a view could use it (Django's own text is English and generic).
BAD_REQUEST_MESSAGES = (
    (RequestDataTooBig, "提交的内容过大，系统无法处理。请减少内容后重新提交。"),
    ((TooManyFieldsSent, TooManyFilesSent), "提交的项目过多，系统无法处理。请分批提交。"),
    (DisallowedHost, "访问地址（主机名）不在本系统允许的范围内，请通过本系统的正式地址访问。"),
)
BAD_REQUEST_MESSAGE = "请求的格式不正确，系统无法处理。请返回上一页检查后重新提交。"


def bad_request_message(exception):
    """The Chinese explanation of a refused request (a SuspiciousOperation or BadRequest). Never the
    exception's own text, unless it carries a `user_message` written for users."""
    if getattr(exception, "user_message", None):
        return exception.user_message
    for kinds, message in BAD_REQUEST_MESSAGES:
        if isinstance(exception, kinds):
            return message
    return BAD_REQUEST_MESSAGE


def from_validation_error(exc):
    """A Django ValidationError (from full_clean) as a ServiceError on its first field, all kept in details."""
    if hasattr(exc, "error_dict"):
        details = {
            field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()
        }
        first_field = next(iter(details))
        return ServiceError(details[first_field][0], field=first_field, details=details)
    return ServiceError("；".join(exc.messages))
