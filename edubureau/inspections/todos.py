"""Home-page to-dos: self-checks a school still has to submit; schools a team member has to visit."""

from django.urls import reverse

from edubureau.web.todos import TodoItem

from . import selectors

MAX_ITEMS = 50


def self_checks_to_submit(user):
    rows = selectors.open_self_checks_to_submit(user)[:MAX_ITEMS]
    from django.utils import timezone

    today = timezone.localdate()
    return [
        TodoItem(
            title=f"填报自查：{t.campaign.name}",
            url=reverse("inspections:selfcheck_fill", args=[t.pk]),
            due=t.campaign.self_check_deadline,
            kind_label="安全自查",
            overdue=t.campaign.self_check_deadline < today,
            unit_name=t.school.name,
        )
        for t in rows
    ]


def schools_to_visit(user):
    rows = selectors.schools_to_visit(user)[:MAX_ITEMS]
    from django.utils import timezone

    today = timezone.localdate()
    return [
        TodoItem(
            title=f"督查检查：{a.campaign.name}（{a.team.name}）",
            url=reverse("inspections:visit_create", args=[a.pk]),
            due=a.planned_on or a.campaign.end,
            kind_label="督查检查",
            overdue=a.campaign.end < today,
            unit_name=a.school.name,
        )
        for a in rows
    ]
