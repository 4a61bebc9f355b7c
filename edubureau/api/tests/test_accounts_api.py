import pytest

from edubureau.accounts.models import User
from edubureau.api.schemas import mask_phone
from edubureau.audit.models import AuditEvent


def usernames(response):
    return [item["username"] for item in response.json()["items"]]


# --- /me --------------------------------------------------------------------------------------------


def test_me_shows_unit_roles_and_permissions_with_phone_masked(client, county, admin_a):
    admin_a.phone = "13812345678"
    admin_a.save()
    client.force_login(admin_a)
    body = client.get("/api/v1/me").json()
    assert body["username"] == "admin_a"
    assert body["real_name"] == "王校长"
    assert body["phone"] == "*******5678"
    assert body["unit"] == {"id": county.school_a.pk, "name": "东城镇中心小学", "kind": "primary"}
    assert body["roles"] == [
        {
            "role": "school_admin",
            "role_name": "学校管理员",
            "unit": {"id": county.school_a.pk, "name": "东城镇中心小学"},
            "group": None,
            "department": None,
            "title": "",
        }
    ]
    assert "users.manage" in body["permissions"]
    assert "org.manage" not in body["permissions"]


def test_me_shows_a_supervisors_zone_and_an_officers_department(client, county, supervisor, dept_officer):
    client.force_login(supervisor)
    assert client.get("/api/v1/me").json()["roles"][0]["group"] == {
        "id": county.zone_1.pk,
        "name": "第一督学责任区",
    }
    client.force_login(dept_officer)
    role = client.get("/api/v1/me").json()["roles"][0]
    assert role["department"] == {"id": county.safety_dept.pk, "name": "安全稳定科"}


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "*******5678"), ("0571-8888 1234", "**********1234"), ("1234", "****"), ("", "")],
)
def test_phone_masking_keeps_only_the_last_four(phone, masked):
    assert mask_phone(phone) == masked


# --- users ------------------------------------------------------------------------------------------


def test_school_admin_lists_only_own_schools_users(client, county, role_users):
    client.force_login(role_users["admin_a"])
    assert sorted(usernames(client.get("/api/v1/users"))) == ["admin_a", "safety_a", "teacher_a"]


def test_leader_lists_everyone_with_roles(client, county, role_users):
    client.force_login(role_users["leader"])
    body = client.get("/api/v1/users").json()
    assert body["count"] == 8
    teacher = next(u for u in body["items"] if u["username"] == "teacher_a")
    assert teacher["roles"][0]["role"] == "teacher"
    assert teacher["unit"]["name"] == "东城镇中心小学"


def test_user_filters(client, county, role_users):
    client.force_login(role_users["leader"])
    assert usernames(client.get("/api/v1/users?q=陈老师")) == ["teacher_a"]
    assert usernames(client.get("/api/v1/users?role=school_admin")) == ["admin_a", "admin_b"]
    assert usernames(client.get(f"/api/v1/users?unit={county.school_b.pk}")) == ["admin_b"]
    assert len(usernames(client.get(f"/api/v1/users?unit={county.town_a.pk}"))) == 4
    assert usernames(client.get("/api/v1/users?role=no_such_role")) == []
    User.objects.filter(username="teacher_a").update(is_active=False)
    assert usernames(client.get("/api/v1/users?is_active=false")) == ["teacher_a"]


def test_unit_filter_outside_scope_finds_nobody(client, county, role_users):
    client.force_login(role_users["admin_a"])
    assert usernames(client.get(f"/api/v1/users?unit={county.school_b.pk}")) == []


def test_teacher_without_users_view_gets_404_for_the_user_list(client, teacher_a):
    client.force_login(teacher_a)
    assert client.get("/api/v1/users").status_code == 404


def test_school_admin_gets_404_for_another_schools_user_same_as_missing(client, admin_a, admin_b):
    client.force_login(admin_a)
    out_of_scope = client.get(f"/api/v1/users/{admin_b.pk}")
    missing = client.get("/api/v1/users/999999")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()


def test_user_detail_masks_the_phone(client, admin_a, teacher_a):
    teacher_a.phone = "13900001111"
    teacher_a.save()
    client.force_login(admin_a)
    assert client.get(f"/api/v1/users/{teacher_a.pk}").json()["phone"] == "*******1111"


