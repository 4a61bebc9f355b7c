"""Search forms of the audit pages."""

import datetime

from django import forms

from edubureau.common.context import Channel
from edubureau.org.forms import UnitChoiceField
from edubureau.org.models import OrgUnit

from .choices import LoginEventKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Searchable days: a day outside this range has no log rows and would overflow the time arithmetic.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2199, 12, 31)


class _SearchForm(forms.Form):
    unit = UnitChoiceField(
        label="单位（含下级）", queryset=OrgUnit.objects.none(), required=False, empty_label="全部单位"
    )
    date_from = forms.DateField(label="开始日期", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="结束日期", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(name, f"请填写{FIRST_DAY.year}年至{LAST_DAY.year}年之间的日期。")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期。")
        return data

    def filters(self):
        """The cleaned values for the selector ({} when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class EventSearchForm(_SearchForm):
    actor = forms.CharField(label="操作人", required=False, max_length=80)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False, max_length=40)
    action = forms.CharField(label="操作", required=False, max_length=60)
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部渠道"), *Channel.choices])

    field_order = ["actor", "unit", "object_type", "object_id", "action", "channel", "date_from", "date_to"]

    def __init__(self, *args, object_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "全部类型"), *object_types]


class LoginSearchForm(_SearchForm):
    username = forms.CharField(label="登录账号", required=False, max_length=150)
    kind = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部结果"), *LoginEventKind.choices]
    )
    ip = forms.CharField(label="IP地址", required=False, max_length=45)

    field_order = ["username", "kind", "ip", "unit", "date_from", "date_to"]


class SensitiveSearchForm(_SearchForm):
    actor = forms.CharField(label="查看人", required=False, max_length=80)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    field = forms.CharField(label="字段", required=False, max_length=60)

    field_order = ["actor", "object_type", "field", "unit", "date_from", "date_to"]

    def __init__(self, *args, object_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "全部类型"), *object_types]
