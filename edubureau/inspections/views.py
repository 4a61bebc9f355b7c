"""Pages of the inspection campaigns. Thin: selectors read (scoped), services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from edubureau.accounts.scope import user_can, user_departments, user_has_perm
from edubureau.common.errors import ServiceError
from edubureau.common.spreadsheets import export_response
from edubureau.org.scoping import get_visible_or_404
from edubureau.web.utils import add_service_error, paginate, render_form

from . import figures, selectors, services
from .choices import STATUS_COLOURS, AnswerType, CampaignStatus, SelfCheckStatus, TargetRule, Verdict
from .forms import (
    MAX_EXTRA_FINDINGS,
    CampaignCloseForm,
    CampaignFilterForm,
    CampaignForm,
    ItemForm,
    SelfCheckForm,
    TargetFilterForm,
    TargetPreviewForm,
    TeamAssignForm,
    TeamForm,
    TemplateFilterForm,
    TemplateForm,
    VisitFilterForm,
    VisitForm,
    parse_answers,
    parse_findings,
)
from .models import CampaignTarget, SelfCheck, TeamAssignment, Visit
from .perms import MANAGE, SELF_CHECK, VIEW, VISIT

PREVIEW_LIMIT = 200


def _wants_export(request):
    return request.GET.get("export") == "xlsx"


def _campaign_form_kwargs(user, campaign=None):
    return {
        "departments": selectors.department_choices(user),
        "templates": selectors.template_choices(user, include=campaign.template if campaign else None),
        "groups": selectors.group_choices(user),
        "schools": selectors.school_choices(user),
        "campaign": campaign,
    }


def _hazard_category_choices():
    return list(services.hazard_category_codes().items())


# --- campaigns --------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    user = request.user
    selectors.require_perm(user, VIEW)
    form = CampaignFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    qs = selectors.campaign_list(user=user, **filters)
    if _wants_export(request):
        campaigns = selectors.attach_progress(user=user, campaigns=list(qs[:5000]))
        return export_response(
            filename=f"安全检查活动_{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="安全检查活动",
            headers=[
                "活动名称",
                "检查主题",
                "检查方式",
                "开始日期",
                "结束日期",
                "牵头科室",
                "状态",
                "对象学校",
                "已检查学校",
                "已提交自查",
                "督查组",
                "检查人次",
            ],
            rows=(
                [
                    c.name,
                    c.get_theme_display(),
                    c.get_mode_display(),
                    c.start,
                    c.end,
                    c.department.name,
                    c.get_status_display(),
                    c.targeted,
                    c.covered,
                    c.submitted if c.self_check_required else "",
                    c.team_count,
                    c.person_visits,
                ]
                for c in campaigns
            ),
            widths=[30, 10, 14, 12, 12, 24, 8, 10, 10, 10, 8, 10],
        )
    page_obj = paginate(request, qs)
    campaigns = selectors.attach_progress(user=user, campaigns=list(page_obj))
    return render(
        request,
        "inspections/campaign_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "campaigns": campaigns,
            "can_manage": user_has_perm(user, MANAGE),
            "colours": STATUS_COLOURS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    user = request.user
    selectors.require_perm(user, MANAGE)
    initial = {"target_rule": TargetRule.ALL}
    departments = selectors.department_choices(user)
    mine = [d for d in user_departments(user) if d in set(departments)]
    if mine:
        initial["department"] = mine[0]
    form = CampaignForm(request.POST or None, initial=initial, **_campaign_form_kwargs(user))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, **form.service_fields())
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"已新建检查活动“{campaign.name}”（筹备中）。核对检查对象后即可启动。")
            return redirect(campaign)
    return render_form(request, "inspections/campaign_form.html", {"form": form})


def _add_errors(form, exc):
    if exc.details and len(exc.details) > 1:
        for field, messages_ in exc.details.items():
            field = field if field in form.fields else None
            for message in messages_:
                form.add_error(field, message)
        return
    add_service_error(form, exc)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk, perm=MANAGE)
    if campaign.status == CampaignStatus.CLOSED:
        messages.info(request, "检查活动已结束，不能再修改。")
        return redirect(campaign)
    form = CampaignForm(
        request.POST or None,
        initial=CampaignForm.initial_from(campaign),
        **_campaign_form_kwargs(user, campaign),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=user,
                campaign=campaign,
                version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "检查活动已保存。")
            return redirect(campaign)
    return render_form(request, "inspections/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_preview(request):
    """The schools a target rule selects (the live preview on the campaign form)."""
    user = request.user
    selectors.require_perm(user, MANAGE)
    departments = selectors.department_choices(user)
    form = TargetPreviewForm(
        request.GET or None,
        departments=departments,
        groups=selectors.group_choices(user),
        schools=selectors.school_choices(user),
    )
    context = {"error": "", "schools": [], "count": 0, "pool": 0}
    if not form.is_bound or not form.is_valid():
        context["error"] = "请先完整填写检查对象的条件。"
        return render(request, "inspections/_target_preview.html", context)
    data = form.cleaned_data
    department = data.get("department") or departments.first()
    if department is None:
        context["error"] = "请先选择牵头科室。"
        return render(request, "inspections/_target_preview.html", context)
    rule = data.get("target_rule") or TargetRule.ALL
    candidates = services.rule_candidates(
        department=department,
        target_rule=rule,
        target_kinds=data.get("target_kinds") or [],
        target_group=data.get("target_group"),
        target_schools=list(data.get("target_schools") or []),
    ).select_related("parent")
    schools = list(candidates)
    context["pool"] = len(schools)
    if rule == TargetRule.SAMPLE:
        size, seed = data.get("sample_size"), data.get("sample_seed")
        context["sample"] = True
        context["size"] = size
        context["seed"] = seed
        if not size:
            context["error"] = "请填写抽取学校数。"
        elif size > len(schools):
            context["error"] = f"候选学校只有{len(schools)}所，不能抽取{size}所。"
        elif seed is not None:
            by_pk = {s.pk: s for s in schools}
            schools = [by_pk[pk] for pk in services.draw_sample(list(by_pk), size, seed)]
        else:
            context["unseeded"] = True
    context["count"] = len(schools)
    context["schools"] = schools[:PREVIEW_LIMIT]
    context["more"] = max(0, len(schools) - PREVIEW_LIMIT)
    return render(request, "inspections/_target_preview.html", context)


@login_required
def campaign_detail(request, pk):
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk)
    today = timezone.localdate()
    summary = figures.summary(campaign, user=user, today=today)
    breakdowns = {
        key: {"label": label, "rows": func(campaign, user=user, today=today)}
        for key, (label, func) in figures.BREAKDOWNS.items()
    }
    progress = list(
        selectors.target_progress(user=user, campaign=campaign).order_by(
            F("visit_count").asc(nulls_first=True), "draw_order", "school__path"
        )[:30]
    )
    not_submitted = []
    submitted_count = drafts = 0
    if campaign.self_check_required:
        rows = list(
            selectors.target_progress(user=user, campaign=campaign, state="not_submitted").values_list(
                "pk", "school__name", "self_check_status"
            )
        )
        not_submitted = rows[:40]
        drafts = sum(1 for r in rows if r[2] == SelfCheckStatus.DRAFT)
        submitted_count = summary["self_checks_submitted"]
    teams = list(selectors.campaign_teams(user=user, campaign=campaign))
    can_manage = user_can(user, MANAGE, campaign.department)
    my_targets = []
    if user_has_perm(user, SELF_CHECK) and campaign.self_check_required and not campaign.is_draft:
        my_targets = list(selectors.my_self_checks(user=user).filter(campaign=campaign))
    draft_preview = None
    if campaign.is_draft and can_manage:
        candidates = list(
            services.rule_candidates(
                department=campaign.department,
                target_rule=campaign.target_rule,
                target_kinds=campaign.target_kinds,
                target_group=campaign.target_group,
                target_schools=list(campaign.target_schools.all()),
            ).only("pk", "name")
        )
        draft_preview = {"count": len(candidates), "schools": candidates[:PREVIEW_LIMIT]}
    chart_data = {
        "category": [
            {"name": r["label"], "found": r["found"], "rectified": r["rectified"]}
            for r in breakdowns["category"]["rows"]
        ],
        "month": [
            {"name": r["label"], "visits": r["visits"], "people": r["person_visits"], "found": r["found"]}
            for r in breakdowns["month"]["rows"]
        ],
        "town": [
            {"name": r["label"], "targeted": r["targeted"], "covered": r["covered"], "found": r["found"]}
            for r in breakdowns["town"]["rows"]
        ],
        "kind": [
            {"name": r["label"], "targeted": r["targeted"], "covered": r["covered"], "found": r["found"]}
            for r in breakdowns["school_kind"]["rows"]
        ],
    }
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "draft_preview": draft_preview,
            "summary": summary,
            "breakdowns": breakdowns,
            "chart_data": chart_data,
            "progress": progress,
            "not_submitted": not_submitted,
            "submitted_count": submitted_count,
            "draft_count": drafts,
            "teams": teams,
            "can_manage": can_manage,
            "can_visit": user_has_perm(user, VISIT),
            "my_targets": my_targets,
            "colours": STATUS_COLOURS,
            "close_form": CampaignCloseForm(initial={"version": campaign.version}),
            "coverage": _percent(summary["schools_covered"], summary["schools_targeted"]),
            "submission": _percent(submitted_count, summary["schools_targeted"]),
        },
    )


def _percent(part, whole):
    if not whole:
        return None
    return round(part * 100 / whole, 1)


@login_required
@require_POST
def campaign_open(request, pk):
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk, perm=MANAGE)
    try:
        campaign = services.campaign_open(
            actor=user, campaign=campaign, version=request.POST.get("version") or None
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        count = campaign.targets.count()
        if campaign.is_sample:
            messages.success(
                request,
                f"检查活动已启动：以随机种子{campaign.sample_seed}抽取了{count}所学校，任何人可在“抽取验证”中复核。",
            )
        else:
            messages.success(request, f"检查活动已启动，检查对象{count}所学校。")
    return redirect(campaign)


@login_required
@require_POST
def campaign_close(request, pk):
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk, perm=MANAGE)
    form = CampaignCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "总结说明不能超过5000个字符。")
        return redirect(campaign)
    try:
        services.campaign_close(
            actor=user,
            campaign=campaign,
            note=form.cleaned_data["note"],
            version=form.cleaned_data.get("version"),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "检查活动已结束。")
    return redirect(campaign)


@login_required
def campaign_draw(request, pk):
    """The record of a random draw and its re-run, for anyone who can see the campaign."""
    from edubureau.org.models import OrgUnit

    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk)
    result = services.verify_draw(campaign)
    names = {}
    if result:
        ids = set(result["candidates"]) | set(result["stored"])
        names = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids).select_related("parent")}
        result["candidate_rows"] = [
            (n, pk, names.get(pk), pk in set(result["drawn"]))
            for n, pk in enumerate(result["candidates"], start=1)
        ]
        result["drawn_rows"] = [
            (n, pk, names.get(pk), result["stored"][n - 1] if n - 1 < len(result["stored"]) else None)
            for n, pk in enumerate(result["drawn"], start=1)
        ]
    return render(request, "inspections/campaign_draw.html", {"campaign": campaign, "result": result})


@login_required
def campaign_targets(request, pk):
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk)
    form = TargetFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    qs = selectors.target_progress(user=user, campaign=campaign, **filters)
    if _wants_export(request):
        return export_response(
            filename=f"{campaign.name}_检查对象_{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="检查对象学校",
            headers=[
                "序号",
                "学校",
                "学校类型",
                "上级单位",
                "抽中顺序",
                "自查状态",
                "自查提交时间",
                "督查组",
                "已记录检查次数",
                "最近检查日期",
            ],
            rows=(
                [
                    n,
                    t.school.name,
                    t.school.get_kind_display(),
                    t.school.parent.name if t.school.parent_id else "",
                    t.draw_order or "",
                    _self_check_label(campaign, t.self_check_status),
                    t.self_check_at,
                    t.team_name or "",
                    t.visit_count or 0,
                    t.last_visit_on,
                ]
                for n, t in enumerate(qs[:20000], start=1)
            ),
            widths=[6, 30, 14, 16, 8, 10, 18, 14, 12, 12],
        )
    page_obj = paginate(request, qs, per_page=50)
    return render(
        request,
        "inspections/campaign_targets.html",
        {"campaign": campaign, "form": form, "page_obj": page_obj, "colours": STATUS_COLOURS},
    )


def _self_check_label(campaign, status):
    if not campaign.self_check_required:
        return "不要求"
    return dict(SelfCheckStatus.choices).get(status, "未填写")


# --- teams ------------------------------------------------------------------------------------------


def _team_form_kwargs(user):
    from edubureau.accounts.models import Membership

    candidates = selectors.team_member_candidates(user)
    supervisor_ids = set(
        Membership.objects.current().filter(role__code="supervisor").values_list("user_id", flat=True)
    )
    return {"candidates": candidates, "supervisor_ids": supervisor_ids}


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request, pk):
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk, perm=MANAGE)
    form = TeamForm(
        request.POST or None,
        initial={"name": f"第{campaign.teams.count() + 1}督查组"},
        **_team_form_kwargs(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                actor=user,
                campaign=campaign,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                members=form.member_specs(),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已组建“{team.name}”。下一步为其分配检查学校。")
            return redirect(team)
    return render_form(request, "inspections/team_form.html", {"form": form, "campaign": campaign})


@login_required
def team_detail(request, pk):
    user = request.user
    team = selectors.team_get(user=user, pk=pk)
    assignments = list(selectors.team_assignments(user=user, team=team))
    is_member = any(m.user_id == user.pk for m in team.members.all())
    return render(
        request,
        "inspections/team_detail.html",
        {
            "team": team,
            "campaign": team.campaign,
            "assignments": assignments,
            "can_manage": user_can(user, MANAGE, team.campaign.department),
            "can_record": team.campaign.is_open and user_has_perm(user, VISIT),
            "is_member": is_member,
            "visited": sum(1 for a in assignments if a.visit_count),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    user = request.user
    team = selectors.team_get(user=user, pk=pk, perm=MANAGE)
    form = TeamForm(request.POST or None, initial=TeamForm.initial_from(team), **_team_form_kwargs(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(
                actor=user,
                team=team,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                members=form.member_specs(),
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "督查组已保存。")
            return redirect(team)
    return render_form(
        request, "inspections/team_form.html", {"form": form, "campaign": team.campaign, "team": team}
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_assign(request, pk):
    user = request.user
    team = selectors.team_get(user=user, pk=pk, perm=MANAGE)
    campaign = team.campaign
    from edubureau.org.models import OrgUnit

    taken = TeamAssignment.objects.filter(campaign=campaign).exclude(team=team).values("school_id")
    schools = (
        OrgUnit.objects.filter(pk__in=CampaignTarget.objects.filter(campaign=campaign).values("school_id"))
        .exclude(pk__in=taken)
        .select_related("parent")
        .order_by("path")
    )
    current = list(team.assignments.values_list("school_id", flat=True))
    form = TeamAssignForm(
        request.POST or None, schools=schools, initial={"schools": current, "version": team.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_assign(
                actor=user,
                team=team,
                schools=list(form.cleaned_data["schools"]),
                planned_on=form.cleaned_data.get("planned_on"),
                version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已为“{team.name}”分配{len(form.cleaned_data['schools'])}所学校。")
            return redirect(team)
    elif request.method == "GET" and not campaign.is_open:
        messages.info(request, "检查活动启动后才能分配学校。")
        return redirect(team)
    return render_form(
        request,
        "inspections/team_assign.html",
        {"form": form, "team": team, "campaign": campaign, "taken_count": taken.count()},
    )


# --- visits -----------------------------------------------------------------------------------------


@login_required
def visit_list(request):
    user = request.user
    selectors.require_perm(user, VIEW)
    form = VisitFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    qs = selectors.visit_list(user=user, **filters)
    if _wants_export(request):
        return export_response(
            filename=f"督查检查记录_{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="督查检查记录",
            headers=[
                "检查日期",
                "学校",
                "检查活动",
                "检查方式",
                "督查组",
                "到场人数",
                "到场人员",
                "答复检查项",
                "发现问题",
                "状态",
                "记录人",
                "记录时间",
            ],
            rows=(
                [
                    v.visited_on,
                    v.school.name,
                    v.campaign.name,
                    v.campaign.get_mode_display(),
                    v.team.name,
                    v.present_count,
                    v.present_names,
                    v.answer_count,
                    v.finding_count,
                    v.get_status_display(),
                    v.recorded_by.real_name if v.recorded_by_id else "",
                    v.recorded_at,
                ]
                for v in qs[:20000]
            ),
            widths=[12, 28, 28, 14, 12, 8, 30, 10, 10, 8, 10, 18],
        )
    page_obj = paginate(request, qs)
    return render(
        request,
        "inspections/visit_list.html",
        {"form": form, "page_obj": page_obj, "visits": list(page_obj), "colours": STATUS_COLOURS},
    )


def _checklist_context(template, answers, errors=None):
    rows = selectors.checklist_rows(template, answers)
    return {
        "checklist": rows,
        "item_errors": errors or {},
        "verdicts": Verdict.choices,
        "answer_types": AnswerType,
        "item_total": sum(len(items) for _, items in rows),
    }


def _posted_answers(post, template):
    """Answers as the form posted them, keyed by item pk (to re-show a refused form)."""
    from types import SimpleNamespace

    shown = {}
    for item in template.items.all():
        prefix = f"item-{item.pk}-"
        shown[item.pk] = SimpleNamespace(
            verdict=post.get(prefix + "verdict", ""),
            number=post.get(prefix + "number", ""),
            text=post.get(prefix + "text", ""),
            note=post.get(prefix + "note", ""),
            place=post.get(prefix + "place", ""),
        )
    return shown


def _finding_rows(post=None, findings=()):
    """Rows of the "other problems" part of the form: posted values, or saved draft findings."""
    rows = []
    if post is not None:
        for n in range(1, MAX_EXTRA_FINDINGS + 1):
            prefix = f"finding-{n}-"
            rows.append(
                {
                    "n": n,
                    "category": post.get(prefix + "category", ""),
                    "place": post.get(prefix + "place", ""),
                    "description": post.get(prefix + "description", ""),
                    "fixed": post.get(prefix + "fixed") in ("1", "on"),
                }
            )
    else:
        extra = [f for f in findings if f.item_id is None]
        for n in range(1, MAX_EXTRA_FINDINGS + 1):
            f = extra[n - 1] if n <= len(extra) else None
            rows.append(
                {
                    "n": n,
                    "category": f.category if f else "",
                    "place": f.place if f else "",
                    "description": f.description if f else "",
                    "fixed": f.fixed_on_spot if f else False,
                }
            )
    shown = max([r["n"] for r in rows if r["place"] or r["description"]] + [0]) + 1
    for r in rows:
        r["hidden"] = r["n"] > max(shown, 1)
    return rows


def _save_checklist(request, *, form, template, save):
    """Parse the checklist part of a visit or self-check form and call `save(answers, findings,
    final)`. Returns the saved object, or None with the errors on `form` / in the returned context."""
    categories = services.hazard_category_codes()
    answers, item_errors = parse_answers(request.POST, list(template.items.all()))
    findings, finding_errors = parse_findings(request.POST, request.FILES, categories)
    final = request.POST.get("action") == "submit"
    if item_errors:
        form.add_error(None, f"有{len(item_errors)}个检查项填写有误，请检查标红的项目。")
    for message in finding_errors:
        form.add_error(None, message)
    if item_errors or finding_errors:
        return None, item_errors
    try:
        return save(answers, findings, final), {}
    except ServiceError as exc:
        add_service_error(form, exc)
        return None, {}


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    user = request.user
    qs = TeamAssignment.objects.select_related("team", "campaign", "campaign__template", "school")
    assignment = get_visible_or_404(qs, user, VISIT, pk=pk)
    campaign = assignment.campaign
    draft = (
        Visit.objects.visible_to(user, VISIT)
        .filter(team=assignment.team, school=assignment.school, status="draft")
        .first()
    )
    if draft is not None:
        return redirect("inspections:visit_edit", pk=draft.pk)
    if not campaign.is_open:
        messages.info(request, "只有“进行中”的检查活动可以记录检查。")
        return redirect(assignment.team)
    today = timezone.localdate()
    members = [m.name for m in assignment.team.members.all()]
    initial = {
        "visited_on": min(max(today, campaign.start), campaign.end),
        "present_names": "、".join(members),
    }
    form = VisitForm(request.POST or None, initial=initial)
    item_errors = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save(answers, findings, final):
            return services.visit_save(
                actor=user,
                assignment=assignment,
                visited_on=data["visited_on"],
                present_count=data.get("present_count"),
                present_names=data["present_names"],
                notes=data["notes"],
                answers=answers,
                findings=findings,
                record=final,
            )

        visit, item_errors = _save_checklist(request, form=form, template=campaign.template, save=save)
        if visit is not None:
            return _after_visit_save(request, visit)
    answers = _posted_answers(request.POST, campaign.template) if request.method == "POST" else {}
    return render_form(
        request,
        "inspections/visit_form.html",
        {
            "form": form,
            "assignment": assignment,
            "campaign": campaign,
            "team": assignment.team,
            "school": assignment.school,
            "finding_rows": _finding_rows(request.POST if request.method == "POST" else None),
            "categories": _hazard_category_choices(),
            **_checklist_context(campaign.template, answers, item_errors),
        },
    )


def _after_visit_save(request, visit):
    if visit.is_recorded:
        hazards = visit.findings.exclude(hazard_id=None).count()
        messages.success(
            request,
            f"检查记录已提交。{'登记隐患' + str(hazards) + '条，已转入隐患台账。' if hazards else '未发现需登记的隐患。'}",
        )
        return redirect(visit)
    messages.success(request, "已暂存，可稍后继续填写。")
    return redirect("inspections:visit_edit", pk=visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    user = request.user
    visit = selectors.visit_get(user=user, pk=pk, perm=VISIT)
    if visit.is_recorded:
        return redirect(visit)
    campaign = visit.campaign
    initial = {
        "visited_on": visit.visited_on,
        "present_names": visit.present_names,
        "present_count": visit.present_count,
        "notes": visit.notes,
        "version": visit.version,
    }
    form = VisitForm(request.POST or None, initial=initial)
    item_errors = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save(answers, findings, final):
            return services.visit_save(
                actor=user,
                visit=visit,
                visited_on=data["visited_on"],
                present_count=data.get("present_count"),
                present_names=data["present_names"],
                notes=data["notes"],
                answers=answers,
                findings=findings,
                record=final,
                version=data.get("version"),
            )

        saved, item_errors = _save_checklist(request, form=form, template=campaign.template, save=save)
        if saved is not None:
            return _after_visit_save(request, saved)
    if request.method == "POST":
        answers = _posted_answers(request.POST, campaign.template)
        finding_rows = _finding_rows(request.POST)
    else:
        answers = selectors.answers_by_item({"visit": visit})
        finding_rows = _finding_rows(findings=selectors.findings_of({"visit": visit}))
    return render_form(
        request,
        "inspections/visit_form.html",
        {
            "form": form,
            "visit": visit,
            "campaign": campaign,
            "team": visit.team,
            "school": visit.school,
            "finding_rows": finding_rows,
            "categories": _hazard_category_choices(),
            **_checklist_context(campaign.template, answers, item_errors),
        },
    )


@login_required
def visit_detail(request, pk):
    user = request.user
    visit = selectors.visit_get(user=user, pk=pk)
    answers = selectors.answers_by_item({"visit": visit})
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "campaign": visit.campaign,
            "findings": selectors.findings_of({"visit": visit}),
            "members": list(visit.team.members.all()),
            "can_edit": not visit.is_recorded
            and Visit.objects.visible_to(user, VISIT).filter(pk=visit.pk).exists(),
            "answered": sum(1 for a in answers.values() if a.is_given),
            "failed": sum(1 for a in answers.values() if a.verdict == Verdict.FAIL),
            **_checklist_context(visit.campaign.template, answers),
        },
    )


# --- self-checks ------------------------------------------------------------------------------------


@login_required
def selfcheck_mine(request):
    user = request.user
    selectors.require_perm(user, SELF_CHECK)
    page_obj = paginate(request, selectors.my_self_checks(user=user))
    return render(
        request,
        "inspections/selfcheck_mine.html",
        {
            "page_obj": page_obj,
            "rows": list(page_obj),
            "colours": STATUS_COLOURS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def selfcheck_fill(request, pk):
    user = request.user
    target = selectors.selfcheck_target_get(user=user, pk=pk)
    campaign = target.campaign
    self_check = SelfCheck.objects.filter(campaign=campaign, school=target.school).first()
    if self_check is not None and self_check.is_submitted:
        return redirect(self_check)
    if campaign.status != CampaignStatus.OPEN:
        if self_check is not None:
            return redirect(self_check)
        messages.info(request, "该检查活动不在进行中，不能填报自查。")
        return redirect("inspections:selfcheck_mine")
    form = SelfCheckForm(
        request.POST or None,
        initial={"note": self_check.note, "version": self_check.version} if self_check else {},
    )
    item_errors = {}
    if request.method == "POST" and form.is_valid():

        def save(answers, findings, final):
            return services.selfcheck_save(
                actor=user,
                target=target,
                note=form.cleaned_data["note"],
                answers=answers,
                findings=findings,
                submit=final,
                version=form.cleaned_data.get("version"),
            )

        saved, item_errors = _save_checklist(request, form=form, template=campaign.template, save=save)
        if saved is not None:
            if saved.is_submitted:
                hazards = saved.findings.exclude(hazard_id=None).count()
                messages.success(
                    request,
                    f"自查已提交。{'登记隐患' + str(hazards) + '条，请在隐患台账中落实整改。' if hazards else ''}",
                )
                return redirect(saved)
            messages.success(request, "已暂存，可稍后继续填写。")
            return redirect("inspections:selfcheck_fill", pk=target.pk)
    if request.method == "POST":
        answers = _posted_answers(request.POST, campaign.template)
        finding_rows = _finding_rows(request.POST)
    elif self_check is not None:
        answers = selectors.answers_by_item({"self_check": self_check})
        finding_rows = _finding_rows(findings=selectors.findings_of({"self_check": self_check}))
    else:
        answers, finding_rows = {}, _finding_rows(findings=[])
    return render_form(
        request,
        "inspections/selfcheck_form.html",
        {
            "form": form,
            "target": target,
            "campaign": campaign,
            "school": target.school,
            "self_check": self_check,
            "finding_rows": finding_rows,
            "categories": _hazard_category_choices(),
            **_checklist_context(campaign.template, answers, item_errors),
        },
    )


@login_required
def selfcheck_detail(request, pk):
    user = request.user
    self_check = selectors.selfcheck_get(user=user, pk=pk)
    answers = selectors.answers_by_item({"self_check": self_check})
    target = (
        CampaignTarget.objects.visible_to(user, SELF_CHECK)
        .filter(campaign=self_check.campaign, school=self_check.school)
        .first()
    )
    return render(
        request,
        "inspections/selfcheck_detail.html",
        {
            "self_check": self_check,
            "campaign": self_check.campaign,
            "findings": selectors.findings_of({"self_check": self_check}),
            "fill_target": target if not self_check.is_submitted and self_check.campaign.is_open else None,
            "late": self_check.is_submitted
            and timezone.localdate(self_check.submitted_at) > self_check.campaign.self_check_deadline,
            "answered": sum(1 for a in answers.values() if a.is_given),
            "failed": sum(1 for a in answers.values() if a.verdict == Verdict.FAIL),
            "colours": STATUS_COLOURS,
            **_checklist_context(self_check.campaign.template, answers),
        },
    )


# --- checklist templates ----------------------------------------------------------------------------


@login_required
def template_list(request):
    user = request.user
    selectors.require_perm(user, VIEW)
    form = TemplateFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    qs = selectors.template_list(user=user, **filters)
    if _wants_export(request):
        return export_response(
            filename=f"检查表_{timezone.localdate():%Y%m%d}.xlsx",
            sheet_title="检查表",
            headers=["检查表名称", "版次", "检查项数", "使用活动数", "状态", "更新时间"],
            rows=(
                [
                    t.name,
                    t.revision,
                    t.item_count,
                    t.campaign_count,
                    "启用" if t.is_active else "停用",
                    t.updated_at,
                ]
                for t in qs[:5000]
            ),
            widths=[36, 8, 10, 10, 8, 18],
        )
    page_obj = paginate(request, qs)
    return render(
        request,
        "inspections/template_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "templates": list(page_obj),
            "can_manage": user_has_perm(user, MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request):
    user = request.user
    selectors.require_perm(user, MANAGE)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(
                actor=user, name=form.cleaned_data["name"], description=form.cleaned_data["description"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已新建检查表“{template.name}”，请添加检查项。")
            return redirect(template)
    return render_form(request, "inspections/template_form.html", {"form": form})


@login_required
def template_detail(request, pk):
    user = request.user
    template = selectors.template_get(user=user, pk=pk)
    can_manage = user_can(user, MANAGE, template.owner)
    campaigns = list(template.campaigns.visible_to(user, VIEW).order_by("-start")[:20])
    newer = type(template).objects.filter(previous=template).first()
    return render(
        request,
        "inspections/template_detail.html",
        {
            "template": template,
            "groups": selectors.grouped_items(template),
            "can_manage": can_manage and newer is None,
            "is_used": services.template_is_used(template),
            "campaigns": campaigns,
            "newer": newer,
            "categories": dict(_hazard_category_choices()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    user = request.user
    template = selectors.template_get(user=user, pk=pk, perm=MANAGE)
    form = TemplateForm(
        request.POST or None,
        initial={
            "name": template.name,
            "description": template.description,
            "is_active": template.is_active,
            "version": template.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.template_update(
                actor=user,
                template=template,
                version=data.get("version"),
                name=data["name"],
                description=data["description"],
                is_active=data["is_active"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            _revision_message(request, template, saved)
            messages.success(request, "检查表已保存。")
            return redirect(saved)
    return render_form(request, "inspections/template_form.html", {"form": form, "template": template})


def _revision_message(request, old, new):
    if new.pk != old.pk:
        messages.info(
            request,
            f"第{old.revision}版已被检查活动使用，本次修改生成了第{new.revision}版；已使用的活动仍按第{old.revision}版。",
        )


@login_required
@require_http_methods(["GET", "POST"])
def template_item_add(request, pk):
    user = request.user
    template = selectors.template_get(user=user, pk=pk, perm=MANAGE)
    form = ItemForm(
        request.POST or None,
        categories=_hazard_category_choices(),
        initial={"category": request.GET.get("category", "")[:40], "answer_type": AnswerType.YES_NO_NA},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.template_item_add(actor=user, template=template, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            _revision_message(request, template, item.template)
            messages.success(request, f"已添加检查项“{item.text}”。")
            if request.POST.get("another"):
                return redirect(
                    reverse("inspections:template_item_add", args=[item.template_id])
                    + f"?category={item.category}"
                )
            return redirect(item.template)
    return render_form(
        request,
        "inspections/item_form.html",
        {"form": form, "template": template, "known_categories": _known_categories(template)},
    )


def _known_categories(template):
    return list(dict.fromkeys(template.items.order_by("order").values_list("category", flat=True)))


@login_required
@require_http_methods(["GET", "POST"])
def template_item_edit(request, pk):
    user = request.user
    item = selectors.item_get(user=user, pk=pk)
    template = item.template
    form = ItemForm(
        request.POST or None, categories=_hazard_category_choices(), initial=ItemForm.initial_from(item)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.template_item_update(actor=user, item=item, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            _revision_message(request, template, saved.template)
            messages.success(request, "检查项已保存。")
            return redirect(saved.template)
    return render_form(
        request,
        "inspections/item_form.html",
        {"form": form, "template": template, "item": item, "known_categories": _known_categories(template)},
    )


@login_required
@require_POST
def template_item_remove(request, pk):
    user = request.user
    item = selectors.item_get(user=user, pk=pk)
    template = item.template
    try:
        saved = services.template_item_remove(actor=user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(template)
    _revision_message(request, template, saved)
    messages.success(request, f"已删除检查项“{item.text}”。")
    return redirect(saved)
