"""A password change ends every other session of the account; a reset or a deactivation ends them all.

Django keeps a hash of the password in each session and drops the session when it no longer matches;
the password page re-signs only the session that made the change (update_session_auth_hash).
"""

import pytest
from django.test import Client
from django.urls import reverse

from edubureau.accounts import services
from edubureau.common.factories import TEST_PASSWORD

NEW_PASSWORD = "Xinmima#2026a"


def signed_in(user):
    client = Client()
    response = client.post(reverse("web:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client):
    return client.get(reverse("web:home")).status_code == 200


@pytest.fixture
def two_sessions(county, teacher_a):
    return signed_in(teacher_a), signed_in(teacher_a)


def test_changing_the_password_keeps_this_session_and_ends_the_others(two_sessions):
    here, elsewhere = two_sessions
    response = here.post(
        reverse("web:password_change"),
        {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert elsewhere.get("/api/v1/me").status_code == 401


def test_a_reset_by_the_admin_ends_every_session_of_the_user(two_sessions, admin_a, teacher_a):
    services.user_reset_password(actor=admin_a, user=teacher_a)
    assert not any(is_signed_in(client) for client in two_sessions)


def test_deactivating_a_user_ends_their_sessions(two_sessions, admin_a, teacher_a):
    services.user_set_active(actor=admin_a, user=teacher_a, active=False, reason="已调离")
    assert not any(is_signed_in(client) for client in two_sessions)
    assert two_sessions[0].get("/api/v1/me").status_code == 401
