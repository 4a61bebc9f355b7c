"""manage.py demo: builds once, prints the logins, and builds a large synthetic city in bulk."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from edubureau.accounts.models import User
from edubureau.audit.models import AuditEvent
from edubureau.demo.builder import build_city
from edubureau.org.choices import SCHOOL_CODE_TYPE_PREFIXES, GroupKind, UnitKind
from edubureau.org.models import OrgGroup, OrgUnit, path_segment
from edubureau.org.validators import validate_school_code, validate_uscc


def run(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def assert_tree_is_consistent():
    for unit in OrgUnit.objects.select_related("parent"):
        parent_path = unit.parent.path if unit.parent else ""
        assert unit.path == parent_path + path_segment(unit.pk)
        assert unit.depth == unit.path.count("/") - 1


def test_demo_builds_the_county_and_prints_counts_and_logins(db):
    output = run()
    assert "青岚县" in output
    assert "幼儿园" in output and "督学责任区 4" in output
    for username in ("admin", "leader", "anquan", "dx1", "xiaoxue1", "zhongxue1", "anquanyuan1", "jiaoshi1"):
        assert username in output
    assert "Demo@2026" in output


def test_demo_does_nothing_when_the_database_already_has_units(county):
    before = OrgUnit.objects.count()
    output = run()
    assert "不再生成" in output
    assert OrgUnit.objects.count() == before
    assert not User.objects.filter(username="xiaoxue1").exists()


def test_demo_run_again_only_says_so_and_still_prints_the_logins(db):
    run()
    units = OrgUnit.objects.count()
    assert "不再生成" in run()
    assert OrgUnit.objects.count() == units
    output = run("--logins")
    assert "xiaoxue1" in output and "Demo@2026" in output


def test_logins_option_says_so_when_there_are_no_demo_accounts(db):
    assert "没有演示账号" in run("--logins")
    assert not OrgUnit.objects.exists()


def test_schools_option_builds_a_city_with_that_many_valid_schools(db):
    output = run("--schools", "200")
    assert "苍澜市" in output
    schools = OrgUnit.objects.schools()
    assert schools.count() == 200
    assert OrgUnit.objects.filter(kind=UnitKind.BUREAU).count() >= 3  # the city and its counties
    for school in schools:
        school.full_clean()
        validate_school_code(school.school_code)
        assert school.school_code[:2] in SCHOOL_CODE_TYPE_PREFIXES[school.kind]
        if school.kind != UnitKind.TEACHING_POINT:
            validate_uscc(school.uscc)
    assert_tree_is_consistent()
    assert OrgGroup.objects.filter(kind=GroupKind.SUPERVISION_ZONE).count() >= 4
    assert AuditEvent.objects.get(action="demo.build").after["schools"] == 200


def test_city_school_admin_sees_only_their_school(db):
    run("--schools", "200")
    admin = User.objects.get(username="xiaoxue1")
    assert list(OrgUnit.objects.visible_to(admin)) == [admin.unit]


def test_city_build_writes_in_bulk(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(60):
        build_city(n_schools=200)


def test_city_build_works_where_bulk_inserts_return_no_ids(db, monkeypatch):
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    build_city(n_schools=40)
    assert OrgUnit.objects.schools().count() == 40
    assert_tree_is_consistent()
    assert User.objects.get(username="xiaoxue1").memberships.get().unit.name.endswith("小学")


def test_schools_option_refuses_fewer_than_ten(db):
    with pytest.raises(CommandError, match="至少"):
        run("--schools", "5")
