"""Incident pages: the school's list and quick report, the detail with its report timeline, the
bureau's ledger/inbox with its Excel export, the bulletin download and the time-limit configuration."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edubureau.accounts.scope import require_perm, user_can, user_has_perm, user_scope_prefixes
from edubureau.common.errors import ServiceError
from edubureau.common.spreadsheets import export_response
from edubureau.web.utils import add_service_error, paginate

from . import selectors, services
from .bulletin import DOCX, build_bulletin
from .choices import IncidentFlag, ReportKind
from .forms import BureauRecordForm, FirstReportForm, IncidentFilterForm, ReportForm, TimeLimitForm
from .models import IncidentTimeLimit
from .rules import format_minutes

VIEW, REPORT, MANAGE = "incidents.view", "incidents.report", "incidents.manage"


def _limit_lines(limits):
    return [
        {
            "level": limit.get_level_display(),
            "first": format_minutes(limit.first_report_minutes),
            "followup": limit.followup_interval_hours,
            "final": limit.final_report_days,
        }
        for limit in limits.values()
    ]


# --- the school ---------------------------------------------------------------------------------------


@login_required
@require_GET
def school_list(request):
    """The school's own incidents, newest first, with what is due (phone-friendly)."""
    user = request.user
    require_perm(user, REPORT)
    now = timezone.now()
    limits = selectors.limits_by_level()
    page_obj = paginate(request, selectors.incident_list(user=user, perm=REPORT, limits=limits, now=now))
    incidents = selectors.attach_standing(page_obj, limits=limits, now=now)
    return render(
        request,
        "incidents/school_list.html",
        {"page_obj": page_obj, "incidents": incidents, "limit_lines": _limit_lines(limits)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_first(request):
    """The quick first report (初报): the incident and its first report in one form."""
    user = request.user
    require_perm(user, REPORT)
    schools = selectors.reportable_schools(user)
    form = FirstReportForm(request.POST or None, schools=schools, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report_first(actor=user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"初报已报送：{incident.title}。请按时续报，处置结束后报送终报。")
            return redirect(incident)
    limits = selectors.limits_by_level()
    return render(
        request,
        "incidents/report_first.html",
        {
            "form": form,
            "limit_lines": _limit_lines(limits),
            "no_school": not form.fields["school"].queryset.exists(),
        },
        status=422 if request.method == "POST" else 200,
    )


REPORT_PAGES = {
    ReportKind.FOLLOWUP: ("续报", services.incident_add_followup, "续报情况"),
    ReportKind.FINAL: ("终报", services.incident_final_report, "事件处置结果"),
    ReportKind.FIRST: ("补报初报", services.incident_report_supplement, "事件情况"),
}


def _report_refusal(kind, standing):
    """Why this report cannot be made now (None when it can)."""
    if kind == ReportKind.FIRST and not standing.is_missed:
        return "该事件已有初报，请报送续报或终报。"
    if kind != ReportKind.FIRST and standing.is_missed:
        return "学校尚未报送初报，请先补报初报。"
    if kind != ReportKind.FIRST and standing.is_closed:
        return "该事件已报送终报，不能再续报或终报。"
    return None


def _report_page(request, pk, kind):
    user = request.user
    incident = selectors.incident_detail(user=user, pk=pk, perm=REPORT)
    limits = selectors.limits_by_level()
    standing = selectors.attach_standing([incident], limits=limits)[0].standing
    refusal = _report_refusal(kind, standing)
    if refusal:
        messages.warning(request, refusal)
        return redirect(incident)
    title, service, text_label = REPORT_PAGES[kind]
    latest = incident.report_list[-1] if incident.report_list else incident
    initial = {
        "deaths": latest.deaths,
        "injuries": latest.injuries,
        "estimated_loss": latest.estimated_loss,
        "measures": latest.measures,
    }
    form = ReportForm(
        request.POST or None, initial=initial, cause_required=kind == ReportKind.FINAL, text_label=text_label
    )
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=user, incident=incident, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{title}已报送。")
            return redirect(incident)
    return render(
        request,
        "incidents/report_form.html",
        {"form": form, "incident": incident, "standing": standing, "title": title, "kind": kind},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_followup(request, pk):
    return _report_page(request, pk, ReportKind.FOLLOWUP)


@login_required
@require_http_methods(["GET", "POST"])
def report_final(request, pk):
    return _report_page(request, pk, ReportKind.FINAL)


@login_required
@require_http_methods(["GET", "POST"])
def report_supplement(request, pk):
    return _report_page(request, pk, ReportKind.FIRST)


# --- everyone who may see incidents -----------------------------------------------------------------------


@login_required
@require_GET
def detail(request, pk):
    user = request.user
    incident = selectors.incident_detail(user=user, pk=pk)
    limits = selectors.limits_by_level()
    incident = selectors.attach_standing([incident], limits=limits)[0]
    standing = incident.standing
    can_report = user_can(user, REPORT, incident.school)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "s": standing,
            "limit": incident.time_limit,
            "first_limit": format_minutes(incident.time_limit.first_report_minutes),
            "reports": incident.report_list,
            "can_report": can_report and not standing.is_missed and not standing.is_closed,
            "can_supplement": can_report and standing.is_missed,
            "can_acknowledge": user_can(user, MANAGE, incident.school) and standing.needs_ack,
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def bulletin(request, pk):
    """一事一通报 as a Word document."""
    user = request.user
    incident = selectors.incident_detail(user=user, pk=pk)
    limits = selectors.limits_by_level()
    incident = selectors.attach_standing([incident], limits=limits)[0]
    content = build_bulletin(
        incident=incident,
        standing=incident.standing,
        limit=incident.time_limit,
        bureau=selectors.bureau_name(incident.school),
    )
    response = HttpResponse(content, content_type=DOCX)
    filename = f"突发事件信息通报-{incident.pk}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _ledger(request):
    """(form, queryset, limits, now, towns, show_place_filters) of the ledger with the request's filters."""
    user = request.user
    require_perm(user, VIEW)
    schools = selectors.visible_schools(user)
    towns = selectors.visible_towns(user)
    form = IncidentFilterForm(request.GET, schools=schools, towns=towns)
    filters = form.filters()
    now = timezone.now()
    limits = selectors.limits_by_level()
    qs = selectors.incident_list(user=user, limits=limits, now=now, **filters)
    return form, qs, limits, now, towns


@login_required
@require_GET
def inbox(request):
    """The ledger (台账) and, for the bureau, the inbox: unacknowledged incidents first."""
    user = request.user
    form, qs, limits, now, towns = _ledger(request)
    page_obj = paginate(request, qs)
    incidents = selectors.attach_standing(page_obj, limits=limits, now=now)
    towns = list(towns)
    names = selectors.town_names(towns)
    for incident in incidents:
        incident.town_name = selectors.town_of(incident.school, names)
    base = selectors.incident_list(user=user, limits=limits, now=now)
    counts = {
        flag: base.filter(selectors.flag_condition(flag, limits=limits, now=now)).count()
        for flag in (
            IncidentFlag.UNACKNOWLEDGED,
            IncidentFlag.LATE,
            IncidentFlag.MISSED,
            IncidentFlag.FINAL_OVERDUE,
        )
    }
    return render(
        request,
        "incidents/inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "incidents": incidents,
            "show_towns": bool(towns),
            # One school in scope (a school's own staff): no place filters to offer.
            "show_schools": bool(towns) or len(user_scope_prefixes(user, VIEW)) > 1,
            "counts": counts,
            "flags": IncidentFlag,
            "can_manage": user_has_perm(user, MANAGE),
            "can_report": user_has_perm(user, REPORT),
        },
    )


EXPORT_HEADERS = (
    "事件编号",
    "事件名称",
    "学校",
    "镇街",
    "类别",
    "级别",
    "事发时间",
    "事发地点",
    "教育局获知时间",
    "初报时间",
    "报送时效",
    "报告次数",
    "终报时间",
    "终报状态",
    "死亡人数",
    "受伤人数",
    "直接经济损失（元）",
    "签收人",
    "签收时间",
    "教育局记录",
)


@login_required
@require_GET
def export(request):
    """The ledger with the same filters as an Excel download."""
    _form, qs, limits, now, towns = _ledger(request)
    names = selectors.town_names(towns)
    rows = []
    for incident in selectors.attach_standing(qs.prefetch_related("reports"), limits=limits, now=now):
        s = incident.standing
        reports = sorted(incident.reports.all(), key=lambda r: r.sequence)
        latest = reports[-1] if reports else incident
        if s.is_closed:
            final_state = "已终报"
        elif s.final_overdue:
            final_state = "终报逾期"
        else:
            final_state = "未终报"
        rows.append(
            (
                incident.pk,
                incident.title,
                incident.school.name,
                selectors.town_of(incident.school, names),
                incident.get_category_display(),
                incident.get_level_display(),
                incident.occurred_at,
                incident.place,
                incident.bureau_learned_at,
                s.first_report_at,
                s.timeliness_label,
                incident.report_count,
                s.final_report_at,
                final_state,
                latest.deaths,
                latest.injuries,
                latest.estimated_loss,
                incident.acknowledged_by.real_name if incident.acknowledged_by else "",
                incident.acknowledged_at,
                incident.recorded_by_bureau,
            )
        )
    stamp = timezone.localtime(now).strftime("%Y%m%d")
    return export_response(
        filename=f"突发事件台账-{stamp}.xlsx",
        sheet_title="突发事件台账",
        headers=EXPORT_HEADERS,
        rows=rows,
        widths=(9, 30, 24, 12, 10, 8, 17, 20, 17, 17, 18, 8, 17, 10, 8, 8, 14, 10, 17, 10),
    )


# --- the bureau ---------------------------------------------------------------------------------------


@login_required
@require_POST
def acknowledge(request, pk):
    user = request.user
    incident = selectors.incident_for_write(user=user, pk=pk, perm=MANAGE)
    try:
        services.incident_acknowledge(actor=user, incident=incident)
    except ServiceError as exc:
        messages.warning(request, exc.message)
    else:
        messages.success(request, f"已签收：{incident.title}。")
    if request.POST.get("next") == "inbox":
        return redirect("incidents:inbox")
    return redirect(incident)


@login_required
@require_http_methods(["GET", "POST"])
def record(request):
    """The bureau records an incident the school did not report (漏报 until the school reports)."""
    user = request.user
    require_perm(user, MANAGE)
    schools = selectors.visible_schools(user, MANAGE).active()
    form = BureauRecordForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_record_by_bureau(actor=user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已记录：{incident.title}。学校补报初报前，该事件标记为漏报。")
            return redirect(incident)
    return render(
        request, "incidents/record.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


# --- configuration ------------------------------------------------------------------------------------


def _require_config(user):
    if not services.can_configure(user):
        raise Http404("未找到该页面。")


@login_required
@require_GET
def config(request):
    _require_config(request.user)
    rows = selectors.time_limit_rows()
    for row in rows:
        row.first_label = format_minutes(row.first_report_minutes)
    return render(request, "incidents/config.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def config_edit(request, pk):
    user = request.user
    _require_config(user)
    limit = get_object_or_404(IncidentTimeLimit, pk=pk)
    initial = {
        "first_report_minutes": limit.first_report_minutes,
        "followup_interval_hours": limit.followup_interval_hours,
        "final_report_days": limit.final_report_days,
        "note": limit.note,
        "version": limit.version,
    }
    form = TimeLimitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_limit_update(actor=user, limit=limit, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存{limit.get_level_display()}事件的报送时限。")
            return redirect("incidents:config")
    return render(
        request,
        "incidents/config_edit.html",
        {"form": form, "limit": limit},
        status=422 if request.method == "POST" else 200,
    )
