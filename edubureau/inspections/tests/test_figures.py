"""The campaign figures equal what one counts by hand in the records."""

import datetime

import pytest
from django.utils import timezone

from edubureau.inspections import figures, services
from edubureau.inspections.models import CampaignTarget
from edubureau.safety import services as safety
from edubureau.safety.models import Hazard

from .conftest import all_pass, photo


def fail(note, place):
    return {"verdict": "fail", "note": note, "place": place}


@pytest.fixture
def scene(county, new_campaign, team_for, dept_officer, supervisor, safety_a, admin_a):
    """A survey of the three schools with self-checks:
    - team 1 (3 members) visits school A (3 present, 2 fire failures) and school B (2 present, one extra
      gas problem fixed on the spot); a draft visit at B does not count;
    - team 2 is formed, with school C, not visited;
    - school A submits its self-check (one fire failure), school C saves a draft.
    One hazard of school A is then rectified and verified (closed)."""
    campaign = new_campaign(self_check_required=True)
    team1 = team_for(campaign, [county.school_a, county.school_b])
    team_for(campaign, [county.school_c], name="第二督查组")
    a, b = team1.assignments.get(school=county.school_a), team1.assignments.get(school=county.school_b)
    last_month = max(campaign.start, timezone.localdate() - datetime.timedelta(days=20))
    visit_a = services.visit_save(
        actor=dept_officer,
        assignment=a,
        visited_on=last_month,
        present_count=3,
        answers=all_pass(campaign, {0: fail("灭火器过期", "一楼"), 1: fail("通道堆物", "二楼")}),
        record=True,
    )
    visit_b = services.visit_save(
        actor=dept_officer,
        assignment=b,
        visited_on=timezone.localdate(),
        present_names="吴科员、郑督学",
        answers=all_pass(campaign)[:3],
        findings=[
            {
                "category": "gas",
                "place": "食堂",
                "description": "软管老化",
                "fixed_on_spot": True,
                "photos": [photo()],
            }
        ],
        record=True,
    )
    services.visit_save(
        actor=dept_officer,
        assignment=b,
        visited_on=timezone.localdate(),
        present_count=9,
        answers=all_pass(campaign),
    )
    check_a = services.selfcheck_save(
        actor=safety_a,
        target=CampaignTarget.objects.get(campaign=campaign, school=county.school_a),
        answers=all_pass(campaign, {0: fail("消防栓无水", "操场")}),
        submit=True,
    )
    services.selfcheck_save(
        actor=make_school_c_officer(county),
        target=CampaignTarget.objects.get(campaign=campaign, school=county.school_c),
        answers=all_pass(campaign)[:1],
    )
    hazard = (
        Hazard.objects.filter(source_type="inspections.visit", source_id=visit_a.pk).order_by("pk").first()
    )
    hazard = safety.hazard_start_rectify(
        actor=safety_a, hazard=hazard, deadline=5, measures="更换", responsible_person="李安全"
    )
    hazard = safety.hazard_submit_rectification(
        actor=safety_a, hazard=hazard, note="已更换", photos=[photo()]
    )
    safety.hazard_verify(actor=admin_a, hazard=hazard, accepted=True)
    return {"campaign": campaign, "visit_a": visit_a, "visit_b": visit_b, "check_a": check_a}


def make_school_c_officer(county):
    from edubureau.common.factories import make_user

    return make_user("safety_officer", unit=county.school_c, username="safety_c", real_name="孙安全")


def test_headline_figures_equal_the_hand_count(scene):
    campaign = scene["campaign"]
    s = figures.summary(campaign)
    assert s["teams"] == 2
    assert s["visits"] == 2  # the draft visit does not count
    assert s["person_visits"] == 3 + 2
    assert s["schools_targeted"] == 3
    assert s["schools_covered"] == 2
    assert s["self_checks_submitted"] == 1
    assert s["points_checked"] == 5 + 3 + 5  # visit A, visit B, self-check A; drafts do not count
    assert s["hazards_found"] == 2 + 1 + 1
    assert s["hazards_rectified"] == 2  # one verified, one fixed on the spot
    assert s["hazards_on_the_spot"] == 1
    assert s["hazards_overdue"] == 0
    assert s["rectification_rate"] == 50


def test_each_named_figure_agrees_with_the_summary(scene):
    campaign = scene["campaign"]
    s = figures.summary(campaign)
    for name, figure in figures.FIGURES.items():
        key = name.split(".", 1)[1]
        assert figure.func(campaign) == s[key], name


def test_figures_over_a_set_of_campaigns_add_up(scene, new_campaign):
    other = new_campaign(name="节前安全检查")
    both = type(other).objects.filter(pk__in=[scene["campaign"].pk, other.pk])
    assert figures.schools_targeted(both) == 3  # the same three schools
    assert figures.person_visits(both) == 5


def test_breakdown_by_category_counts_the_hazards_of_each_category(scene):
    rows = {r["label"]: r for r in figures.by_category(scene["campaign"])}
    assert rows["消防"]["found"] == 3
    assert rows["消防"]["rectified"] == 1
    assert rows["燃气"]["found"] == 1
    assert rows["燃气"]["on_the_spot"] == 1


def test_breakdown_by_town_and_kind_counts_targets_visits_and_hazards(scene):
    towns = {r["label"]: r for r in figures.by_town(scene["campaign"])}
    assert towns["东城镇"]["targeted"] == 2
    assert towns["东城镇"]["covered"] == 2
    assert towns["东城镇"]["person_visits"] == 5
    assert towns["东城镇"]["found"] == 4
    assert towns["西河镇"]["covered"] == 0
    kinds = {r["label"]: r for r in figures.by_school_kind(scene["campaign"])}
    assert kinds["小学"]["found"] == 3
    assert kinds["幼儿园"]["targeted"] == 1


def test_breakdown_by_month_counts_visits_in_the_month_of_the_visit(scene):
    rows = figures.by_month(scene["campaign"])
    assert sum(r["visits"] for r in rows) == 2
    assert sum(r["person_visits"] for r in rows) == 5
    assert sum(r["found"] for r in rows) == 4


def test_a_school_sees_only_its_own_figures(county, scene, admin_a, admin_b):
    campaign = scene["campaign"]
    mine = figures.summary(campaign, user=admin_a)
    assert mine["schools_targeted"] == 1
    assert mine["person_visits"] == 3
    assert mine["hazards_found"] == 3
    assert figures.summary(campaign, user=admin_b)["hazards_found"] == 1


def test_the_leader_sees_the_county_figures(scene, leader):
    assert figures.summary(scene["campaign"], user=leader) == figures.summary(scene["campaign"])


def test_summary_takes_a_fixed_number_of_queries(scene, django_assert_max_num_queries, leader):
    with django_assert_max_num_queries(16):
        figures.summary(scene["campaign"], user=leader)
