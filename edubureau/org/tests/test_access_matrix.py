"""Every page of the org and audit apps × every role of the test county: 200 in scope, 404 otherwise
(never 403, never 500)."""

import pytest
from django.urls import reverse

ALL = {"sysadmin", "leader", "dept_officer", "supervisor", "admin_a", "safety_a", "teacher_a", "admin_b"}
ROOT_READERS = {"sysadmin", "leader", "dept_officer"}

# (url name, object attribute on the county or None, roles that get 200)
MATRIX = [
    ("org:tree", None, ALL),
    ("org:unit_detail", "school_a", ALL - {"admin_b"}),
    ("org:unit_detail", "school_b", ROOT_READERS | {"admin_b"}),
    ("org:unit_detail", "town_a", ROOT_READERS),
    ("org:unit_edit", "school_a", {"sysadmin"}),
    ("org:unit_move", "school_a", {"sysadmin"}),
    ("org:unit_close", "school_a", {"sysadmin"}),
    ("org:unit_create", None, {"sysadmin"}),
    ("org:group_list", None, ALL),
    ("org:group_detail", "zone_1", ALL - {"admin_b"}),
    ("org:group_members", "zone_1", {"sysadmin"}),
    ("org:group_create", None, {"sysadmin"}),
    ("audit:event_list", None, {"sysadmin", "leader"}),
    ("audit:login_list", None, {"sysadmin", "leader"}),
    ("audit:sensitive_list", None, {"sysadmin", "leader"}),
]


@pytest.mark.parametrize(("url_name", "obj", "allowed"), MATRIX, ids=[f"{u}:{o or ''}" for u, o, _ in MATRIX])
def test_each_role_gets_200_in_scope_and_404_outside(client, county, role_users, url_name, obj, allowed):
    args = [getattr(county, obj).pk] if obj else []
    url = reverse(url_name, args=args)
    for name, user in role_users.items():
        client.force_login(user)
        status = client.get(url).status_code
        assert status == (200 if name in allowed else 404), f"{name} on {url}: {status}"
