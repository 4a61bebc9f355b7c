"""The user, membership and password services: what they do, what they refuse, what they log."""

import pytest

from edubureau.accounts import scope, services
from edubureau.accounts.models import Membership, PasswordHistory, Role, User
from edubureau.accounts.passwords import LengthAndClassesValidator
from edubureau.accounts.security import account_locked_until
from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import AuditEvent, LoginEvent
from edubureau.audit.services import record_login
from edubureau.common.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from edubureau.common.factories import TEST_PASSWORD, grant, make_user


def role(code):
    return Role.objects.get(code=code)


def fresh(user):
    """The user as a new request would load it (no cached grants)."""
    return User.objects.get(pk=user.pk)


def last_event(action):
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


# --- user_create ----------------------------------------------------------------------------------


def test_school_admin_creates_a_user_in_own_school_with_a_temporary_password(county, admin_a):
    user, temporary = services.user_create(
        actor=admin_a, unit=county.school_a, username=" liming ", real_name="李明", phone="13800000001"
    )
    assert user.username == "liming"
    assert user.unit == county.school_a
    assert user.must_change_password
    assert user.check_password(temporary)
    LengthAndClassesValidator().validate(temporary)


def test_user_create_writes_an_audit_event_without_the_password(county, admin_a):
    user, temporary = services.user_create(
        actor=admin_a, unit=county.school_a, username="liming", real_name="李明"
    )
    event = last_event("user.create")
    assert event.object_id == str(user.pk)
    assert event.actor == admin_a
    assert event.unit_id == county.school_a.pk
    assert event.after["username"] == "liming"
    assert "password" not in event.after
    assert temporary not in str(event.after)


def test_school_admin_cannot_create_a_user_in_another_school(county, admin_a):
    with pytest.raises(NotFoundError):
        services.user_create(actor=admin_a, unit=county.school_b, username="liming", real_name="李明")
    assert not User.objects.filter(username="liming").exists()


def test_duplicate_username_is_refused_on_the_username_field(county, admin_a, teacher_a):
    with pytest.raises(ServiceError) as exc:
        services.user_create(actor=admin_a, unit=county.school_a, username="teacher_a", real_name="重名")
    assert exc.value.field == "username"
    assert "已被使用" in exc.value.message


def test_user_create_with_an_initial_role_grants_it_on_the_unit(county, admin_a):
    user, _ = services.user_create(
        actor=admin_a, unit=county.school_a, username="liming", real_name="李明", role=role("teacher")
    )
    membership = Membership.objects.get(user=user)
    assert (membership.role.code, membership.unit) == ("teacher", county.school_a)
    assert last_event("membership.grant").object_id == str(membership.pk)


def test_user_create_with_a_refused_role_creates_nothing(county, admin_a):
    with pytest.raises(ForbiddenError):
        services.user_create(
            actor=admin_a, unit=county.school_a, username="liming", real_name="李明", role=role("leader")
        )
    assert not User.objects.filter(username="liming").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


# --- user_update / user_set_active ----------------------------------------------------------------


def test_user_update_changes_fields_bumps_the_version_and_logs_before_and_after(county, admin_a, teacher_a):
    version = teacher_a.version
    user = services.user_update(actor=admin_a, user=teacher_a, version=version, phone="13900000000")
    assert user.phone == "13900000000"
    assert user.version == version + 1
    event = last_event("user.update")
    assert event.before == {"phone": "", "version": version}
    assert event.after == {"phone": "13900000000", "version": version + 1}


def test_stale_version_is_refused_with_a_conflict(county, admin_a, teacher_a):
    services.user_update(actor=admin_a, user=teacher_a, version=teacher_a.version, phone="13900000000")
    with pytest.raises(ConflictError, match="已被他人修改"):
        services.user_update(actor=admin_a, user=teacher_a, version=teacher_a.version, phone="13900000001")
    assert fresh(teacher_a).phone == "13900000000"


