import datetime

import pytest
from django.utils import timezone

from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.inspections import services
from edubureau.inspections.choices import Mode, VisitStatus
from edubureau.inspections.models import Answer, Finding, Visit
from edubureau.safety.models import Hazard

from .conftest import all_pass, photo


@pytest.fixture
def assignment(county, new_campaign, team_for):
    campaign = new_campaign()
    team = team_for(campaign, [county.school_a, county.school_b])
    return team.assignments.get(school=county.school_a)


def record(actor, assignment, answers, *, findings=(), record=True, **kwargs):
    kwargs.setdefault("visited_on", timezone.localdate())
    kwargs.setdefault("present_names", "吴科员、郑督学、钱建国")
    return services.visit_save(
        actor=actor, assignment=assignment, answers=answers, findings=findings, record=record, **kwargs
    )


def fail(note="两具灭火器过期", place="教学楼一楼"):
    return {"verdict": "fail", "note": note, "place": place}


def test_recording_a_visit_turns_each_failed_hazard_item_into_a_linked_hazard(dept_officer, assignment):
    campaign = assignment.campaign
    visit = record(
        dept_officer, assignment, all_pass(campaign, {0: fail(), 1: fail("楼梯口堆放桌椅", "实验楼")})
    )
    assert visit.status == VisitStatus.RECORDED
    assert visit.present_count == 3
    hazards = Hazard.objects.filter(source_type="inspections.visit", source_id=visit.pk)
    assert hazards.count() == 2
    hazard = hazards.get(place="教学楼一楼")
    assert hazard.school == assignment.school
    assert hazard.category.code == "fire"
    assert hazard.source == "inspection"
    assert hazard.level == "general"
    assert hazard.source_label == str(visit)
    assert "灭火器配置齐全" in hazard.description
    assert set(Finding.objects.filter(visit=visit).values_list("hazard_id", flat=True)) == set(
        hazards.values_list("pk", flat=True)
    )


def test_a_failed_item_that_makes_no_hazards_is_only_recorded(dept_officer, assignment):
    visit = record(dept_officer, assignment, all_pass(assignment.campaign, {2: {"verdict": "fail"}}))
    assert not Hazard.objects.filter(source_id=visit.pk, source_type="inspections.visit").exists()
    assert Answer.objects.get(visit=visit, item__text__startswith="配电箱").verdict == "fail"


def test_extra_problems_become_hazards_and_one_fixed_on_the_spot_is_closed(dept_officer, assignment):
    findings = [
        {"category": "electricity", "place": "门卫室", "description": "插线板串接使用"},
        {
            "category": "gas",
            "place": "食堂",
            "description": "燃气软管老化",
            "fixed_on_spot": True,
            "photos": [photo()],
        },
    ]
    visit = record(dept_officer, assignment, all_pass(assignment.campaign), findings=findings)
    hazards = Hazard.objects.filter(source_type="inspections.visit", source_id=visit.pk)
    assert hazards.count() == 2
    spot = hazards.get(place="食堂")
    assert spot.fixed_on_spot is True
    assert spot.status == "closed"


def test_hazards_are_dated_on_the_visit_day(dept_officer, assignment):
    day = timezone.localdate() - datetime.timedelta(days=3)
    visit = record(dept_officer, assignment, all_pass(assignment.campaign, {0: fail()}), visited_on=day)
    assert Hazard.objects.get(source_id=visit.pk, source_type="inspections.visit").found_on == day


def test_a_failed_hazard_item_needs_place_and_description(dept_officer, assignment):
    with pytest.raises(ServiceError, match="请填写问题描述和部位"):
        record(dept_officer, assignment, all_pass(assignment.campaign, {0: {"verdict": "fail"}}))
    assert not Visit.objects.exists()


def test_a_failing_hazard_report_rolls_the_whole_visit_back(dept_officer, assignment):
    findings = [{"category": "gas", "place": "食堂", "description": "软管老化", "fixed_on_spot": True}]
    with pytest.raises(ServiceError, match="须上传至少一张现场照片"):
        record(dept_officer, assignment, all_pass(assignment.campaign), findings=findings)
    assert not Visit.objects.exists()
    assert not Hazard.objects.exists()


