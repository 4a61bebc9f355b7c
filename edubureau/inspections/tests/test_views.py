import pytest
from django.urls import reverse
from django.utils import timezone

from edubureau.inspections.choices import CampaignStatus, Mode
from edubureau.inspections.models import Campaign, CampaignTarget, SelfCheck, Team, Visit
from edubureau.inspections.testing import make_campaign, make_self_check, make_team, make_visit
from edubureau.safety.models import Hazard
from edubureau.web.todos import collect_todos

from .conftest import items_of


def campaign_post(county, template, **overrides):
    start, end = (
        timezone.localdate() - timezone.timedelta(days=10),
        timezone.localdate() + timezone.timedelta(days=20),
    )
    data = {
        "name": "防溺水专项检查",
        "theme": "drowning",
        "mode": "spot_check",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "department": county.safety_dept.pk,
        "template": template.pk,
        "target_rule": "sample",
        "sample_size": "2",
        "sample_seed": "20260515",
    }
    data.update(overrides)
    return data


def test_officer_creates_previews_and_opens_a_spot_check_in_the_browser(
    client, county, dept_officer, template
):
    client.force_login(dept_officer)
    response = client.post(reverse("inspections:campaign_create"), campaign_post(county, template))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    preview = client.get(
        reverse("inspections:campaign_preview"),
        {
            "department": county.safety_dept.pk,
            "target_rule": "sample",
            "sample_size": 2,
            "sample_seed": 20260515,
        },
    )
    assert "以随机种子" in preview.content.decode()
    response = client.post(
        reverse("inspections:campaign_open", args=[campaign.pk]), {"version": campaign.version}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    page = client.get(reverse("inspections:campaign_draw", args=[campaign.pk])).content.decode()
    assert "验证通过" in page
    assert "20260515" in page
    drawn = list(campaign.targets.order_by("draw_order").values_list("school__name", flat=True))
    assert all(name in preview.content.decode() for name in drawn)


def test_campaign_form_shows_refusals_on_the_fields(client, county, dept_officer, template):
    client.force_login(dept_officer)
    data = campaign_post(county, template, mode="unannounced", target_rule="all", self_check_required="on")
    response = client.post(reverse("inspections:campaign_create"), data)
    assert response.status_code == 422
    assert "不能要求学校自查" in response.content.decode()
    assert not Campaign.objects.exists()


def test_campaign_detail_shows_progress_and_figures(client, county, leader):
    campaign = make_campaign(schools=[county.school_a, county.school_b])
    make_self_check(campaign, county.school_a, status="submitted")
    team = make_team(campaign, schools=[county.school_a])
    make_visit(team, county.school_a, present_count=4)
    client.force_login(leader)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "学校自查进度" in page
    assert "已提交 1 / 2 所" in page
    assert county.school_b.name in page  # not submitted yet
    assert "已检查 1 / 2 所" in page
    assert "vendor/echarts/echarts.min.js" in page


def test_school_sees_its_own_target_and_a_link_to_its_self_check(client, county, campaign_ab, admin_a):
    client.force_login(admin_a)
    page = client.get(campaign_ab.get_absolute_url()).content.decode()
    target = CampaignTarget.objects.get(campaign=campaign_ab, school=county.school_a)
    assert reverse("inspections:selfcheck_fill", args=[target.pk]) in page
    assert county.school_b.name not in page


@pytest.fixture
def campaign_ab(county):
    return make_campaign(schools=[county.school_a, county.school_b])


def test_team_is_formed_and_assigned_through_the_pages(client, county, campaign_ab, dept_officer, supervisor):
    client.force_login(dept_officer)
    response = client.post(
        reverse("inspections:team_create", args=[campaign_ab.pk]),
        {
            "name": "第一督查组",
            "leader": dept_officer.pk,
            "members": [supervisor.pk],
            "experts": "钱建国 县消防救援大队",
        },
    )
    team = Team.objects.get()
    assert response.status_code == 302
    assert team.members.count() == 3
    assert team.members.get(user=supervisor).kind == "supervisor"
    response = client.post(
        reverse("inspections:team_assign", args=[team.pk]),
        {"schools": [county.school_a.pk, county.school_b.pk], "version": team.version},
    )
    assert response.status_code == 302
    assert team.assignments.count() == 2


def test_visit_form_records_answers_and_turns_failures_into_hazards(client, county, dept_officer):
    campaign = make_campaign(county.school_a, self_check=False)
    team = make_team(campaign, schools=[county.school_a], members=[dept_officer])
    assignment = team.assignments.get()
    items = items_of(campaign)
    client.force_login(dept_officer)
    form = client.get(reverse("inspections:visit_create", args=[assignment.pk]))
    assert form.status_code == 200
    assert "不符合即登记隐患" in form.content.decode()
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "present_names": "吴科员、钱建国",
        "action": "submit",
        f"item-{items[0].pk}-verdict": "fail",
        f"item-{items[0].pk}-place": "教学楼一楼",
        f"item-{items[0].pk}-note": "灭火器压力不足",
        f"item-{items[1].pk}-verdict": "pass",
        f"item-{items[3].pk}-number": "2",
        "finding-1-category": "electricity",
        "finding-1-place": "门卫室",
        "finding-1-description": "插线板串接",
    }
    response = client.post(reverse("inspections:visit_create", args=[assignment.pk]), data)
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert visit.is_recorded and visit.present_count == 2
    assert Hazard.objects.filter(source_type="inspections.visit", source_id=visit.pk).count() == 2
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "插线板串接" in page and "灭火器压力不足" in page


