"""The JSON API root: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs; /api/docs redirects).

Every operation needs a personal token or a signed-in session (see auth.py); every error is JSON
(errors.py); every list is paginated with limit/offset (pagination.py). The domain apps own their
routers (`<app>/api.py`) and add them here.
"""

import datetime
from functools import wraps

from django.http import Http404
from django.urls import re_path
from django.utils import timezone
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from . import errors
from .auth import AUTH, docs_auth_required

DESCRIPTION = """教育局工作平台的数据接口。

**认证**：每个接口都须认证，二选一：
- 个人接口令牌：请求头 `Authorization: Bearer ebt_<标识>_<密钥>`，在“接口令牌”页面创建，只显示一次；
- 网页登录会话：浏览器 Cookie；POST/PATCH/DELETE 还须在请求头 `X-CSRFToken` 中提交 CSRF 令牌。

**范围**：只返回您有权查看的数据。不存在的对象与无权访问的对象一律返回 404，且内容相同。

**错误**：一律为 JSON：`{"code": "...", "message": "中文说明", "details": {"字段": ["中文提示"]}}`。
401 未认证，403 无权执行，404 未找到，409 已被他人修改（须重新读取后提交新的 version），
422 数据有误，500 服务器错误（附请求编号 request_id）。

**分页**：列表接口用 `limit`（默认 50，最大 500）和 `offset`，返回 `{"count", "items", "limit", "offset"}`。
"""


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times in the bureau's time zone with their offset (2026-03-02T08:30:00+08:00), not UTC."""

    def default(self, o):
        if isinstance(o, datetime.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class EduBureauAPI(NinjaAPI):
    """NinjaAPI whose URL set answers in JSON beyond the operations too: unknown paths under the
    API get a JSON 404, unsupported methods a JSON 405."""

    def get_openapi_schema(self, **kwargs):
        """Also document what any operation may answer before it runs: 400 for a request that cannot be
        parsed (a body that is not JSON, too many parameters), 422 for a parameter refused outright (one
        containing NUL, see web.middleware) and, with a body, 413 (too large)."""
        schema = super().get_openapi_schema(**kwargs)
        if "ErrorOut" not in schema.get("components", {}).get("schemas", {}):
            return schema
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        extra = {400: "Bad Request", 413: "Content Too Large", 422: "Unprocessable Entity"}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation["responses"]
                for status, description in extra.items():
                    if status == 413 and "requestBody" not in operation:
                        continue
                    responses.setdefault(status, {"description": description, "content": error})
                operation["responses"] = dict(sorted(responses.items(), key=lambda item: int(item[0])))
        return schema

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _json_fallbacks(pattern.callback)
        patterns.append(re_path(r"^.*$", _unknown_path, name="unknown-path"))
        return patterns, app_name, namespace


def _json_fallbacks(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # the API root: ninja raises it outside any operation
            return errors.not_found_response()
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allow = response.get("Allow", "")
            response = errors.error_response("method_not_allowed", errors.METHOD_MESSAGE, status=405)
            response["Allow"] = allow
        return response

    return wrapper


def _unknown_path(request, *args, **kwargs):
    return errors.not_found_response()


_unknown_path.csrf_exempt = True

api = EduBureauAPI(
    title="教育局工作平台 API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
    docs_decorator=docs_auth_required,
    auth=AUTH,
    renderer=Renderer(),
)
errors.install(api)


def _add_routers():
    from edubureau.accounts.api import router as accounts_router
    from edubureau.incidents.api import router as incidents_router
    from edubureau.inspections.api import router as inspections_router
    from edubureau.org.api import router as org_router
    from edubureau.safety.api import router as safety_router

    api.add_router("/", accounts_router)
    api.add_router("/org", org_router)
    api.add_router("/inspections", inspections_router)
    api.add_router("/safety", safety_router)
    api.add_router("/incidents", incidents_router)


_add_routers()


def operations():
    """Every operation of the API as (METHOD, path, operation_id), path as in the OpenAPI document
    (e.g. ("GET", "/api/v1/org/units/{id}", "get_unit")). For tests that must cover every operation."""
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path, operation["operationId"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
