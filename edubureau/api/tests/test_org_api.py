from edubureau.audit.models import AuditEvent
from edubureau.common.factories import OrgGroupFactory
from edubureau.org.models import OrgUnit


def names(response):
    return [item["name"] for item in response.json()["items"]]


# --- reading units ----------------------------------------------------------------------------------


def test_leader_lists_every_unit_of_the_county_in_tree_order(client, county, leader):
    client.force_login(leader)
    response = client.get("/api/v1/org/units")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert body["items"][0]["name"] == "测试县教育局"
    assert body["items"][0]["child_count"] == 3


def test_school_admin_lists_only_own_school(client, county, admin_a):
    client.force_login(admin_a)
    assert names(client.get("/api/v1/org/units")) == ["东城镇中心小学"]


def test_supervisor_lists_the_schools_of_the_zone(client, county, supervisor):
    client.force_login(supervisor)
    assert names(client.get("/api/v1/org/units")) == ["东城镇中心小学", "西河镇中心幼儿园"]


def test_unit_filters(client, county, leader):
    client.force_login(leader)
    assert names(client.get("/api/v1/org/units?kind=kindergarten")) == ["西河镇中心幼儿园"]
    assert len(names(client.get("/api/v1/org/units?school_only=true"))) == 3
    assert names(client.get(f"/api/v1/org/units?parent={county.town_a.pk}")) == [
        "东城镇中心小学",
        "东城镇初级中学",
    ]
    assert names(client.get("/api/v1/org/units?q=初级")) == ["东城镇初级中学"]
    assert names(client.get(f"/api/v1/org/units?q={county.school_c.school_code}")) == ["西河镇中心幼儿园"]
    assert names(client.get("/api/v1/org/units?status=closed")) == []


def test_unit_detail_shows_labels_and_version(client, county, admin_a):
    client.force_login(admin_a)
    body = client.get(f"/api/v1/org/units/{county.school_a.pk}").json()
    assert body["name"] == "东城镇中心小学"
    assert body["kind_label"] == "小学"
    assert body["status_label"] == "正常"
    assert body["parent_id"] == county.town_a.pk
    assert body["version"] == 1


def test_school_admin_gets_404_for_another_schools_unit_same_as_missing(client, county, admin_a):
    client.force_login(admin_a)
    out_of_scope = client.get(f"/api/v1/org/units/{county.school_b.pk}")
    missing = client.get("/api/v1/org/units/999999")
    assert out_of_scope.status_code == missing.status_code == 404
    assert (
        out_of_scope.json()
        == missing.json()
        == {
            "code": "not_found",
            "message": "未找到该对象，或您无权访问。",
            "details": {},
        }
    )


def test_children_of_a_unit(client, county, leader, admin_a):
    client.force_login(leader)
    assert names(client.get(f"/api/v1/org/units/{county.town_a.pk}/children")) == [
        "东城镇中心小学",
        "东城镇初级中学",
    ]
    client.force_login(admin_a)
    assert client.get(f"/api/v1/org/units/{county.town_a.pk}/children").status_code == 404


# --- writing units ----------------------------------------------------------------------------------


def test_system_admin_creates_a_unit(client, county, sysadmin, send):
    client.force_login(sysadmin)
    body = {
        "parent": county.town_b.pk,
        "kind": "primary",
        "name": "西河镇第二小学",
        "school_code": "2133000999",
    }
    response = send(client, "POST", "/api/v1/org/units", body)
    assert response.status_code == 201
    created = response.json()
    assert created["parent_id"] == county.town_b.pk
    assert created["depth"] == 2
    unit = OrgUnit.objects.get(pk=created["id"])
    assert unit.is_descendant_of(county.town_b)
    assert AuditEvent.objects.filter(action="org.unit.create", object_id=str(unit.pk), channel="api").exists()


def test_teacher_cannot_create_a_unit_and_gets_404(client, county, teacher_a, send):
    client.force_login(teacher_a)
    body = {"parent": county.school_a.pk, "kind": "teaching_point", "name": "某教学点"}
    response = send(client, "POST", "/api/v1/org/units", body)
    assert response.status_code == 404
    assert not OrgUnit.objects.filter(name="某教学点").exists()


def test_patch_changes_only_the_fields_sent_and_bumps_the_version(client, county, sysadmin, send):
    client.force_login(sysadmin)
    response = send(
        client, "PATCH", f"/api/v1/org/units/{county.school_a.pk}", {"version": 1, "address": "东城路1号"}
    )
    assert response.status_code == 200
    assert response.json()["address"] == "东城路1号"
    assert response.json()["version"] == 2
    county.school_a.refresh_from_db()
    assert county.school_a.name == "东城镇中心小学"