def test_a_bad_number_is_shown_on_its_item_and_nothing_is_saved(client, county, dept_officer):
    campaign = make_campaign(county.school_a, self_check=False)
    team = make_team(campaign, schools=[county.school_a], members=[dept_officer])
    item = items_of(campaign)[3]
    client.force_login(dept_officer)
    response = client.post(
        reverse("inspections:visit_create", args=[team.assignments.get().pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "present_names": "吴科员",
            f"item-{item.pk}-number": "两个",
            "action": "save",
        },
    )
    assert response.status_code == 422
    assert "请填写数字" in response.content.decode()
    assert not Visit.objects.exists()


def test_school_fills_in_and_submits_its_self_check(client, county, safety_a, campaign_ab):
    target = CampaignTarget.objects.get(campaign=campaign_ab, school=county.school_a)
    items = items_of(campaign_ab)
    client.force_login(safety_a)
    assert client.get(reverse("inspections:selfcheck_fill", args=[target.pk])).status_code == 200
    data = {"action": "submit", "note": "已全面自查"}
    for item in items:
        if item.answer_type == "yes_no_na":
            data[f"item-{item.pk}-verdict"] = "pass"
        elif item.answer_type == "number":
            data[f"item-{item.pk}-number"] = "2"
        else:
            data[f"item-{item.pk}-text"] = "无"
    response = client.post(reverse("inspections:selfcheck_fill", args=[target.pk]), data)
    check = SelfCheck.objects.get()
    assert response.status_code == 302
    assert check.is_submitted
    assert client.get(reverse("inspections:selfcheck_fill", args=[target.pk])).status_code == 302


def test_incomplete_self_check_is_refused_with_a_message(client, county, safety_a, campaign_ab):
    target = CampaignTarget.objects.get(campaign=campaign_ab, school=county.school_a)
    client.force_login(safety_a)
    response = client.post(reverse("inspections:selfcheck_fill", args=[target.pk]), {"action": "submit"})
    assert response.status_code == 422
    assert "全部填写后才能提交" in response.content.decode()


def test_template_designer_adds_an_item_in_a_category(client, dept_officer, template):
    client.force_login(dept_officer)
    response = client.post(
        reverse("inspections:template_item_add", args=[template.pk]),
        {
            "category": "燃气安全",
            "text": "燃气报警器完好",
            "answer_type": "yes_no_na",
            "creates_hazard_on_fail": "on",
            "hazard_category": "gas",
        },
    )
    assert response.status_code == 302
    page = client.get(template.get_absolute_url()).content.decode()
    assert "燃气安全（1项）" in page


def test_lists_export_to_excel(client, county, leader):
    campaign = make_campaign(county.school_a)
    make_visit(make_team(campaign, schools=[county.school_a]), county.school_a)
    client.force_login(leader)
    for name, args in (
        ("inspections:campaign_list", []),
        ("inspections:visit_list", []),
        ("inspections:template_list", []),
        ("inspections:campaign_targets", [campaign.pk]),
    ):
        response = client.get(reverse(name, args=args), {"export": "xlsx"})
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_campaign_list_filters_by_mode(client, county, leader):
    make_campaign(county.school_a, name="燃气专项检查", mode=Mode.SPOT_CHECK)
    make_campaign(county.school_a, name="春季全面普查")
    client.force_login(leader)
    page = client.get(reverse("inspections:campaign_list"), {"mode": "spot_check"}).content.decode()
    assert "燃气专项检查" in page and "春季全面普查" not in page


@pytest.mark.parametrize(
    "name,budget",
    [
        ("inspections:campaign_list", 14),
        ("inspections:visit_list", 10),
        ("inspections:template_list", 10),
        ("inspections:selfcheck_mine", 10),
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(
    name, budget, client, county, leader, safety_a, django_assert_max_num_queries
):
    for n in range(6):
        campaign = make_campaign(schools=[county.school_a, county.school_b], name=f"检查{n}")
        team = make_team(campaign, schools=[county.school_a, county.school_b])
        make_visit(team, county.school_a)
        make_self_check(campaign, county.school_a)
    user = safety_a if name == "inspections:selfcheck_mine" else leader
    client.force_login(user)
    client.get(reverse(name))
    with django_assert_max_num_queries(budget):
        assert client.get(reverse(name)).status_code == 200


def test_campaign_detail_uses_a_fixed_number_of_queries(
    client, county, leader, django_assert_max_num_queries
):
    campaign = make_campaign(schools=[county.school_a, county.school_b, county.school_c])
    for n in range(3):
        team = make_team(
            campaign, schools=[[county.school_a, county.school_b, county.school_c][n]], name=f"第{n}组"
        )
        make_visit(team, team.assignments.get().school)
    client.force_login(leader)
    client.get(campaign.get_absolute_url())
    with django_assert_max_num_queries(32):
        assert client.get(campaign.get_absolute_url()).status_code == 200


def test_school_to_do_lists_the_self_check_to_submit(county, admin_a, campaign_ab):
    items = collect_todos(admin_a).items
    assert any(i.kind_label == "安全自查" and campaign_ab.name in i.title for i in items)


def test_submitted_self_checks_leave_the_to_do_list(county, admin_a, campaign_ab):
    make_self_check(campaign_ab, county.school_a, status="submitted")
    assert not any(i.kind_label == "安全自查" for i in collect_todos(admin_a).items)


def test_team_member_to_do_lists_schools_not_yet_visited(county, supervisor):
    campaign = make_campaign(schools=[county.school_a, county.school_c])
    team = make_team(campaign, schools=[county.school_a, county.school_c], members=[supervisor])
    make_visit(team, county.school_a)
    todos = [i for i in collect_todos(supervisor).items if i.kind_label == "督查检查"]
    assert [i.unit_name for i in todos] == [county.school_c.name]


@pytest.mark.parametrize(
    "field,value",
    [
        ("department", "99999999999999999999999"),
        ("template", "-1"),
        ("target_group", "1e9"),
        ("target_schools", "99999999999999999999999"),
        ("sample_size", "abc"),
        ("start", "2026-02-30"),
        ("name", "x" * 101),
    ],
)
def test_bad_campaign_input_is_a_form_error_not_a_500(field, value, client, county, dept_officer, template):
    client.force_login(dept_officer)
    data = campaign_post(county, template)
    data[field] = value
    response = client.post(reverse("inspections:campaign_create"), data)
    assert response.status_code == 422
    assert not Campaign.objects.exists()


def test_bad_preview_input_answers_with_a_message(client, dept_officer, county):
    client.force_login(dept_officer)
    response = client.get(reverse("inspections:campaign_preview"), {"department": "99999999999999999999999"})
    assert response.status_code == 200
    assert "请先完整填写" in response.content.decode()


def test_bad_filters_are_ignored_with_a_note(client, leader):
    client.force_login(leader)
    response = client.get(reverse("inspections:campaign_list"), {"year": "abc", "mode": "nope"})
    assert response.status_code == 200
    assert "已忽略该条件" in response.content.decode()
