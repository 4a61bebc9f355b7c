"""Security review: what an administrator must not be able to do to accounts and roles beyond their scope."""

import json

import pytest
from django.urls import reverse

from edubureau.accounts import services
from edubureau.accounts.choices import RoleScope
from edubureau.accounts.models import Role, User
from edubureau.accounts.security import account_locked_until
from edubureau.audit.choices import LoginEventKind
from edubureau.audit.services import record_login
from edubureau.common.errors import ForbiddenError, NotFoundError, ServiceError
from edubureau.common.factories import OrgGroupFactory, grant, make_user


def role(code):
    return Role.objects.get(code=code)


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def school_sysadmin(county):
    """A system admin whose grant covers one school only (delegated by the county)."""
    return make_user("system_admin", unit=county.school_a, username="school_sysadmin")


# --- role definitions are county-wide ---------------------------------------------------------------


def test_system_admin_of_one_school_cannot_change_what_a_role_grants_everywhere(school_sysadmin):
    teacher = role("teacher")
    with pytest.raises(NotFoundError):
        services.role_update(
            actor=school_sysadmin, role=teacher, permissions=[*teacher.permissions, "users.manage"], version=1
        )
    assert "users.manage" not in role("teacher").permissions


def test_system_admin_of_one_school_gets_404_on_the_role_edit_page_and_no_edit_links(client, school_sysadmin):
    client.force_login(school_sysadmin)
    assert client.get(reverse("accounts:role_edit", args=[role("teacher").pk])).status_code == 404
    assert client.get(reverse("accounts:role_list")).context["can_edit"] is False


def test_county_system_admin_still_edits_role_definitions(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("accounts:role_edit", args=[role("teacher").pk])).status_code == 200
    assert client.get(reverse("accounts:role_list")).context["can_edit"] is True


# --- grants -----------------------------------------------------------------------------------------


def test_group_role_cannot_carry_a_department_outside_the_actors_scope(county):
    town_admin = make_user("school_admin", unit=county.town_a, username="town_admin")
    group = OrgGroupFactory(units=[county.school_a, county.school_b])
    zone_officer = Role.objects.create(
        code="zone_officer",
        name="片区专员",
        scope=RoleScope.GROUP,
        needs_department=True,
        permissions=["org.view"],
    )
    target = make_user("teacher", unit=county.school_a, username="zone_teacher")
    with pytest.raises(NotFoundError) as exc:
        services.membership_grant(
            actor=town_admin, user=target, role=zone_officer, group=group, department=county.safety_dept
        )
    assert exc.value.field == "department"
    assert not target.memberships.filter(role=zone_officer).exists()


# --- passwords ----------------------------------------------------------------------------------------


def test_admin_cannot_reset_their_own_password_without_the_old_one(county, admin_a):
    with pytest.raises(ServiceError, match="不能重置自己的密码"):
        services.user_reset_password(actor=admin_a, user=admin_a)
    assert fresh(admin_a).must_change_password is False


def test_own_user_page_offers_no_password_reset(client, admin_a):
    client.force_login(admin_a)
    html = client.get(reverse("accounts:user_detail", args=[admin_a.pk])).content.decode()
    assert reverse("accounts:user_reset_password", args=[admin_a.pk]) not in html


def test_admin_cannot_lift_the_forced_password_change_after_a_reset(county, admin_a, teacher_a):
    services.user_reset_password(actor=admin_a, user=teacher_a)
    with pytest.raises(ServiceError) as exc:
        services.user_update(
            actor=admin_a, user=teacher_a, version=fresh(teacher_a).version, must_change_password=False
        )
    assert exc.value.field == "must_change_password"
    assert fresh(teacher_a).must_change_password is True


def test_admin_can_still_require_a_password_change(county, admin_a, teacher_a):
    services.user_update(actor=admin_a, user=teacher_a, version=teacher_a.version, must_change_password=True)
    assert fresh(teacher_a).must_change_password is True


