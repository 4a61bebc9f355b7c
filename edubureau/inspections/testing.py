"""Builders of inspection records for tests and the authorization matrix (direct rows, no services:
the services are tested on their own)."""

import datetime

from django.utils import timezone

from edubureau.org.choices import UnitKind
from edubureau.org.models import OrgUnit

from .choices import AnswerType, CampaignStatus, Mode, SelfCheckStatus, TargetRule, Theme, VisitStatus
from .models import (
    Campaign,
    CampaignTarget,
    ChecklistItem,
    ChecklistTemplate,
    SelfCheck,
    Team,
    TeamAssignment,
    TeamMember,
    Visit,
)


def root_of(unit):
    return OrgUnit.objects.get(path=unit.path[: unit.path.find("/") + 1])


def department_of(unit):
    """A department of `unit`'s county (created when the county has none)."""
    root = root_of(unit)
    department = OrgUnit.objects.filter(parent=root, kind=UnitKind.DEPARTMENT).order_by("pk").first()
    if department is None:
        department = OrgUnit.objects.create(parent=root, kind=UnitKind.DEPARTMENT, name=f"{root.name}安全科")
    return department


def make_template(unit, *, name="校园安全检查表", items=None):
    """A checklist owned by `unit`'s county with a few items (two make hazards)."""
    template = ChecklistTemplate.objects.create(owner=root_of(unit), name=name)
    specs = items or [
        ("消防安全", "灭火器配置齐全、在有效期内", AnswerType.YES_NO_NA, True, "fire"),
        ("消防安全", "疏散通道畅通，无堆放杂物", AnswerType.YES_NO_NA, True, "fire"),
        ("用电安全", "配电箱加锁，线路无私拉乱接", AnswerType.YES_NO_NA, False, ""),
        ("基本情况", "在岗保安人数", AnswerType.NUMBER, False, ""),
        ("基本情况", "其他需要说明的情况", AnswerType.TEXT, False, ""),
    ]
    for n, (category, text, answer_type, makes, hazard_category) in enumerate(specs, start=1):
        ChecklistItem.objects.create(
            template=template,
            category=category,
            text=text,
            answer_type=answer_type,
            creates_hazard_on_fail=makes,
            hazard_category=hazard_category,
            order=n * 10,
        )
    return template


def period(days_before=30, days_after=30):
    today = timezone.localdate()
    return today - datetime.timedelta(days=days_before), today + datetime.timedelta(days=days_after)


def make_campaign(
    unit=None,
    *,
    schools=None,
    mode=Mode.SURVEY,
    status=CampaignStatus.OPEN,
    self_check=True,
    template=None,
    name="秋季开学安全大检查",
    theme=Theme.SEMESTER_START,
):
    """A campaign of `unit`'s county targeting `schools` (default: [unit])."""
    schools = schools if schools is not None else [unit]
    anchor = unit or schools[0]
    start, end = period()
    campaign = Campaign.objects.create(
        name=name,
        theme=theme,
        mode=mode,
        start=start,
        end=end,
        department=department_of(anchor),
        template=template or make_template(anchor),
        self_check_required=self_check and mode != Mode.UNANNOUNCED,
        target_rule=TargetRule.LIST,
        status=status,
        opened_at=timezone.now() if status != CampaignStatus.DRAFT else None,
    )
    campaign.target_schools.set(schools)
    if status != CampaignStatus.DRAFT:
        CampaignTarget.objects.bulk_create([CampaignTarget(campaign=campaign, school=s) for s in schools])
    return campaign


def make_team(campaign, *, schools=(), members=(), name="第一督查组"):
    team = Team.objects.create(campaign=campaign, name=name)
    if members:
        for n, user in enumerate(members):
            TeamMember.objects.create(
                team=team, kind="staff", user=user, name=user.real_name, is_leader=n == 0
            )
    else:
        TeamMember.objects.create(
            team=team, kind="expert", name="钱专家", affiliation="县消防救援大队", is_leader=True
        )
    for school in schools:
        TeamAssignment.objects.create(team=team, campaign=campaign, school=school)
    return team


def make_visit(team, school, *, status=VisitStatus.RECORDED, present_count=3, visited_on=None):
    return Visit.objects.create(
        campaign=team.campaign,
        team=team,
        school=school,
        visited_on=visited_on or timezone.localdate(),
        present_count=present_count,
        present_names="、".join(f"检查员{n}" for n in range(1, present_count + 1)),
        status=status,
        recorded_at=timezone.now() if status == VisitStatus.RECORDED else None,
    )


def make_self_check(campaign, school, *, status=SelfCheckStatus.DRAFT):
    return SelfCheck.objects.create(
        campaign=campaign,
        school=school,
        status=status,
        submitted_at=timezone.now() if status == SelfCheckStatus.SUBMITTED else None,
    )


# --- the matrix's object builders: (url kwargs, unit the object belongs to) -------------------------


def campaign_target(unit, requester):
    return {"pk": make_campaign(unit).pk}, unit


def self_check_target(unit, requester):
    campaign = make_campaign(unit)
    return {"pk": CampaignTarget.objects.get(campaign=campaign, school=unit).pk}, unit


def team_target(unit, requester):
    campaign = make_campaign(unit, self_check=False)
    return {"pk": make_team(campaign, schools=[unit]).pk}, unit


def assignment_target(unit, requester):
    campaign = make_campaign(unit, self_check=False)
    team = make_team(campaign, schools=[unit])
    return {"pk": team.assignments.get().pk}, unit


def visit_target(unit, requester):
    campaign = make_campaign(unit, self_check=False)
    team = make_team(campaign, schools=[unit])
    return {"pk": make_visit(team, unit).pk}, unit


def draft_visit_target(unit, requester):
    campaign = make_campaign(unit, self_check=False)
    team = make_team(campaign, schools=[unit])
    return {"pk": make_visit(team, unit, status=VisitStatus.DRAFT).pk}, unit


def selfcheck_target(unit, requester):
    campaign = make_campaign(unit)
    return {"pk": make_self_check(campaign, unit).pk}, unit


def template_target(unit, requester):
    root = root_of(unit)
    return {"pk": make_template(unit).pk}, root


def item_target(unit, requester):
    root = root_of(unit)
    return {"pk": make_template(unit).items.first().pk}, root
