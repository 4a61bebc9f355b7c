import pytest
from django.utils import timezone

from edubureau.inspections.choices import Mode
from edubureau.inspections.models import CampaignTarget, Visit
from edubureau.inspections.testing import make_campaign, make_self_check, make_team, make_visit
from edubureau.safety.models import Hazard

from .conftest import items_of

API = "/api/v1/inspections"


def post(client, url, body):
    return client.post(url, data=body, content_type="application/json")


def put(client, url, body):
    return client.put(url, data=body, content_type="application/json")


@pytest.fixture
def assignment(county, supervisor):
    campaign = make_campaign(county.school_a, self_check=False)
    return make_team(campaign, schools=[county.school_a], members=[supervisor]).assignments.get()


def test_inspector_records_a_visit_with_answers_from_a_phone(client, county, supervisor, assignment):
    items = items_of(assignment.campaign)
    client.force_login(supervisor)
    body = {
        "visited_on": timezone.localdate().isoformat(),
        "present_names": "郑督学、钱建国",
        "answers": [
            {"item": items[0].pk, "verdict": "fail", "note": "灭火器过期", "place": "一楼走廊"},
            {"item": items[1].pk, "verdict": "pass"},
            {"item": items[3].pk, "number": "2"},
        ],
        "findings": [{"category": "electricity", "place": "门卫室", "description": "插线板串接"}],
        "record": True,
    }
    response = post(client, f"{API}/assignments/{assignment.pk}/visits", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "recorded"
    assert data["present_count"] == 2
    assert len(data["answers"]) == 3
    assert all(f["hazard_id"] for f in data["findings"])
    assert Hazard.objects.filter(source_type="inspections.visit", source_id=data["id"]).count() == 2


def test_a_draft_visit_is_completed_with_put(client, supervisor, assignment):
    client.force_login(supervisor)
    created = post(
        client,
        f"{API}/assignments/{assignment.pk}/visits",
        {"visited_on": timezone.localdate().isoformat(), "present_names": "郑督学"},
    ).json()
    assert created["status"] == "draft"
    response = put(
        client,
        f"{API}/visits/{created['id']}",
        {
            "visited_on": created["visited_on"],
            "present_names": "郑督学",
            "record": True,
            "version": created["version"],
        },
    )
    assert response.status_code == 200
    assert response.json()["status"] == "recorded"
    again = put(client, f"{API}/visits/{created['id']}", {"visited_on": created["visited_on"]})
    assert again.status_code == 422
    assert "不能再修改" in again.json()["message"]


def test_a_failed_item_without_details_is_refused_with_a_chinese_message(client, supervisor, assignment):
    item = items_of(assignment.campaign)[0]
    client.force_login(supervisor)
    response = post(
        client,
        f"{API}/assignments/{assignment.pk}/visits",
        {
            "visited_on": timezone.localdate().isoformat(),
            "present_names": "郑督学",
            "answers": [{"item": item.pk, "verdict": "fail"}],
            "record": True,
        },
    )
    assert response.status_code == 422
    assert "请填写问题描述和部位" in response.json()["message"]
    assert not Visit.objects.exists()


def test_unknown_fields_and_bad_verdicts_are_refused(client, supervisor, assignment):
    client.force_login(supervisor)
    url = f"{API}/assignments/{assignment.pk}/visits"
    today = timezone.localdate().isoformat()
    assert post(client, url, {"visited_on": today, "hacked": 1}).status_code == 422
    item = items_of(assignment.campaign)[0]
    bad = post(client, url, {"visited_on": today, "answers": [{"item": item.pk, "verdict": "maybe"}]})
    assert bad.status_code == 422


def test_school_submits_its_self_check_through_the_api(client, county, safety_a):
    campaign = make_campaign(county.school_a)
    target = CampaignTarget.objects.get(campaign=campaign, school=county.school_a)
    client.force_login(safety_a)
    listed = client.get(f"{API}/self-checks").json()
    assert [t["id"] for t in listed["items"]] == [target.pk]
    sheet = client.get(f"{API}/targets/{target.pk}/self-check").json()
    assert sheet["status"] is None
    answers = []
    for item in sheet["items"]:
        if item["answer_type"] == "yes_no_na":
            answers.append({"item": item["id"], "verdict": "pass"})
        elif item["answer_type"] == "number":
            answers.append({"item": item["id"], "number": 1})
        else:
            answers.append({"item": item["id"], "text": "无"})
    answers[0] = {"item": sheet["items"][0]["id"], "verdict": "fail", "note": "消防栓无水", "place": "操场"}
    response = put(client, f"{API}/targets/{target.pk}/self-check", {"answers": answers, "submit": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert Hazard.objects.filter(source_type="inspections.selfcheck", school=county.school_a).count() == 1


def test_figures_endpoint_returns_the_campaign_figures(client, county, leader):
    campaign = make_campaign(schools=[county.school_a, county.school_b])
    team = make_team(campaign, schools=[county.school_a])
    make_visit(team, county.school_a, present_count=4)
    make_self_check(campaign, county.school_b, status="submitted")
    client.force_login(leader)
    data = client.get(f"{API}/campaigns/{campaign.pk}/figures").json()
    assert data["teams"] == 1
    assert data["person_visits"] == 4
    assert data["schools_targeted"] == 2
    assert data["schools_covered"] == 1
    assert data["self_checks_submitted"] == 1
    assert data["rectification_rate"] is None
    assert {r["label"] for r in data["by_town"]} == {"东城镇"}


def test_draw_endpoint_verifies_a_random_sample(client, county, dept_officer, new_campaign):
    from edubureau.inspections.choices import TargetRule

    campaign = new_campaign(
        mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=2, sample_seed=11
    )
    client.force_login(dept_officer)
    data = client.get(f"{API}/campaigns/{campaign.pk}/draw").json()
    assert data["matches"] is True
    assert data["seed"] == 11


def test_assignments_lists_the_users_pending_schools(client, county, supervisor):
    campaign = make_campaign(schools=[county.school_a, county.school_c])
    team = make_team(campaign, schools=[county.school_a, county.school_c], members=[supervisor])
    make_visit(team, county.school_a)
    client.force_login(supervisor)
    data = client.get(f"{API}/assignments", {"mine": "true", "pending": "true"}).json()
    assert [a["school"]["id"] for a in data["items"]] == [county.school_c.pk]


def test_unannounced_visits_are_hidden_from_the_school_in_the_api(client, county, admin_a):
    campaign = make_campaign(county.school_a, mode=Mode.UNANNOUNCED, self_check=False)
    draft = make_visit(make_team(campaign, schools=[county.school_a]), county.school_a, status="draft")
    client.force_login(admin_a)
    assert client.get(f"{API}/visits/{draft.pk}").status_code == 404
    assert client.get(f"{API}/campaigns/{campaign.pk}").status_code == 404


@pytest.mark.parametrize("path", ["campaigns", "visits", "assignments"])
def test_api_lists_use_a_fixed_number_of_queries(
    path, client, county, dept_officer, django_assert_max_num_queries
):
    for n in range(5):
        campaign = make_campaign(schools=[county.school_a, county.school_b], name=f"检查{n}")
        team = make_team(campaign, schools=[county.school_a, county.school_b])
        make_visit(team, county.school_a)
    client.force_login(dept_officer)
    with django_assert_max_num_queries(9):
        assert client.get(f"{API}/{path}").status_code == 200
