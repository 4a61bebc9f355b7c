"""Forms of the incident pages. They check the input's shape; the services check the rules."""

from decimal import Decimal

from django import forms

from .choices import IncidentCategory, IncidentFlag, IncidentLevel
from .models import MAX_LOSS, MAX_PEOPLE

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _moment_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "请填写正确的日期和时间。", "required": f"请填写{label}。"},
    )


def _text_field(label, max_length, *, required=True, rows=3, help_text="", placeholder=""):
    attrs = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs=attrs),
        error_messages={"required": f"请填写{label}。"},
    )


def _choice_field(label, choices, *, empty="请选择", help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=[("", empty), *choices],
        help_text=help_text,
        error_messages={"required": f"请选择{label}。", "invalid_choice": f"请从列表中选择{label}。"},
    )


def _char_field(label, max_length, *, required=True, placeholder="", **attrs):
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": f"请填写{label}。"},
    )


def _count_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_PEOPLE,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"请填写{label}（没有请填0）。",
            "invalid": f"{label}应为整数。",
            "min_value": f"{label}不能为负数。",
            "max_value": f"{label}不能超过{MAX_PEOPLE}。",
        },
    )


def _loss_field():
    return forms.DecimalField(
        label="直接经济损失（元）",
        min_value=Decimal("0"),
        max_value=MAX_LOSS,
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages={
            "required": "请填写直接经济损失（没有请填0）。",
            "invalid": "请填写金额（元），如 1200.50。",
            "min_value": "直接经济损失不能为负数。",
            "max_value": "直接经济损失过大，请核对（单位为元）。",
            "max_decimal_places": "直接经济损失最多保留两位小数。",
            "max_digits": "直接经济损失过大，请核对（单位为元）。",
            "max_whole_digits": "直接经济损失过大，请核对（单位为元）。",
        },
    )


class SchoolChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "required": "请选择学校。",
        "invalid_choice": "所选学校不存在，或不在您的范围内。",
    }

    def label_from_instance(self, obj):
        return obj.name


class _SchoolMixin:
    def _setup_school(self, schools):
        field = self.fields["school"]
        field.queryset = schools
        only = list(schools[:2])
        if len(only) == 1:  # one school: no choice to make
            field.initial = only[0].pk
            field.widget = forms.HiddenInput()
            self.single_school = only[0]
        else:
            self.single_school = None


