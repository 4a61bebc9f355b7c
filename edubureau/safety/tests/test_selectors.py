import datetime
from decimal import Decimal

import pytest

from edubureau.common.factories import OrgUnitFactory, SchoolFactory
from edubureau.org.choices import UnitKind
from edubureau.safety import selectors, services, todos
from edubureau.safety.models import Hazard

from .conftest import photo

PAST = datetime.date(2026, 3, 2)


@pytest.fixture
def ledger(make_hazard, county, dept_officer, safety_a, admin_a):
    """At school A: one closed on the spot, one closed after verification, one overdue, one void.
    At school C (the other town): one found, major."""
    make_hazard(fixed_on_spot=True, photos=[photo()], category="electricity", found_on=PAST)
    h = make_hazard(found_on=datetime.date(2026, 4, 7))
    services.hazard_start_rectify(actor=safety_a, hazard=h, deadline=5, measures="x", responsible_person="y")
    services.hazard_submit_rectification(actor=safety_a, hazard=h, note="x", photos=[photo()])
    services.hazard_verify(actor=admin_a, hazard=h, accepted=True)
    make_hazard(found_on=PAST, deadline=datetime.date(2026, 3, 10), place="逾期")
    services.hazard_void(actor=admin_a, hazard=make_hazard(place="重复"), reason="重复")
    make_hazard(actor=dept_officer, school=county.school_c, level="major", category="building", found_on=PAST)


def test_figures_count_the_ledger(ledger):
    figures = selectors.hazard_figures(Hazard.objects.all())
    assert figures == {
        "found": 4,
        "rectified": 2,
        "on_the_spot": 1,
        "overdue": 1,
        "open": 2,
        "awaiting_check": 0,
        "major": 1,
        "major_open": 1,
        "rate": Decimal("50.0"),
    }


def test_figures_of_nothing_have_no_rate(db):
    assert selectors.hazard_figures(Hazard.objects.none())["rate"] is None


def test_breakdown_by_category_town_kind_and_month(ledger, county):
    qs = Hazard.objects.all()
    by_category = {r["label"]: r["found"] for r in selectors.hazard_breakdown(qs, "category")}
    assert by_category == {"消防": 2, "用电": 1, "校舍": 1}
    by_town = {
        r["label"]: (r["found"], r["rectified"], r["rate"]) for r in selectors.hazard_breakdown(qs, "town")
    }
    assert by_town == {"东城镇": (3, 2, Decimal("66.7")), "西河镇": (1, 0, Decimal("0.0"))}
    by_kind = {r["key"]: r["found"] for r in selectors.hazard_breakdown(qs, "school_kind")}
    assert by_kind == {"kindergarten": 1, "primary": 3}
    months = selectors.hazard_breakdown(qs.filter(found_on__lt=datetime.date(2026, 5, 1)), "month")
    assert [(r["key"], r["found"]) for r in months] == [("2026-03", 3), ("2026-04", 1)]
    with pytest.raises(ValueError):
        selectors.hazard_breakdown(qs, "weather")


def test_town_is_found_for_a_teaching_point_below_a_school(make_hazard, county, dept_officer):
    point = SchoolFactory(kind=UnitKind.TEACHING_POINT, name="东城教学点", parent=county.school_a)
    make_hazard(actor=dept_officer, school=point)
    rows = selectors.hazard_breakdown(Hazard.objects.all(), "town")
    assert [(r["label"], r["found"]) for r in rows] == [("东城镇", 1)]


def test_school_directly_under_the_bureau_is_counted_apart(make_hazard, county, dept_officer):
    school = SchoolFactory(kind=UnitKind.SENIOR, name="县一中", parent=county.bureau)
    make_hazard(actor=dept_officer, school=school)
    rows = selectors.hazard_breakdown(Hazard.objects.all(), "town")
    assert [(r["key"], r["label"]) for r in rows] == [(None, "直属学校")]


def test_figures_take_one_query(ledger, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.hazard_figures(Hazard.objects.all())
    with django_assert_num_queries(2):
        selectors.hazard_breakdown(Hazard.objects.all(), "town")


def test_supervisor_sees_the_zone_schools_only(ledger, supervisor, county):
    schools = set(selectors.hazard_list(supervisor).values_list("school__name", flat=True))
    assert schools == {county.school_a.name, county.school_c.name}


def test_other_county_is_out_of_everyones_scope(make_hazard, dept_officer):
    bureau = OrgUnitFactory(kind=UnitKind.BUREAU, name="邻县教育局")
    school = SchoolFactory(kind=UnitKind.PRIMARY, name="邻县小学", parent=bureau)
    Hazard.objects.create(
        school=school,
        place="x",
        category_id=Hazard._meta.get_field("category").related_model.objects.first().pk,
        found_on=PAST,
        description="x",
    )
    assert selectors.hazard_list(dept_officer).count() == 0


def test_todo_provider_keeps_a_fixed_number_of_queries(make_hazard, admin_a, django_assert_max_num_queries):
    for i in range(15):
        make_hazard(place=f"p{i}")
    with django_assert_max_num_queries(6):
        items = todos.hazard_todos(admin_a)
    assert len(items) == 15


def test_bureau_verifier_is_not_asked_to_verify_every_general_hazard(awaiting_hazard, dept_officer):
    awaiting_hazard()
    major = awaiting_hazard(level="major", place="重大")
    items = todos.hazard_todos(dept_officer)
    assert [i.url for i in items] == [major.get_absolute_url()]


def test_hazards_from_a_source_and_its_link(make_hazard, dept_officer, county):
    linked = make_hazard(
        actor=dept_officer, source="inspection", source_type="inspections.visit", source_id=7
    )
    make_hazard(
        actor=dept_officer, source="inspection", source_type="inspections.visit", source_id=8, place="b"
    )
    make_hazard(place="c")
    assert list(selectors.hazards_from_source("inspections.visit", [7])) == [linked]
    assert selectors.hazards_from_source("inspections.visit").count() == 2
    assert selectors.hazard_figures(selectors.hazards_from_source("inspections.visit"))["found"] == 2
    assert (
        selectors.hazard_list(dept_officer, {"source_type": "inspections.visit", "source_id": 8}).count() == 1
    )
    self_link = make_hazard(source_type="safety.hazard", source_id=linked.pk, place="d")
    assert self_link.source_url == linked.get_absolute_url()
    assert make_hazard(source_type="nowhere.thing", source_id=1, place="e").source_url == ""
