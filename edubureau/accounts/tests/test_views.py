"""The user management and token pages: scope, actions, one-time secrets, query budget."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edubureau.accounts import services
from edubureau.accounts.models import ApiToken, Membership, Role, User
from edubureau.audit.choices import LoginEventKind
from edubureau.audit.services import record_login
from edubureau.common.factories import TEST_PASSWORD, grant, make_user


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def detail_url(user):
    return reverse("accounts:user_detail", args=[user.pk])


def action_url(name, user):
    return reverse(f"accounts:{name}", args=[user.pk])


def fresh(user):
    return User.objects.get(pk=user.pk)


# --- who may see the pages ------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client, county):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


@pytest.mark.parametrize("name", ["teacher_a", "safety_a"])
def test_users_without_users_view_get_404_on_the_user_pages(signed_in, role_users, name, county):
    client = signed_in(role_users[name])
    assert client.get(reverse("accounts:user_list")).status_code == 404
    assert client.get(detail_url(role_users["admin_a"])).status_code == 404
    assert client.get(reverse("accounts:user_create")).status_code == 404


def test_teacher_still_has_the_token_page(signed_in, teacher_a):
    assert signed_in(teacher_a).get(reverse("accounts:token_list")).status_code == 200


def test_school_admin_sees_only_own_schools_users(signed_in, role_users):
    response = signed_in(role_users["admin_a"]).get(reverse("accounts:user_list"))
    assert response.status_code == 200
    shown = {u.username for u in response.context["users"]}
    assert shown == {"admin_a", "safety_a", "teacher_a"}


def test_system_admin_sees_every_user(signed_in, role_users):
    response = signed_in(role_users["sysadmin"]).get(reverse("accounts:user_list"))
    assert {u.username for u in response.context["users"]} == {u.username for u in role_users.values()}


def test_supervisor_sees_the_users_of_the_zone_schools(signed_in, role_users):
    response = signed_in(role_users["supervisor"]).get(reverse("accounts:user_list"))
    assert {u.username for u in response.context["users"]} == {"admin_a", "safety_a", "teacher_a"}


def test_school_admin_gets_404_on_a_user_of_another_school(signed_in, role_users):
    client = signed_in(role_users["admin_a"])
    admin_b = role_users["admin_b"]
    assert client.get(detail_url(admin_b)).status_code == 404
    assert client.get(action_url("user_edit", admin_b)).status_code == 404
    assert client.post(action_url("user_reset_password", admin_b)).status_code == 404
    assert client.post(action_url("user_deactivate", admin_b), {"reason": "x"}).status_code == 404
    assert client.post(action_url("user_unlock", admin_b)).status_code == 404
    assert client.get(action_url("membership_grant", admin_b)).status_code == 404
    assert fresh(admin_b).is_active


def test_missing_user_gets_the_same_404(signed_in, admin_a):
    assert signed_in(admin_a).get(reverse("accounts:user_detail", args=[999999])).status_code == 404


def test_leader_may_look_but_not_manage(signed_in, role_users):
    client = signed_in(role_users["leader"])
    teacher = role_users["teacher_a"]
    response = client.get(detail_url(teacher))
    assert response.status_code == 200
    assert not response.context["can_manage"]
    assert "重置密码" not in response.content.decode()
    assert client.post(action_url("user_reset_password", teacher)).status_code == 404
    assert client.get(reverse("accounts:user_create")).status_code == 404


def test_new_user_button_only_for_those_who_manage_users(signed_in, role_users):
    new_user = reverse("accounts:user_create")
    assert new_user in signed_in(role_users["admin_a"]).get(reverse("accounts:user_list")).content.decode()
    assert new_user not in signed_in(role_users["leader"]).get(reverse("accounts:user_list")).content.decode()


def test_state_changes_refuse_get(signed_in, admin_a, teacher_a):
    client = signed_in(admin_a)
    for name in ("user_reset_password", "user_activate", "user_unlock"):
        assert client.get(action_url(name, teacher_a)).status_code == 405
    membership = teacher_a.memberships.get()
    assert (
        client.get(reverse("accounts:membership_end", args=[teacher_a.pk, membership.pk])).status_code == 405
    )
    assert client.get(reverse("accounts:token_create")).status_code == 405


def test_state_changes_need_the_csrf_token(admin_a, teacher_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    assert client.post(action_url("user_reset_password", teacher_a)).status_code == 403
    assert fresh(teacher_a).check_password(TEST_PASSWORD)


# --- the list: filters, sorting, query budget -----------------------------------------------------


def usernames(response):
    return [u.username for u in response.context["users"]]


def test_list_filters_by_keyword_role_unit_and_status(signed_in, role_users, county):
    client = signed_in(role_users["sysadmin"])
    url = reverse("accounts:user_list")
    assert usernames(client.get(url, {"q": "陈老"})) == ["teacher_a"]
    assert usernames(client.get(url, {"q": "ADMIN_"})) == ["admin_a", "admin_b"]
    role = Role.objects.get(code="school_admin")
    assert sorted(usernames(client.get(url, {"role": role.pk}))) == ["admin_a", "admin_b"]
    assert sorted(usernames(client.get(url, {"unit": county.town_a.pk}))) == [
        "admin_a",
        "admin_b",
        "safety_a",
        "teacher_a",
    ]
    User.objects.filter(username="safety_a").update(is_active=False)
    assert usernames(client.get(url, {"status": "inactive"})) == ["safety_a"]
    assert "safety_a" not in usernames(client.get(url, {"status": "active"}))


def test_list_filters_locked_accounts_and_marks_them(signed_in, role_users):
    for _ in range(5):
        record_login(kind=LoginEventKind.FAILURE, username="teacher_a", user=role_users["teacher_a"])
    response = signed_in(role_users["admin_a"]).get(reverse("accounts:user_list"), {"status": "locked"})
    assert usernames(response) == ["teacher_a"]
    assert response.context["users"][0].locked_until is not None
    assert "已锁定" in response.content.decode()


def test_list_unit_filter_offers_only_units_in_scope(signed_in, role_users, county):
    client = signed_in(role_users["admin_a"])
    response = client.get(reverse("accounts:user_list"))
    assert list(response.context["form"].fields["unit"].queryset) == [county.school_a]
    response = client.get(reverse("accounts:user_list"), {"unit": county.school_b.pk})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "admin_b" not in usernames(response)


def test_list_sorts_by_name_both_ways(signed_in, role_users):
    client = signed_in(role_users["admin_a"])
    up = usernames(client.get(reverse("accounts:user_list"), {"sort": "username"}))
    down = usernames(client.get(reverse("accounts:user_list"), {"sort": "-username"}))
    assert up == sorted(up)
    assert down == list(reversed(up))


def test_list_shows_roles_with_their_place(signed_in, role_users):
    response = signed_in(role_users["sysadmin"]).get(reverse("accounts:user_list"))
    html = response.content.decode()
    assert "责任督学·第一督学责任区" in html
    assert "学校管理员" in html


def list_queries(client, user, **params):
    client.force_login(User.objects.get(pk=user.pk))  # a fresh user: grants not cached
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("accounts:user_list"), params).status_code == 200
    return len(ctx.captured_queries)


def test_user_list_query_count_does_not_grow_with_the_users(client, county, sysadmin):
    for n in range(3):
        make_user("teacher", unit=county.school_a, username=f"few{n}")
    few = list_queries(client, sysadmin)
    for n in range(30):
        user = make_user("teacher", unit=county.school_b, username=f"many{n}")
        grant(user, "safety_officer", unit=county.school_b)
        record_login(kind=LoginEventKind.FAILURE, username=user.username, user=user)
    assert list_queries(client, sysadmin) == few


def test_user_list_stays_within_its_query_budget(client, county, supervisor, django_assert_max_num_queries):
    for n in range(25):
        user = make_user("teacher", unit=county.school_a, username=f"t{n}")
        grant(user, "safety_officer", unit=county.school_a)
    client.force_login(User.objects.get(pk=supervisor.pk))
    # session, user, grants (2), count, page, roles of the page, lock status, unit and role
    # choices, session save (3)
    with django_assert_max_num_queries(13):
        client.get(reverse("accounts:user_list"))
    with django_assert_max_num_queries(13):
        client.get(reverse("accounts:user_list"), {"q": "t1", "status": "active", "sort": "-unit", "page": 2})


# --- detail ---------------------------------------------------------------------------------------


def test_detail_shows_roles_logins_and_lock(signed_in, admin_a, teacher_a, county):
    grant(teacher_a, "safety_officer", unit=county.school_a)
    Membership.objects.filter(user=teacher_a, role__code="safety_officer").update(
        ended_at="2026-01-01T00:00Z"
    )
    for _ in range(12):
        record_login(kind=LoginEventKind.FAILURE, username="teacher_a", user=teacher_a)
    response = signed_in(admin_a).get(detail_url(teacher_a))
    assert response.status_code == 200
    assert [m.role.code for m in response.context["current_memberships"]] == ["teacher"]
    assert [m.role.code for m in response.context["ended_memberships"]] == ["safety_officer"]
    assert len(response.context["logins"]) == 10
    assert response.context["locked_until"] is not None
    html = response.content.decode()
    assert "解除锁定" in html
    assert "已结束的角色" in html


def test_detail_of_self_offers_no_deactivation(signed_in, admin_a):
    response = signed_in(admin_a).get(detail_url(admin_a))
    assert action_url("user_deactivate", admin_a) not in response.content.decode()


# --- create ---------------------------------------------------------------------------------------


def create_payload(unit, **extra):
    return {"unit": unit.pk, "username": "liming", "real_name": "李明", "phone": "", "email": "", **extra}


def test_created_users_temporary_password_is_shown_once(signed_in, admin_a, county):
    client = signed_in(admin_a)
    response = client.post(reverse("accounts:user_create"), create_payload(county.school_a))
    assert response.status_code == 200
    temporary = response.context["temporary"]
    user = User.objects.get(username="liming")
    assert user.check_password(temporary)
    assert user.must_change_password
    assert temporary in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for url in (detail_url(user), reverse("accounts:user_list"), reverse("accounts:user_create")):
        assert temporary not in client.get(url).content.decode()


def test_create_with_an_initial_role(signed_in, admin_a, county):
    teacher = Role.objects.get(code="teacher")
    signed_in(admin_a).post(reverse("accounts:user_create"), create_payload(county.school_a, role=teacher.pk))
    assert Membership.objects.get(user__username="liming").role == teacher


def test_create_offers_only_units_and_roles_within_reach(signed_in, admin_a, county):
    form = signed_in(admin_a).get(reverse("accounts:user_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [county.school_a]
    assert "leader" not in {r.code for r in form.fields["role"].queryset}
    assert "supervisor" not in {r.code for r in form.fields["role"].queryset}  # a group role


def test_create_in_another_school_is_refused_on_the_form(signed_in, admin_a, county):
    response = signed_in(admin_a).post(reverse("accounts:user_create"), create_payload(county.school_b))
    assert response.status_code == 422
    assert response.context["form"].errors["unit"]
    assert not User.objects.filter(username="liming").exists()


def test_create_department_staff_without_department_shows_the_error(signed_in, sysadmin, county):
    staff = Role.objects.get(code="department_staff")
    response = signed_in(sysadmin).post(
        reverse("accounts:user_create"), create_payload(county.bureau, role=staff.pk)
    )
    assert response.status_code == 422
    assert "须指定所在科室" in str(response.context["form"].errors["department"])
    assert not User.objects.filter(username="liming").exists()


def test_create_duplicate_username_shows_the_error(signed_in, admin_a, teacher_a, county):
    response = signed_in(admin_a).post(
        reverse("accounts:user_create"), create_payload(county.school_a, username="teacher_a")
    )
    assert response.status_code == 422
    assert "已被使用" in str(response.context["form"].errors["username"])


# --- edit, reset, deactivate, unlock --------------------------------------------------------------


def edit_payload(user, **changes):
    data = {
        "real_name": user.real_name,
        "phone": user.phone,
        "email": user.email,
        "unit": user.unit_id,
        "version": user.version,
    }
    data.update(changes)
    return data


def test_edit_saves_and_returns_to_the_detail(signed_in, admin_a, teacher_a):
    response = signed_in(admin_a).post(
        action_url("user_edit", teacher_a), edit_payload(teacher_a, phone="13900000000")
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(teacher_a)
    assert fresh(teacher_a).phone == "13900000000"


def test_stale_edit_shows_the_conflict_and_changes_nothing(signed_in, admin_a, teacher_a):
    stale = edit_payload(teacher_a, phone="13900000001")
    services.user_update(actor=admin_a, user=teacher_a, version=teacher_a.version, phone="13900000000")
    response = signed_in(admin_a).post(action_url("user_edit", teacher_a), stale)
    assert response.status_code == 422
    assert "已被他人修改" in response.content.decode()
    assert fresh(teacher_a).phone == "13900000000"


def test_edit_with_a_bad_phone_shows_the_field_error(signed_in, admin_a, teacher_a):
    response = signed_in(admin_a).post(
        action_url("user_edit", teacher_a), edit_payload(teacher_a, phone="abc")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["phone"]


def test_reset_password_shows_the_temporary_password_once(signed_in, admin_a, teacher_a):
    client = signed_in(admin_a)
    response = client.post(action_url("user_reset_password", teacher_a))
    assert response.status_code == 200
    temporary = response.context["temporary"]
    assert temporary in response.content.decode()
    assert "只显示这一次" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    user = fresh(teacher_a)
    assert user.check_password(temporary)
    assert user.must_change_password
    assert temporary not in client.get(detail_url(teacher_a)).content.decode()


def test_refused_reset_shows_the_reason(signed_in, admin_a, county):
    principal = make_user("teacher", unit=county.school_a, username="part_time_supervisor")
    grant(principal, "supervisor", group=county.zone_1)
    response = signed_in(admin_a).post(action_url("user_reset_password", principal), follow=True)
    assert "上级管理员" in response.content.decode()
    assert fresh(principal).check_password(TEST_PASSWORD)


def test_deactivate_needs_a_reason_then_works(signed_in, admin_a, teacher_a):
    client = signed_in(admin_a)
    response = client.post(action_url("user_deactivate", teacher_a), {"reason": ""})
    assert response.status_code == 422
    assert "须填写原因" in response.content.decode()
    assert fresh(teacher_a).is_active
    response = client.post(action_url("user_deactivate", teacher_a), {"reason": "已调离"})
    assert response.status_code == 302
    assert not fresh(teacher_a).is_active
    client.post(action_url("user_activate", teacher_a))
    assert fresh(teacher_a).is_active


def test_deactivating_self_is_refused_on_the_form(signed_in, admin_a):
    response = signed_in(admin_a).post(action_url("user_deactivate", admin_a), {"reason": "测试"})
    assert response.status_code == 422
    assert "不能停用自己" in response.content.decode()
    assert fresh(admin_a).is_active


def test_unlock_from_the_detail_page(signed_in, admin_a, teacher_a):
    from edubureau.accounts.security import account_locked_until

    for _ in range(5):
        record_login(kind=LoginEventKind.FAILURE, username="teacher_a", user=teacher_a)
    response = signed_in(admin_a).post(action_url("user_unlock", teacher_a), follow=True)
    assert "已解除" in response.content.decode()
    assert account_locked_until("teacher_a") is None


# --- grant and end roles --------------------------------------------------------------------------


def test_grant_a_role_from_the_page(signed_in, admin_a, teacher_a, county):
    safety = Role.objects.get(code="safety_officer")
    response = signed_in(admin_a).post(
        action_url("membership_grant", teacher_a),
        {"role": safety.pk, "unit": county.school_a.pk, "title": "专干"},
    )
    assert response.status_code == 302
    assert Membership.objects.current().filter(user=teacher_a, role=safety, unit=county.school_a).exists()


def test_grant_page_offers_no_escalation(signed_in, admin_a, teacher_a, county):
    form = signed_in(admin_a).get(action_url("membership_grant", teacher_a)).context["form"]
    assert "leader" not in {r.code for r in form.fields["role"].queryset}
    assert list(form.fields["unit"].queryset) == [county.school_a]
    leader = Role.objects.get(code="leader")
    response = signed_in(admin_a).post(
        action_url("membership_grant", teacher_a), {"role": leader.pk, "unit": county.school_a.pk}
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(user=teacher_a, role=leader).exists()


def test_grant_supervisor_on_a_zone_ignores_the_unit_field(signed_in, sysadmin, teacher_a, county):
    supervisor = Role.objects.get(code="supervisor")
    response = signed_in(sysadmin).post(
        action_url("membership_grant", teacher_a),
        {"role": supervisor.pk, "unit": county.school_a.pk, "group": county.zone_1.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=teacher_a, role=supervisor)
    assert (membership.group, membership.unit) == (county.zone_1, None)


def test_grant_supervisor_without_a_zone_shows_the_error(signed_in, sysadmin, teacher_a, county):
    supervisor = Role.objects.get(code="supervisor")
    response = signed_in(sysadmin).post(action_url("membership_grant", teacher_a), {"role": supervisor.pk})
    assert response.status_code == 422
    assert response.context["form"].errors["group"]


def test_grant_department_staff_with_its_department(signed_in, sysadmin, county):
    user = make_user("teacher", unit=county.bureau, username="new_officer")
    staff = Role.objects.get(code="department_staff")
    client = signed_in(sysadmin)
    response = client.post(action_url("membership_grant", user), {"role": staff.pk, "unit": county.bureau.pk})
    assert response.status_code == 422
    assert response.context["form"].errors["department"]
    response = client.post(
        action_url("membership_grant", user),
        {"role": staff.pk, "unit": county.bureau.pk, "department": county.safety_dept.pk},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=user, role=staff).department == county.safety_dept


def test_end_a_role_from_the_page(signed_in, admin_a, teacher_a):
    membership = teacher_a.memberships.get()
    response = signed_in(admin_a).post(reverse("accounts:membership_end", args=[teacher_a.pk, membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_at is not None


def test_end_a_membership_through_another_users_url_is_404(signed_in, admin_a, teacher_a, safety_a):
    membership = safety_a.memberships.get()
    response = signed_in(admin_a).post(reverse("accounts:membership_end", args=[teacher_a.pk, membership.pk]))
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.ended_at is None


def test_ending_own_admin_role_shows_the_refusal(signed_in, admin_a):
    membership = admin_a.memberships.get()
    response = signed_in(admin_a).post(
        reverse("accounts:membership_end", args=[admin_a.pk, membership.pk]), follow=True
    )
    assert "不能撤销自己的管理员角色" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_at is None


# --- tokens ---------------------------------------------------------------------------------------


def test_token_text_is_shown_once(signed_in, teacher_a):
    client = signed_in(teacher_a)
    response = client.post(reverse("accounts:token_create"), {"name": "同步脚本", "days": 30})
    assert response.status_code == 200
    text = response.context["token_text"]
    assert text in response.content.decode()
    assert "无法再次查看" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert services.token_authenticate(text) == teacher_a
    assert text not in client.get(reverse("accounts:token_list")).content.decode()


def test_token_create_with_bad_days_shows_the_error(signed_in, teacher_a):
    response = signed_in(teacher_a).post(reverse("accounts:token_create"), {"name": "同步脚本", "days": 400})
    assert response.status_code == 422
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_token_list_shows_only_own_tokens(signed_in, teacher_a, admin_a):
    services.token_create(actor=teacher_a, name="老师的脚本", days=30)
    services.token_create(actor=admin_a, name="校长的脚本", days=30)
    html = signed_in(teacher_a).get(reverse("accounts:token_list")).content.decode()
    assert "老师的脚本" in html
    assert "校长的脚本" not in html


def test_revoke_own_token(signed_in, teacher_a):
    token, text = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    response = signed_in(teacher_a).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert services.token_authenticate(text) is None


def test_another_users_token_id_is_404(signed_in, teacher_a, admin_a):
    token, text = services.token_create(actor=admin_a, name="校长的脚本", days=30)
    response = signed_in(teacher_a).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert services.token_authenticate(text) == admin_a
