"""User management and personal API token pages. Thin: forms check input, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from edubureau.accounts.scope import require_perm
from edubureau.common.errors import ServiceError
from edubureau.org.scoping import get_visible_or_404
from edubureau.web.utils import add_service_error, paginate

from . import selectors, services
from .forms import DeactivateForm, GrantForm, TokenCreateForm, UserCreateForm, UserEditForm, UserFilterForm
from .models import Membership
from .scope import user_can, user_has_perm

FORM_ERROR_STATUS = 422

# Badge colours of the login log's outcomes.
LOGIN_COLOURS = {
    "success": "success",
    "failure": "danger",
    "unknown_user": "danger",
    "inactive": "secondary",
    "locked": "danger",
    "unlock": "info",
    "logout": "light",
    "timeout": "light",
}


# --- users ----------------------------------------------------------------------------------------


@login_required
def user_list(request):
    actor = request.user
    require_perm(actor, "users.view")
    form = UserFilterForm(request.GET, actor=actor)
    filters = form.filters()
    page_obj = paginate(request, selectors.user_list(actor=actor, **filters))
    users = list(page_obj)
    locks = selectors.locked_until_map(u.username for u in users)
    for u in users:
        u.locked_until = locks.get(u.username)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "users": users,
            "sort": filters.get("sort", ""),
            "can_create": user_has_perm(actor, "users.manage"),
        },
    )


@login_required
def user_detail(request, pk):
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk)
    current, ended = selectors.user_memberships(target)
    can_manage = user_can(actor, "users.manage", target.unit)
    # The login log (addresses, browsers) is audit data: for the user's managers and auditors only.
    can_see_logins = can_manage or user_can(actor, "audit.view", target.unit)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "current_memberships": current,
            "ended_memberships": ended,
            "can_see_logins": can_see_logins,
            "logins": selectors.user_recent_logins(target) if can_see_logins else [],
            "locked_until": selectors.locked_until_map([target.username]).get(target.username),
            "can_manage": can_manage,
            "is_self": target.pk == actor.pk,
            "deactivate_form": DeactivateForm(),
            "login_colours": LOGIN_COLOURS,
        },
    )


@never_cache
@login_required
def user_create(request):
    actor = request.user
    require_perm(actor, "users.manage")
    form = UserCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            user, temporary = services.user_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            # Shown in this response only; never stored, never shown again.
            return render(
                request,
                "accounts/temporary_password.html",
                {"target": user, "temporary": temporary, "created": True},
            )
    status = FORM_ERROR_STATUS if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form, "creating": True}, status=status)


@login_required
def user_edit(request, pk):
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk, perm="users.manage")
    form = UserEditForm(request.POST or None, actor=actor, user=target)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.user_update(actor=actor, user=target, version=version, **data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "用户信息已保存。")
            return redirect(target)
    status = FORM_ERROR_STATUS if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form, "target": target}, status=status)


@never_cache
@require_POST
@login_required
def user_reset_password(request, pk):
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk, perm="users.manage")
    try:
        temporary = services.user_reset_password(actor=actor, user=target)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    return render(request, "accounts/temporary_password.html", {"target": target, "temporary": temporary})


@login_required
def user_deactivate(request, pk):
    """GET: the form (also reached from the detail page's dialog); POST: deactivate with a reason."""
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk, perm="users.manage")
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_active(
                actor=actor, user=target, active=False, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已停用账号“{target.username}”。")
            return redirect(target)
    status = FORM_ERROR_STATUS if request.method == "POST" else 200
    return render(request, "accounts/user_deactivate.html", {"form": form, "target": target}, status=status)


@require_POST
@login_required
def user_activate(request, pk):
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk, perm="users.manage")
    try:
        services.user_set_active(actor=actor, user=target, active=True)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已启用账号“{target.username}”。")
    return redirect(target)


@require_POST
@login_required
def user_unlock(request, pk):
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk, perm="users.manage")
    try:
        services.user_unlock(actor=actor, user=target)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解除账号“{target.username}”的登录锁定。")
    return redirect(target)


@login_required
def membership_grant(request, pk):
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk, perm="users.manage")
    form = GrantForm(request.POST or None, actor=actor, user=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(actor=actor, user=target, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已授予角色“{form.cleaned_data['role'].name}”。")
            return redirect(target)
    status = FORM_ERROR_STATUS if request.method == "POST" else 200
    return render(
        request,
        "accounts/membership_grant.html",
        {"form": form, "target": target, "role_rules": form.role_rules()},
        status=status,
    )


@require_POST
@login_required
def membership_end(request, pk, membership_pk):
    actor = request.user
    target = selectors.user_get(actor=actor, pk=pk, perm="users.manage")
    membership = get_visible_or_404(
        Membership.objects.select_related("role", "user"),
        actor,
        "users.manage",
        pk=membership_pk,
        user_id=target.pk,
    )
    try:
        services.membership_end(actor=actor, membership=membership)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已结束角色“{membership.role.name}”。")
    return redirect(target)


# --- personal API tokens --------------------------------------------------------------------------


def _token_page(request, form, *, created=None, text=None, status=200):
    return render(
        request,
        "accounts/token_list.html",
        {
            "tokens": selectors.token_list(user=request.user),
            "form": form,
            "created": created,
            "token_text": text,
        },
        status=status,
    )


@never_cache
@login_required
def token_list(request):
    return _token_page(request, TokenCreateForm())


@never_cache
@require_POST
@login_required
def token_create(request):
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, text = services.token_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            # The text is in this response only: it is stored as a hash and can never be shown again.
            return _token_page(request, TokenCreateForm(), created=token, text=text)
    return _token_page(request, form, status=FORM_ERROR_STATUS)


@require_POST
@login_required
def token_revoke(request, pk):
    token = selectors.token_get(user=request.user, pk=pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"令牌“{token.name}”已吊销，使用它的程序将无法再访问接口。")
    return redirect("accounts:token_list")
