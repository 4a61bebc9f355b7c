"""Ways around the login lock-out that must not work."""

import pytest
from django.test import Client
from django.urls import reverse

from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import LoginEvent
from edubureau.common.factories import TEST_PASSWORD, make_user

WRONG = "Wrong#pass123"


def attempt(client, username, password=WRONG):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def signed_in(client):
    return client.session.get("_auth_user_id") is not None


@pytest.fixture
def victims(county):
    return [make_user("teacher", unit=county.school_b, username=f"victim{n}") for n in range(8)]


def test_own_sign_in_does_not_clear_failures_against_other_accounts_from_that_address(
    county, teacher_a, victims
):
    """Password spraying: one guess per account, with a sign-in to one's own account in between."""
    sprayer = Client()
    refused = None
    for n, victim in enumerate(victims):
        if "已锁定" in attempt(sprayer, victim.username).content.decode():
            refused = n
            break
        if n % 4 == 3:
            assert attempt(Client(), "teacher_a", TEST_PASSWORD).status_code == 302
    assert refused == 4  # the fifth failure locks the address, sign-ins in between or not
    assert not signed_in(sprayer)


def test_a_typo_followed_by_the_right_password_does_not_count_against_the_address(county, teacher_a, admin_a):
    client = Client()
    for _ in range(3):
        attempt(client, "teacher_a")
    assert attempt(client, "teacher_a", TEST_PASSWORD).status_code == 302
    client.post(reverse("web:logout"))
    for _ in range(2):
        attempt(client, "admin_a")
    assert attempt(client, "admin_a", TEST_PASSWORD).status_code == 302


def test_unlocking_an_account_clears_its_failures_from_the_address_count(county, sysadmin, teacher_a):
    from edubureau.accounts import services

    client = Client()
    for _ in range(5):
        attempt(client, "teacher_a")
    services.user_unlock(actor=sysadmin, user=teacher_a)
    assert attempt(client, "teacher_a", TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize("variant", ["Teacher_A", "TEACHER_A", " teacher_a ", "teacher_a\t"])
def test_a_locked_account_stays_locked_under_case_and_space_variants(county, teacher_a, variant):
    for _ in range(5):
        attempt(Client(REMOTE_ADDR="10.0.0.1"), "teacher_a")
    client = Client(REMOTE_ADDR="10.0.0.2")
    response = attempt(client, variant, TEST_PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)


def test_a_case_variant_is_another_unknown_account_not_the_same_one(county, teacher_a):
    attempt(Client(), "Teacher_A", TEST_PASSWORD)
    event = LoginEvent.objects.get()
    assert event.kind == LoginEventKind.UNKNOWN_USER
    assert event.user_id is None


def test_guessing_the_old_password_on_the_password_page_counts_toward_the_lock_out(county, teacher_a):
    """A borrowed session must not be a way to guess the account's password without limit."""
    client = Client()
    client.force_login(teacher_a)
    new = "Xinmima#2026a"
    for _ in range(5):
        response = client.post(
            reverse("web:password_change"),
            {"old_password": WRONG, "new_password": new, "new_password_confirm": new},
        )
        assert response.status_code == 422
    assert LoginEvent.objects.filter(username="teacher_a", kind=LoginEventKind.FAILURE).count() == 5
    response = client.post(
        reverse("web:password_change"),
        {"old_password": TEST_PASSWORD, "new_password": new, "new_password_confirm": new},
    )
    assert response.status_code == 422
    assert "已锁定" in response.content.decode()
    teacher_a.refresh_from_db()
    assert teacher_a.check_password(TEST_PASSWORD)
    assert attempt(Client(REMOTE_ADDR="10.9.9.9"), "teacher_a", TEST_PASSWORD).status_code == 200
