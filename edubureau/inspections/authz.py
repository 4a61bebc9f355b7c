"""The inspections app's pages and API operations for the authorization matrix."""

import datetime

from django.utils import timezone

from edubureau.common.authz import Op, Route

from . import testing
from .perms import MANAGE, SELF_CHECK, VIEW, VISIT

URLS = {
    "inspections:campaign_list": Route(VIEW),
    "inspections:campaign_create": Route(MANAGE),
    "inspections:campaign_preview": Route(MANAGE),
    "inspections:campaign_detail": Route(VIEW, "inspection_campaign"),
    "inspections:campaign_edit": Route(MANAGE, "inspection_campaign"),
    "inspections:campaign_open": Route(MANAGE, "inspection_campaign", method="post"),
    "inspections:campaign_close": Route(MANAGE, "inspection_campaign", method="post"),
    "inspections:campaign_draw": Route(VIEW, "inspection_campaign"),
    "inspections:campaign_targets": Route(VIEW, "inspection_campaign"),
    "inspections:team_create": Route(MANAGE, "inspection_campaign"),
    "inspections:team_detail": Route(VIEW, "inspection_team"),
    "inspections:team_edit": Route(MANAGE, "inspection_team"),
    "inspections:team_assign": Route(MANAGE, "inspection_team"),
    "inspections:visit_list": Route(VIEW),
    "inspections:visit_create": Route(VISIT, "inspection_assignment"),
    "inspections:visit_detail": Route(VIEW, "inspection_visit"),
    "inspections:visit_edit": Route(VISIT, "inspection_draft_visit"),
    "inspections:selfcheck_mine": Route(SELF_CHECK),
    "inspections:selfcheck_fill": Route(SELF_CHECK, "inspection_target"),
    "inspections:selfcheck_detail": Route(VIEW, "inspection_selfcheck"),
    "inspections:template_list": Route(VIEW),
    "inspections:template_create": Route(MANAGE),
    "inspections:template_detail": Route(VIEW, "inspection_template"),
    "inspections:template_edit": Route(MANAGE, "inspection_template"),
    "inspections:template_item_add": Route(MANAGE, "inspection_template"),
    "inspections:template_item_edit": Route(MANAGE, "inspection_item"),
    "inspections:template_item_remove": Route(MANAGE, "inspection_item", method="post"),
}

P = "/api/v1/inspections"
API = {
    ("GET", f"{P}/campaigns"): Op(VIEW, lists="inspection_campaign"),
    ("GET", f"{P}/campaigns/{{id}}"): Op(VIEW, "inspection_campaign"),
    ("GET", f"{P}/campaigns/{{id}}/targets"): Op(VIEW, "inspection_campaign"),
    ("GET", f"{P}/campaigns/{{id}}/figures"): Op(VIEW, "inspection_campaign"),
    ("GET", f"{P}/campaigns/{{id}}/draw"): Op(VIEW, "inspection_sample_campaign"),
    ("POST", f"{P}/campaigns"): Op(MANAGE, body="inspection_campaign_create"),
    ("PATCH", f"{P}/campaigns/{{id}}"): Op(MANAGE, "inspection_campaign", body="inspection_campaign_patch"),
    ("POST", f"{P}/campaigns/{{id}}/open"): Op(
        MANAGE, "inspection_campaign", body="inspection_campaign_step"
    ),
    ("POST", f"{P}/campaigns/{{id}}/close"): Op(
        MANAGE, "inspection_campaign", body="inspection_campaign_step"
    ),
    ("POST", f"{P}/campaigns/{{id}}/teams"): Op(MANAGE, "inspection_campaign", body="inspection_team"),
    ("GET", f"{P}/visits"): Op(VIEW, lists="inspection_visit"),
    ("GET", f"{P}/visits/{{id}}"): Op(VIEW, "inspection_visit"),
    ("PUT", f"{P}/visits/{{id}}"): Op(VISIT, "inspection_draft_visit", body="inspection_visit"),
    ("GET", f"{P}/assignments"): Op(VISIT, lists="inspection_assignment"),
    ("POST", f"{P}/assignments/{{id}}/visits"): Op(VISIT, "inspection_assignment", body="inspection_visit"),
    ("GET", f"{P}/self-checks"): Op(SELF_CHECK, lists="inspection_target"),
    ("GET", f"{P}/targets/{{id}}/self-check"): Op(SELF_CHECK, "inspection_target"),
    ("PUT", f"{P}/targets/{{id}}/self-check"): Op(
        SELF_CHECK, "inspection_target", body="inspection_self_check"
    ),
}


def _sample_campaign(unit, requester):
    """An opened random sample (of one school: `unit`) with its recorded seed."""
    from .choices import TargetRule

    campaign = testing.make_campaign(unit, mode="spot_check", self_check=False)
    campaign.target_rule = TargetRule.SAMPLE
    campaign.sample_size = 1
    campaign.sample_seed = 7
    campaign.draw_candidates = [unit.pk]
    campaign.save()
    campaign.targets.update(draw_order=1)
    return {"pk": campaign.pk}, unit


TARGETS = {
    "inspection_campaign": testing.campaign_target,
    "inspection_sample_campaign": _sample_campaign,
    "inspection_target": testing.self_check_target,
    "inspection_team": testing.team_target,
    "inspection_assignment": testing.assignment_target,
    "inspection_visit": testing.visit_target,
    "inspection_draft_visit": testing.draft_visit_target,
    "inspection_selfcheck": testing.selfcheck_target,
    "inspection_template": testing.template_target,
    "inspection_item": testing.item_target,
}


def _visit_body(unit, counter):
    today = timezone.localdate()
    return {"visited_on": (today - datetime.timedelta(days=1)).isoformat(), "present_names": "吴科员、郑督学"}


def _campaign_body(unit, counter):
    start, end = testing.period()
    return {
        "name": f"矩阵测试检查{counter}",
        "theme": "semester_start",
        "mode": "survey",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "department": testing.department_of(unit).pk,
        "template": testing.make_template(unit).pk,
        "target_rule": "list",
        "target_schools": [unit.pk],
    }


def _team_body(unit, counter):
    return {
        "name": f"矩阵督查组{counter}",
        "members": [{"kind": "expert", "name": "钱专家", "is_leader": True}],
        "schools": [unit.pk],
    }


BODIES = {
    "inspection_campaign_create": _campaign_body,
    "inspection_campaign_patch": lambda unit, counter: {"version": 1, "name": f"矩阵测试{counter}"},
    "inspection_campaign_step": lambda unit, counter: {},
    "inspection_team": _team_body,
    "inspection_visit": _visit_body,
    "inspection_self_check": lambda unit, counter: {"note": "矩阵测试", "submit": False},
}