class FirstReportForm(_SchoolMixin, forms.Form):
    """The quick first report (初报) a school sends from a phone."""

    school = SchoolChoiceField(label="学校", queryset=None, empty_label="请选择学校")
    title = _char_field("事件名称", 100, placeholder="如：三年级学生课间在操场摔伤")
    occurred_at = _moment_field("事发时间")
    place = _char_field("事发地点", 200, placeholder="如：学校操场东侧篮球场")
    category = _choice_field("事件类别", IncidentCategory.choices)
    level = _choice_field(
        "事件级别", IncidentLevel.choices, help_text="不能确定时按可能的较高级别报送，续报时再说明。"
    )
    summary = _text_field("事件简要经过", 4000, rows=4, placeholder="时间、地点、涉及人员、发生了什么")
    deaths = _count_field("死亡人数")
    injuries = _count_field("受伤人数")
    estimated_loss = _loss_field()
    likely_cause = _text_field("初步原因", 2000, required=False, rows=2)
    measures = _text_field("已采取的措施", 4000, rows=3, placeholder="救治、疏散、通知家长、报警等")
    next_steps = _text_field("下一步工作", 2000, required=False, rows=2)
    reporter_name = _char_field("报告人", 40, autocomplete="name")
    reporter_phone = _char_field("联系电话", 20, inputmode="tel", autocomplete="tel")
    phoned_at = _moment_field(
        "电话报告时间", required=False, help_text="已先行电话报告教育局的，填写电话报告的时间。"
    )

    def __init__(self, *args, schools, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_school(schools)
        if user is not None and not self.is_bound:
            self.fields["reporter_name"].initial = user.real_name
            self.fields["reporter_phone"].initial = user.phone


class ReportForm(forms.Form):
    """A follow-up (续报), the final report (终报) or a late first report (补报)."""

    text = _text_field("报告内容", 4000, rows=5)
    deaths = _count_field("死亡人数（截至本次报告）")
    injuries = _count_field("受伤人数（截至本次报告）")
    estimated_loss = _loss_field()
    measures = _text_field("已采取的措施", 4000, rows=3)
    cause = _text_field("原因分析", 2000, required=False, rows=2)
    next_steps = _text_field("下一步工作", 2000, required=False, rows=2)

    def __init__(self, *args, cause_required=False, text_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cause_required:
            self.fields["cause"].required = True
            self.fields["cause"].label = "事件原因及责任认定"
            self.fields["cause"].error_messages["required"] = "请填写事件原因及责任认定。"
        if text_label:
            self.fields["text"].label = text_label
            self.fields["text"].error_messages["required"] = f"请填写{text_label}。"


class BureauRecordForm(_SchoolMixin, forms.Form):
    """The bureau records an incident the school did not report."""

    school = SchoolChoiceField(label="学校", queryset=None, empty_label="请选择学校")
    title = _char_field("事件名称", 100)
    occurred_at = _moment_field("事发时间")
    bureau_learned_at = _moment_field("教育局获知时间")
    bureau_source = _char_field("信息来源", 200, placeholder="如：县人民医院通报、家长来电、网络舆情")
    place = _char_field("事发地点", 200)
    category = _choice_field("事件类别", IncidentCategory.choices)
    level = _choice_field("事件级别", IncidentLevel.choices)
    summary = _text_field("事件简要经过", 4000, rows=4)
    deaths = _count_field("死亡人数")
    injuries = _count_field("受伤人数")
    estimated_loss = _loss_field()
    likely_cause = _text_field("初步原因", 2000, required=False, rows=2)
    measures = _text_field("已采取的措施", 4000, rows=3, placeholder="教育局和学校已采取的措施")
    reporter_name = _char_field("信息提供人", 40, required=False)
    reporter_phone = _char_field("信息提供人电话", 20, required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_school(schools)


class IncidentFilterForm(forms.Form):
    """The ledger's filter bar (GET). An invalid value is ignored and shown."""

    q = forms.CharField(
        label="关键字",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "事件名称、学校、地点"}),
    )
    level = forms.ChoiceField(
        label="级别", required=False, choices=[("", "全部级别"), *IncidentLevel.choices]
    )
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *IncidentCategory.choices]
    )
    town = forms.ModelChoiceField(label="镇街", required=False, queryset=None, empty_label="全部镇街")
    school = SchoolChoiceField(label="学校", required=False, queryset=None, empty_label="全部学校")
    flag = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *IncidentFlag.choices])
    occurred_from = forms.DateField(
        label="事发日期起", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    occurred_to = forms.DateField(
        label="事发日期止", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    FILTERS = ("q", "level", "category", "town", "school", "flag", "occurred_from", "occurred_to")

    def __init__(self, *args, schools, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["town"].queryset = towns
        for field in self.fields.values():
            small = "form-select-sm" if isinstance(field.widget, forms.Select) else "form-control-sm"
            field.widget.attrs["class"] = small

    def filters(self):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {key: data[key] for key in self.FILTERS if data.get(key) not in (None, "")}


class TimeLimitForm(forms.Form):
    first_report_minutes = forms.IntegerField(
        label="初报时限（分钟）",
        min_value=1,
        max_value=7 * 24 * 60,
        help_text="事发后多少分钟内须书面报送初报，如4小时填240。",
    )
    followup_interval_hours = forms.IntegerField(
        label="续报间隔（小时）",
        min_value=1,
        max_value=30 * 24,
        help_text="终报之前，距上次报告多少小时须续报。",
    )
    final_report_days = forms.IntegerField(
        label="终报时限（天）", min_value=1, max_value=365, help_text="事发后多少个自然日内须报送终报。"
    )
    note = forms.CharField(label="说明", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