def test_school_admin_cannot_edit_a_user_of_another_school(county, admin_a, admin_b):
    with pytest.raises(NotFoundError):
        services.user_update(actor=admin_a, user=admin_b, phone="13900000000")


def test_school_admin_cannot_move_a_user_to_another_school(county, admin_a, teacher_a):
    with pytest.raises(NotFoundError):
        services.user_update(actor=admin_a, user=teacher_a, unit=county.school_b)
    assert fresh(teacher_a).unit == county.school_a


def test_user_update_refuses_unknown_fields(county, admin_a, teacher_a):
    with pytest.raises(ServiceError, match="不能修改"):
        services.user_update(actor=admin_a, user=teacher_a, password="x")


def test_deactivation_needs_a_reason(county, admin_a, teacher_a):
    with pytest.raises(ServiceError, match="须填写原因") as exc:
        services.user_set_active(actor=admin_a, user=teacher_a, active=False, reason="  ")
    assert exc.value.field == "reason"
    assert fresh(teacher_a).is_active


def test_admin_cannot_deactivate_self(county, admin_a):
    with pytest.raises(ServiceError, match="不能停用自己"):
        services.user_set_active(actor=admin_a, user=admin_a, active=False, reason="测试")
    assert fresh(admin_a).is_active


def test_deactivation_is_logged_with_the_change_and_the_reason(county, admin_a, teacher_a):
    services.user_set_active(actor=admin_a, user=teacher_a, active=False, reason="已调离本校")
    assert not fresh(teacher_a).is_active
    update = last_event("user.update")
    assert update.before["is_active"] is True
    assert update.after["is_active"] is False
    assert last_event("user.deactivate").note == "已调离本校"


def test_activation_needs_no_reason(county, admin_a, teacher_a):
    services.user_set_active(actor=admin_a, user=teacher_a, active=False, reason="休假")
    services.user_set_active(actor=admin_a, user=teacher_a, active=True)
    assert fresh(teacher_a).is_active
    assert last_event("user.update").after["is_active"] is True


# --- user_reset_password --------------------------------------------------------------------------


def test_reset_password_gives_a_temporary_password_to_change_at_next_sign_in(county, admin_a, teacher_a):
    temporary = services.user_reset_password(actor=admin_a, user=teacher_a)
    user = fresh(teacher_a)
    assert user.check_password(temporary)
    assert not user.check_password(TEST_PASSWORD)
    assert user.must_change_password
    assert PasswordHistory.objects.filter(user=user).count() == 1
    event = last_event("user.reset_password")
    assert event.after == {"must_change_password": True}
    assert temporary not in str(AuditEvent.objects.values_list("before", "after", "note"))


def test_temporary_passwords_avoid_confusable_characters():
    for _ in range(50):
        assert not set(services.generate_temporary_password()) & set("0OoIl1")


def test_school_admin_cannot_reset_the_password_of_another_school(county, admin_a, admin_b):
    with pytest.raises(NotFoundError):
        services.user_reset_password(actor=admin_a, user=admin_b)


def test_school_admin_cannot_take_over_an_account_that_holds_a_role_beyond_the_school(
    county, admin_a, sysadmin
):
    principal = make_user("teacher", unit=county.school_a, username="part_time_supervisor")
    grant(principal, "supervisor", group=county.zone_1)  # the zone also covers school_c
    with pytest.raises(ForbiddenError, match="上级管理员"):
        services.user_reset_password(actor=admin_a, user=principal)
    with pytest.raises(ForbiddenError):
        services.user_set_active(actor=admin_a, user=principal, active=False, reason="测试")
    assert services.user_reset_password(actor=sysadmin, user=principal)


# --- user_unlock ----------------------------------------------------------------------------------


