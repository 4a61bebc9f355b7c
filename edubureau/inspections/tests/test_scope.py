"""Who sees what: the department sees its campaigns, a supervisor their zone, a school itself; a school
does not see an unannounced check (飞行检查) before the visit to it is recorded."""

import pytest
from django.urls import reverse

from edubureau.inspections.choices import Mode, VisitStatus
from edubureau.inspections.models import Campaign, CampaignTarget, Team, Visit
from edubureau.inspections.testing import make_campaign, make_team, make_visit


@pytest.fixture
def unannounced(county):
    campaign = make_campaign(
        schools=[county.school_a, county.school_b], mode=Mode.UNANNOUNCED, self_check=False
    )
    team = make_team(campaign, schools=[county.school_a, county.school_b])
    return campaign, team


def visible(model, user):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_school_does_not_see_an_unannounced_check_before_its_visit_is_recorded(county, unannounced, admin_a):
    campaign, team = unannounced
    draft = make_visit(team, county.school_a, status=VisitStatus.DRAFT)
    assert campaign.pk not in visible(Campaign, admin_a)
    assert not CampaignTarget.objects.visible_to(admin_a).exists()
    assert team.pk not in visible(Team, admin_a)
    assert draft.pk not in visible(Visit, admin_a)


def test_school_sees_the_unannounced_check_once_its_visit_is_recorded(county, unannounced, admin_a, admin_b):
    campaign, team = unannounced
    visit = make_visit(team, county.school_a)
    assert campaign.pk in visible(Campaign, admin_a)
    assert visit.pk in visible(Visit, admin_a)
    assert team.pk in visible(Team, admin_a)
    assert set(CampaignTarget.objects.visible_to(admin_a).values_list("school_id", flat=True)) == {
        county.school_a.pk
    }
    assert campaign.pk not in visible(Campaign, admin_b)  # school B's visit is not recorded yet


def test_unannounced_visit_pages_answer_404_to_the_school_until_recorded(
    client, county, unannounced, admin_a
):
    campaign, team = unannounced
    draft = make_visit(team, county.school_a, status=VisitStatus.DRAFT)
    client.force_login(admin_a)
    assert client.get(reverse("inspections:campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("inspections:visit_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("inspections:team_detail", args=[team.pk])).status_code == 404
    response = client.get(reverse("inspections:campaign_list"))
    assert campaign.name not in response.content.decode()
    api = client.get("/api/v1/inspections/visits").json()
    assert draft.pk not in {v["id"] for v in api["items"]}


def test_inspectors_see_the_unannounced_check_in_their_scope(
    county, unannounced, supervisor, dept_officer, leader
):
    campaign, team = unannounced
    draft = make_visit(team, county.school_a, status=VisitStatus.DRAFT)
    assert campaign.pk in visible(Campaign, supervisor)
    assert draft.pk in visible(Visit, supervisor)
    assert draft.pk in visible(Visit, dept_officer)
    assert draft.pk in visible(Visit, leader)


def test_announced_campaigns_are_visible_to_target_schools_only(county, admin_a, admin_b):
    campaign = make_campaign(county.school_a)
    assert campaign.pk in visible(Campaign, admin_a)
    assert campaign.pk not in visible(Campaign, admin_b)


def test_a_draft_campaign_is_visible_only_to_the_department(county, admin_a, supervisor, dept_officer):
    campaign = make_campaign(county.school_a, status="draft")
    assert campaign.pk in visible(Campaign, dept_officer)
    assert campaign.pk not in visible(Campaign, supervisor)
    assert campaign.pk not in visible(Campaign, admin_a)


def test_supervisor_sees_targets_of_the_zone_only(county, supervisor):
    campaign = make_campaign(schools=[county.school_a, county.school_b, county.school_c])
    schools = set(
        CampaignTarget.objects.visible_to(supervisor)
        .filter(campaign=campaign)
        .values_list("school_id", flat=True)
    )
    assert schools == {county.school_a.pk, county.school_c.pk}


def test_a_team_member_sees_the_team_and_its_visits_outside_their_zone(county, supervisor):
    campaign = make_campaign(county.school_b)
    team = make_team(campaign, schools=[county.school_b], members=[supervisor])
    visit = make_visit(team, county.school_b)
    assert team.pk in visible(Team, supervisor)
    assert visit.pk in visible(Visit, supervisor)


def test_teacher_sees_nothing(county, teacher_a):
    make_campaign(county.school_a)
    assert not Campaign.objects.visible_to(teacher_a).exists()


def test_only_the_running_department_manages_a_campaign(county, supervisor, dept_officer):
    campaign = make_campaign(county.school_a)
    assert Campaign.objects.visible_to(dept_officer, "inspections.manage").filter(pk=campaign.pk).exists()
    assert not Campaign.objects.visible_to(supervisor, "inspections.manage").exists()
