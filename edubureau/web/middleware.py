"""Refuse NUL characters in request input, once, for every page and API operation.

PostgreSQL cannot store or compare text containing NUL ("\\x00"): psycopg raises DataError, which
would be a 500 wherever such a value reaches a query (a search box, a JSON field, a token, a cookie).
No legitimate input contains one, so it is refused before any view runs rather than field by field:
the query string, page form fields, API JSON bodies, cookies and other header values. (Django's own
form check for NUL has a misleading Chinese translation, "不允许是用空字符串", and covers form fields
only.)

Pages answer with the Chinese 400 page; the API answers in its JSON error shape, naming the field:
422 for a query parameter or body field, 400 for a header. A body Django refuses to parse (too many
fields, too large, broken multipart) is answered here too, by web.views.error_400.
"""

import json

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError

from edubureau.api.errors import VALIDATION_MESSAGE, error_response

from .views import error_400

NUL = "\x00"
API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FIELD_MESSAGE = "不能包含空字符（\\u0000）。"
PAGE_MESSAGE = (
    "您提交的内容中含有空字符（一种不可见的控制字符，常由复制粘贴带入），系统不予接收。"
    "请返回上一页，删除后重新填写并提交。"
)


class NulCharacters(BadRequest):
    """What RefuseNulMiddleware found: `field` names what carried the NUL. A BadRequest, so that
    error_400 shows its `user_message`."""

    user_message = PAGE_MESSAGE

    def __init__(self, field, source):
        super().__init__(PAGE_MESSAGE)
        self.field = field
        self.source = source  # "query", "body" or "header"


def _json_nul_path(value, path=()):
    """The path (as a tuple) of the first string in parsed JSON that contains NUL, else None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and NUL in key:
            return (*path, key)
        found = _json_nul_path(item, (*path, key))
        if found is not None:
            return found
    return None


def _printable(name):
    return str(name).replace(NUL, "\\u0000")


def find_nul(request):
    """A NulCharacters for the first NUL in the request's input, or None. Raises what Django raises
    for input it refuses to parse (SuspiciousOperation: too many fields, too large; a broken
    multipart body)."""
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
            return NulCharacters(key[5:].replace("_", "-").title(), "header")
    try:
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in v for v in values):
                return NulCharacters(_printable(key), "query")
        if request.path.startswith(API_PREFIX):
            # The API reads JSON from the raw body (never request.POST: the body could not be read
            # again); a NUL in a JSON string is the escape \u0000.
            body = request.body
            if b"\\u0000" in body:
                path = _json_nul_path(json.loads(body))
                if path is not None:
                    return NulCharacters(".".join(_printable(p) for p in path) or "body", "body")
        elif request.method == "POST" and request.content_type in FORM_TYPES:
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in v for v in values):
                    return NulCharacters(_printable(key), "body")
    except (ValueError, RecursionError):  # not JSON: the API answers 400 itself
        return None
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = find_nul(request)
        except (SuspiciousOperation, MultiPartParserError) as exc:
            # Answered here: a multipart body cannot be read twice, so the view could not meet it again.
            return error_400(request, exc)
        if problem is not None:
            return refusal(request, problem)
        return self.get_response(request)


def refusal(request, problem):
    if request.path.startswith(API_PREFIX):
        if problem.source == "header":
            return error_response(
                "bad_request", f"请求头 {problem.field} 含有空字符（\\u0000），无法处理。", status=400
            )
        return error_response(
            "invalid",
            VALIDATION_MESSAGE.format(fields=problem.field),
            status=422,
            details={problem.field: [FIELD_MESSAGE]},
        )
    return error_400(request, problem)