def test_unlock_lifts_a_lock_out_and_is_logged_twice(county, admin_a, teacher_a):
    for _ in range(5):
        record_login(kind=LoginEventKind.FAILURE, username="teacher_a", user=teacher_a)
    assert account_locked_until("teacher_a")
    services.user_unlock(actor=admin_a, user=teacher_a)
    assert account_locked_until("teacher_a") is None
    assert LoginEvent.objects.filter(username="teacher_a", kind=LoginEventKind.UNLOCK).exists()
    assert last_event("user.unlock").object_id == str(teacher_a.pk)


def test_school_admin_cannot_unlock_a_user_of_another_school(county, admin_a, admin_b):
    with pytest.raises(NotFoundError):
        services.user_unlock(actor=admin_a, user=admin_b)


# --- membership_grant / membership_end ------------------------------------------------------------


def test_school_admin_grants_a_school_role_in_own_school(county, admin_a, teacher_a):
    membership = services.membership_grant(
        actor=admin_a, user=teacher_a, role=role("safety_officer"), unit=county.school_a, title="安全专干"
    )
    assert membership.title == "安全专干"
    event = last_event("membership.grant")
    assert event.object_type == "accounts.membership"
    assert event.unit_id == county.school_a.pk
    assert event.after["role"] == role("safety_officer").pk
    assert event.after["unit"] == county.school_a.pk


def test_granted_role_takes_effect_for_the_user(county, admin_a, teacher_a):
    from edubureau.accounts.scope import user_can

    services.membership_grant(actor=admin_a, user=teacher_a, role=role("school_admin"), unit=county.school_a)
    assert user_can(fresh(teacher_a), "users.manage", county.school_a)


def test_school_admin_cannot_grant_school_admin_on_another_school(county, admin_a, teacher_a):
    with pytest.raises(NotFoundError):
        services.membership_grant(
            actor=admin_a, user=teacher_a, role=role("school_admin"), unit=county.school_b
        )
    assert not Membership.objects.filter(user=teacher_a, unit=county.school_b).exists()


def test_school_admin_cannot_grant_the_leader_role(county, admin_a, teacher_a):
    with pytest.raises(ForbiddenError, match="超出自身权限"):
        services.membership_grant(actor=admin_a, user=teacher_a, role=role("leader"), unit=county.school_a)


def test_school_admin_cannot_grant_a_role_to_a_user_of_another_school(county, admin_a, admin_b):
    with pytest.raises(NotFoundError):
        services.membership_grant(actor=admin_a, user=admin_b, role=role("teacher"), unit=county.school_a)


def test_system_admin_can_grant_any_role_anywhere(county, sysadmin, admin_b):
    user = make_user("teacher", unit=county.school_b, username="new_principal")
    membership = services.membership_grant(
        actor=sysadmin, user=user, role=role("school_admin"), unit=county.school_b
    )
    assert membership.role.code == "school_admin"
    services.membership_grant(actor=sysadmin, user=user, role=role("leader"), unit=county.bureau)


def test_department_staff_needs_a_department(county, sysadmin):
    user = make_user("teacher", unit=county.bureau, username="new_officer")
    with pytest.raises(ServiceError, match="须指定所在科室") as exc:
        services.membership_grant(
            actor=sysadmin, user=user, role=role("department_staff"), unit=county.bureau
        )
    assert exc.value.field == "department"
    with pytest.raises(ServiceError, match="须指定所在科室"):  # a school is not a department
        services.membership_grant(
            actor=sysadmin,
            user=user,
            role=role("department_staff"),
            unit=county.bureau,
            department=county.school_a,
        )
    membership = services.membership_grant(
        actor=sysadmin,
        user=user,
        role=role("department_staff"),
        unit=county.bureau,
        department=county.safety_dept,
    )
    assert membership.department == county.safety_dept


def test_department_must_belong_to_the_granted_unit(county, sysadmin):
    user = make_user("teacher", unit=county.town_a, username="town_officer")
    with pytest.raises(ServiceError, match="不属于") as exc:
        services.membership_grant(
            actor=sysadmin,
            user=user,
            role=role("department_staff"),
            unit=county.town_a,
            department=county.safety_dept,
        )
    assert exc.value.field == "department"


