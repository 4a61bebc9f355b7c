"""Who is calling: a personal token (`Authorization: Bearer ebt_<key>_<secret>`) or the browser session.

The token is tried first. A Bearer header that does not name a usable token is refused outright
(401), even when a session cookie came along: a client that sends a token means that token. A session
needs a CSRF token for unsafe methods; a token does not (browsers never add the header on their own).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from edubureau.accounts.services import token_authenticate

from .errors import CsrfFailed, InvalidToken, unauthenticated_response


def bearer_text(request):
    """The token text of an `Authorization: Bearer ...` header, "" for an empty one, None without one."""
    header = request.headers.get("Authorization", "")
    scheme, _, text = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return text.strip()


def authenticate_token(request):
    """The user behind the request's Bearer token (and mark the request), None without a Bearer
    header; raises InvalidToken for a header with an unknown, expired or revoked token."""
    text = bearer_text(request)
    if text is None:
        return None
    user = token_authenticate(text)
    if user is None:
        raise InvalidToken()
    request.user = user
    request.token_auth = True
    return user


class TokenAuth(HttpBearer):
    """Personal API token, created on the 接口令牌 page or with POST /api/v1/tokens."""

    openapi_bearerFormat = "ebt_<key>_<secret>"
    openapi_description = (
        "个人接口令牌：请求头 Authorization: Bearer ebt_<标识>_<密钥>。令牌只在创建时显示一次。"
    )

    def __call__(self, request):
        return authenticate_token(request)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return authenticate_token(request)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unsafe methods need the CSRF token (header X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "网页登录会话（浏览器 Cookie）。POST/PATCH/DELETE 须在请求头 X-CSRFToken 中提交 CSRF 令牌。"
    )

    def __init__(self):
        super().__init__(csrf=True)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        request.token_auth = False
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return self(request)


token_auth = TokenAuth()
session_auth = SessionAuth()
AUTH = [token_auth, session_auth]


def docs_auth_required(view):
    """The OpenAPI document and the docs page are for signed-in users and token holders only:
    the docs page sends anonymous visitors to the login page, openapi.json answers 401 JSON."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            user = authenticate_token(request)
        except InvalidToken:
            return unauthenticated_response()
        if user is None and not request.user.is_authenticated:
            if request.path.endswith(".json"):
                return unauthenticated_response()
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
