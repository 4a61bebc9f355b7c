"""Pages of the org tree and groups. Thin: read through selectors, write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from edubureau.accounts.scope import require_perm, user_can, user_has_perm
from edubureau.common.errors import ServiceError
from edubureau.web.utils import add_service_error, render_form

from . import selectors, services
from .choices import UnitStatus
from .forms import (
    GroupCreateForm,
    GroupFilterForm,
    GroupMembersForm,
    UnitCloseForm,
    UnitCreateForm,
    UnitFilterForm,
    UnitForm,
    UnitMoveForm,
    UnitReopenForm,
)
from .models import OrgGroup, OrgGroupMember, OrgUnit
from .scoping import get_visible_or_404


@login_required
def tree(request):
    require_perm(request.user, "org.view")
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    data = selectors.org_tree(
        user=request.user,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        q=filters.get("q", ""),
    )
    return render(
        request,
        "org/tree.html",
        {"form": form, "can_manage": user_has_perm(request.user, "org.manage"), **data},
    )


@login_required
def unit_detail(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.select_related("parent"), request.user, "org.view", pk=pk)
    context = {
        "unit": unit,
        "can_manage": user_can(request.user, "org.manage", unit),
        "can_add_child": user_can(request.user, "org.manage", unit) and unit.is_active,
        **selectors.unit_detail(user=request.user, unit=unit),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    require_perm(request.user, "org.manage")
    parents = selectors.manageable_parents(user=request.user)
    initial = {}
    parent_id = request.GET.get("parent")
    if parent_id:
        initial["parent"] = get_visible_or_404(
            OrgUnit.objects.all(), request.user, "org.manage", pk=parent_id
        )
    form = UnitCreateForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user, parent=form.cleaned_data["parent"], **form.service_fields()
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增单位“{unit.name}”。")
            return redirect(unit)
    return render_form(request, "org/unit_form.html", {"form": form, "parent": initial.get("parent")})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.all(), request.user, "org.manage", pk=pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "单位信息已保存。")
            return redirect("org:unit_detail", pk=pk)
    unit.refresh_from_db()  # the form may have changed the instance while validating
    return render_form(request, "org/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.select_related("parent"), request.user, "org.manage", pk=pk)
    parents = selectors.manageable_parents(user=request.user, unit=unit)
    form = UnitMoveForm(request.POST or None, parents=parents, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                actor=request.user,
                unit=unit,
                new_parent=form.cleaned_data["parent"],
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, f"已将“{unit.name}”及其下级单位移到“{form.cleaned_data['parent'].name}”之下。"
            )
            return redirect("org:unit_detail", pk=pk)
    return render_form(request, "org/unit_move.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_close(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.all(), request.user, "org.manage", pk=pk)
    if unit.status == UnitStatus.CLOSED:
        return redirect("org:unit_reopen", pk=pk)
    form = UnitCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_close(actor=request.user, unit=unit, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"“{unit.name}”已标记为撤并/停办。")
            return redirect("org:unit_detail", pk=pk)
    return render_form(request, "org/unit_status.html", {"form": form, "unit": unit, "closing": True})


@login_required
@require_http_methods(["GET", "POST"])
def unit_reopen(request, pk):
    unit = get_visible_or_404(OrgUnit.objects.select_related("parent"), request.user, "org.manage", pk=pk)
    if unit.status != UnitStatus.CLOSED:
        return redirect("org:unit_close", pk=pk)
    form = UnitReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_reopen(actor=request.user, unit=unit, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"“{unit.name}”已恢复为正常办学。")
            return redirect("org:unit_detail", pk=pk)
    return render_form(request, "org/unit_status.html", {"form": form, "unit": unit, "closing": False})


# --- groups -------------------------------------------------------------------------------------


@login_required
def group_list(request):
    require_perm(request.user, "org.view")
    form = GroupFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sections = selectors.group_list(user=request.user, kind=filters.get("kind", ""), q=filters.get("q", ""))
    return render(
        request,
        "org/group_list.html",
        {
            "form": form,
            "sections": sections,
            "total": sum(len(items) for _, _, items in sections),
            "can_manage": user_has_perm(request.user, "org.manage"),
        },
    )


@login_required
def group_detail(request, pk):
    group = get_visible_or_404(OrgGroup.objects.all(), request.user, "org.view", pk=pk)
    context = {
        "group": group,
        "can_manage": selectors.group_can_manage(user=request.user, group=group),
        **selectors.group_detail(user=request.user, group=group),
    }
    return render(request, "org/group_detail.html", context)


def _member_candidates(user, exclude_ids=()):
    return (
        OrgUnit.objects.visible_to(user, "org.manage")
        .filter(status=UnitStatus.ACTIVE)
        .exclude(pk__in=list(exclude_ids))
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    require_perm(request.user, "org.manage")
    form = GroupCreateForm(request.POST or None, candidates=_member_candidates(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                actor=request.user,
                kind=data["kind"],
                name=data["name"],
                code=data["code"],
                description=data["description"],
                members=form.member_pairs(),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新建分组“{group.name}”。")
            return redirect(group)
    return render_form(request, "org/group_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def group_members(request, pk):
    group = get_visible_or_404(OrgGroup.objects.all(), request.user, "org.view", pk=pk)
    if not selectors.group_can_manage(user=request.user, group=group):
        raise Http404("未找到该对象，或您无权访问。")
    memberships = selectors.sorted_members(OrgGroupMember.objects.filter(group=group).select_related("unit"))
    form = GroupMembersForm(
        request.POST or None,
        candidates=_member_candidates(request.user, exclude_ids=[m.unit_id for m in memberships]),
        memberships=memberships,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_set_members(actor=request.user, group=group, members=form.member_pairs())
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "成员单位已更新。")
            return redirect(group)
    return render_form(request, "org/group_form.html", {"form": form, "group": group})
