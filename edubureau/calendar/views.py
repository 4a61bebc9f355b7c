"""Calendar pages: the overview for everyone, and the maintenance pages for holders of calendar.manage."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from edubureau.common.errors import ServiceError
from edubureau.web.utils import add_service_error

from . import selectors, services
from .choices import HOLIDAY_NAMES, Basis
from .forms import (
    CalculatorForm,
    DayRowFormSet,
    DeleteForm,
    HolidayYearForm,
    HolidayYearMetaForm,
    SchoolYearForm,
    SemesterForm,
)
from .models import CalendarDay, HolidayYear, SchoolYear, Semester
from .workdays import WorkdayCalendar, package_covers, package_year_range


def manage_required(view):
    """Signed in and holding calendar.manage; anyone else gets the same 404 as a missing page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.can_manage(request.user):
            raise Http404("未找到该页面。")
        return view(request, *args, **kwargs)

    return wrapper


def _calculate(data, cal):
    """(form, Deadline or None) for the 'N workdays after' calculator."""
    form = CalculatorForm(data)
    result = None
    if form.is_valid():
        try:
            result = cal.deadline_after(form.cleaned_data["start"], form.cleaned_data["n"])
        except (ValueError, OverflowError):
            form.add_error(None, "无法计算该日期，请检查起算日期和工作日数。")
    return form, result


# --- for every signed-in user ----------------------------------------------------------------------


@login_required
@require_GET
def overview(request):
    today = timezone.localdate()
    year, month = selectors.parse_month(request.GET.get("month"), today)
    cal = WorkdayCalendar()
    term = selectors.current_term(today)
    month_data = selectors.month_view(year=year, month=month, today=today, cal=cal)
    if "n" in request.GET or "start" in request.GET:
        calc_form, calc_result = _calculate(request.GET, cal)
    else:
        calc_form, calc_result = CalculatorForm(initial={"start": today, "n": 5}), None
    today_info = cal.day_info(today)
    return render(
        request,
        "calendar/overview.html",
        {
            "today": today,
            "today_info": today_info,
            "term": term,
            "m": month_data,
            "calc_form": calc_form,
            "calc_result": calc_result,
            "can_manage": services.can_manage(request.user),
            "weekday_heads": ["一", "二", "三", "四", "五", "六", "日"],
        },
    )


@login_required
@require_GET
def calculate(request):
    """The calculator's result alone (htmx swaps it into the overview)."""
    form, result = _calculate(request.GET, WorkdayCalendar())
    status = 200 if result is not None else 422
    return render(
        request, "calendar/_calc_result.html", {"calc_form": form, "calc_result": result}, status=status
    )


# --- maintenance ------------------------------------------------------------------------------------


@manage_required
@require_GET
def manage(request):
    cal = WorkdayCalendar()
    this_year = timezone.localdate().year
    holiday_years = list(selectors.holiday_years())
    entered = {h.year for h in holiday_years}
    upcoming = [
        {"year": y, "basis": cal.basis(y), "basis_label": Basis(cal.basis(y)).label}
        for y in (this_year, this_year + 1)
    ]
    missing = [u["year"] for u in upcoming if u["basis"] == Basis.WEEKDAYS and u["year"] not in entered]
    return render(
        request,
        "calendar/manage.html",
        {
            "school_years": selectors.school_years(),
            "holiday_years": holiday_years,
            "upcoming": upcoming,
            "missing": missing,
            "package_range": package_year_range(),
        },
    )


