import pytest
from django.utils import timezone

from edubureau.common.factories import OrgUnitFactory, SchoolFactory
from edubureau.inspections.choices import Mode
from edubureau.inspections.models import Campaign, CampaignTarget, TeamAssignment, Visit
from edubureau.inspections.testing import (
    make_campaign,
    make_self_check,
    make_team,
    make_template,
    make_visit,
    period,
)
from edubureau.org.choices import UnitKind
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


def patch(client, url, body):
    return client.patch(url, data=body, content_type="application/json")


def campaign_body(county, template, **fields):
    start, end = period()
    body = {
        "name": "秋季开学安全大检查",
        "theme": "semester_start",
        "mode": "survey",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "department": county.safety_dept.pk,
        "template": template.pk,
        "target_rule": "list",
        "target_schools": [county.school_a.pk],
    }
    body.update(fields)
    return body


def test_officer_creates_edits_opens_and_closes_a_campaign_through_the_api(
    client, county, dept_officer, template
):
    client.force_login(dept_officer)
    response = post(client, f"{API}/campaigns", campaign_body(county, template, self_check_required=True))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft"
    assert created["self_check_required"] is True
    url = f"{API}/campaigns/{created['id']}"

    response = patch(client, url, {"version": created["version"], "name": "春季安全大检查"})
    assert response.status_code == 200, response.content
    edited = response.json()
    assert edited["name"] == "春季安全大检查"

    response = post(client, f"{url}/open", {"version": edited["version"]})
    assert response.status_code == 200, response.content
    opened = response.json()
    assert opened["status"] == "open"
    assert list(
        CampaignTarget.objects.filter(campaign_id=created["id"]).values_list("school_id", flat=True)
    ) == [county.school_a.pk]

    response = post(client, f"{url}/close", {"note": "全部完成", "version": opened["version"]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"


def test_an_unannounced_campaign_with_a_self_check_is_refused_in_chinese(
    client, county, dept_officer, template
):
    client.force_login(dept_officer)
    body = campaign_body(county, template, mode="unannounced", self_check_required=True)
    response = post(client, f"{API}/campaigns", body)
    assert response.status_code == 422
    assert "飞行检查（暗访）不事先通知学校" in response.json()["message"]
    assert not Campaign.objects.exists()


def test_a_template_out_of_scope_is_refused_like_a_missing_one(client, county, dept_officer):
    client.force_login(dept_officer)
    bureau = OrgUnitFactory(kind=UnitKind.BUREAU, name="邻县教育局")
    foreign = make_template(bureau)
    response = post(client, f"{API}/campaigns", campaign_body(county, template=foreign))
    assert response.status_code == 422
    assert response.json()["message"] == "检查表不存在或不在您的范围内。"


def test_a_stale_version_on_campaign_edit_gets_409(client, county, dept_officer, new_campaign):
    campaign = new_campaign(open=False)
    client.force_login(dept_officer)
    url = f"{API}/campaigns/{campaign.pk}"
    assert patch(client, url, {"version": campaign.version, "name": "第一次修改"}).status_code == 200
    response = patch(client, url, {"version": campaign.version, "name": "第二次修改"})
    assert response.status_code == 409
    assert post(client, f"{url}/open", {"version": campaign.version}).status_code == 409
    campaign.refresh_from_db()
    assert campaign.name == "第一次修改"


def test_school_admin_gets_404_for_campaign_writes(client, county, admin_a, template, new_campaign):
    campaign = new_campaign()
    client.force_login(admin_a)
    url = f"{API}/campaigns/{campaign.pk}"
    assert post(client, f"{API}/campaigns", campaign_body(county, template)).status_code == 404
    assert patch(client, url, {"version": campaign.version, "name": "改名"}).status_code == 404
    assert post(client, f"{url}/close", {}).status_code == 404
    body = {"name": "第一督查组", "members": [{"kind": "expert", "name": "钱专家", "is_leader": True}]}
    assert post(client, f"{url}/teams", body).status_code == 404


def test_officer_gets_404_for_another_countys_campaign(client, dept_officer):
    bureau = OrgUnitFactory(kind=UnitKind.BUREAU, name="邻县教育局")
    town = OrgUnitFactory(kind=UnitKind.TOWN, name="邻县城关镇", parent=bureau)
    campaign = make_campaign(SchoolFactory(kind=UnitKind.PRIMARY, name="邻县城关小学", parent=town))
    client.force_login(dept_officer)
    assert post(client, f"{API}/campaigns/{campaign.pk}/close", {}).status_code == 404


def test_officer_forms_a_team_with_members_and_schools(
    client, county, dept_officer, supervisor, new_campaign
):
    campaign = new_campaign()
    client.force_login(dept_officer)
    body = {
        "name": "第一督查组",
        "members": [
            {"kind": "staff", "user": dept_officer.pk, "is_leader": True},
            {"kind": "supervisor", "user": supervisor.pk},
            {"kind": "expert", "name": "钱建国", "affiliation": "县消防救援大队"},
        ],
        "schools": [county.school_a.pk],
        "planned_on": campaign.start.isoformat(),
    }
    response = post(client, f"{API}/campaigns/{campaign.pk}/teams", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert [m["name"] for m in data["members"]] == [dept_officer.real_name, supervisor.real_name, "钱建国"]
    assert [s["id"] for s in data["schools"]] == [county.school_a.pk]
    assert TeamAssignment.objects.get(team_id=data["id"]).planned_on == campaign.start


def test_a_team_with_a_refused_school_is_not_saved(client, county, dept_officer, new_campaign):
    campaign = new_campaign(target_rule="list", target_schools=[county.school_a])
    client.force_login(dept_officer)
    body = {
        "name": "第一督查组",
        "members": [{"kind": "expert", "name": "钱建国", "is_leader": True}],
        "schools": [county.school_b.pk],
    }
    response = post(client, f"{API}/campaigns/{campaign.pk}/teams", body)
    assert response.status_code == 422
    assert response.json()["message"] == "只能分配本活动的检查对象学校。"
    assert not campaign.teams.exists()
    body["members"].append({"kind": "expert", "name": "李专家", "is_leader": True})
    response = post(client, f"{API}/campaigns/{campaign.pk}/teams", body)
    assert response.json()["message"] == "请指定一名组长（只能一名）。"
