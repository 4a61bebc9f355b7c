"""Forms of the inspections pages. They check input; the services decide and write."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from edubureau.org.choices import SCHOOL_KINDS, UnitKind

from .choices import AnswerType, CampaignStatus, Mode, TargetRule, Theme, Verdict, VisitStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ID_MAX = 2**63 - 1
SCHOOL_KIND_CHOICES = [(k.value, k.label) for k in UnitKind if k in SCHOOL_KINDS]
MAX_EXTRA_FINDINGS = 20


class SchoolMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{obj.name}（{obj.get_kind_display()}{'，' + parent if parent else ''}）"

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue
            if not 1 <= number <= ID_MAX:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
            if not 1 <= number <= ID_MAX:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class UnitChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TemplateChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class UserChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        unit = obj.unit.name if obj.unit_id and obj.unit else ""
        return f"{obj.real_name}（{unit}）" if unit else obj.real_name


class UserMultipleChoiceField(SchoolMultipleChoiceField):
    def label_from_instance(self, obj):
        unit = obj.unit.name if obj.unit_id and obj.unit else ""
        return f"{obj.real_name}（{unit}）" if unit else obj.real_name


# --- filters ----------------------------------------------------------------------------------------


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label="活动名称", required=False, max_length=100)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    theme = forms.ChoiceField(label="检查主题", required=False, choices=[("", "全部主题"), *Theme.choices])
    mode = forms.ChoiceField(label="检查方式", required=False, choices=[("", "全部方式"), *Mode.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *CampaignStatus.choices]
    )

    def filters(self):
        if not self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class TargetFilterForm(forms.Form):
    q = forms.CharField(label="学校", required=False, max_length=100)
    state = forms.ChoiceField(
        label="进度",
        required=False,
        choices=[
            ("", "全部"),
            ("submitted", "已提交自查"),
            ("not_submitted", "未提交自查"),
            ("visited", "已检查"),
            ("not_visited", "未检查"),
        ],
    )

    def filters(self):
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class VisitFilterForm(forms.Form):
    q = forms.CharField(label="学校/活动/小组", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *VisitStatus.choices])
    date_from = forms.DateField(label="检查日期自", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="至", required=False, widget=DATE_WIDGET)

    def filters(self):
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class TemplateFilterForm(forms.Form):
    q = forms.CharField(label="名称", required=False, max_length=100)
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "启用"), ("0", "停用")]
    )

    def filters(self):
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


# --- campaigns --------------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(label="活动名称", max_length=100)
    theme = forms.ChoiceField(label="检查主题", choices=[("", "请选择"), *Theme.choices])
    mode = forms.ChoiceField(label="检查方式", choices=[("", "请选择"), *Mode.choices])
    start = forms.DateField(label="开始日期", widget=DATE_WIDGET)
    end = forms.DateField(label="结束日期", widget=DATE_WIDGET)
    department = UnitChoiceField(label="牵头科室", queryset=None, empty_label="请选择")
    template = TemplateChoiceField(label="检查表", queryset=None, empty_label="请选择")
    description = forms.CharField(
        label="检查要求", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    self_check_required = forms.BooleanField(
        label="要求学校自查", required=False, help_text="“自查”方式自动要求；飞行检查（暗访）不能要求。"
    )
    self_check_due = forms.DateField(
        label="自查截止日期", required=False, widget=DATE_WIDGET, help_text="不填则以结束日期为准。"
    )
    target_rule = forms.ChoiceField(
        label="检查对象",
        choices=TargetRule.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    target_kinds = forms.MultipleChoiceField(
        label="学校类型", required=False, choices=SCHOOL_KIND_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    target_group = SafeModelChoiceField(
        label="单位分组", queryset=None, required=False, empty_label="（不限）"
    )
    target_schools = SchoolMultipleChoiceField(
        label="指定学校", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 10})
    )
    sample_size = forms.IntegerField(label="抽取学校数", required=False, min_value=1, max_value=10000)
    sample_seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=0,
        max_value=2**53,
        help_text="可填写公开确定的整数（如抽签会上现场产生的号码）；不填则启动时由系统生成并记录。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    OPEN_EDITABLE = ("name", "description", "end", "self_check_due")

    def __init__(self, *args, departments, templates, groups, schools, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["template"].queryset = templates
        self.fields["target_group"].queryset = groups
        self.fields["target_schools"].queryset = schools
        self.fields["target_group"].label_from_instance = lambda g: str(g)
        self.campaign = campaign
        if campaign is not None and campaign.status != CampaignStatus.DRAFT:
            for name, field in self.fields.items():
                if name not in (*self.OPEN_EDITABLE, "version"):
                    field.disabled = True
                    field.required = False

    @classmethod
    def initial_from(cls, campaign):
        return {
            "name": campaign.name,
            "theme": campaign.theme,
            "mode": campaign.mode,
            "start": campaign.start,
            "end": campaign.end,
            "department": campaign.department,
            "template": campaign.template,
            "description": campaign.description,
            "self_check_required": campaign.self_check_required,
            "self_check_due": campaign.self_check_due,
            "target_rule": campaign.target_rule,
            "target_kinds": campaign.target_kinds,
            "target_group": campaign.target_group,
            "target_schools": list(campaign.target_schools.all()),
            "sample_size": campaign.sample_size,
            "sample_seed": campaign.sample_seed,
            "version": campaign.version,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if self.campaign is not None and self.campaign.status != CampaignStatus.DRAFT:
            return {k: data[k] for k in self.OPEN_EDITABLE}
        data["target_schools"] = list(data.get("target_schools") or [])
        return data


class TargetPreviewForm(forms.Form):
    """The target rule alone, for the live preview (GET)."""

    department = SafeModelChoiceField(queryset=None, required=False)
    target_rule = forms.ChoiceField(choices=TargetRule.choices, required=False)
    target_kinds = forms.MultipleChoiceField(choices=SCHOOL_KIND_CHOICES, required=False)
    target_group = SafeModelChoiceField(queryset=None, required=False)
    target_schools = SchoolMultipleChoiceField(queryset=None, required=False)
    sample_size = forms.IntegerField(required=False, min_value=1, max_value=10000)
    sample_seed = forms.IntegerField(required=False, min_value=0, max_value=2**53)

    def __init__(self, *args, departments, groups, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["target_group"].queryset = groups
        self.fields["target_schools"].queryset = schools


class CampaignCloseForm(forms.Form):
    note = forms.CharField(
        label="总结说明", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- teams ------------------------------------------------------------------------------------------


class TeamForm(forms.Form):
    name = forms.CharField(label="组名", max_length=60, help_text="如“第一督查组”。")
    note = forms.CharField(label="分工说明", max_length=200, required=False)
    leader = UserChoiceField(label="组长", queryset=None, empty_label="请选择")
    members = UserMultipleChoiceField(
        label="组员（局机关人员、责任督学）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    experts = forms.CharField(
        label="外聘专家",
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "每行一位：姓名 单位/职务，如：钱建国 县消防救援大队"}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, candidates, supervisor_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = candidates
        self.fields["members"].queryset = candidates
        self.supervisor_ids = set(supervisor_ids)

        def label(user):
            unit = user.unit.name if user.unit_id and user.unit else ""
            role = "责任督学" if user.pk in self.supervisor_ids else ""
            extra = "·".join(p for p in (unit, role) if p)
            return f"{user.real_name}（{extra}）" if extra else user.real_name

        self.fields["leader"].label_from_instance = label
        self.fields["members"].label_from_instance = label

    @classmethod
    def initial_from(cls, team):
        members = list(team.members.all())
        leader = next((m for m in members if m.is_leader and m.user_id), None)
        return {
            "name": team.name,
            "note": team.note,
            "leader": leader.user if leader else None,
            "members": [m.user for m in members if m.user_id and not m.is_leader],
            "experts": "\n".join(f"{m.name} {m.affiliation}".strip() for m in members if not m.user_id),
            "version": team.version,
        }

    def member_specs(self):
        data = self.cleaned_data
        leader = data["leader"]

        def kind(user):
            return "supervisor" if user.pk in self.supervisor_ids else "staff"

        specs = [{"kind": kind(leader), "user": leader, "is_leader": True}]
        for user in data.get("members") or []:
            if user.pk != leader.pk:
                specs.append({"kind": kind(user), "user": user, "is_leader": False})
        for line in (data.get("experts") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            name, _, affiliation = line.replace("\u3000", " ").partition(" ")
            specs.append({"kind": "expert", "name": name.strip(), "affiliation": affiliation.strip()})
        return specs


class TeamAssignForm(forms.Form):
    schools = SchoolMultipleChoiceField(
        label="检查学校",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    planned_on = forms.DateField(
        label="计划检查日期", required=False, widget=DATE_WIDGET, help_text="新分配的学校适用。"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools


# --- checklists -------------------------------------------------------------------------------------


class TemplateForm(forms.Form):
    name = forms.CharField(label="检查表名称", max_length=100)
    description = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ItemForm(forms.Form):
    category = forms.CharField(
        label="检查类别",
        max_length=40,
        widget=forms.TextInput(attrs={"list": "eb-item-categories"}),
        help_text="同一类别的检查项排在一起，如“消防安全”“食堂与食品”。",
    )
    text = forms.CharField(label="检查内容", max_length=200)
    standard = forms.CharField(
        label="检查标准", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer_type = forms.ChoiceField(label="答复方式", choices=AnswerType.choices)
    creates_hazard_on_fail = forms.BooleanField(
        label="判定“不符合”时自动登记为隐患", required=False, initial=True
    )
    hazard_category = forms.ChoiceField(label="隐患类别", required=False)
    order = forms.IntegerField(
        label="排序",
        required=False,
        min_value=0,
        max_value=100000,
        help_text="数字小的排在前面；不填排在最后。",
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazard_category"].choices = [("", "（不登记隐患时可不选）"), *categories]

    @classmethod
    def initial_from(cls, item):
        return {
            f: getattr(item, f)
            for f in (
                "category",
                "text",
                "standard",
                "answer_type",
                "creates_hazard_on_fail",
                "hazard_category",
                "order",
            )
        }


# --- checklist answers (visit and self-check forms) -------------------------------------------------


def parse_answers(data, items):
    """The answers posted for each item (fields item-<pk>-verdict/number/text/note/place), with a
    per-item error for a number that does not parse. Returns (answers, errors {item pk: message})."""
    answers, errors = [], {}
    for item in items:
        prefix = f"item-{item.pk}-"
        entry = {
            "item": item,
            "note": (data.get(prefix + "note") or "").strip()[:500],
            "place": (data.get(prefix + "place") or "").strip()[:100],
        }
        if item.answer_type == AnswerType.YES_NO_NA:
            verdict = data.get(prefix + "verdict") or ""
            if verdict and verdict not in Verdict.values:
                errors[item.pk] = "请选择符合、不符合或不适用。"
                continue
            entry["verdict"] = verdict
        elif item.answer_type == AnswerType.NUMBER:
            raw = (data.get(prefix + "number") or "").strip()
            if raw:
                try:
                    entry["number"] = forms.DecimalField(max_digits=12, decimal_places=2).clean(raw)
                except ValidationError:
                    errors[item.pk] = "请填写数字（最多两位小数）。"
                    continue
        else:
            text = (data.get(prefix + "text") or "").strip()
            if len(text) > 500:
                errors[item.pk] = "不能超过500个字符。"
                continue
            entry["text"] = text
        answers.append(entry)
    return answers, errors


def parse_findings(data, files, categories):
    """Extra problems posted as finding-<n>-category/place/description/fixed (+ a photo file).
    Rows left entirely empty are skipped. Returns (findings, errors [message])."""
    findings, errors = [], []
    for n in range(1, MAX_EXTRA_FINDINGS + 1):
        prefix = f"finding-{n}-"
        category = (data.get(prefix + "category") or "").strip()
        place = (data.get(prefix + "place") or "").strip()
        description = (data.get(prefix + "description") or "").strip()
        photo = files.get(prefix + "photo") if files else None
        fixed = data.get(prefix + "fixed") in ("1", "on", "true")
        if not (place or description or photo):
            continue
        if category not in categories:
            errors.append(f"第{n}条问题：请选择隐患类别。")
            continue
        entry = {"category": category, "place": place, "description": description, "fixed_on_spot": fixed}
        if photo:
            entry["photos"] = [photo]
        findings.append(entry)
    return findings, errors


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="检查日期", widget=DATE_WIDGET)
    present_names = forms.CharField(
        label="到场人员",
        max_length=300,
        required=False,
        help_text="用顿号分隔，如：吴科员、郑督学、钱专家。",
    )
    present_count = forms.IntegerField(
        label="到场人数", required=False, min_value=0, max_value=100, help_text="不填则按到场人员的人数计算。"
    )
    notes = forms.CharField(
        label="检查情况", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if not datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31):
            raise ValidationError("检查日期不正确。")
        return value


class SelfCheckForm(forms.Form):
    note = forms.CharField(
        label="自查情况说明", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
