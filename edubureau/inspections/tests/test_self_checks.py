import pytest

from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.inspections import services
from edubureau.inspections.choices import Mode, SelfCheckStatus
from edubureau.inspections.models import CampaignTarget, SelfCheck
from edubureau.safety.models import Hazard

from .conftest import all_pass


@pytest.fixture
def campaign(new_campaign):
    return new_campaign(mode=Mode.SELF_CHECK)


def target_of(campaign, school):
    return CampaignTarget.objects.get(campaign=campaign, school=school)


def test_school_submits_its_self_check_and_failures_become_its_hazards(county, safety_a, campaign):
    answers = all_pass(
        campaign, {1: {"verdict": "fail", "note": "三楼楼梯口堆放课桌", "place": "教学楼三楼"}}
    )
    check = services.selfcheck_save(
        actor=safety_a, target=target_of(campaign, county.school_a), answers=answers, submit=True
    )
    assert check.status == SelfCheckStatus.SUBMITTED
    assert check.submitted_by == safety_a
    hazard = Hazard.objects.get(source_type="inspections.selfcheck", source_id=check.pk)
    assert hazard.source == "self_check"
    assert hazard.school == county.school_a
    assert hazard.place == "教学楼三楼"


def test_a_self_check_is_submitted_only_when_every_item_is_answered(county, safety_a, campaign):
    answers = all_pass(campaign)[:-1]
    with pytest.raises(ServiceError, match="还有1项未填写"):
        services.selfcheck_save(
            actor=safety_a, target=target_of(campaign, county.school_a), answers=answers, submit=True
        )


def test_a_draft_can_be_saved_half_done_and_submitted_later(county, safety_a, admin_a, campaign):
    target = target_of(campaign, county.school_a)
    draft = services.selfcheck_save(actor=safety_a, target=target, answers=all_pass(campaign)[:2])
    assert draft.status == SelfCheckStatus.DRAFT
    assert draft.answers.count() == 2
    done = services.selfcheck_save(
        actor=admin_a, target=target, answers=all_pass(campaign), submit=True, version=draft.version
    )
    assert done.pk == draft.pk
    assert done.answers.count() == 5


def test_a_submitted_self_check_cannot_be_changed(county, safety_a, campaign):
    target = target_of(campaign, county.school_a)
    services.selfcheck_save(actor=safety_a, target=target, answers=all_pass(campaign), submit=True)
    with pytest.raises(ServiceError, match="已提交，不能再修改"):
        services.selfcheck_save(actor=safety_a, target=target, answers=all_pass(campaign))


def test_another_school_cannot_fill_in_school_a_s_self_check(county, admin_b, campaign):
    with pytest.raises(NotFoundError):
        services.selfcheck_save(actor=admin_b, target=target_of(campaign, county.school_a), answers=[])


def test_bureau_staff_do_not_fill_in_self_checks(county, dept_officer, campaign):
    with pytest.raises(NotFoundError):
        services.selfcheck_save(actor=dept_officer, target=target_of(campaign, county.school_a), answers=[])


def test_a_campaign_without_self_checks_refuses_one(county, safety_a, new_campaign):
    campaign = new_campaign(mode=Mode.SURVEY, self_check_required=False)
    with pytest.raises(NotFoundError):
        services.selfcheck_save(actor=safety_a, target=target_of(campaign, county.school_a), answers=[])


def test_no_self_check_after_the_campaign_closed(county, safety_a, dept_officer, campaign):
    services.campaign_close(actor=dept_officer, campaign=campaign)
    with pytest.raises(ServiceError, match="只有“进行中”的检查活动可以填报自查"):
        services.selfcheck_save(actor=safety_a, target=target_of(campaign, county.school_a), answers=[])
    assert not SelfCheck.objects.exists()
