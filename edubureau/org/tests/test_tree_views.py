import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edubureau.common.factories import OrgUnitFactory
from edubureau.org import services
from edubureau.org.choices import UnitKind

from .helpers import bulk_schools

TREE = reverse("org:tree")


def unit_url(unit_or_pk):
    return reverse("org:unit_detail", args=[getattr(unit_or_pk, "pk", unit_or_pk)])


def test_anonymous_user_is_sent_to_login(client, county):
    response = client.get(TREE)
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


def test_leader_sees_the_whole_tree_with_counts_per_kind(client, county, leader):
    client.force_login(leader)
    response = client.get(TREE)
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "测试县教育局",
        "安全稳定科",
        "东城镇",
        "西河镇",
        "东城镇中心小学",
        "东城镇初级中学",
        "西河镇中心幼儿园",
    ):
        assert name in html
    assert response.context["total"] == 7
    assert ("town", "镇/街道", 2) in response.context["kind_counts"]
    assert ("primary", "小学", 1) in response.context["kind_counts"]
    rows = response.context["rows"]
    assert [r.node.unit.name for r in rows][:2] == ["测试县教育局", "安全稳定科"]
    # The nested lists are balanced: every opened <ul> is closed.
    assert html.count("<details") == html.count("</details>")


def test_school_admin_sees_only_their_school_in_the_tree(client, county, admin_a):
    client.force_login(admin_a)
    response = client.get(TREE)
    assert [r.node.unit.name for r in response.context["rows"]] == ["东城镇中心小学"]
    html = response.content.decode()
    assert "东城镇初级中学" not in html
    assert "测试县教育局" not in html


def test_supervisor_sees_the_zone_schools_as_separate_roots(client, county, supervisor):
    client.force_login(supervisor)
    rows = client.get(TREE).context["rows"]
    assert sorted(r.node.unit.name for r in rows) == ["东城镇中心小学", "西河镇中心幼儿园"]
    assert all(r.node.level == 0 for r in rows)


def test_user_without_org_view_gets_404(client, county):
    from edubureau.common.factories import UserFactory

    client.force_login(UserFactory(unit=county.school_a))
    assert client.get(TREE).status_code == 404


def test_tree_nests_children_under_parents(client, county, sysadmin):
    point = OrgUnitFactory(kind=UnitKind.TEACHING_POINT, name="某村教学点", parent=county.school_a)
    client.force_login(sysadmin)
    rows = client.get(TREE).context["rows"]
    by_name = {r.node.unit.name: r.node for r in rows}
    assert [c.unit.name for c in by_name["东城镇"].children] == ["东城镇中心小学", "东城镇初级中学"]
    assert [c.unit.name for c in by_name["东城镇中心小学"].children] == [point.name]
    assert by_name["某村教学点"].level == 3


def test_closed_unit_is_greyed_with_its_closing_date(client, county, sysadmin):
    services.unit_close(
        actor=sysadmin, unit=county.school_c, closed_on=datetime.date(2026, 7, 1), reason="停办"
    )
    client.force_login(sysadmin)
    html = client.get(TREE).content.decode()
    assert "已撤并/停办 2026-07-01" in html
    assert 'class="eb-tree-leaf eb-unit-closed"' in html


def test_filter_by_name_shows_a_flat_table(client, county, leader):
    client.force_login(leader)
    response = client.get(TREE, {"q": "东城镇"})
    assert response.context["filtering"]
    names = [u.name for u, _ in response.context["results"]]
    assert names == ["东城镇", "东城镇中心小学", "东城镇初级中学"]
    assert "rows" not in response.context
    parents = {u.name: p.name if p else None for u, p in response.context["results"]}
    assert parents["东城镇中心小学"] == "东城镇"


def test_filter_by_school_code_and_kind_and_status(client, county, leader, sysadmin):
    services.unit_close(
        actor=sysadmin, unit=county.school_c, closed_on=datetime.date(2026, 7, 1), reason="停办"
    )
    client.force_login(leader)
    by_code = client.get(TREE, {"q": county.school_b.school_code}).context["results"]
    assert [u.name for u, _ in by_code] == ["东城镇初级中学"]
    by_kind = client.get(TREE, {"kind": "town"}).context["results"]
    assert [u.name for u, _ in by_kind] == ["东城镇", "西河镇"]
    closed = client.get(TREE, {"status": "closed"}).context["results"]
    assert [u.name for u, _ in closed] == ["西河镇中心幼儿园"]


def test_filter_never_shows_units_outside_the_scope(client, county, admin_a):
    client.force_login(admin_a)
    results = client.get(TREE, {"q": "东城镇"}).context["results"]
    assert [u.name for u, _ in results] == ["东城镇中心小学"]


