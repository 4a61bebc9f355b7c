"""Home-page to-dos: the school's follow-up and final reports; the bureau's incidents to acknowledge.

Each provider costs a fixed number of queries (the limits, the incidents), whatever their number.
"""

from django.utils import timezone

from edubureau.accounts.scope import user_has_perm
from edubureau.web.todos import TodoItem

from . import selectors
from .choices import IncidentFlag

MAX_ITEMS = 50


def school_reports_due(user):
    """For school reporters: every open incident of their schools with what is due next."""
    if not user_has_perm(user, "incidents.report"):
        return []
    now = timezone.now()
    limits = selectors.limits_by_level()
    qs = selectors.incident_list(
        user=user, perm="incidents.report", flag=IncidentFlag.OPEN, limits=limits, now=now
    )
    items = []
    for incident in selectors.attach_standing(qs[:MAX_ITEMS], limits=limits, now=now):
        s = incident.standing
        url = incident.get_absolute_url()
        school = incident.school.name
        if s.is_missed:
            items.append(
                TodoItem(
                    title=f"补报初报：{incident.title}（教育局已掌握，学校未报送）",
                    url=url,
                    due=timezone.localdate(s.first_deadline),
                    kind_label="突发事件补报",
                    overdue=True,
                    unit_name=school,
                )
            )
        elif s.final_overdue:
            items.append(
                TodoItem(
                    title=f"报送终报：{incident.title}",
                    url=url,
                    due=timezone.localdate(s.final_due),
                    kind_label="突发事件终报",
                    overdue=True,
                    unit_name=school,
                )
            )
        elif s.followup_due:
            items.append(
                TodoItem(
                    title=f"报送续报：{incident.title}",
                    url=url,
                    due=timezone.localdate(s.followup_due_at),
                    kind_label="突发事件续报",
                    overdue=True,
                    unit_name=school,
                )
            )
        else:
            items.append(
                TodoItem(
                    title=f"续报或终报：{incident.title}（下次续报 {timezone.localtime(s.followup_due_at):%m-%d %H:%M} 前）",
                    url=url,
                    due=timezone.localdate(s.final_due),
                    kind_label="突发事件终报",
                    overdue=False,
                    unit_name=school,
                )
            )
    return items


def bureau_unacknowledged(user):
    """For the bureau (incidents.manage): incidents with reports nobody has acknowledged yet."""
    if not user_has_perm(user, "incidents.manage"):
        return []
    limits = selectors.limits_by_level()
    qs = selectors.incident_list(
        user=user, perm="incidents.manage", flag=IncidentFlag.UNACKNOWLEDGED, limits=limits
    )
    today = timezone.localdate()
    items = []
    for incident in qs[:MAX_ITEMS]:
        received = timezone.localdate(incident.last_report_at)  # to be read the day it arrives
        items.append(
            TodoItem(
                title=f"签收{incident.get_level_display()}事件：{incident.title}",
                url=incident.get_absolute_url(),
                due=received,
                kind_label="突发事件签收",
                overdue=received < today,
                unit_name=incident.school.name,
            )
        )
    return items