def _form_page(request, *, form, title, submit_label, cancel_url, intro="", status=200):
    return render(
        request,
        "calendar/form.html",
        {
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "cancel_url": cancel_url,
            "intro": intro,
        },
        status=status,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def school_year_create(request):
    form = SchoolYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school_year = services.school_year_create(
                actor=request.user, name=data["name"], start=data["start"], end=data["end"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增{school_year.name}。")
            return redirect("calendar:manage")
    return _form_page(
        request,
        form=form,
        title="新增学年",
        submit_label="保存",
        cancel_url="calendar:manage",
        status=422 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def school_year_edit(request, pk):
    school_year = get_object_or_404(SchoolYear, pk=pk)
    initial = {"name": school_year.name, "start": school_year.start, "end": school_year.end}
    form = SchoolYearForm(request.POST or None, initial={**initial, "version": school_year.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.school_year_update(
                actor=request.user,
                school_year=school_year,
                name=data["name"],
                start=data["start"],
                end=data["end"],
                version=data.get("version"),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存{data['name']}。")
            return redirect("calendar:manage")
    return _form_page(
        request,
        form=form,
        title=f"修改学年：{school_year.name}",
        submit_label="保存",
        cancel_url="calendar:manage",
        status=422 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def semester_create(request, school_year_pk):
    school_year = get_object_or_404(SchoolYear, pk=school_year_pk)
    taken = set(school_year.semesters.values_list("term", flat=True))
    form = SemesterForm(request.POST or None, initial={"term": 2 if 1 in taken else 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            semester = services.semester_create(
                actor=request.user,
                school_year=school_year,
                term=data["term"],
                start=data["start"],
                end=data["end"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新增{semester}。")
            return redirect("calendar:manage")
    return _form_page(
        request,
        form=form,
        title=f"新增学期：{school_year.name}",
        submit_label="保存",
        cancel_url="calendar:manage",
        intro=f"{school_year.name}：{school_year.start:%Y-%m-%d} 至 {school_year.end:%Y-%m-%d}",
        status=422 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def semester_edit(request, pk):
    semester = get_object_or_404(Semester.objects.select_related("school_year"), pk=pk)
    initial = {
        "term": semester.term,
        "start": semester.start,
        "end": semester.end,
        "version": semester.version,
    }
    form = SemesterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            semester = services.semester_update(
                actor=request.user,
                semester=semester,
                term=data["term"],
                start=data["start"],
                end=data["end"],
                version=data.get("version"),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存{semester}。")
            return redirect("calendar:manage")
    school_year = semester.school_year
    return _form_page(
        request,
        form=form,
        title=f"修改学期：{semester}",
        submit_label="保存",
        cancel_url="calendar:manage",
        intro=f"{school_year.name}：{school_year.start:%Y-%m-%d} 至 {school_year.end:%Y-%m-%d}",
        status=422 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def holiday_year_create(request):
    year = request.GET.get("year", "")
    initial_year = int(year) if year.isdigit() else timezone.localdate().year + 1
    form = HolidayYearForm(request.POST or None, initial={"year": initial_year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            holiday_year = services.holiday_year_create(
                actor=request.user,
                year=data["year"],
                document_no=data["document_no"],
                note=data["note"],
                copy_package=data["copy_package"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已建立{holiday_year.year}年节假日安排，请逐条录入放假和调休日期。")
            return redirect(holiday_year)
    return _form_page(
        request,
        form=form,
        title="录入节假日安排",
        submit_label="下一步：录入日期",
        cancel_url="calendar:manage",
        intro=(
            "国务院办公厅每年年底公布下一年的节假日安排。建立某年的安排后，该年的工作日只按这里录入的"
            "放假和调休上班日期计算（其余周一至周五为工作日），不再使用系统内置数据。"
        ),
        status=422 if request.method == "POST" else 200,
    )


def _get_holiday_year(year):
    return get_object_or_404(HolidayYear.objects.select_related("entered_by"), year=year)


@manage_required
@require_http_methods(["GET", "POST"])
def holiday_year_detail(request, year):
    """The entered days of a year, with the form to add more (one row: a date or a range)."""
    holiday_year = _get_holiday_year(year)
    formset = DayRowFormSet(request.POST or None, prefix="rows")
    entry_errors = []
    status = 200
    if request.method == "POST":
        status = 422
        if formset.is_valid():
            rows, forms = formset.rows()
            try:
                created = services.calendar_days_add(actor=request.user, holiday_year=holiday_year, rows=rows)
            except ServiceError as exc:
                placed = False
                for key, msgs in exc.details.items():
                    if key.startswith("rows."):
                        index = int(key.split(".", 1)[1])
                        if index < len(forms):
                            for msg in msgs:
                                forms[index].add_error(None, msg)
                            placed = True
                if not placed:
                    entry_errors.append(exc.message)
            else:
                messages.success(request, f"已录入{len(created)}天。")
                return redirect(holiday_year)
    days = list(selectors.holiday_year_days(holiday_year))
    cal = WorkdayCalendar()
    return render(
        request,
        "calendar/holiday_year_detail.html",
        {
            "holiday_year": holiday_year,
            "days": days,
            "runs": cal.year_runs(holiday_year.year),
            "formset": formset,
            "entry_errors": entry_errors,
            "holiday_names": HOLIDAY_NAMES,
            "package_knows": package_covers(holiday_year.year),
        },
        status=status,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def holiday_year_edit(request, year):
    holiday_year = _get_holiday_year(year)
    initial = {
        "document_no": holiday_year.document_no,
        "note": holiday_year.note,
        "version": holiday_year.version,
    }
    form = HolidayYearMetaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.holiday_year_update(
                actor=request.user,
                holiday_year=holiday_year,
                document_no=data["document_no"],
                note=data["note"],
                version=data.get("version"),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(holiday_year)
    return _form_page(
        request,
        form=form,
        title=f"修改{holiday_year}",
        submit_label="保存",
        cancel_url="calendar:manage",
        status=422 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def holiday_year_delete(request, year):
    holiday_year = _get_holiday_year(year)
    form = DeleteForm(request.POST or None)
    fallback = "系统内置数据" if package_covers(holiday_year.year) else "周一至周五"
    if request.method == "POST" and form.is_valid():
        try:
            services.holiday_year_delete(
                actor=request.user, holiday_year=holiday_year, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, f"已删除{holiday_year}，{holiday_year.year}年改按{fallback}计算工作日。"
            )
            return redirect("calendar:manage")
    return render(
        request,
        "calendar/confirm_delete.html",
        {
            "form": form,
            "title": f"删除{holiday_year}",
            "warning": (
                f"将删除{holiday_year}及其已录入的{holiday_year.days.count()}个日期，"
                f"删除后{holiday_year.year}年的工作日改按{fallback}计算。此操作记入审计日志。"
            ),
            "cancel_url": holiday_year.get_absolute_url(),
        },
    )


@manage_required
@require_http_methods(["GET", "POST"])
def day_delete(request, pk):
    day = get_object_or_404(CalendarDay.objects.select_related("holiday_year"), pk=pk)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday_year = services.calendar_day_delete(
                actor=request.user, day=day, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已删除{day}。")
            return redirect(holiday_year)
    return render(
        request,
        "calendar/confirm_delete.html",
        {
            "form": form,
            "title": "删除已录入的日期",
            "warning": f"将删除：{day}。删除后该日按普通的周一至周五规则计算。此操作记入审计日志。",
            "cancel_url": day.holiday_year.get_absolute_url(),
            "holiday_year": day.holiday_year,
        },
    )
