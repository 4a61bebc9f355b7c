"""Every error of the API is JSON: {"code", "message" (Chinese), "details": {field: [Chinese messages]}}.

`install(api)` registers the handlers; `error_response` builds one body for code outside an operation
(the docs guard, unknown paths).
"""

import logging

from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from edubureau.common import context
from edubureau.common.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ServiceError,
    bad_request_message,
)

logger = logging.getLogger("edubureau.api")

NOT_FOUND_MESSAGE = "未找到该对象，或您无权访问。"
UNAUTHENTICATED_MESSAGE = "请先登录或提供有效的接口令牌。"
INVALID_TOKEN_MESSAGE = "接口令牌无效、已过期或已吊销，请重新生成令牌。"
CSRF_MESSAGE = "CSRF 校验失败：以登录会话调用写操作时，须在请求头 X-CSRFToken 中提交 CSRF 令牌。"
FORBIDDEN_MESSAGE = "您没有执行此操作的权限。"
METHOD_MESSAGE = "该接口不支持此请求方法。"
BAD_REQUEST_MESSAGE = "请求内容无法解析，请提交合法的 JSON。"
VALIDATION_MESSAGE = "请求参数有误，请检查：{fields}。"
CONFLICT_MESSAGE = "数据与已有记录冲突，请刷新后重试。"
THROTTLED_MESSAGE = "请求过于频繁，请稍后再试。"
SERVER_ERROR_MESSAGE = "服务器内部错误，请稍后重试。如问题持续存在，请联系管理员并提供请求编号 {request_id}。"

# HTTP status of each ServiceError class (the most specific class in the MRO wins).
SERVICE_ERROR_STATUS = {NotFoundError: 404, ConflictError: 409, ForbiddenError: 403, ServiceError: 422}

HTTP_ERROR_BODIES = {
    400: ("bad_request", BAD_REQUEST_MESSAGE),
    401: ("unauthenticated", UNAUTHENTICATED_MESSAGE),
    403: ("forbidden", FORBIDDEN_MESSAGE),
    404: ("not_found", NOT_FOUND_MESSAGE),
    405: ("method_not_allowed", METHOD_MESSAGE),
    409: ("conflict", CONFLICT_MESSAGE),
    429: ("throttled", THROTTLED_MESSAGE),
}


class CsrfFailed(AuthorizationError):
    """A browser session tried an unsafe method without a valid CSRF token."""

    def __init__(self):
        super().__init__(403, CSRF_MESSAGE)


class InvalidToken(AuthenticationError):
    """An `Authorization: Bearer ...` header that does not name a usable token."""

    def __init__(self):
        super().__init__(401, INVALID_TOKEN_MESSAGE)


def error_body(code, message, details=None, **extra):
    return {"code": code, "message": message, "details": details or {}, **extra}


