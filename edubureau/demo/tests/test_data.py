"""The demo plans are pure data: same seed, same plan; valid identifiers; the sizes asked for."""

from collections import Counter

import pytest
from stdnum.cn import uscc

from edubureau.accounts.choices import RoleCode
from edubureau.demo.data import (
    KEY_USERNAMES,
    _cn_number,
    city_plan,
    county_plan,
)
from edubureau.demo.identifiers import make_uscc, org_code_check
from edubureau.org.choices import SCHOOL_CODE_TYPE_PREFIXES, GroupKind, GroupMemberRole, UnitKind


def test_county_plan_is_the_same_for_the_same_seed():
    assert county_plan(2026).identity() == county_plan(2026).identity()


def test_another_seed_keeps_the_schools_but_changes_people_and_codes():
    a, b = county_plan(2026), county_plan(7)
    assert [u.name for u in a.units] == [u.name for u in b.units]
    assert [u.school_code for u in a.schools()] != [u.school_code for u in b.schools()]
    assert [s.real_name for s in a.users] != [s.real_name for s in b.users]


def test_county_plan_has_about_45_schools_of_many_kinds():
    plan = county_plan()
    kinds = Counter(u.kind for u in plan.schools())
    assert 40 <= sum(kinds.values()) <= 50
    for kind in (
        UnitKind.KINDERGARTEN,
        UnitKind.PRIMARY,
        UnitKind.JUNIOR,
        UnitKind.NINE_YEAR,
        UnitKind.COMPLETE_MIDDLE,
        UnitKind.SENIOR,
        UnitKind.VOCATIONAL,
        UnitKind.SPECIAL,
    ):
        assert kinds[kind] >= 1, kind
    assert 2 <= kinds[UnitKind.TEACHING_POINT] <= 3
    assert Counter(u.kind for u in plan.units)[UnitKind.TOWN] == 8


def test_county_plan_mixes_public_private_and_puhui_kindergartens_of_every_grade():
    kindergartens = [u for u in county_plan().schools() if u.kind == UnitKind.KINDERGARTEN]
    assert {u.ownership for u in kindergartens} == {"public", "private"}
    assert any(u.is_puhui and u.ownership == "private" for u in kindergartens)
    assert any(not u.is_puhui for u in kindergartens)
    assert {u.kindergarten_grade for u in kindergartens} == {"p1", "p2", "p3", "none"}


def test_teaching_points_sit_under_a_primary_school():
    plan = county_plan()
    for unit in plan.schools():
        if unit.kind == UnitKind.TEACHING_POINT:
            assert plan.unit(unit.parent).kind == UnitKind.PRIMARY


def test_every_planned_school_code_fits_its_kind_and_the_province():
    plan = county_plan()
    codes = [u.school_code for u in plan.schools()]
    assert len(set(codes)) == len(codes)
    for unit in plan.schools():
        assert len(unit.school_code) == 10 and unit.school_code.isdigit()
        assert unit.school_code[:2] in SCHOOL_CODE_TYPE_PREFIXES[unit.kind]
        assert unit.school_code[2:4] == "33"


def test_every_planned_credit_code_passes_the_gb32100_check():
    plan = county_plan()
    codes = [u.uscc for u in plan.units if u.uscc]
    assert len(set(codes)) == len(codes)
    assert all(uscc.is_valid(code) for code in codes)
    schools_without_code = [u for u in plan.schools() if not u.uscc]
    assert {u.kind for u in schools_without_code} == {UnitKind.TEACHING_POINT}


def test_credit_codes_carry_the_county_division_and_the_right_registration_type():
    plan = county_plan()
    assert plan.unit("bureau").uscc[:8] == "11339021"
    assert plan.unit("syxx").uscc[:2] == "12"  # public institution
    assert plan.unit("qiming").uscc[:2] == "52"  # private non-profit


def test_org_code_check_matches_a_published_example():
    # 91110000600037341L: organisation code 60003734-1.
    assert org_code_check("60003734") == "1"
    assert make_uscc("91", "110000", "60003734") == "91110000600037341L"


def test_county_plan_has_four_zones_three_education_groups_and_two_pairs():
    groups = Counter(g.kind for g in county_plan().groups)
    assert groups[GroupKind.SUPERVISION_ZONE] == 4
    assert groups[GroupKind.EDU_GROUP] == 3
    assert groups[GroupKind.PAIRING] == 2
    assert groups[GroupKind.DISTRICT] >= 2


def test_each_education_group_has_one_lead_and_each_pair_a_helper_and_a_helped():
    for group in county_plan().groups:
        roles = Counter(role for _, role in group.members)
        if group.kind == GroupKind.EDU_GROUP:
            assert roles[GroupMemberRole.LEAD] == 1 and roles[GroupMemberRole.MEMBER] >= 2
        if group.kind == GroupKind.PAIRING:
            assert roles == {GroupMemberRole.HELPER: 1, GroupMemberRole.HELPED: 1}


def test_county_plan_has_users_for_every_role_and_the_key_logins():
    plan = county_plan()
    assert {s.role for s in plan.users} == set(RoleCode)
    usernames = [s.username for s in plan.users]
    assert len(set(usernames)) == len(usernames)
    assert set(KEY_USERNAMES) <= set(usernames)


@pytest.mark.parametrize("n", [10, 37, 200, 1000])
def test_city_plan_has_exactly_the_requested_number_of_schools(n):
    plan = city_plan(n)
    assert len(plan.schools()) == n
    assert set(KEY_USERNAMES) <= {s.username for s in plan.users}


def test_city_plan_names_codes_and_usernames_are_unique():
    plan = city_plan(1000)
    schools = plan.schools()
    assert len({u.name for u in schools}) == len(schools)
    assert len({u.school_code for u in schools}) == len(schools)
    credit = [u.uscc for u in plan.units if u.uscc]
    assert len(set(credit)) == len(credit) and all(uscc.is_valid(c) for c in credit)
    assert len({s.username for s in plan.users}) == len(plan.users)


def test_city_plan_only_creates_users_for_a_sample_of_schools():
    plan = city_plan(1000)
    assert len(plan.users) < 150


def test_city_plan_is_deterministic():
    assert city_plan(300, seed=5).identity() == city_plan(300, seed=5).identity()


def test_city_plan_refuses_a_tiny_city():
    with pytest.raises(ValueError):
        city_plan(3)


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (47, "四十七"), (120, "120")]
)
def test_chinese_ordinals(n, text):
    assert _cn_number(n) == text
