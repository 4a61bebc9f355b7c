"""Pages of the hazard ledger. Thin: read through selectors, write through services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from edubureau.accounts.scope import require_perm, user_has_perm, user_has_root_perm, user_perms_on
from edubureau.common.errors import ServiceError
from edubureau.common.spreadsheets import export_response
from edubureau.org.scoping import get_visible_or_404
from edubureau.web.utils import add_service_error, paginate, render_form

from . import imports, selectors, services
from . import permissions as P
from .choices import AttachmentKind, HazardLevel, HazardStatus
from .forms import (
    AttachForm,
    HazardEditForm,
    HazardFilterForm,
    HazardReportForm,
    ImportForm,
    LiftForm,
    ProgressForm,
    StartRectifyForm,
    SubmitRectificationForm,
    SupervisionForm,
    VerifyForm,
    VoidForm,
)
from .models import Hazard, HazardAttachment, MajorHazardSupervision


def _hazard_for(user, perm, pk):
    qs = Hazard.objects.select_related("school", "category", "rectified_by")
    return get_visible_or_404(qs, user, perm, pk=pk)


def actions_for(user, hazard):
    """What the user may do with this hazard now (the buttons of the detail page)."""
    perms = user_perms_on(user, hazard.school)
    status = hazard.status
    is_open = hazard.is_open
    can_verify, verify_reason = services.can_verify(user, hazard)
    supervision = getattr(hazard, "supervision_row", None)
    active = supervision is not None and supervision.is_active
    return {
        "start": P.RECTIFY in perms and status == HazardStatus.FOUND,
        "submit": P.RECTIFY in perms and status == HazardStatus.RECTIFYING,
        "verify": status == HazardStatus.AWAITING_CHECK and can_verify,
        "verify_blocked": (
            verify_reason
            if status == HazardStatus.AWAITING_CHECK and P.VERIFY in perms and not can_verify
            else ""
        ),
        "edit": is_open and (P.REPORT in perms or P.RECTIFY in perms),
        "attach": is_open and P.REPORT in perms,
        "void": is_open
        and P.VERIFY in perms
        and (hazard.level != HazardLevel.MAJOR or user_has_root_perm(user, P.VERIFY)),
        "supervise": active and P.SUPERVISE in perms,
        "progress": active and P.SUPERVISE in perms,
        "report_progress": active and P.RECTIFY in perms and P.SUPERVISE not in perms,
        "lift": active and P.SUPERVISE in perms and status == HazardStatus.CLOSED,
    }


# --- ledger ---------------------------------------------------------------------------------------


@login_required
def hazard_list(request):
    require_perm(request.user, P.VIEW)
    form = HazardFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    qs = selectors.hazard_list(request.user, filters)
    page = paginate(request, qs)
    options = form.options()
    context = {
        "form": form,
        "options": options,
        "page_obj": page,
        "hazards": page.object_list,
        "filtered": bool(filters),
        "multi_school": options["multi_school"],
        "can_report": user_has_perm(request.user, P.REPORT),
        "can_import": user_has_perm(request.user, P.IMPORT),
        "today": timezone.localdate(),
    }
    return render(request, "safety/hazard_list.html", context)


EXPORT_HEADERS = (
    "隐患编号",
    "学校",
    "所属镇街",
    "隐患部位",
    "隐患类别",
    "隐患等级",
    "发现方式",
    "来源说明",
    "发现日期",
    "发现人",
    "隐患描述",
    "整改措施",
    "整改责任人",
    "整改期限",
    "状态",
    "是否逾期",
    "当场整改",
    "整改情况",
    "整改完成日期",
    "整改人",
    "复核人",
    "销号日期",
    "整改资金（元）",
    "挂牌督办",
    "作废原因",
)
EXPORT_WIDTHS = (
    14,
    24,
    12,
    20,
    12,
    8,
    10,
    20,
    12,
    10,
    40,
    30,
    10,
    12,
    10,
    8,
    8,
    30,
    12,
    10,
    10,
    12,
    12,
    10,
    20,
)


def _export_rows(qs, today):
    for h in qs.iterator(chunk_size=2000):
        parent = h.school.parent
        yield (
            h.number,
            h.school.name,
            parent.name if parent is not None and parent.kind == "town" else "",
            h.place,
            h.category.name,
            h.get_level_display(),
            h.get_source_display(),
            h.source_label,
            h.found_on,
            h.finder_name,
            h.description,
            h.measures,
            h.responsible_person,
            h.deadline,
            h.get_status_display(),
            "是" if h.overdue_on(today) else "",
            "是" if h.fixed_on_spot else "",
            h.rectification_note,
            h.rectified_on,
            h.rectified_by.real_name if h.rectified_by else "",
            h.verified_by.real_name if h.verified_by else "",
            h.closed_on,
            h.cost,
            "是" if hasattr(h, "supervision") else "",
            h.void_reason,
        )


@login_required
def hazard_export(request):
    require_perm(request.user, P.VIEW)
    form = HazardFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    qs = selectors.hazard_export_rows(request.user, form.filters(), today)
    return export_response(
        filename=f"安全隐患台账_{today:%Y%m%d}.xlsx",
        sheet_title="安全隐患台账",
        headers=EXPORT_HEADERS,
        rows=_export_rows(qs, today),
        widths=EXPORT_WIDTHS,
    )


# --- report ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hazard_report(request):
    require_perm(request.user, P.REPORT)
    form = HazardReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.hazard_report(
                actor=request.user,
                school=data["school"],
                place=data["place"],
                category=data["category"],
                level=data["level"],
                description=data["description"],
                found_on=data["found_on"],
                finder_name=data["finder_name"],
                source=data["source"],
                deadline=data["deadline_value"],
                measures=data["measures"],
                responsible_person=data["responsible_person"],
                fixed_on_spot=data["fixed_on_spot"],
                photos=data["photos"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            if hazard.fixed_on_spot:
                messages.success(request, f"已登记当场整改的隐患 {hazard.number}，直接销号。")
            elif hazard.is_major:
                messages.warning(
                    request, f"已登记重大隐患 {hazard.number}，已自动挂牌督办，请立即采取管控措施。"
                )
            else:
                messages.success(request, f"已登记隐患 {hazard.number}。")
            if request.POST.get("next") == "again":
                return redirect("safety:hazard_report")
            return redirect(hazard)
    return render_form(request, "safety/hazard_report.html", {"form": form})


# --- detail and transitions -----------------------------------------------------------------------


@login_required
def hazard_detail(request, pk):
    hazard = selectors.hazard_detail(request.user, pk)
    context = {
        "hazard": hazard,
        "supervision": hazard.supervision_row,
        "photos": selectors.photos_by_kind(hazard),
        "actions": actions_for(request.user, hazard),
        "attach_form": AttachForm(),
        "progress_form": ProgressForm(),
        "lift_form": LiftForm(),
    }
    return render(request, "safety/hazard_detail.html", context)


def _action_page(
    request, hazard, form, *, title, intro, submit_label, multipart=False, danger=False, photos=None
):
    context = {
        "photos": photos,
        "hazard": hazard,
        "form": form,
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "multipart": multipart,
        "danger": danger,
    }
    return render_form(request, "safety/hazard_action.html", context)


def _photos_of(hazard):
    result = {kind: [] for kind in AttachmentKind.values}
    for item in HazardAttachment.objects.filter(hazard=hazard).order_by("uploaded_at", "pk"):
        result[item.kind].append(item)
    return result


def _wrong_state(request, hazard, message):
    messages.info(request, message)
    return redirect(hazard)


@login_required
@require_http_methods(["GET", "POST"])
def hazard_start(request, pk):
    hazard = _hazard_for(request.user, P.RECTIFY, pk)
    if hazard.status != HazardStatus.FOUND:
        return _wrong_state(request, hazard, "该隐患不在“发现”状态，无需开始整改。")
    initial = {
        "measures": hazard.measures,
        "responsible_person": hazard.responsible_person,
        "deadline": hazard.deadline,
        "version": hazard.version,
    }
    form = StartRectifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.hazard_start_rectify(
                actor=request.user,
                hazard=hazard,
                deadline=data["deadline_value"],
                measures=data["measures"],
                responsible_person=data["responsible_person"],
                cost=data["cost"],
                version=data["version"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已开始整改，请在整改期限内完成并提交复核。")
            return redirect(hazard)
    return _action_page(
        request,
        hazard,
        form,
        title="开始整改",
        intro="明确整改措施、责任人和整改期限。期限可填日期，也可填“N个工作日内”。",
        submit_label="开始整改",
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazard_submit(request, pk):
    hazard = _hazard_for(request.user, P.RECTIFY, pk)
    if hazard.status != HazardStatus.RECTIFYING:
        return _wrong_state(request, hazard, "只有“整改中”的隐患可以提交复核。")
    form = SubmitRectificationForm(
        request.POST or None, request.FILES or None, initial={"version": hazard.version, "cost": hazard.cost}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.hazard_submit_rectification(
                actor=request.user,
                hazard=hazard,
                note=data["note"],
                photos=data["photos"],
                rectified_on=data["rectified_on"],
                cost=data["cost"],
                version=data["version"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            who = "教育局" if hazard.is_major else "其他人员"
            messages.success(request, f"整改情况已提交，等待{who}复核销号。")
            return redirect(hazard)
    return _action_page(
        request,
        hazard,
        form,
        title="提交整改复核",
        intro="上传整改后的照片或佐证材料，说明整改情况。提交后由其他人员复核，重大隐患由教育局复核。",
        submit_label="提交复核",
        multipart=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazard_verify(request, pk):
    hazard = _hazard_for(request.user, P.VERIFY, pk)
    if hazard.status != HazardStatus.AWAITING_CHECK:
        return _wrong_state(request, hazard, "只有“待复核”的隐患可以复核。")
    allowed, reason = services.can_verify(request.user, hazard)
    if not allowed and request.method == "GET":
        return _wrong_state(request, hazard, reason)
    form = VerifyForm(request.POST or None, initial={"version": hazard.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        accepted = data["decision"] == "accept"
        try:
            services.hazard_verify(
                actor=request.user,
                hazard=hazard,
                accepted=accepted,
                note=data["note"],
                deadline=None if accepted else data["deadline"],
                version=data["version"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "复核通过，隐患已销号。" if accepted else "已退回整改。")
            return redirect(hazard)
    return _action_page(
        request,
        hazard,
        form,
        title="复核整改",
        photos=_photos_of(hazard),
        intro="请对照整改前后的照片和整改情况现场核实。整改到位的同意销号；不到位的退回整改并写明原因。",
        submit_label="提交复核结论",
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazard_void(request, pk):
    hazard = _hazard_for(request.user, P.VERIFY, pk)
    if not hazard.is_open:
        return _wrong_state(request, hazard, "已销号或已作废的隐患不能作废。")
    form = VoidForm(request.POST or None, initial={"version": hazard.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_void(
                actor=request.user,
                hazard=hazard,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "隐患已作废（记录保留，可随时查阅）。")
            return redirect(hazard)
    return _action_page(
        request,
        hazard,
        form,
        title="作废隐患",
        intro="只用于重复登记、误报等情况。作废后记录仍保留并可查阅，不计入隐患统计。",
        submit_label="确认作废",
        danger=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazard_edit(request, pk):
    hazard = _hazard_for(request.user, P.REPORT, pk)
    if not hazard.is_open:
        return _wrong_state(request, hazard, "已销号或已作废的隐患不能修改。")
    form = HazardEditForm(request.POST or None, initial=HazardEditForm.initial_for(hazard))
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_update(
                actor=request.user,
                hazard=hazard,
                version=form.cleaned_data["version"],
                **form.changes(hazard),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "隐患信息已保存。")
            return redirect(hazard)
    return _action_page(
        request,
        hazard,
        form,
        title="修改隐患信息",
        intro="修改会记入处置记录。如他人已先修改，请刷新后重新编辑。",
        submit_label="保存",
    )


@login_required
@require_POST
def hazard_attach(request, pk):
    hazard = _hazard_for(request.user, P.REPORT, pk)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = services.hazard_attach(
                actor=request.user,
                hazard=hazard,
                files=form.cleaned_data["photos"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已上传{len(rows)}个文件。")
            return redirect(hazard)
    return _action_page(
        request, hazard, form, title="上传照片/材料", intro="", submit_label="上传", multipart=True
    )


@login_required
def attachment(request, pk):
    item = get_visible_or_404(HazardAttachment.objects.all(), request.user, P.VIEW, pk=pk)
    use_thumb = request.GET.get("thumb") == "1" and item.thumbnail
    name = item.thumbnail.name if use_thumb else item.file.name
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件不存在。") from None
    inline = item.is_image or item.content_type == "application/pdf"
    response = FileResponse(
        handle,
        content_type="image/jpeg" if use_thumb else item.content_type,
        as_attachment=not inline,
        filename=item.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    if item.is_image or use_thumb:  # (a CSP on a PDF would stop the browser's own viewer)
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


# --- 挂牌督办 -------------------------------------------------------------------------------------


def _supervision_for(user, perm, pk):
    qs = MajorHazardSupervision.objects.select_related("hazard", "hazard__school", "leader")
    return get_visible_or_404(qs, user, perm, pk=pk)


@login_required
def supervision_list(request):
    require_perm(request.user, P.VIEW)
    state = request.GET.get("state", "active")
    active = {"active": True, "lifted": False}.get(state)
    rows = selectors.supervision_list(request.user, active=active)
    context = {"rows": rows, "state": state, "today": timezone.localdate()}
    return render(request, "safety/supervision_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def supervision_edit(request, pk):
    supervision = _supervision_for(request.user, P.SUPERVISE, pk)
    hazard = supervision.hazard
    if not supervision.is_active:
        return _wrong_state(request, hazard, "该隐患已摘牌，不能再修改督办信息。")
    leaders = selectors.supervision_leaders(hazard)
    initial = {
        "deadline": supervision.deadline,
        "leader": supervision.leader_id,
        "requirement": supervision.requirement,
        "document_no": supervision.document_no,
        "version": supervision.version,
    }
    form = SupervisionForm(request.POST or None, initial=initial, leaders=leaders)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.supervision_update(
                actor=request.user,
                supervision=supervision,
                deadline=data["deadline"],
                leader=data["leader"],
                requirement=data["requirement"],
                document_no=data["document_no"],
                version=data["version"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "督办信息已保存。")
            return redirect(supervision)
    return _action_page(
        request,
        hazard,
        form,
        title="督办设置",
        intro="设定教育局督办期限、责任领导和督办要求。",
        submit_label="保存",
    )


def _progress(request, pk, perm):
    supervision = _supervision_for(request.user, perm, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_progress_add(
                actor=request.user,
                supervision=supervision,
                text=form.cleaned_data["text"],
                reported_on=form.cleaned_data["reported_on"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "督办进展已记录。")
            return redirect(supervision)
    return _action_page(
        request, supervision.hazard, form, title="报告督办进展", intro="", submit_label="提交"
    )


@login_required
@require_POST
def supervision_progress(request, pk):
    """The bureau records progress on a listed hazard."""
    return _progress(request, pk, P.SUPERVISE)


@login_required
@require_POST
def supervision_report(request, pk):
    """The school reports its progress on a listed hazard."""
    return _progress(request, pk, P.RECTIFY)


@login_required
@require_POST
def supervision_lift(request, pk):
    supervision = _supervision_for(request.user, P.SUPERVISE, pk)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_lift(
                actor=request.user, supervision=supervision, note=form.cleaned_data["note"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _action_page(
                request, supervision.hazard, form, title="摘牌", intro=exc.message, submit_label="摘牌"
            )
        messages.success(request, "已摘牌，督办结束。")
    return redirect(supervision)


# --- overview -------------------------------------------------------------------------------------


@login_required
def overview(request):
    require_perm(request.user, P.VIEW)
    today = timezone.localdate()
    year = request.GET.get("year", "")
    start = end = None
    if year.isdigit() and 2000 <= int(year) <= 2100:
        start, end = datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)
    else:
        year = ""
    data = selectors.overview(request.user, start=start, end=end, today=today)
    month_rows = data["by_month"]
    context = {
        **data,
        "today": today,
        "year": year,
        "years": list(range(today.year, today.year - 4, -1)),
        "chart": {
            "months": [r["label"] for r in month_rows],
            "found": [r["found"] for r in month_rows],
            "rectified": [r["rectified"] for r in month_rows],
            "categories": [
                {"name": r["label"], "value": r["found"]} for r in data["by_category"] if r["found"]
            ],
        },
        "is_bureau": user_has_perm(request.user, P.SUPERVISE),
    }
    return render(request, "safety/overview.html", context)


# --- import ---------------------------------------------------------------------------------------


@login_required
def import_template(request):
    require_perm(request.user, P.IMPORT)
    return imports.template(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def hazard_import(request):
    require_perm(request.user, P.IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            hazards = imports.import_hazards(actor=request.user, upload=form.cleaned_data["file"])
        except imports.ImportRejected as exc:
            errors = exc.errors
            form.add_error(None, exc.message)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"导入成功，共登记{len(hazards)}条隐患。")
            return redirect("safety:hazard_list")
    context = {"form": form, "errors": errors, "columns": imports.columns_help(request.user)}
    return render_form(request, "safety/import.html", context)