def error_response(code, message, *, status, details=None, **extra):
    """A JSON error outside ninja's operation machinery (same shape as the handlers')."""
    response = JsonResponse(
        error_body(code, message, details, **extra), status=status, json_dumps_params={"ensure_ascii": False}
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="edubureau"'
    return response


def not_found_response():
    return error_response("not_found", NOT_FOUND_MESSAGE, status=404)


def unauthenticated_response():
    return error_response("unauthenticated", UNAUTHENTICATED_MESSAGE, status=401)


# --- validation messages ----------------------------------------------------------------------------


def _expected(ctx):
    return str(ctx["expected"]).replace(" or ", ", ")


def _too_short(ctx):
    n = ctx["min_length"]
    return "此项不能为空。" if n == 1 else f"不能少于{n}个字符。"


VALIDATION_MESSAGES = {
    "missing": "此项为必填项。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "int_from_float": "应为整数。",
    "int_parsing_size": "数值过大。",
    "float_parsing": "应为数字。",
    "float_type": "应为数字。",
    "finite_number": "应为有限的数字。",
    "decimal_parsing": "应为数字。",
    "decimal_type": "应为数字。",
    "decimal_max_digits": lambda c: f"总位数不能超过{c['max_digits']}位。",
    "decimal_max_places": lambda c: f"小数不能超过{c['decimal_places']}位。",
    "bool_parsing": "应为布尔值（true 或 false）。",
    "bool_type": "应为布尔值（true 或 false）。",
    "string_type": "应为字符串。",
    "string_too_short": _too_short,
    "string_too_long": lambda c: f"不能超过{c['max_length']}个字符。",
    "string_pattern_mismatch": "格式不正确。",
    "greater_than": lambda c: f"应大于{c['gt']}。",
    "greater_than_equal": lambda c: f"不能小于{c['ge']}。",
    "less_than": lambda c: f"应小于{c['lt']}。",
    "less_than_equal": lambda c: f"不能大于{c['le']}。",
    "multiple_of": lambda c: f"应为{c['multiple_of']}的倍数。",
    "date_parsing": "应为日期，格式为 YYYY-MM-DD。",
    "date_type": "应为日期，格式为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "应为日期，格式为 YYYY-MM-DD。",
    "date_from_datetime_inexact": "应为日期，不能带时间。",
    "datetime_parsing": "应为日期时间，格式为 YYYY-MM-DDTHH:MM:SS+08:00。",
    "datetime_type": "应为日期时间，格式为 YYYY-MM-DDTHH:MM:SS+08:00。",
    "datetime_from_date_parsing": "应为日期时间，格式为 YYYY-MM-DDTHH:MM:SS+08:00。",
    "time_parsing": "应为时间，格式为 HH:MM。",
    "enum": lambda c: f"应为以下值之一：{_expected(c)}。",
    "literal_error": lambda c: f"应为以下值之一：{_expected(c)}。",
    "extra_forbidden": "不允许提交此字段。",
    "too_short": lambda c: f"至少需要{c['min_length']}项。",
    "too_long": lambda c: f"不能超过{c['max_length']}项。",
    "list_type": "应为列表。",
    "dict_type": "应为对象。",
    "model_type": "应为对象。",
    "model_attributes_type": "应为对象。",
    "json_invalid": "不是合法的 JSON。",
    "json_type": "不是合法的 JSON。",
    "uuid_parsing": "格式不正确。",
    "uuid_type": "格式不正确。",
    "url_parsing": "不是合法的网址。",
    "none_required": "应为空值。",
}
FALLBACK_MESSAGE = "格式不正确。"


def validation_message(error):
    """The Chinese message for one pydantic error (a dict with "type" and maybe "ctx")."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and ctx.get("error"):
        text = str(ctx["error"])
        for prefix in ("Value error, ", "Assertion failed, "):
            text = text.removeprefix(prefix)
        return text
    message = VALIDATION_MESSAGES.get(kind, FALLBACK_MESSAGE)
    if callable(message):
        try:
            return message(ctx)
        except Exception:  # a ctx of an unexpected shape must not turn a 422 into a 500
            return FALLBACK_MESSAGE
    return message


def error_field(loc):
    """The field a client sent, from ninja's loc: ("body", "payload", "name") -> "name",
    ("query", "limit") -> "limit", ("body", "payload") -> "body"."""
    loc = [str(p) for p in loc]
    if not loc:
        return "__all__"
    source, rest = loc[0], loc[1:]
    if source == "body" and rest:
        rest = rest[1:]  # the operation's parameter name, not something the client sent
    return ".".join(rest) if rest else source


def validation_details(errors):
    details = {}
    for error in errors:
        details.setdefault(error_field(error.get("loc", ())), []).append(validation_message(error))
    return details


# --- handlers ---------------------------------------------------------------------------------------


def install(api):
    """Register every handler on `api` (replacing ninja's English defaults)."""

    def respond(request, status, code, message, details=None, **extra):
        response = api.create_response(request, error_body(code, message, details, **extra), status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="edubureau"'
        return response

    @api.exception_handler(ServiceError)
    def service_error(request, exc):
        status = next(SERVICE_ERROR_STATUS[c] for c in type(exc).__mro__ if c in SERVICE_ERROR_STATUS)
        return respond(request, status, exc.code, exc.message, exc.details)

    @api.exception_handler(Http404)
    def http_404(request, exc):
        return respond(request, 404, "not_found", NOT_FOUND_MESSAGE)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        return respond(request, 404, "not_found", NOT_FOUND_MESSAGE)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc):
        details = validation_details(exc.errors)
        return respond(request, 422, "invalid", VALIDATION_MESSAGE.format(fields="、".join(details)), details)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request, exc):
        if hasattr(exc, "error_dict"):
            details = {f: [str(m) for e in errs for m in e.messages] for f, errs in exc.error_dict.items()}
        else:
            details = {"__all__": [str(m) for m in exc.messages]}
        first = next(iter(details.values()), ["格式不正确。"])[0]
        return respond(request, 422, "invalid", first, details)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        message = exc.message if isinstance(exc, InvalidToken) else UNAUTHENTICATED_MESSAGE
        return respond(request, 401, "unauthenticated", message)

    @api.exception_handler(CsrfFailed)
    def csrf_failed(request, exc):
        return respond(request, 403, "csrf_failed", CSRF_MESSAGE)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return respond(request, 403, "forbidden", FORBIDDEN_MESSAGE)

    @api.exception_handler(IntegrityError)
    def integrity_error(request, exc):
        logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
        return respond(request, 409, "conflict", CONFLICT_MESSAGE)

    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(BadRequest)
    def bad_request(request, exc):
        """What Django refuses to parse: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413), more than
        DATA_UPLOAD_MAX_NUMBER_FIELDS query parameters (400)."""
        if isinstance(exc, RequestDataTooBig):
            return respond(request, 413, "too_large", bad_request_message(exc))
        return respond(request, 400, "bad_request", bad_request_message(exc))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if isinstance(exc, Throttled):
            return respond(request, 429, "throttled", THROTTLED_MESSAGE)
        code, message = HTTP_ERROR_BODIES.get(exc.status_code, ("error", "请求失败。"))
        if isinstance(exc, AuthorizationError) and exc.status_code == 403:
            code, message = "forbidden", FORBIDDEN_MESSAGE
        return respond(request, exc.status_code, code, message)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        request_id = getattr(request, "request_id", "") or context.current().request_id
        logger.exception("API error %s on %s %s", request_id, request.method, request.path)
        return respond(
            request,
            500,
            "server_error",
            SERVER_ERROR_MESSAGE.format(request_id=request_id),
            request_id=request_id,
        )
