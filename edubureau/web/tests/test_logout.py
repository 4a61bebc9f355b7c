import pytest
from django.urls import reverse

from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import LoginEvent

from .helpers import signed_in_user_id

pytestmark = pytest.mark.django_db


def test_logout_by_get_only_asks_for_confirmation(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("web:logout"))
    assert response.status_code == 200
    assert "确定要退出" in response.content.decode()
    assert signed_in_user_id(client) == str(admin_a.pk)
    assert not LoginEvent.objects.filter(kind=LoginEventKind.LOGOUT).exists()


def test_logout_by_post_signs_out_and_records_a_logout_event(client, admin_a):
    client.force_login(admin_a)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert signed_in_user_id(client) is None
    event = LoginEvent.objects.get(kind=LoginEventKind.LOGOUT)
    assert (event.username, event.user_id) == ("admin_a", admin_a.pk)
    assert "您已安全退出" in client.get(reverse("web:login")).content.decode()


def test_anonymous_logout_goes_to_login_without_an_event(client, county):
    response = client.post(reverse("web:logout"))
    assert response["Location"] == reverse("web:login")
    assert not LoginEvent.objects.exists()


def test_user_who_must_change_password_can_still_sign_out(client, county):
    from edubureau.common.factories import make_user

    newbie = make_user("teacher", unit=county.school_a, username="newbie", must_change_password=True)
    client.force_login(newbie)
    assert client.get(reverse("web:logout")).status_code == 200
    assert client.post(reverse("web:logout"))["Location"] == reverse("web:login")