def test_api_refuses_to_lift_the_forced_password_change_with_a_422(client, county, admin_a, teacher_a):
    services.user_reset_password(actor=admin_a, user=teacher_a)
    _, text = services.token_create(actor=admin_a, name="同步脚本")
    response = client.patch(
        f"/api/v1/users/{teacher_a.pk}",
        data=json.dumps({"version": fresh(teacher_a).version, "must_change_password": False}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {text}",
    )
    assert response.status_code == 422
    assert "must_change_password" in response.json()["details"]
    assert fresh(teacher_a).must_change_password is True


def test_school_admin_cannot_unlock_an_account_that_holds_a_role_beyond_the_school(county, admin_a, sysadmin):
    """Unlock after unlock would give endless password guesses at an account the admin may not reset."""
    principal = make_user("teacher", unit=county.school_a, username="part_time_supervisor")
    grant(principal, "supervisor", group=county.zone_1)  # the zone also covers school_c
    for _ in range(5):
        record_login(kind=LoginEventKind.FAILURE, username=principal.username, user=principal)
    with pytest.raises(ForbiddenError):
        services.user_unlock(actor=admin_a, user=principal)
    assert account_locked_until(principal.username)
    services.user_unlock(actor=sysadmin, user=principal)
    assert account_locked_until(principal.username) is None


# --- the login log on a user's page -------------------------------------------------------------------


def test_supervisor_sees_a_teachers_page_but_not_their_login_addresses(client, county, supervisor, teacher_a):
    record_login(kind=LoginEventKind.FAILURE, username="teacher_a", user=teacher_a)
    client.force_login(supervisor)
    response = client.get(reverse("accounts:user_detail", args=[teacher_a.pk]))
    assert response.status_code == 200
    assert response.context["logins"] == []
    assert "最近登录记录" not in response.content.decode()


@pytest.mark.parametrize("reader", ["admin_a", "leader"])
def test_the_users_manager_and_auditors_see_the_login_log(client, county, role_users, teacher_a, reader):
    record_login(kind=LoginEventKind.FAILURE, username="teacher_a", user=teacher_a)
    client.force_login(role_users[reader])
    response = client.get(reverse("accounts:user_detail", args=[teacher_a.pk]))
    assert len(response.context["logins"]) == 1
    assert "最近登录记录" in response.content.decode()


def test_login_log_leaves_out_a_former_holder_of_the_same_username(client, county, admin_a, admin_b):
    former = make_user("teacher", unit=county.school_b, username="zhang")
    record_login(kind=LoginEventKind.SUCCESS, username="zhang", user=former)
    former.username = "zhang_old"
    former.save(update_fields=["username"])
    newcomer = make_user("teacher", unit=county.school_a, username="zhang")
    record_login(kind=LoginEventKind.UNKNOWN_USER, username="zhang")  # typed before the account existed
    client.force_login(admin_a)
    logins = client.get(reverse("accounts:user_detail", args=[newcomer.pk])).context["logins"]
    assert [e.kind for e in logins] == [LoginEventKind.UNKNOWN_USER]


def test_password_reset_revokes_the_users_api_tokens(sysadmin, admin_a):
    from edubureau.accounts.models import ApiToken
    from edubureau.accounts.services import token_authenticate, token_create, user_reset_password

    _, text = token_create(actor=admin_a, name="数据同步")
    assert token_authenticate(text) == admin_a

    user_reset_password(actor=sysadmin, user=admin_a)

    assert token_authenticate(text) is None
    assert ApiToken.objects.get(user=admin_a).revoked_at is not None


def test_town_level_system_admin_grants_only_what_they_hold(county, admin_a):
    import pytest

    from edubureau.accounts.models import Role
    from edubureau.accounts.services import membership_grant
    from edubureau.common.errors import ForbiddenError
    from edubureau.common.factories import make_user

    town_admin = make_user("system_admin", unit=county.town_a)
    teacher = make_user("teacher", unit=county.school_a)
    # system_admin holds no sensitive.reveal: without county-wide roles.manage it cannot hand it out
    with pytest.raises(ForbiddenError):
        membership_grant(
            actor=town_admin, user=teacher, role=Role.objects.get(code="school_admin"), unit=county.school_a
        )
