"""Forms of the org pages. They check input; the services decide and write."""

from django import forms
from django.core.exceptions import ValidationError

from .choices import GroupKind, GroupMemberRole, KindergartenGrade, UnitKind, UnitStatus
from .models import OrgGroup, OrgUnit
from .services import UNIT_FIELDS

ID_MAX = 2**63 - 1  # primary keys are 64-bit
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picker that shows the tree by indenting each unit under its parent."""

    def label_from_instance(self, obj):
        return f"{'　' * obj.depth}{obj.name}（{obj.get_kind_display()}）"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * obj.depth}{obj.name}（{obj.get_kind_display()}）"

    def _check_values(self, value):
        # Django's `pk__in` lookup sends a number beyond 64 bits to the database as is (SQLite raises
        # OverflowError, a 500): such an id is refused here like any unknown one.
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # Django's own check refuses it
            if not 1 <= number <= ID_MAX:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="名称/学校标识码", required=False, max_length=100)
    kind = forms.ChoiceField(label="单位类型", required=False, choices=[("", "全部类型"), *UnitKind.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *UnitStatus.choices])


class UnitForm(forms.ModelForm):
    """A unit's attributes (UNIT_FIELDS of the service). The model's validators and clean() give the
    Chinese messages on the right field."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OrgUnit
        fields = UNIT_FIELDS
        widgets = {
            "opened_on": DATE_WIDGET,
            "address": forms.TextInput(attrs={"maxlength": 200}),
            "school_code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 10}),
            "uscc": forms.TextInput(attrs={"maxlength": 18, "style": "text-transform: uppercase"}),
            "division_code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6}),
        }
        help_texts = {
            "division_code": "6位数字（GB/T 2260），如 330102。",
            "sort_order": "数字小的排在前面。",
            "is_puhui": "仅幼儿园填写。",
            "kindergarten_grade": "仅幼儿园填写。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["kindergarten_grade"].choices = [("", "—"), *KindergartenGrade.choices]

    def clean_uscc(self):
        return (self.cleaned_data.get("uscc") or "").strip().upper()

    def clean_school_code(self):
        return (self.cleaned_data.get("school_code") or "").strip()

    def clean_division_code(self):
        return (self.cleaned_data.get("division_code") or "").strip()

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in UNIT_FIELDS}


class UnitCreateForm(UnitForm):
    parent = UnitChoiceField(label="上级单位", queryset=OrgUnit.objects.none(), empty_label="请选择上级单位")

    field_order = ["parent", *UNIT_FIELDS]

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["kind"].initial = UnitKind.PRIMARY


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(
        label="新的上级单位",
        queryset=OrgUnit.objects.none(),
        empty_label="请选择新的上级单位",
        help_text="只列出您有维护权限、且可以容纳该类型单位的单位。下级单位随之一并移动。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class UnitCloseForm(forms.Form):
    closed_on = forms.DateField(label="撤并/停办日期", widget=DATE_WIDGET)
    reason = forms.CharField(
        label="撤并/停办原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：并入某某学校、停止招生等，会记入审计日志。",
    )


class UnitReopenForm(forms.Form):
    reason = forms.CharField(label="恢复原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class GroupFilterForm(forms.Form):
    q = forms.CharField(label="名称/编码", required=False, max_length=100)
    kind = forms.ChoiceField(label="分组类型", required=False, choices=[("", "全部类型"), *GroupKind.choices])


class GroupMembersMixin:
    """Fields to add units to a group with one role; on an existing group, one role field per member
    (choose “移出本组” to remove it)."""

    def _add_member_fields(self, *, candidates, memberships=()):
        self.member_fields = []
        for m in memberships:
            name = f"role_{m.unit_id}"
            self.fields[name] = forms.ChoiceField(
                label=m.unit.name,
                choices=[("", "移出本组"), *GroupMemberRole.choices],
                initial=m.role,
                required=False,
            )
            self.member_fields.append((m, name))
        self.fields["add_units"] = UnitMultipleChoiceField(
            label="添加成员单位",
            queryset=candidates,
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 12}),
            help_text="按住 Ctrl（Mac 上为 ⌘）可多选。只列出您有维护权限的正常办学单位。",
        )
        self.fields["add_role"] = forms.ChoiceField(
            label="新成员在组中的角色", choices=GroupMemberRole.choices, initial=GroupMemberRole.MEMBER
        )

    def member_rows(self):
        return [(m, self[name]) for m, name in self.member_fields]

    def member_pairs(self):
        """[(unit, role)] for the service."""
        pairs = []
        for m, name in self.member_fields:
            role = self.cleaned_data.get(name)
            if role:
                pairs.append((m.unit, role))
        kept = {u.pk for u, _ in pairs}
        for unit in self.cleaned_data.get("add_units") or []:
            if unit.pk not in kept:
                pairs.append((unit, self.cleaned_data["add_role"]))
        return pairs


class GroupCreateForm(GroupMembersMixin, forms.ModelForm):
    class Meta:
        model = OrgGroup
        fields = ["kind", "name", "code", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": "英文字母、数字、短横线或下划线，如 zone-1，创建后不再修改。"}
        error_messages = {"code": {"unique": "该编码已被其他分组使用，请换一个。"}}

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择分组类型"), *GroupKind.choices]
        self._add_member_fields(candidates=candidates)


class GroupMembersForm(GroupMembersMixin, forms.Form):
    def __init__(self, *args, candidates, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_member_fields(candidates=candidates, memberships=memberships)
