"""Forms of the user and token pages. They check input; the services check the rules."""

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator, fields_for_model

from . import scope, selectors, services
from .choices import RoleScope
from .models import Role, User

INDENT = "\u3000"  # ideographic space


class _IndentedUnitIterator(ModelChoiceIterator):
    """Units in tree order, indented by depth below the shallowest one shown (one query)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = list(self.queryset)
        base = min((u.depth for u in units), default=0)
        for unit in units:
            value, _ = self.choice(unit)
            yield (value, INDENT * (unit.depth - base) + unit.name)


class UnitChoiceField(forms.ModelChoiceField):
    iterator = _IndentedUnitIterator


def _version_field():
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class UserFilterForm(forms.Form):
    """The list's filter bar (GET)."""

    STATUS_CHOICES = [
        ("", "全部状态"),
        (selectors.STATUS_ACTIVE, "启用"),
        (selectors.STATUS_INACTIVE, "停用"),
        (selectors.STATUS_LOCKED, "已锁定"),
        (selectors.STATUS_MUST_CHANGE, "待修改密码"),
    ]

    q = forms.CharField(
        label="关键字",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "账号、姓名或手机号"}),
    )
    unit = UnitChoiceField(label="单位", queryset=None, required=False, empty_label="全部单位")
    role = forms.ModelChoiceField(label="角色", queryset=None, required=False, empty_label="全部角色")
    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    sort = forms.ChoiceField(
        choices=[("", "")] + [(k, k) for k in selectors.USER_SORTS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.user_filter_units(actor)
        self.fields["role"].queryset = selectors.roles()
        for field in self.fields.values():
            small = "form-select-sm" if isinstance(field.widget, forms.Select) else "form-control-sm"
            field.widget.attrs["class"] = small

    def filters(self):
        """The valid part of the filter (an invalid field is ignored and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: data[key] for key in ("q", "unit", "role", "status", "sort") if key in data}


def _roles_for_new_users(actor):
    """Unit roles the actor may give on at least one unit they manage."""
    ids = set()
    for grant in scope.user_grants(actor):
        if "users.manage" in grant.perms and grant.membership.unit_id:
            ids |= {r.pk for r in services.grantable_roles(actor, grant.membership.unit)}
    return Role.objects.filter(pk__in=ids, scope=RoleScope.UNIT)


class UserCreateForm(forms.Form):
    unit = UnitChoiceField(label="所属单位", queryset=None, empty_label="请选择单位")
    username = fields_for_model(User, fields=["username"])["username"]
    real_name = fields_for_model(User, fields=["real_name"])["real_name"]
    phone = fields_for_model(User, fields=["phone"])["phone"]
    email = fields_for_model(User, fields=["email"])["email"]
    role = forms.ModelChoiceField(
        label="初始角色",
        queryset=None,
        required=False,
        empty_label="暂不授予",
        help_text="授予在所属单位上。责任督学等分组角色请在创建后于用户详情页授予。",
    )
    department = UnitChoiceField(
        label="所在科室",
        queryset=None,
        required=False,
        empty_label="请选择科室",
        help_text="“科室人员”角色须指定所在科室。",
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.manageable_units(actor)
        self.fields["role"].queryset = _roles_for_new_users(actor)
        self.fields["department"].queryset = selectors.manageable_departments(actor)
        self.fields["username"].help_text = "字母、数字和 @ . + - _，创建后不能修改。"

    def role_rules(self):
        """For the page's script: show the department only for roles that need one."""
        rules = {"": {"department": False}}
        rules.update({str(r.pk): {"department": r.needs_department} for r in self.fields["role"].queryset})
        return rules

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role is None or not role.needs_department:
            data["department"] = None
        return data


class UserEditForm(forms.Form):
    real_name = fields_for_model(User, fields=["real_name"])["real_name"]
    phone = fields_for_model(User, fields=["phone"])["phone"]
    email = fields_for_model(User, fields=["email"])["email"]
    unit = UnitChoiceField(label="所属单位", queryset=None, empty_label="请选择单位")
    version = _version_field()

    def __init__(self, *args, actor, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "real_name": user.real_name,
                "phone": user.phone,
                "email": user.email,
                "unit": user.unit_id,
                "version": user.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.manageable_units(actor)


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="停用原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：已调离本单位、已退休"}),
        error_messages={"required": "停用账号须填写原因。"},
    )


class GrantForm(forms.Form):
    role = forms.ModelChoiceField(label="角色", queryset=None, empty_label="请选择角色")
    unit = UnitChoiceField(
        label="授权单位",
        queryset=None,
        required=False,
        empty_label="请选择单位",
        help_text="角色对该单位及其下级单位有效。",
    )
    group = forms.ModelChoiceField(
        label="授权分组",
        queryset=None,
        required=False,
        empty_label="请选择分组",
        help_text="责任督学等分组角色授予在督学责任区等分组上。",
    )
    department = UnitChoiceField(label="所在科室", queryset=None, required=False, empty_label="请选择科室")
    title = forms.CharField(
        label="职务",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：副校长、科长（可不填）"}),
    )

    def __init__(self, *args, actor, user, **kwargs):
        kwargs.setdefault("initial", {"unit": user.unit_id})
        super().__init__(*args, **kwargs)
        self.roles = services.grantable_roles(actor, user.unit)
        self.fields["role"].queryset = Role.objects.filter(pk__in=[r.pk for r in self.roles])
        self.fields["unit"].queryset = selectors.manageable_units(actor)
        self.fields["group"].queryset = selectors.manageable_groups(actor)
        self.fields["department"].queryset = selectors.manageable_departments(actor)

    def role_rules(self):
        """For the page's script: which fields to show for each role ("" = none chosen yet)."""
        rules = {"": {"unit": True, "group": False, "department": False}}
        for r in self.roles:
            group = r.scope == RoleScope.GROUP
            rules[str(r.pk)] = {"unit": not group, "group": group, "department": r.needs_department}
        return rules

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role is None:
            return data
        # Only the fields that fit the role are passed on (the page hides the others).
        if role.scope == RoleScope.GROUP:
            data["unit"] = None
        else:
            data["group"] = None
        if not role.needs_department:
            data["department"] = None
        return data


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="用途",
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "如：安全台账同步脚本"}),
        help_text="说明令牌给哪个程序或脚本使用，便于日后识别和吊销。",
    )
    days = forms.IntegerField(
        label="有效期（天）",
        min_value=1,
        max_value=366,
        help_text="1-366天，到期后自动失效。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.EDUBUREAU_API_TOKEN_DAYS
