import pytest

from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.inspections import services
from edubureau.inspections.choices import Mode, TargetRule
from edubureau.inspections.models import TeamAssignment
from edubureau.inspections.testing import make_visit


def test_a_team_has_bureau_staff_supervisors_and_outside_experts(new_campaign, team_for):
    team = team_for(new_campaign(), [])
    members = {(m.kind, m.name, m.is_leader) for m in team.members.all()}
    assert ("staff", "吴科员", True) in members
    assert ("supervisor", "郑督学", False) in members
    assert ("expert", "钱建国", False) in members


def test_a_team_needs_exactly_one_leader(new_campaign, dept_officer, supervisor):
    with pytest.raises(ServiceError, match="请指定一名组长"):
        services.team_create(
            actor=dept_officer,
            campaign=new_campaign(),
            name="第二组",
            members=[{"kind": "staff", "user": dept_officer}, {"kind": "supervisor", "user": supervisor}],
        )


def test_a_user_who_is_no_supervisor_cannot_sit_as_one(new_campaign, dept_officer, leader):
    with pytest.raises(ServiceError, match="不是责任督学"):
        services.team_create(
            actor=dept_officer,
            campaign=new_campaign(),
            name="第二组",
            members=[
                {"kind": "staff", "user": dept_officer, "is_leader": True},
                {"kind": "supervisor", "user": leader},
            ],
        )


def test_team_names_are_unique_in_a_campaign(new_campaign, team_for):
    campaign = new_campaign()
    team_for(campaign, [])
    with pytest.raises(ServiceError, match="同名"):
        team_for(campaign, [])


def test_a_self_check_campaign_has_no_teams(new_campaign, team_for):
    with pytest.raises(ServiceError, match="不组建督查组"):
        team_for(new_campaign(mode=Mode.SELF_CHECK), [])


def test_only_targets_can_be_assigned(county, new_campaign, team_for):
    campaign = new_campaign(target_rule=TargetRule.LIST, target_schools=[county.school_a])
    with pytest.raises(ServiceError, match="只能分配本活动的检查对象学校"):
        team_for(campaign, [county.school_b])


def test_a_school_is_assigned_to_one_team_per_campaign(county, new_campaign, team_for):
    campaign = new_campaign()
    team_for(campaign, [county.school_a])
    with pytest.raises(ServiceError, match="已分配给第一督查组"):
        team_for(campaign, [county.school_a], name="第二督查组")


def test_a_visited_school_cannot_be_taken_off_the_team(county, new_campaign, team_for, dept_officer):
    campaign = new_campaign()
    team = team_for(campaign, [county.school_a, county.school_b])
    make_visit(team, county.school_a)
    with pytest.raises(ServiceError, match="已有本组的检查记录"):
        services.team_assign(actor=dept_officer, team=team, schools=[county.school_b])
    services.team_assign(actor=dept_officer, team=team, schools=[county.school_a])
    assert list(TeamAssignment.objects.filter(team=team).values_list("school_id", flat=True)) == [
        county.school_a.pk
    ]


def test_supervisor_cannot_manage_teams(county, new_campaign, team_for, supervisor):
    team = team_for(new_campaign(), [county.school_a])
    with pytest.raises(NotFoundError):
        services.team_assign(actor=supervisor, team=team, schools=[])


def test_schools_are_assigned_only_after_the_campaign_opens(county, new_campaign, team_for):
    campaign = new_campaign(open=False)
    with pytest.raises(ServiceError, match="启动后才能为督查组分配学校"):
        team_for(campaign, [county.school_a])
