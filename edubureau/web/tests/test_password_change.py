import datetime

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.urls import reverse
from django.utils import timezone

from edubureau.accounts import services as account_services
from edubureau.accounts.models import User
from edubureau.audit.models import AuditEvent
from edubureau.common.factories import TEST_PASSWORD, make_user

from .helpers import post_login, signed_in_user_id

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xin#mima2026"


@pytest.fixture
def newbie(county):
    """A teacher whose account was just created: must change the password at first sign-in."""
    return make_user("teacher", unit=county.school_a, username="newbie", must_change_password=True)


def change(client, old=TEST_PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        reverse("web:password_change"),
        {
            "old_password": old,
            "new_password": new,
            "new_password_confirm": new if confirm is None else confirm,
        },
    )


def test_first_login_is_forced_to_the_password_change_page(client, newbie):
    response = post_login(client, "newbie", follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:password_change")
    html = response.content.decode()
    assert "请先修改密码" in html
    assert "首次登录或密码被管理员重置后" in html


def test_user_who_must_change_password_is_sent_back_from_every_page(client, newbie):
    client.force_login(newbie)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:password_change")


def test_password_page_shows_the_policy(client, admin_a):
    client.force_login(admin_a)
    html = client.get(reverse("web:password_change")).content.decode()
    for text in password_validators_help_texts():
        assert text in html
    assert "请先修改密码" not in html


def test_password_page_needs_a_signed_in_user(client, county):
    response = client.get(reverse("web:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_too_short_password_is_refused_in_chinese(client, admin_a):
    client.force_login(admin_a)
    response = change(client, new="Ab#1")
    assert response.status_code == 422
    assert response.context["form"].errors["new_password"] == ["密码至少需要8个字符。"]


def test_password_with_too_few_character_classes_is_refused(client, admin_a):
    client.force_login(admin_a)
    response = change(client, new="abcdefgh123")
    assert response.status_code == 422
    assert "至少3类" in response.context["form"].errors["new_password"][0]


def test_reusing_a_recent_password_is_refused(client, admin_a):
    account_services.password_change(user=admin_a, old_password=TEST_PASSWORD, new_password=NEW_PASSWORD)
    client.force_login(User.objects.get(pk=admin_a.pk))
    response = change(client, old=NEW_PASSWORD, new=TEST_PASSWORD)
    assert response.status_code == 422
    assert response.context["form"].errors["new_password"] == ["不能使用最近5次用过的密码。"]
    assert "不能使用最近5次用过的密码" in response.content.decode()


def test_keeping_the_current_password_is_refused(client, admin_a):
    client.force_login(admin_a)
    response = change(client, new=TEST_PASSWORD)
    assert response.context["form"].errors["new_password"] == ["新密码不能与当前密码相同。"]


def test_wrong_old_password_is_shown_on_the_old_password_field(client, admin_a):
    client.force_login(admin_a)
    response = change(client, old="Wrong#pass123")
    assert response.status_code == 422
    assert response.context["form"].errors["old_password"] == ["原密码不正确。"]
    assert "new_password" not in response.context["form"].errors


def test_mismatched_confirmation_is_refused_before_the_service(client, admin_a):
    client.force_login(admin_a)
    response = change(client, confirm="Other#mima2026")
    assert response.context["form"].errors["new_password_confirm"] == ["两次输入的新密码不一致。"]
    assert not AuditEvent.objects.filter(action="user.change_password").exists()


def test_successful_change_clears_the_flag_and_keeps_the_session(client, newbie):
    post_login(client, "newbie")
    response = change(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    newbie.refresh_from_db()
    assert newbie.must_change_password is False
    assert newbie.check_password(NEW_PASSWORD)
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    assert "密码修改成功" in home.content.decode()
    assert signed_in_user_id(client) == str(newbie.pk)
    assert AuditEvent.objects.filter(action="user.change_password", actor=newbie).count() == 1


def test_new_password_works_at_the_next_sign_in(client, admin_a):
    client.force_login(admin_a)
    change(client)
    client.post(reverse("web:logout"))
    assert post_login(client, "admin_a", TEST_PASSWORD).status_code == 200
    assert post_login(client, "admin_a", NEW_PASSWORD).status_code == 302


def test_expired_password_gets_its_own_notice(client, admin_a):
    User.objects.filter(pk=admin_a.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=120)
    )
    client.force_login(admin_a)
    assert client.get(reverse("web:home"))["Location"] == reverse("web:password_change")
    html = client.get(reverse("web:password_change")).content.decode()
    assert "密码已过期" in html