def test_school_admin_creates_a_user_and_sees_the_temporary_password_once(client, county, admin_a, send):
    client.force_login(admin_a)
    body = {"unit": county.school_a.pk, "username": "liu", "real_name": "刘老师", "role": "teacher"}
    response = send(client, "POST", "/api/v1/users", body)
    assert response.status_code == 201
    created = response.json()
    password = created["temporary_password"]
    user = User.objects.get(username="liu")
    assert user.check_password(password)
    assert user.must_change_password
    assert [r["role"] for r in created["roles"]] == ["teacher"]
    assert "temporary_password" not in client.get(f"/api/v1/users/{user.pk}").json()
    assert AuditEvent.objects.filter(action="user.create", channel="api").exists()


def test_school_admin_cannot_create_a_user_in_another_school(client, county, admin_a, send):
    client.force_login(admin_a)
    body = {"unit": county.school_b.pk, "username": "liu", "real_name": "刘老师"}
    assert send(client, "POST", "/api/v1/users", body).status_code == 404
    assert not User.objects.filter(username="liu").exists()


def test_teacher_cannot_create_users(client, county, teacher_a, send):
    client.force_login(teacher_a)
    body = {"unit": county.school_a.pk, "username": "liu", "real_name": "刘老师"}
    assert send(client, "POST", "/api/v1/users", body).status_code == 404


def test_duplicate_username_is_a_field_error(client, county, admin_a, send):
    client.force_login(admin_a)
    body = {"unit": county.school_a.pk, "username": "admin_a", "real_name": "重名"}
    response = send(client, "POST", "/api/v1/users", body)
    assert response.status_code == 422
    assert response.json()["details"]["username"] == ["该登录账号已被使用。"]


def test_unknown_role_code_is_a_field_error(client, county, admin_a, send):
    client.force_login(admin_a)
    body = {"unit": county.school_a.pk, "username": "liu", "real_name": "刘老师", "role": "king"}
    response = send(client, "POST", "/api/v1/users", body)
    assert response.status_code == 422
    assert response.json()["details"] == {"role": ["未知的角色编码。"]}


def test_granting_a_role_beyond_ones_own_is_refused_and_nothing_is_created(client, county, admin_a, send):
    client.force_login(admin_a)
    body = {"unit": county.school_a.pk, "username": "liu", "real_name": "刘老师", "role": "system_admin"}
    assert send(client, "POST", "/api/v1/users", body).status_code == 403
    assert not User.objects.filter(username="liu").exists()


def test_patch_user_changes_the_fields_sent(client, admin_a, teacher_a, send):
    client.force_login(admin_a)
    response = send(
        client, "PATCH", f"/api/v1/users/{teacher_a.pk}", {"version": 1, "real_name": "陈老师（语文）"}
    )
    assert response.status_code == 200
    assert response.json()["real_name"] == "陈老师（语文）"
    assert response.json()["version"] == 2


def test_stale_user_patch_gets_409(client, admin_a, teacher_a, send):
    client.force_login(admin_a)
    url = f"/api/v1/users/{teacher_a.pk}"
    assert send(client, "PATCH", url, {"version": 1, "email": "a@example.cn"}).status_code == 200
    response = send(client, "PATCH", url, {"version": 1, "email": "b@example.cn"})
    assert response.status_code == 409
    teacher_a.refresh_from_db()
    assert teacher_a.email == "a@example.cn"


def test_moving_a_user_out_of_ones_scope_is_refused(client, county, admin_a, teacher_a, send):
    client.force_login(admin_a)
    response = send(
        client, "PATCH", f"/api/v1/users/{teacher_a.pk}", {"version": 1, "unit": county.school_b.pk}
    )
    assert response.status_code == 404
    teacher_a.refresh_from_db()
    assert teacher_a.unit == county.school_a


def test_deactivating_oneself_is_refused_with_the_field(client, admin_a, send):
    client.force_login(admin_a)
    response = send(client, "PATCH", f"/api/v1/users/{admin_a.pk}", {"version": 1, "is_active": False})
    assert response.status_code == 422
    assert response.json()["details"] == {"is_active": ["不能停用自己的账号。"]}


def test_invalid_email_is_a_field_error(client, admin_a, teacher_a, send):
    client.force_login(admin_a)
    response = send(client, "PATCH", f"/api/v1/users/{teacher_a.pk}", {"version": 1, "email": "not-an-email"})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["email"]


def test_school_admin_patch_of_another_schools_user_gets_404(client, admin_a, admin_b, send):
    client.force_login(admin_a)
    response = send(client, "PATCH", f"/api/v1/users/{admin_b.pk}", {"version": 1, "real_name": "甲"})
    assert response.status_code == 404
