"""Idle time-out and forced password change for signed-in browser sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from edubureau.audit.choices import LoginEventKind
from edubureau.audit.services import record_login

from .security import password_expired

LAST_SEEN = "_eb_last_seen"
ALWAYS_ALLOWED = ("/static/", "/favicon.ico", "/healthz")


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not getattr(request, "token_auth", False):
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        now = time.time()
        idle_limit = settings.EDUBUREAU_SESSION_IDLE_MINUTES * 60
        last_seen = request.session.get(LAST_SEEN)
        if last_seen is not None and now - last_seen > idle_limit:
            username = user.get_username()
            logout(request)
            record_login(kind=LoginEventKind.TIMEOUT, username=username, user=None)
            if request.path.startswith("/api/"):
                return None  # the API answers 401 for the now anonymous request
            messages.info(
                request, f"您已超过{settings.EDUBUREAU_SESSION_IDLE_MINUTES}分钟未操作，请重新登录。"
            )
            return redirect(f"{reverse('web:login')}?next={request.path}")
        request.session[LAST_SEEN] = now

        if request.path.startswith(ALWAYS_ALLOWED):
            return None
        if request.path.startswith("/api/"):
            if (user.must_change_password or password_expired(user)) and request.path != "/api/v1/me":
                return JsonResponse(
                    {
                        "code": "password_change_required",
                        "message": "请先在网页上修改密码，再使用接口。",
                        "details": {},
                    },
                    status=403,
                )
            return None
        if user.must_change_password or password_expired(user):
            allowed = {reverse("web:password_change"), reverse("web:logout")}
            if request.path not in allowed:
                return redirect("web:password_change")
        return None
