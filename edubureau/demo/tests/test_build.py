"""The demo county in the database: valid, scoped, audited, deterministic, built once."""

from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.db import transaction

from edubureau.accounts.choices import RoleCode
from edubureau.accounts.models import Membership, User
from edubureau.audit.models import AuditEvent
from edubureau.demo.builder import build_county, demo_logins
from edubureau.demo.data import DEMO_PASSWORD, KEY_USERNAMES, county_plan
from edubureau.org.choices import SCHOOL_CODE_TYPE_PREFIXES, GroupKind, UnitKind, UnitStatus
from edubureau.org.models import OrgGroup, OrgUnit, path_segment
from edubureau.org.validators import validate_division_code, validate_school_code, validate_uscc


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """Build the county once for this module, inside a transaction rolled back at the end; each test
    runs in its own savepoint within it (the `db` fixture), so tests stay independent and quick."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_county()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_once, db):
    return _demo_once


def names(qs):
    return sorted(u.name for u in qs)


def user(username):
    return User.objects.get(username=username)


def test_demo_county_has_about_45_schools_and_eight_towns(demo):
    schools = OrgUnit.objects.schools()
    assert 40 <= schools.count() <= 50
    assert demo.schools == schools.count()
    assert OrgUnit.objects.filter(kind=UnitKind.TOWN).count() == 8
    assert OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT).count() == 7
    bureau = OrgUnit.objects.get(parent=None)
    assert (bureau.kind, bureau.name, bureau.short_name) == (UnitKind.BUREAU, "青岚县教育局", "县教育局")


def test_the_database_holds_exactly_the_planned_units_groups_and_users(demo):
    plan = county_plan()
    assert sorted(OrgUnit.objects.values_list("kind", "name", "school_code", "uscc")) == sorted(
        (u.kind, u.name, u.school_code, u.uscc) for u in plan.units
    )
    assert sorted(OrgGroup.objects.values_list("code", "name")) == sorted(
        (g.code, g.name) for g in plan.groups
    )
    assert sorted(User.objects.values_list("username", "real_name")) == sorted(
        (s.username, s.real_name) for s in plan.users
    )


def test_every_unit_passes_full_clean_and_sits_on_its_parents_path(demo):
    for unit in OrgUnit.objects.select_related("parent"):
        unit.full_clean()
        parent_path = unit.parent.path if unit.parent else ""
        assert unit.path == parent_path + path_segment(unit.pk)
        assert unit.depth == unit.path.count("/") - 1


def test_every_school_has_a_valid_school_code_and_credit_code(demo):
    for school in OrgUnit.objects.schools():
        validate_school_code(school.school_code)
        assert school.school_code[:2] in SCHOOL_CODE_TYPE_PREFIXES[school.kind]
        if school.kind != UnitKind.TEACHING_POINT:  # a teaching point is part of its school
            validate_uscc(school.uscc)
        assert school.address and school.phone and school.contact_person


def test_the_bureau_has_a_credit_code_and_a_division_code(demo):
    bureau = OrgUnit.objects.get(parent=None)
    validate_uscc(bureau.uscc)
    validate_division_code(bureau.division_code)
    assert bureau.division_code.startswith("33")


def test_one_school_is_closed_with_a_date_and_its_admin_can_no_longer_sign_in(demo):
    closed = OrgUnit.objects.get(status=UnitStatus.CLOSED)
    assert closed.closed_on.year == 2024
    admin = User.objects.get(unit=closed)
    assert not admin.is_active
    assert not admin.memberships.current().exists()


def test_four_supervision_zones_cover_every_active_school(demo):
    zones = OrgGroup.objects.filter(kind=GroupKind.SUPERVISION_ZONE).prefetch_related("members")
    assert zones.count() == 4
    member_paths = [m.path for z in zones for m in z.members.all()]
    for school in OrgUnit.objects.schools().active():
        assert any(school.path.startswith(p) for p in member_paths), school.name


def test_three_education_groups_each_with_one_lead_school(demo):
    groups = OrgGroup.objects.filter(kind=GroupKind.EDU_GROUP)
    assert groups.count() == 3
    for group in groups:
        roles = Counter(group.memberships.values_list("role", flat=True))
        assert roles["lead"] == 1 and roles["member"] >= 2


def test_pairs_have_a_helper_and_a_helped_school(demo):
    pairs = OrgGroup.objects.filter(kind=GroupKind.PAIRING)
    assert pairs.count() == 2
    for pair in pairs:
        assert sorted(pair.memberships.values_list("role", flat=True)) == ["helped", "helper"]


def test_there_are_users_for_every_role(demo):
    held = set(Membership.objects.current().values_list("role__code", flat=True))
    assert held == set(RoleCode)


def test_every_open_school_has_an_admin_and_every_full_school_a_safety_officer(demo):
    current = Membership.objects.current()
    admins = set(current.filter(role__code=RoleCode.SCHOOL_ADMIN).values_list("unit_id", flat=True))
    safety = set(current.filter(role__code=RoleCode.SAFETY_OFFICER).values_list("unit_id", flat=True))
    for school in OrgUnit.objects.schools().active():
        assert school.pk in admins, school.name
        if school.kind != UnitKind.TEACHING_POINT:
            assert school.pk in safety, school.name


def test_department_officers_hold_their_role_on_the_bureau_with_their_department(demo):
    membership = Membership.objects.get(user__username="anquan")
    assert membership.unit.kind == UnitKind.BUREAU
    assert membership.department.short_name == "政体安全科"


def test_demo_accounts_sign_in_with_the_demo_password_without_a_forced_change(demo):
    signed_in = authenticate(username="xiaoxue1", password=DEMO_PASSWORD)
    assert signed_in is not None
    assert not signed_in.must_change_password


def test_the_two_school_admins_see_only_their_own_schools(demo):
    xiaoxue1, zhongxue1 = user("xiaoxue1"), user("zhongxue1")
    assert names(OrgUnit.objects.visible_to(xiaoxue1)) == ["青岚县实验小学"]
    assert names(OrgUnit.objects.visible_to(zhongxue1)) == ["青岚县实验初级中学"]
    assert xiaoxue1.unit.kind == UnitKind.PRIMARY and zhongxue1.unit.kind == UnitKind.JUNIOR


def test_the_leader_sees_the_whole_county_and_a_supervisor_only_their_zone(demo):
    assert OrgUnit.objects.visible_to(user("leader")).count() == OrgUnit.objects.count()
    zone = OrgGroup.objects.get(code="zone-1")
    assert names(OrgUnit.objects.visible_to(user("dx1"))) == names(zone.members.all())


def test_a_town_schools_admin_also_sees_its_teaching_point(demo):
    school = OrgUnit.objects.get(name="桐溪镇中心小学")
    admin = User.objects.get(unit=school, memberships__role__code=RoleCode.SCHOOL_ADMIN)
    assert names(OrgUnit.objects.visible_to(admin)) == ["桐溪镇中心小学", "桐溪镇中心小学上坪教学点"]


def test_the_build_is_audited_on_the_command_channel(demo):
    build = AuditEvent.objects.get(action="demo.build")
    assert build.channel == "command"
    assert build.after["schools"] == demo.schools
    assert build.after["users"] == User.objects.count()
    assert AuditEvent.objects.filter(action="org.unit.create").count() == OrgUnit.objects.count()
    assert AuditEvent.objects.filter(action="org.group.create").count() == OrgGroup.objects.count()
    assert set(AuditEvent.objects.values_list("channel", flat=True)) == {"command"}


def test_running_the_build_twice_does_nothing_the_second_time(demo):
    units, users = OrgUnit.objects.count(), User.objects.count()
    assert build_county() is None
    assert (OrgUnit.objects.count(), User.objects.count()) == (units, users)
    assert AuditEvent.objects.filter(action="demo.build").count() == 1


def test_demo_logins_read_from_the_database_match_the_plan(demo):
    rows = demo_logins()
    assert [r["username"] for r in rows] == list(KEY_USERNAMES)
    assert rows == demo_logins(county_plan())
    by_name = {r["username"]: r for r in rows}
    assert by_name["xiaoxue1"]["unit"] != by_name["zhongxue1"]["unit"]
    assert by_name["dx1"]["scope"] == "第一督学责任区"
    assert all(r["password"] == DEMO_PASSWORD for r in rows)


def test_demo_has_the_current_school_year_with_two_semesters(demo):
    import datetime

    from edubureau.calendar.models import SchoolYear

    year = SchoolYear.objects.get(name="2026—2027学年")
    assert year.start <= datetime.date(2026, 11, 23) <= year.end
    assert year.semesters.count() == 2
