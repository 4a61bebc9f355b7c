import pytest
from django.urls import reverse

from edubureau.accounts import services
from edubureau.accounts.models import Role, User
from edubureau.accounts.scope import user_has_perm
from edubureau.audit.models import AuditEvent
from edubureau.common.errors import ConflictError, NotFoundError, ServiceError


def role(code):
    return Role.objects.get(code=code)


def test_system_admin_changes_what_a_role_grants_and_it_is_audited(sysadmin, teacher_a):
    teacher = role("teacher")
    services.role_update(
        actor=sysadmin, role=teacher, permissions=[*teacher.permissions, "users.view"], version=1
    )

    fresh = User.objects.get(pk=teacher_a.pk)
    assert user_has_perm(fresh, "users.view")
    event = AuditEvent.objects.get(action="role.update")
    assert "users.view" in event.after["permissions"]
    assert "users.view" not in event.before["permissions"]


def test_school_admin_cannot_change_roles(admin_a):
    with pytest.raises(NotFoundError):
        services.role_update(actor=admin_a, role=role("teacher"), permissions=["org.view"])


def test_unknown_permission_code_is_refused_in_chinese(sysadmin):
    with pytest.raises(ServiceError, match=r"未知的权限编码：safety\.everything"):
        services.role_update(actor=sysadmin, role=role("teacher"), permissions=["safety.everything"])


def test_system_admin_role_keeps_the_right_to_edit_roles(sysadmin):
    with pytest.raises(ServiceError, match="必须保留"):
        services.role_update(actor=sysadmin, role=role("system_admin"), permissions=["org.view"])


def test_stale_role_edit_is_refused(sysadmin):
    teacher = role("teacher")
    services.role_update(actor=sysadmin, role=teacher, permissions=["org.view"], version=1)
    with pytest.raises(ConflictError):
        services.role_update(actor=sysadmin, role=teacher, permissions=["org.view", "home.todo"], version=1)


def test_role_page_lists_each_role_with_its_permissions_in_chinese(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("accounts:role_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "学校管理员" in content
    assert "管理本范围用户" in content
    assert (
        reverse("accounts:role_edit", args=[role("teacher").pk]) not in content
    )  # no edit for a school admin


def test_system_admin_edits_a_role_through_the_page(client, sysadmin):
    client.force_login(sysadmin)
    teacher = role("teacher")
    url = reverse("accounts:role_edit", args=[teacher.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "任课教师", "description": "", "permissions": ["org.view", "home.todo"], "version": 1}
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.name == "任课教师"
    assert teacher.version == 2


def test_teacher_gets_404_on_the_role_pages(client, teacher_a):
    client.force_login(teacher_a)
    assert client.get(reverse("accounts:role_list")).status_code == 404
    assert client.get(reverse("accounts:role_edit", args=[role("teacher").pk])).status_code == 404
