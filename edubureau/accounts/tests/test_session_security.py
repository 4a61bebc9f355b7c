import time

from django.urls import reverse

from edubureau.accounts.middleware import LAST_SEEN
from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import LoginEvent


def test_idle_session_is_signed_out_after_the_configured_minutes(client, admin_a, settings):
    settings.EDUBUREAU_SESSION_IDLE_MINUTES = 30
    client.force_login(admin_a)
    assert client.get(reverse("web:home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()

    response = client.get(reverse("org:tree"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert client.get(reverse("web:home")).status_code == 302  # really signed out
    assert LoginEvent.objects.filter(username="admin_a", kind=LoginEventKind.TIMEOUT).exists()


def test_active_session_stays_signed_in(client, admin_a):
    client.force_login(admin_a)
    session = client.session
    session[LAST_SEEN] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("org:tree")).status_code == 200


def test_idle_timeout_is_configurable(client, admin_a, settings):
    settings.EDUBUREAU_SESSION_IDLE_MINUTES = 5
    client.force_login(admin_a)
    client.get(reverse("web:home"))
    session = client.session
    session[LAST_SEEN] = time.time() - 6 * 60
    session.save()
    assert client.get(reverse("web:home")).status_code == 302


def test_idle_api_session_gets_401_not_a_redirect(client, admin_a):
    client.force_login(admin_a)
    client.get("/api/v1/me")
    session = client.session
    session[LAST_SEEN] = time.time() - 3600
    session.save()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_user_who_must_change_password_cannot_use_the_api_by_session(client, admin_a):
    admin_a.must_change_password = True
    admin_a.save()
    client.force_login(admin_a)
    response = client.get("/api/v1/org/units")
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert client.get("/api/v1/me").status_code == 200