def test_stale_patch_gets_409_and_changes_nothing(client, county, sysadmin, send):
    client.force_login(sysadmin)
    url = f"/api/v1/org/units/{county.school_a.pk}"
    assert send(client, "PATCH", url, {"version": 1, "name": "甲"}).status_code == 200
    response = send(client, "PATCH", url, {"version": 1, "name": "乙"})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["message"] == "该记录已被他人修改，请刷新页面后重新编辑。"
    county.school_a.refresh_from_db()
    assert county.school_a.name == "甲"


def test_patch_needs_the_version(client, county, sysadmin, send):
    client.force_login(sysadmin)
    response = send(client, "PATCH", f"/api/v1/org/units/{county.school_a.pk}", {"name": "甲"})
    assert response.status_code == 422
    assert response.json()["details"] == {"version": ["此项为必填项。"]}


def test_patch_with_nothing_to_change_is_refused(client, county, sysadmin, send):
    client.force_login(sysadmin)
    response = send(client, "PATCH", f"/api/v1/org/units/{county.school_a.pk}", {"version": 1})
    assert response.status_code == 422
    county.school_a.refresh_from_db()
    assert county.school_a.version == 1


def test_explicit_null_for_a_required_field_is_refused(client, county, sysadmin, send):
    client.force_login(sysadmin)
    response = send(client, "PATCH", f"/api/v1/org/units/{county.school_a.pk}", {"version": 1, "name": None})
    assert response.status_code == 422
    assert response.json()["details"] == {"name": ["应为字符串。"]}


def test_school_admin_cannot_edit_own_school_without_org_manage(client, county, admin_a, send):
    client.force_login(admin_a)
    response = send(client, "PATCH", f"/api/v1/org/units/{county.school_a.pk}", {"version": 1, "name": "甲"})
    assert response.status_code == 404


def test_school_admin_patch_of_another_school_gets_404(client, county, admin_a, send):
    client.force_login(admin_a)
    response = send(client, "PATCH", f"/api/v1/org/units/{county.school_b.pk}", {"version": 1, "name": "甲"})
    assert response.status_code == 404


def test_move_carries_the_unit_to_the_new_parent(client, county, sysadmin, send):
    client.force_login(sysadmin)
    response = send(
        client,
        "POST",
        f"/api/v1/org/units/{county.school_b.pk}/move",
        {"parent": county.town_b.pk, "version": 1},
    )
    assert response.status_code == 200
    assert response.json()["parent_id"] == county.town_b.pk
    county.school_b.refresh_from_db()
    assert county.school_b.path.startswith(county.town_b.path)


def test_stale_move_gets_409(client, county, sysadmin, send):
    client.force_login(sysadmin)
    url = f"/api/v1/org/units/{county.school_b.pk}/move"
    assert send(client, "POST", url, {"parent": county.town_b.pk, "version": 2}).status_code == 409


def test_move_under_own_subtree_is_refused_with_the_field(client, county, sysadmin, send):
    client.force_login(sysadmin)
    url = f"/api/v1/org/units/{county.town_a.pk}/move"
    response = send(client, "POST", url, {"parent": county.school_a.pk, "version": 1})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["parent"]


def test_move_to_an_invisible_parent_gets_404(client, county, sysadmin, send):
    client.force_login(sysadmin)
    url = f"/api/v1/org/units/{county.school_b.pk}/move"
    assert send(client, "POST", url, {"parent": 999999, "version": 1}).status_code == 404


# --- groups -----------------------------------------------------------------------------------------


def test_supervisor_lists_own_zone_only(client, county, supervisor):
    OrgGroupFactory(name="第二督学责任区", units=[county.school_b])
    client.force_login(supervisor)
    body = client.get("/api/v1/org/groups").json()
    assert [g["name"] for g in body["items"]] == ["第一督学责任区"]
    assert body["items"][0]["member_count"] == 2
    assert body["items"][0]["kind_label"] == "督学责任区"


def test_group_members_are_limited_to_those_the_user_can_see(client, county, admin_a):
    client.force_login(admin_a)
    body = client.get(f"/api/v1/org/groups/{county.zone_1.pk}").json()
    assert [m["unit"]["name"] for m in body["members"]] == ["东城镇中心小学"]
    assert body["member_count"] == 1


def test_group_of_other_schools_gets_404(client, county, admin_b):
    client.force_login(admin_b)
    assert client.get(f"/api/v1/org/groups/{county.zone_1.pk}").status_code == 404
    assert client.get("/api/v1/org/groups").json()["count"] == 0


def test_group_filters(client, county, leader):
    OrgGroupFactory(name="东城学区", kind="district", units=[county.school_a, county.school_b])
    client.force_login(leader)
    assert names(client.get("/api/v1/org/groups?kind=district")) == ["东城学区"]
    assert names(client.get("/api/v1/org/groups?q=督学")) == ["第一督学责任区"]
    assert names(client.get("/api/v1/org/groups?is_active=false")) == []