def test_tree_uses_the_same_number_of_queries_for_ten_and_a_thousand_units(client, county, leader):
    client.force_login(leader)
    client.get(TREE)  # warm up the session
    bulk_schools(county.town_a, 10)
    with CaptureQueriesContext(connection) as small:
        client.get(TREE)
    bulk_schools(county.town_b, 990, start_pk=200000)
    with CaptureQueriesContext(connection) as large:
        response = client.get(TREE)
    assert response.context["total"] == 1007
    assert len(large.captured_queries) == len(small.captured_queries)
    unit_queries = [q for q in large.captured_queries if 'FROM "org_orgunit"' in q["sql"]]
    assert len(unit_queries) == 1


def test_tree_query_budget_with_a_thousand_units(client, county, leader, django_assert_max_num_queries):
    bulk_schools(county.town_a, 1000)
    client.force_login(leader)
    with django_assert_max_num_queries(8):
        response = client.get(TREE)
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        client.get(TREE, {"q": "批量测试第99"})


# --- unit detail ------------------------------------------------------------------------------


def test_unit_detail_shows_identifiers_breadcrumbs_children_and_groups(client, county, sysadmin):
    services.unit_update(
        actor=sysadmin,
        unit=county.school_a,
        uscc="91110000600037341L",
        division_code="330102",
        address="东城镇人民路1号",
        contact_person="王老师",
        phone="0571-1234567",
        opened_on=datetime.date(1958, 9, 1),
    )
    point = OrgUnitFactory(kind=UnitKind.TEACHING_POINT, name="某村教学点", parent=county.school_a)
    client.force_login(sysadmin)
    response = client.get(unit_url(county.school_a))
    html = response.content.decode()
    for text in (
        county.school_a.school_code,
        "91110000600037341L",
        "330102",
        "东城镇人民路1号",
        "王老师",
        "1958-09-01",
        "公办",
        "第一督学责任区",
    ):
        assert text in html
    assert [a.name for a, visible in response.context["ancestors"]] == ["测试县教育局", "东城镇"]
    assert [c.name for c in response.context["children"]] == [point.name]
    assert f'href="{unit_url(county.town_a)}"' in html
    assert reverse("org:unit_edit", args=[county.school_a.pk]) in html


def test_unit_detail_shows_ancestors_the_user_cannot_see_without_links(client, county, admin_a):
    client.force_login(admin_a)
    response = client.get(unit_url(county.school_a))
    assert response.status_code == 200
    assert [(a.name, visible) for a, visible in response.context["ancestors"]] == [
        ("测试县教育局", False),
        ("东城镇", False),
    ]
    html = response.content.decode()
    assert f'href="{unit_url(county.town_a)}"' not in html
    assert f'href="{unit_url(county.bureau)}"' not in html


def test_school_admin_gets_404_for_another_schools_unit_like_a_missing_one(client, county, admin_a):
    client.force_login(admin_a)
    out_of_scope = client.get(unit_url(county.school_b))
    missing = client.get(unit_url(999999))
    assert out_of_scope.status_code == missing.status_code == 404


def test_supervisor_sees_zone_schools_but_not_others(client, county, supervisor):
    client.force_login(supervisor)
    assert client.get(unit_url(county.school_c)).status_code == 200
    assert client.get(unit_url(county.school_b)).status_code == 404
    assert client.get(unit_url(county.town_a)).status_code == 404


def test_unit_detail_lists_recent_audit_events_only_for_audit_readers(client, county, sysadmin, admin_a):
    services.unit_update(actor=sysadmin, unit=county.school_a, phone="0571-1234567")
    client.force_login(sysadmin)
    response = client.get(unit_url(county.school_a))
    assert [e.action for e in response.context["audit_events"]] == ["org.unit.update"]
    client.force_login(admin_a)
    response = client.get(unit_url(county.school_a))
    assert "audit_events" not in response.context
    assert "最近操作记录" not in response.content.decode()


def test_unit_detail_shows_the_number_of_users_to_user_viewers(client, county, admin_a, teacher_a):
    client.force_login(admin_a)
    response = client.get(unit_url(county.school_a))
    assert response.context["user_count"] == 2  # admin_a and teacher_a
    client.force_login(teacher_a)  # teachers do not hold users.view
    assert "user_count" not in client.get(unit_url(county.school_a)).context


def test_unit_detail_hides_manage_actions_from_view_only_users(client, county, leader):
    client.force_login(leader)
    html = client.get(unit_url(county.school_a)).content.decode()
    assert reverse("org:unit_edit", args=[county.school_a.pk]) not in html
    assert client.get(reverse("org:unit_edit", args=[county.school_a.pk])).status_code == 404


def test_unit_detail_uses_a_fixed_number_of_queries(client, county, sysadmin, django_assert_max_num_queries):
    bulk_schools(county.town_a, 50)
    client.force_login(sysadmin)
    with django_assert_max_num_queries(12):
        response = client.get(unit_url(county.town_a))
    assert len(response.context["children"]) == 52