def test_only_department_staff_take_a_department(county, admin_a, teacher_a):
    with pytest.raises(ServiceError, match="只有科室人员"):
        services.membership_grant(
            actor=admin_a,
            user=teacher_a,
            role=role("safety_officer"),
            unit=county.school_a,
            department=county.safety_dept,
        )


def test_supervisor_role_needs_a_group(county, sysadmin):
    user = make_user("teacher", unit=county.bureau, username="new_supervisor")
    with pytest.raises(ServiceError, match="分组") as exc:
        services.membership_grant(actor=sysadmin, user=user, role=role("supervisor"), unit=county.bureau)
    assert exc.value.field == "group"
    membership = services.membership_grant(
        actor=sysadmin, user=user, role=role("supervisor"), group=county.zone_1
    )
    assert membership.group == county.zone_1
    assert membership.unit is None


def test_unit_role_cannot_be_granted_on_a_group(county, sysadmin, teacher_a):
    with pytest.raises(ServiceError, match="须授予在单位上") as exc:
        services.membership_grant(actor=sysadmin, user=teacher_a, role=role("teacher"), group=county.zone_1)
    assert exc.value.field == "unit"


def test_school_admin_cannot_grant_a_zone_that_reaches_beyond_the_school(county, admin_a, teacher_a):
    with pytest.raises(NotFoundError):
        services.membership_grant(actor=admin_a, user=teacher_a, role=role("supervisor"), group=county.zone_1)


def test_the_same_role_twice_on_the_same_unit_is_refused(county, admin_a, teacher_a):
    with pytest.raises(ServiceError, match="已在该处拥有") as exc:
        services.membership_grant(actor=admin_a, user=teacher_a, role=role("teacher"), unit=county.school_a)
    assert exc.value.field == "role"


def test_membership_end_keeps_the_row_and_logs_the_end(county, admin_a, teacher_a):
    membership = teacher_a.memberships.get()
    services.membership_end(actor=admin_a, membership=membership)
    membership.refresh_from_db()
    assert membership.ended_at is not None
    event = last_event("membership.end")
    assert event.before == {"ended_at": None}
    assert event.after["ended_at"]
    assert not fresh(teacher_a).memberships.current().exists()


def test_an_ended_membership_cannot_be_ended_again(county, admin_a, teacher_a):
    membership = teacher_a.memberships.get()
    services.membership_end(actor=admin_a, membership=membership)
    with pytest.raises(ServiceError, match="已经结束"):
        services.membership_end(actor=admin_a, membership=membership)


def test_admin_cannot_end_own_admin_role(county, admin_a):
    with pytest.raises(ServiceError, match="不能撤销自己的管理员角色"):
        services.membership_end(actor=admin_a, membership=admin_a.memberships.get())


def test_school_admin_cannot_end_a_role_held_elsewhere(county, admin_a, sysadmin):
    user = make_user("teacher", unit=county.school_a, username="also_in_b")
    elsewhere = grant(user, "teacher", unit=county.school_b)
    with pytest.raises(NotFoundError):
        services.membership_end(actor=admin_a, membership=elsewhere)


def test_grantable_roles_never_exceed_the_actor(county, admin_a, sysadmin, teacher_a):
    grantable = services.grantable_roles(admin_a, county.school_a)
    codes = {r.code for r in grantable}
    assert {"school_admin", "safety_officer", "teacher"} <= codes
    assert not codes & {"leader", "system_admin"}
    held = scope.user_perms_on(admin_a, county.school_a)
    assert all(r.permission_set <= held for r in grantable)
    assert services.grantable_roles(admin_a, county.school_b) == []
    assert services.grantable_roles(teacher_a, county.school_a) == []
    assert len(services.grantable_roles(sysadmin, county.school_b)) == Role.objects.count()
