"""Role pages: every user manager can read what each role grants; system admins change it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from edubureau.common.errors import ServiceError
from edubureau.web.utils import add_service_error

from . import services
from .models import Role
from .permissions import PERMISSIONS
from .scope import user_has_perm, user_has_root_perm


class RoleForm(forms.Form):
    name = forms.CharField(label="角色名称", max_length=40)
    description = forms.CharField(label="说明", max_length=200, required=False)
    permissions = forms.MultipleChoiceField(
        label="权限",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="角色在其授权单位（及下级单位）或分组上拥有这些权限。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [
            (code, f"{label}（{code}）") for code, label in PERMISSIONS.items()
        ]


def _require(user, perm):
    if not user_has_perm(user, perm):
        raise Http404


@login_required
def role_list(request):
    _require(request.user, "users.view")
    roles = Role.objects.annotate(holders=Count("memberships", filter=Q(memberships__ended_at__isnull=True)))
    rows = [
        {"role": role, "perms": [(code, PERMISSIONS.get(code, code)) for code in role.permissions]}
        for role in roles
    ]
    return render(
        request,
        "accounts/role_list.html",
        {
            "rows": rows,
            "can_edit": user_has_root_perm(request.user, "roles.manage"),
            "all_permissions": PERMISSIONS,
        },
    )


@login_required
def role_edit(request, pk):
    if not user_has_root_perm(request.user, "roles.manage"):  # roles are county-wide data
        raise Http404
    role = get_object_or_404(Role, pk=pk)
    initial = {
        "name": role.name,
        "description": role.description,
        "permissions": role.permissions,
        "version": role.version,
    }
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_update(
                actor=request.user,
                role=role,
                permissions=data["permissions"],
                name=data["name"],
                description=data["description"],
                version=data["version"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存角色“{data['name']}”的权限。")
            return redirect("accounts:role_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/role_form.html", {"form": form, "role": role}, status=status)
