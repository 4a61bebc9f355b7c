"""The web shell: sign-in, sign-out, password change, the home page ("我的待办") and error pages."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from edubureau.accounts import services as account_services
from edubureau.accounts.scope import user_grants, user_has_perm
from edubureau.accounts.security import LoginRefused, password_expired, sign_in
from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import LoginEvent
from edubureau.audit.services import record_login
from edubureau.common.errors import ServiceError, bad_request_message
from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgUnit

from .forms import LoginForm, PasswordChangeForm
from .todos import TodoList, collect_todos

logger = logging.getLogger(__name__)

# The id of the LoginEvent that opened this session, so the home page can show the one before it.
LOGIN_EVENT_SESSION_KEY = "_eb_login_event"


def _safe_next(request):
    """The `next` target if it stays on this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or reverse("web:home"))
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except LoginRefused as exc:
            form.add_error(None, exc.message)
        else:
            # login() rotates the session key and the CSRF token (no session fixation).
            auth_login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            event_id = (
                LoginEvent.objects.filter(user=user, kind=LoginEventKind.SUCCESS)
                .order_by("-pk")
                .values_list("pk", flat=True)
                .first()
            )
            request.session[LOGIN_EVENT_SESSION_KEY] = event_id
            return redirect(next_url or reverse("web:home"))
    return render(
        request,
        "web/login.html",
        {
            "form": form,
            "next": next_url,
            "lockout_failures": settings.EDUBUREAU_LOCKOUT_FAILURES,
            "lockout_minutes": settings.EDUBUREAU_LOCKOUT_MINUTES,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request):
    """POST signs out (and is logged); GET only asks for confirmation."""
    if not request.user.is_authenticated:
        return redirect("web:login")
    if request.method == "GET":
        return render(request, "web/logout_confirm.html")
    user = request.user
    record_login(kind=LoginEventKind.LOGOUT, username=user.get_username(), user=user)
    auth_logout(request)
    messages.success(request, "您已安全退出系统。")
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _add_service_errors(form, exc):
    """Every message of a ServiceError on its field (or on the form when the field is unknown)."""
    details = exc.details or {exc.field: [exc.message]}
    for field, msgs in details.items():
        target = field if field in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)


@sensitive_post_parameters()
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = account_services.password_change(
                    user=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except ServiceError as exc:
                _add_service_errors(form, exc)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, "密码修改成功，请牢记新密码。")
                return redirect("web:home")
        status = 422
    user = request.user
    context = {
        "form": form,
        "forced": user.must_change_password,
        "expired": not user.must_change_password and password_expired(user),
        "max_age_days": settings.EDUBUREAU_PASSWORD_MAX_AGE_DAYS,
        "policy": password_validators_help_texts(),
    }
    return render(request, "web/password_change.html", context, status=status)


# --- home -----------------------------------------------------------------------------------------


def _previous_login(request):
    """The successful sign-in before the one that opened this session (one query)."""
    events = LoginEvent.objects.filter(user=request.user, kind=LoginEventKind.SUCCESS)
    current = request.session.get(LOGIN_EVENT_SESSION_KEY)
    if current:
        events = events.filter(pk__lt=current)
    return events.order_by("-pk").only("occurred_at", "ip").first()


def _grant_rows(user):
    """The user's roles and where they hold them (from the grants already loaded for the request)."""
    rows = []
    for grant in user_grants(user):
        m = grant.membership
        rows.append(
            {
                "role": m.role.name,
                "where": str(m.unit or m.group or ""),
                "department": m.department.name if m.department_id else "",
                "title": m.title,
            }
        )
    return rows


def _school_counts(user):
    """Active schools in the user's org.view scope by kind (one query); None for one school or none."""
    if not user_has_perm(user, "org.view"):
        return None
    rows = (
        OrgUnit.objects.visible_to(user, "org.view")
        .schools()
        .active()
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    total = sum(by_kind.values())
    if total <= 1:
        return None
    kinds = [{"label": kind.label, "n": by_kind[kind]} for kind in UnitKind if by_kind.get(kind)]
    return {"total": total, "kinds": kinds}


@login_required
@require_http_methods(["GET", "HEAD"])
def home(request):
    user = request.user
    todos = collect_todos(user) if user_has_perm(user, "home.todo") else TodoList(items=[], failed=[])
    context = {
        "todos": todos,
        "grants": _grant_rows(user),
        "previous_login": _previous_login(request),
        "school_counts": _school_counts(user),
    }
    return render(request, "web/home.html", context)


# --- error pages ----------------------------------------------------------------------------------


def error_400(request, exception=None):
    """handler400: what Django refuses before a view runs (bad host, too many fields, too large, NUL).

    Rendered without a RequestContext, like the 500 page: the middleware that sets up the user may not
    have run. Under /api/ the answer is the API's JSON error."""
    message = bad_request_message(exception)
    if request.path.startswith("/api/"):
        from edubureau.api.errors import error_response

        if isinstance(exception, RequestDataTooBig):
            return error_response("too_large", message, status=413)
        return error_response("bad_request", message, status=400)
    body = loader.get_template("web/400.html").render(
        {"site_name": settings.EDUBUREAU_SITE_NAME, "message": message}
    )
    return HttpResponseBadRequest(body)


def error_403(request, exception=None):
    return render(request, "web/403.html", {"reason": ""}, status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that was open too long, or a request from another site."""
    return render(request, "web/403.html", {"csrf": True}, status=403)


def error_404(request, exception=None):
    # Never show the exception text: it could say what was looked for. Same page for missing and
    # out-of-scope.
    return render(request, "web/404.html", status=404)


def error_500(request):
    """Rendered without a RequestContext and without the database: both may be what failed."""
    request_id = getattr(request, "request_id", "")
    context = {"site_name": settings.EDUBUREAU_SITE_NAME, "request_id": request_id}
    try:
        body = loader.get_template("web/500.html").render(context)
    except Exception:
        logger.exception("the 500 page itself failed to render")
        body = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>系统错误</title>'
            "<h1>系统内部错误</h1><p>请稍后再试，或联系系统管理员。</p>"
            f"<p>错误编号：{escape(request_id)}</p></html>"
        )
    return HttpResponseServerError(body)
