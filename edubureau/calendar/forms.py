"""Forms check types and required fields; the rules live in services.py."""

from django import forms

from .choices import DayKind, Term
from .services import MAX_YEAR, MIN_YEAR
from .workdays import MAX_WORKDAYS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, required=True, attrs=None):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(attrs=attrs),
        error_messages={"required": f"请填写{label}。", "invalid": "请填写正确的日期，如2026-09-01。"},
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SchoolYearForm(VersionForm):
    name = forms.CharField(
        label="学年名称",
        max_length=40,
        help_text="如：2026—2027学年",
        error_messages={"required": "请填写学年名称。", "max_length": "学年名称不能超过40个字。"},
    )
    start = date_field("开始日期")
    end = date_field("结束日期")


class SemesterForm(VersionForm):
    term = forms.TypedChoiceField(
        label="学期",
        choices=Term.choices,
        coerce=int,
        error_messages={"required": "请选择学期。", "invalid_choice": "请选择第一学期或第二学期。"},
    )
    start = date_field("开始日期")
    end = date_field("结束日期")


class HolidayYearForm(forms.Form):
    year = forms.IntegerField(
        label="年份",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "required": "请填写年份。",
            "invalid": "请填写正确的年份，如2027。",
            "min_value": f"年份应在{MIN_YEAR}至{MAX_YEAR}之间。",
            "max_value": f"年份应在{MIN_YEAR}至{MAX_YEAR}之间。",
        },
    )
    document_no = forms.CharField(
        label="通知文号",
        max_length=80,
        required=False,
        help_text="国务院办公厅关于该年部分节假日安排的通知文号，如：国办发明电〔2026〕X号",
        error_messages={"max_length": "通知文号不能超过80个字。"},
    )
    note = forms.CharField(
        label="备注",
        max_length=300,
        required=False,
        error_messages={"max_length": "备注不能超过300个字。"},
    )
    copy_package = forms.BooleanField(
        label="以系统内置数据为底稿（仅限内置数据已包含的年份）",
        required=False,
        help_text="勾选后先导入该年内置的放假和调休日期，再逐条核对、增删。",
    )


class HolidayYearMetaForm(VersionForm):
    document_no = HolidayYearForm.base_fields["document_no"]
    note = HolidayYearForm.base_fields["note"]


class DayRowForm(forms.Form):
    """One row of the arrangement entry: a date or a date range, its kind and the holiday's name."""

    start = date_field("日期")
    end = date_field("至", required=False)
    kind = forms.ChoiceField(
        label="类型",
        choices=DayKind.choices,
        initial=DayKind.HOLIDAY,
        error_messages={"required": "请选择类型。", "invalid_choice": "请选择放假或调休上班。"},
    )
    name = forms.CharField(
        label="节日名称",
        max_length=30,
        widget=forms.TextInput(attrs={"list": "eb-holiday-names", "placeholder": "如：春节"}),
        error_messages={"required": "请填写节日名称。", "max_length": "节日名称不能超过30个字。"},
    )


class BaseDayRowFormSet(forms.BaseFormSet):
    def rows(self):
        """The filled rows as dicts for services.calendar_days_add, and their forms (same order)."""
        filled = [(i, f) for i, f in enumerate(self.forms) if f.has_changed() and f.cleaned_data]
        return [{**f.cleaned_data, "line": i + 1} for i, f in filled], [f for _i, f in filled]


# absolute_max: a forged TOTAL_FORMS builds at most 60 forms (Django's default allows max_num + 1000).
DayRowFormSet = forms.formset_factory(
    DayRowForm, formset=BaseDayRowFormSet, extra=4, max_num=60, absolute_max=60, validate_max=True
)


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label="删除原因",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：日期录错"}),
    )


class CalculatorForm(forms.Form):
    start = date_field("起算日期", attrs={"class": "form-control form-control-sm"})
    n = forms.IntegerField(
        label="工作日数",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        min_value=0,
        max_value=MAX_WORKDAYS,
        error_messages={
            "required": "请填写工作日数。",
            "invalid": "工作日数应为整数。",
            "min_value": "工作日数不能小于0。",
            "max_value": f"工作日数不能超过{MAX_WORKDAYS}。",
        },
    )
