import random

import pytest

from edubureau.common.errors import NotFoundError, ServiceError
from edubureau.common.factories import OrgGroupFactory, SchoolFactory
from edubureau.inspections import services
from edubureau.inspections.choices import CampaignStatus, Mode, TargetRule
from edubureau.inspections.models import CampaignTarget
from edubureau.org.choices import UnitKind


def targets_of(campaign):
    return set(CampaignTarget.objects.filter(campaign=campaign).values_list("school__name", flat=True))


def test_a_new_campaign_is_a_draft_without_targets(new_campaign):
    campaign = new_campaign(open=False)
    assert campaign.status == CampaignStatus.DRAFT
    assert not campaign.targets.exists()


def test_opening_writes_every_school_of_the_county_as_target(county, new_campaign):
    campaign = new_campaign()
    assert campaign.status == CampaignStatus.OPEN
    assert targets_of(campaign) == {county.school_a.name, county.school_b.name, county.school_c.name}


def test_target_rule_by_kind_selects_only_those_kinds(county, new_campaign):
    campaign = new_campaign(target_rule=TargetRule.KINDS, target_kinds=[UnitKind.KINDERGARTEN])
    assert targets_of(campaign) == {county.school_c.name}


def test_target_rule_by_group_selects_the_groups_members(county, new_campaign):
    campaign = new_campaign(target_rule=TargetRule.GROUP, target_group=county.zone_1)
    assert targets_of(campaign) == {county.school_a.name, county.school_c.name}


def test_target_rule_list_selects_the_named_schools(county, new_campaign):
    campaign = new_campaign(target_rule=TargetRule.LIST, target_schools=[county.school_b])
    assert targets_of(campaign) == {county.school_b.name}


def test_closed_schools_are_not_targets(county, new_campaign, sysadmin):
    closed = SchoolFactory(
        kind=UnitKind.PRIMARY,
        name="已撤并小学",
        parent=county.town_a,
        status="closed",
        closed_on="2024-08-31",
    )
    campaign = new_campaign()
    assert closed.name not in targets_of(campaign)


def test_random_sample_is_drawn_with_the_recorded_seed_over_candidates_by_pk(county, new_campaign):
    extra = [
        SchoolFactory(kind=UnitKind.PRIMARY, name=f"抽查候选小学{n}", parent=county.town_b) for n in range(7)
    ]
    campaign = new_campaign(
        mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=4, sample_seed=20260901
    )
    candidates = sorted([county.school_a.pk, county.school_b.pk, county.school_c.pk] + [s.pk for s in extra])
    expected = random.Random(20260901).sample(candidates, 4)
    stored = list(campaign.targets.order_by("draw_order").values_list("school_id", flat=True))
    assert stored == expected
    assert campaign.draw_candidates == candidates


def test_the_same_seed_over_the_same_candidates_gives_the_same_draw_again(county, new_campaign):
    for n in range(6):
        SchoolFactory(kind=UnitKind.PRIMARY, name=f"候选{n}", parent=county.town_b)
    first = new_campaign(mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=3, sample_seed=42)
    second = new_campaign(mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=3, sample_seed=42)
    assert list(first.targets.order_by("draw_order").values_list("school_id", flat=True)) == list(
        second.targets.order_by("draw_order").values_list("school_id", flat=True)
    )


def test_verify_draw_re_runs_the_draw_and_confirms_the_stored_targets(county, new_campaign):
    for n in range(5):
        SchoolFactory(kind=UnitKind.PRIMARY, name=f"候选{n}", parent=county.town_b)
    campaign = new_campaign(
        mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=3, sample_seed=99
    )
    result = services.verify_draw(campaign)
    assert result["matches"] is True
    assert result["pool_unchanged"] is True
    assert result["drawn"] == result["stored"]


def test_verify_draw_reports_a_tampered_target_list(county, new_campaign):
    for n in range(5):
        SchoolFactory(kind=UnitKind.PRIMARY, name=f"候选{n}", parent=county.town_b)
    campaign = new_campaign(mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=2, sample_seed=5)
    chosen = set(campaign.targets.values_list("school_id", flat=True))
    other = next(pk for pk in campaign.draw_candidates if pk not in chosen)
    campaign.targets.filter(draw_order=2).update(school_id=other)
    assert services.verify_draw(campaign)["matches"] is False


def test_verify_draw_notes_that_the_pool_changed_after_opening(county, new_campaign):
    campaign = new_campaign(mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=2, sample_seed=5)
    SchoolFactory(kind=UnitKind.PRIMARY, name="新设小学", parent=county.town_b)
    result = services.verify_draw(campaign)
    assert result["matches"] is True
    assert result["pool_unchanged"] is False


def test_a_sample_without_a_seed_gets_one_recorded_when_opened(new_campaign):
    campaign = new_campaign(mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=2)
    assert campaign.sample_seed is not None
    assert services.verify_draw(campaign)["matches"] is True