def test_a_draft_keeps_answers_without_making_hazards_and_can_be_recorded_later(dept_officer, assignment):
    draft = record(dept_officer, assignment, all_pass(assignment.campaign, {0: fail()}), record=False)
    assert draft.status == VisitStatus.DRAFT
    assert not Hazard.objects.exists()
    recorded = services.visit_save(
        actor=dept_officer,
        visit=draft,
        visited_on=draft.visited_on,
        present_names="吴科员、郑督学",
        answers=all_pass(assignment.campaign, {0: fail()}),
        record=True,
        version=draft.version,
    )
    assert recorded.present_count == 2
    assert Hazard.objects.filter(source_id=recorded.pk).count() == 1


def test_a_recorded_visit_cannot_be_changed(dept_officer, assignment):
    visit = record(dept_officer, assignment, all_pass(assignment.campaign))
    with pytest.raises(ServiceError, match="已提交，不能再修改"):
        services.visit_save(actor=dept_officer, visit=visit, visited_on=visit.visited_on, answers=[])


def test_visit_date_must_lie_in_the_campaign_period_and_not_in_the_future(dept_officer, assignment):
    with pytest.raises(ServiceError, match="不能晚于今天"):
        record(dept_officer, assignment, [], visited_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="应在活动期间"):
        record(
            dept_officer, assignment, [], visited_on=assignment.campaign.start - datetime.timedelta(days=1)
        )


def test_recording_needs_people_present(dept_officer, assignment):
    with pytest.raises(ServiceError, match="须填写到场人员"):
        record(dept_officer, assignment, [], present_names="")


def test_an_answer_to_an_item_of_another_checklist_is_refused(dept_officer, assignment, new_campaign):
    from edubureau.inspections.testing import make_template

    foreign = make_template(assignment.school).items.first()
    with pytest.raises(ServiceError, match="不属于本活动的检查表"):
        record(dept_officer, assignment, [{"item": foreign, "verdict": "pass"}])


def test_a_number_answer_must_be_a_number(dept_officer, assignment):
    answers = all_pass(assignment.campaign, {3: {"number": "三个"}})
    with pytest.raises(ServiceError, match="应填写数字"):
        record(dept_officer, assignment, answers)


def test_supervisor_records_at_a_school_of_the_zone(supervisor, assignment):
    visit = record(supervisor, assignment, all_pass(assignment.campaign, {0: fail()}))
    assert visit.recorded_by == supervisor
    assert Hazard.objects.filter(source_id=visit.pk).count() == 1


def test_supervisor_who_is_not_on_the_team_cannot_record_outside_the_zone(
    county, new_campaign, team_for, dept_officer, supervisor
):
    campaign = new_campaign()
    team = team_for(
        campaign, [county.school_b], members=[{"kind": "staff", "user": dept_officer, "is_leader": True}]
    )
    with pytest.raises(NotFoundError):
        record(supervisor, team.assignments.get(), [])


def test_school_admin_cannot_record_a_visit(admin_a, assignment):
    with pytest.raises(NotFoundError):
        record(admin_a, assignment, [])


def test_no_visit_is_recorded_in_a_closed_campaign(dept_officer, assignment):
    services.campaign_close(actor=dept_officer, campaign=assignment.campaign)
    with pytest.raises(ServiceError, match="只有“进行中”的检查活动可以记录检查"):
        record(dept_officer, assignment, [])


def test_person_visits_count_the_people_present_at_each_visit(county, dept_officer, assignment):
    record(dept_officer, assignment, [], present_count=4)
    record(dept_officer, assignment, [], present_names="吴科员、郑督学")
    from edubureau.inspections import figures

    assert figures.person_visits(assignment.campaign) == 6
    assert figures.visits(assignment.campaign) == 2


def test_unannounced_mode_is_just_a_mode_for_recording(county, new_campaign, team_for, dept_officer):
    campaign = new_campaign(mode=Mode.UNANNOUNCED)
    team = team_for(campaign, [county.school_a])
    visit = record(dept_officer, team.assignments.get(), all_pass(campaign))
    assert visit.is_recorded


def test_a_team_member_without_hazard_rights_at_the_school_saves_a_draft_for_the_leader(
    county, new_campaign, team_for, supervisor
):
    campaign = new_campaign()
    team = team_for(campaign, [county.school_b])  # school B lies outside the supervisor's zone
    assignment = team.assignments.get()
    draft = record(supervisor, assignment, all_pass(campaign, {0: fail()}), record=False)
    assert draft.status == VisitStatus.DRAFT
    with pytest.raises(ServiceError, match="由督查组组长提交"):
        services.visit_save(
            actor=supervisor,
            visit=draft,
            visited_on=draft.visited_on,
            present_names="郑督学",
            answers=all_pass(campaign, {0: fail()}),
            record=True,
        )
