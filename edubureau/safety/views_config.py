"""Hazard categories: county-wide configuration kept by system admins (DESIGN.md rule 8)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from edubureau.accounts.scope import user_has_root_perm
from edubureau.common.errors import ServiceError
from edubureau.web.utils import add_service_error

from . import services
from .models import HazardCategory
from .permissions import CONFIG


class CategoryCreateForm(forms.Form):
    code = forms.CharField(
        label="编码", max_length=30, help_text="小写字母开头，如 sports_field；保存后不可修改。"
    )
    name = forms.CharField(label="类别名称", max_length=30)
    sort_order = forms.IntegerField(label="排序", initial=100, min_value=0, max_value=9999)


class CategoryEditForm(forms.Form):
    name = forms.CharField(label="类别名称", max_length=30)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=9999)
    is_active = forms.BooleanField(label="启用（停用后登记隐患时不再可选，已有隐患不受影响）", required=False)


def _require_config(user):
    if not user_has_root_perm(user, CONFIG):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def category_list(request):
    _require_config(request.user)
    form = CategoryCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增隐患类别“{category.name}”。")
            return redirect("safety:category_list")
    categories = HazardCategory.objects.annotate(hazard_count=Count("hazards")).order_by("sort_order", "pk")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "safety/category_list.html", {"form": form, "categories": categories}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    _require_config(request.user)
    category = get_object_or_404(HazardCategory, pk=pk)
    initial = {"name": category.name, "sort_order": category.sort_order, "is_active": category.is_active}
    form = CategoryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=request.user, category=category, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("safety:category_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "safety/category_form.html", {"form": form, "category": category}, status=status)
