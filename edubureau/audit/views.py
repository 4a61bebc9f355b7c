"""Search pages of the audit logs. Read only: nothing here writes, edits or deletes a log row."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from edubureau.accounts.scope import user_can, user_has_perm
from edubureau.org.scoping import get_visible_or_404
from edubureau.web.utils import paginate

from . import selectors
from .forms import EventSearchForm, LoginSearchForm, SensitiveSearchForm
from .models import AuditEvent, SensitiveAccess

PERM = selectors.PERM


def _require_audit(user):
    if not user_has_perm(user, PERM):
        raise Http404("未找到该页面，或您无权访问。")


def _results(request, form, search):
    """A page of `search(**filters)`; a bound form with errors gives no rows (and shows its errors)."""
    if form.is_bound and not form.is_valid():
        return paginate(request, search().none())
    return paginate(request, search(**form.filters()))


def _common(active):
    return {"active_tab": active, "retention_days": settings.EDUBUREAU_AUDIT_RETENTION_DAYS}


@login_required
def event_list(request):
    _require_audit(request.user)
    user = request.user
    form = EventSearchForm(
        request.GET or None,
        units=selectors.audit_units(user=user),
        object_types=selectors.object_type_choices(user=user),
    )
    page_obj = _results(request, form, lambda **f: selectors.event_search(user=user, **f))
    rows = [
        {
            "event": e,
            "action_label": selectors.action_label(e.action),
            "type_label": selectors.object_type_label(e.object_type),
            "changes": selectors.changes(e),
        }
        for e in page_obj
    ]
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page_obj": page_obj, "rows": rows, **_common("events")},
    )


@login_required
def event_detail(request, pk):
    _require_audit(request.user)
    event = get_visible_or_404(AuditEvent.objects.select_related("unit"), request.user, PERM, pk=pk)
    context = {
        "event": event,
        "action_label": selectors.action_label(event.action),
        "type_label": selectors.object_type_label(event.object_type),
        "changes": selectors.changes(event),
        "unit_link": event.unit is not None and user_can(request.user, "org.view", event.unit),
        **_common("events"),
    }
    return render(request, "audit/event_detail.html", context)


@login_required
def login_list(request):
    _require_audit(request.user)
    user = request.user
    form = LoginSearchForm(request.GET or None, units=selectors.audit_units(user=user))
    page_obj = _results(request, form, lambda **f: selectors.login_search(user=user, **f))
    return render(request, "audit/login_list.html", {"form": form, "page_obj": page_obj, **_common("logins")})


@login_required
def sensitive_list(request):
    _require_audit(request.user)
    user = request.user
    form = SensitiveSearchForm(
        request.GET or None,
        units=selectors.audit_units(user=user),
        object_types=selectors.object_type_choices(user=user, model=SensitiveAccess),
    )
    page_obj = _results(request, form, lambda **f: selectors.sensitive_search(user=user, **f))
    rows = [
        {
            "entry": s,
            "action_label": selectors.SENSITIVE_ACTIONS.get(s.action, s.action),
            "type_label": selectors.object_type_label(s.object_type),
            "field_label": selectors.field_label(s.object_type, s.field),
        }
        for s in page_obj
    ]
    return render(
        request,
        "audit/sensitive_list.html",
        {"form": form, "page_obj": page_obj, "rows": rows, **_common("sensitive")},
    )