def test_sample_larger_than_the_candidates_is_refused(new_campaign):
    with pytest.raises(ServiceError, match="候选学校只有3所"):
        new_campaign(mode=Mode.SPOT_CHECK, target_rule=TargetRule.SAMPLE, sample_size=9, sample_seed=1)


def test_a_survey_cannot_be_a_random_sample(new_campaign):
    with pytest.raises(ServiceError, match="普查应覆盖全部对象学校"):
        new_campaign(mode=Mode.SURVEY, target_rule=TargetRule.SAMPLE, sample_size=1)


def test_an_unannounced_check_cannot_ask_schools_for_a_self_check(new_campaign):
    with pytest.raises(ServiceError, match="不能要求学校自查"):
        new_campaign(mode=Mode.UNANNOUNCED, self_check_required=True)


def test_a_self_check_campaign_always_asks_for_self_checks(new_campaign):
    campaign = new_campaign(mode=Mode.SELF_CHECK, self_check_required=False)
    assert campaign.self_check_required is True


def test_end_before_start_is_refused(new_campaign):
    import datetime

    with pytest.raises(ServiceError, match="结束日期不能早于开始日期"):
        new_campaign(start=datetime.date(2026, 3, 10), end=datetime.date(2026, 3, 1))


def test_a_group_of_another_scope_is_refused(county, new_campaign, other_group):
    with pytest.raises(ServiceError, match="分组不存在"):
        new_campaign(target_rule=TargetRule.GROUP, target_group=other_group)


@pytest.fixture
def other_group(db):
    from edubureau.common.factories import OrgUnitFactory

    bureau = OrgUnitFactory(kind=UnitKind.BUREAU, name="邻县教育局")
    school = SchoolFactory(kind=UnitKind.PRIMARY, name="邻县小学", parent=bureau)
    return OrgGroupFactory(kind="district", units=[school])


def test_a_department_outside_the_actors_scope_is_refused(new_campaign, other_group):
    from edubureau.common.factories import OrgUnitFactory

    other_bureau = other_group.members.first().parent
    other_dept = OrgUnitFactory(kind=UnitKind.DEPARTMENT, name="邻县安全科", parent=other_bureau)
    with pytest.raises(ServiceError, match="只能选择您所在范围内的科室"):
        new_campaign(department=other_dept)


def test_school_admin_cannot_create_a_campaign(new_campaign, admin_a):
    with pytest.raises(NotFoundError):
        new_campaign(actor=admin_a)


def test_opening_twice_is_refused(new_campaign, dept_officer):
    campaign = new_campaign()
    with pytest.raises(ServiceError, match="只有“筹备中”的检查活动可以启动"):
        services.campaign_open(actor=dept_officer, campaign=campaign)


def test_an_open_campaign_keeps_its_targets_and_checklist(county, new_campaign, dept_officer):
    campaign = new_campaign()
    with pytest.raises(ServiceError, match="检查对象、方式和检查表不能再修改"):
        services.campaign_update(actor=dept_officer, campaign=campaign, mode=Mode.SPOT_CHECK)
    updated = services.campaign_update(actor=dept_officer, campaign=campaign, name="2026年秋季开学安全大检查")
    assert updated.name == "2026年秋季开学安全大检查"


def test_a_draft_can_change_its_rule(county, new_campaign, dept_officer):
    campaign = new_campaign(open=False)
    services.campaign_update(
        actor=dept_officer, campaign=campaign, target_rule=TargetRule.LIST, target_schools=[county.school_a]
    )
    opened = services.campaign_open(actor=dept_officer, campaign=campaign)
    assert targets_of(opened) == {county.school_a.name}


def test_closing_a_campaign_and_closing_it_again(new_campaign, dept_officer):
    campaign = new_campaign()
    closed = services.campaign_close(actor=dept_officer, campaign=campaign, note="全县共检查3所学校。")
    assert closed.status == CampaignStatus.CLOSED
    with pytest.raises(ServiceError, match="只有“进行中”的检查活动可以结束"):
        services.campaign_close(actor=dept_officer, campaign=campaign)
    with pytest.raises(ServiceError, match="已结束"):
        services.campaign_update(actor=dept_officer, campaign=campaign, name="改名")


def test_supervisor_cannot_open_or_close_a_campaign(new_campaign, supervisor):
    campaign = new_campaign(open=False)
    with pytest.raises(NotFoundError):
        services.campaign_open(actor=supervisor, campaign=campaign)


def test_a_checklist_without_items_cannot_be_opened(county, dept_officer, new_campaign):
    empty = services.template_create(actor=dept_officer, name="空表")
    campaign = new_campaign(open=False, template=empty)
    with pytest.raises(ServiceError, match="还没有检查项"):
        services.campaign_open(actor=dept_officer, campaign=campaign)
