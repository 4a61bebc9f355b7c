"""Forms of the hazard pages. They check shapes; the services check the rules."""

from django import forms
from django.utils import timezone

from edubureau.org.choices import SCHOOL_KINDS, UnitKind
from edubureau.org.models import OrgUnit

from . import permissions as P
from . import uploads
from .choices import AttachmentKind, HazardLevel, HazardSource, HazardStatus
from .models import HazardCategory
from .selectors import SORT_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RADIO = {"class": "form-check-input"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the content is checked by the service, not here)."""

    def __init__(self, *args, accept=uploads.ACCEPT, capture=False, **kwargs):
        attrs = {"accept": accept, "multiple": True}
        if capture:
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > uploads.MAX_FILES:
            raise forms.ValidationError(f"一次最多上传{uploads.MAX_FILES}个文件。")
        return files


def schools_for(user, perm):
    """Active schools on which the user holds `perm`, in tree order."""
    return (
        OrgUnit.objects.visible_to(user, perm).filter(kind__in=SCHOOL_KINDS, status="active").order_by("path")
    )


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DeadlineMixin:
    """A deadline as a date or as "N个工作日内" (the service turns N into a date on the calendar)."""

    def clean(self):
        data = super().clean()
        day, workdays = data.get("deadline"), data.get("deadline_workdays")
        if day and workdays:
            self.add_error("deadline_workdays", "整改期限请填写日期或工作日数，二选一。")
        data["deadline_value"] = workdays or day
        return data


def deadline_fields():
    return (
        forms.DateField(label="整改期限", required=False, widget=DATE),
        forms.IntegerField(
            label="或：N个工作日内",
            required=False,
            min_value=1,
            max_value=250,
            help_text="按工作日计算，自动扣除法定节假日并计入调休上班日。",
        ),
    )


class HazardReportForm(DeadlineMixin, forms.Form):
    school = SchoolChoiceField(label="学校", queryset=OrgUnit.objects.none(), empty_label="请选择学校")
    place = forms.CharField(
        label="隐患部位",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如：教学楼二楼东侧楼梯"}),
    )
    category = forms.ModelChoiceField(
        label="隐患类别", queryset=HazardCategory.objects.none(), empty_label="请选择"
    )
    level = forms.ChoiceField(
        label="隐患等级",
        choices=HazardLevel.choices,
        initial=HazardLevel.GENERAL,
        widget=forms.RadioSelect(attrs=RADIO),
    )
    description = forms.CharField(
        label="隐患描述",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "存在什么问题、可能造成什么后果"}),
    )
    photos = MultipleFileField(
        label="现场照片",
        accept=uploads.ACCEPT,
        help_text=f"可拍照或从相册选择，最多{uploads.MAX_FILES}个；支持JPG、PNG、WebP、PDF、Word、Excel，单个不超过10MB。",
    )
    fixed_on_spot = forms.BooleanField(
        label="已当场整改（发现即整改完毕，直接销号，须上传照片）", required=False
    )
    source = forms.ChoiceField(
        label="发现方式", choices=HazardSource.choices, initial=HazardSource.SELF_CHECK
    )
    found_on = forms.DateField(label="发现日期", widget=DATE, required=False)
    finder_name = forms.CharField(label="发现人", max_length=60, required=False)
    deadline, deadline_workdays = deadline_fields()
    measures = forms.CharField(
        label="整改措施", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_person = forms.CharField(label="整改责任人", max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = schools_for(user, P.REPORT)
        self.fields["school"].queryset = schools
        self.single_school = None
        school_ids = list(schools.values_list("pk", flat=True)[:2])
        if len(school_ids) == 1:
            self.single_school = schools.first()
            self.fields["school"].initial = self.single_school.pk
            self.fields["school"].widget = forms.HiddenInput()
        self.fields["category"].queryset = HazardCategory.objects.active()
        self.fields["found_on"].initial = timezone.localdate()
        self.fields["finder_name"].initial = getattr(user, "real_name", "")
        if self.single_school is None:
            self.fields["source"].initial = HazardSource.INSPECTION

    def clean_found_on(self):
        return self.cleaned_data.get("found_on") or timezone.localdate()


class HazardFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "全部状态"),
        ("open", "未销号（发现/整改中/待复核）"),
        ("overdue", "逾期"),
        *HazardStatus.choices,
    ]
    q = forms.CharField(label="关键词", required=False, max_length=100)
    school = SchoolChoiceField(
        label="学校", queryset=OrgUnit.objects.none(), required=False, empty_label="全部学校"
    )
    town = forms.ModelChoiceField(
        label="镇/街道", queryset=OrgUnit.objects.none(), required=False, empty_label="全部镇街"
    )
    school_kind = forms.ChoiceField(label="学校类型", required=False)
    category = forms.ModelChoiceField(
        label="类别", queryset=HazardCategory.objects.all(), required=False, empty_label="全部类别"
    )
    level = forms.ChoiceField(label="等级", choices=[("", "全部等级"), *HazardLevel.choices], required=False)
    source = forms.ChoiceField(
        label="发现方式", choices=[("", "全部方式"), *HazardSource.choices], required=False
    )
    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    found_from = forms.DateField(label="发现日期自", required=False, widget=DATE)
    found_to = forms.DateField(label="至", required=False, widget=DATE)
    supervised = forms.BooleanField(label="仅挂牌督办", required=False)
    sort = forms.ChoiceField(label="排序", choices=list(SORT_LABELS.items()), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        schools = schools_for(user, P.VIEW)
        self.fields["school"].queryset = schools
        self.fields["town"].queryset = (
            OrgUnit.objects.visible_to(user, P.VIEW).filter(kind=UnitKind.TOWN).order_by("path")
        )
        self.fields["school_kind"].choices = [("", "全部类型")] + [
            (k.value, k.label) for k in UnitKind if k in SCHOOL_KINDS
        ]

    def options(self):
        """The drop-down lists as plain lists, read once (a template loop over a ModelChoiceField's
        choices would count and read its queryset each time)."""
        schools = [(s.pk, s.name) for s in self.fields["school"].queryset]
        return {
            "school": schools,
            "town": [(t.pk, t.name) for t in self.fields["town"].queryset],
            "category": [(c.pk, c.name) for c in self.fields["category"].queryset],
            "multi_school": len(schools) > 1,
        }

    def filters(self):
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class StartRectifyForm(DeadlineMixin, forms.Form):
    measures = forms.CharField(label="整改措施", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_person = forms.CharField(label="整改责任人", max_length=60)
    deadline, deadline_workdays = deadline_fields()
    cost = forms.DecimalField(
        label="预计整改资金（元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("deadline_value") and not self.errors:
            self.add_error("deadline", "请填写整改期限（日期或工作日数）。")
        return data


class SubmitRectificationForm(forms.Form):
    note = forms.CharField(
        label="整改情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "做了哪些整改，效果如何"}),
    )
    photos = MultipleFileField(
        label="整改后照片/佐证材料",
        help_text="至少一张整改后照片或一份佐证材料（此前已上传的也算）。",
    )
    rectified_on = forms.DateField(label="整改完成日期", required=False, widget=DATE)
    cost = forms.DecimalField(
        label="整改资金（元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label="复核结论",
        choices=[("accept", "整改到位，同意销号"), ("reject", "整改不到位，退回整改")],
        widget=forms.RadioSelect(attrs=RADIO),
    )
    note = forms.CharField(
        label="复核意见",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回整改时必须填写原因。",
    )
    deadline = forms.DateField(label="新的整改期限（退回时可选）", required=False, widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "退回整改时请填写退回原因。")
        return data


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HazardEditForm(forms.Form):
    place = forms.CharField(label="隐患部位", max_length=100)
    category = forms.ModelChoiceField(
        label="隐患类别", queryset=HazardCategory.objects.active(), empty_label=None
    )
    level = forms.ChoiceField(
        label="隐患等级", choices=HazardLevel.choices, widget=forms.RadioSelect(attrs=RADIO)
    )
    source = forms.ChoiceField(label="发现方式", choices=HazardSource.choices)
    source_label = forms.CharField(label="来源说明", max_length=200, required=False)
    found_on = forms.DateField(label="发现日期", widget=DATE)
    finder_name = forms.CharField(label="发现人", max_length=60, required=False)
    description = forms.CharField(label="隐患描述", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(
        label="整改措施", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_person = forms.CharField(label="整改责任人", max_length=60, required=False)
    deadline = forms.DateField(label="整改期限", required=False, widget=DATE)
    cost = forms.DecimalField(
        label="整改资金（元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, hazard):
        return {
            "place": hazard.place,
            "category": hazard.category_id,
            "level": hazard.level,
            "source": hazard.source,
            "source_label": hazard.source_label,
            "found_on": hazard.found_on,
            "finder_name": hazard.finder_name,
            "description": hazard.description,
            "measures": hazard.measures,
            "responsible_person": hazard.responsible_person,
            "deadline": hazard.deadline,
            "cost": hazard.cost,
            "version": hazard.version,
        }

    def changes(self, hazard):
        """Only the fields that differ from the hazard (so the history names what changed)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        initial = self.initial_for(hazard)
        result = {}
        for key, value in data.items():
            old = initial.get(key)
            if key == "category":
                if value.pk != old:
                    result[key] = value
            elif (value or None) != (old or None):
                result[key] = value
        return result


class AttachForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=AttachmentKind.choices)
    photos = MultipleFileField(
        label="照片/文件", help_text="支持JPG、PNG、WebP、PDF、Word、Excel，单个不超过10MB。"
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if not files:
            raise forms.ValidationError("请选择要上传的文件。")
        return files


class SupervisionForm(forms.Form):
    deadline = forms.DateField(label="督办期限", widget=DATE)
    leader = forms.ModelChoiceField(
        label="督办责任领导", queryset=None, required=False, empty_label="（未指定）"
    )
    requirement = forms.CharField(
        label="督办要求", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document_no = forms.CharField(label="督办文号", max_length=60, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        from edubureau.accounts.models import User

        self.fields["leader"].queryset = User.objects.filter(pk__in=[u.pk for u in leaders]).order_by(
            "real_name"
        )
        self.fields["leader"].label_from_instance = lambda u: f"{u.real_name}（{u.username}）"


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label="报告日期", required=False, widget=DATE)
    text = forms.CharField(label="进展情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class LiftForm(forms.Form):
    note = forms.CharField(label="摘牌说明", max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel文件",
        help_text="请使用下载的模板（.xlsx）填写后上传，不超过10MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
