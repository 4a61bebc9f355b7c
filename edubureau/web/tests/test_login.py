import pytest
from django.test import Client
from django.urls import reverse

from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import LoginEvent

from .helpers import post_login, signed_in_user_id

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese_and_carries_a_csrf_token(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户登录" in html
    assert "csrfmiddlewaretoken" in html
    assert "锁定30分钟" in html


def test_anonymous_visitor_of_home_is_sent_to_login_with_next(client):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next=/"


def test_user_signs_in_and_lands_on_home(client, admin_a):
    response = post_login(client, "admin_a")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert signed_in_user_id(client) == str(admin_a.pk)
    assert client.get(reverse("web:home")).status_code == 200
    event = LoginEvent.objects.get(username="admin_a")
    assert event.kind == LoginEventKind.SUCCESS
    assert event.user_id == admin_a.pk
    assert event.ip == "127.0.0.1"


def test_signing_in_rotates_the_session_key(client, admin_a):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    client.cookies["edubureau_session"] = before
    post_login(client, "admin_a")
    assert client.session.session_key != before
    assert signed_in_user_id(client) == str(admin_a.pk)


def test_wrong_password_shows_the_refusal_message_and_stays_signed_out(client, admin_a):
    response = post_login(client, "admin_a", "Wrong#pass123")
    assert response.status_code == 200
    html = response.content.decode()
    assert "账号或密码错误" in html
    assert "再失败4次" in html
    assert signed_in_user_id(client) is None
    assert LoginEvent.objects.get(username="admin_a").kind == LoginEventKind.FAILURE


def test_unknown_username_gets_the_same_message_as_a_wrong_password(client, county):
    response = post_login(client, "nobody", "Wrong#pass123")
    assert "账号或密码错误" in response.content.decode()
    assert "不存在" not in response.content.decode()


def test_typed_username_is_kept_but_password_is_not_echoed(client, admin_a):
    html = post_login(client, "admin_a", "Wrong#pass123").content.decode()
    assert 'value="admin_a"' in html
    assert "Wrong#pass123" not in html


def test_empty_form_asks_for_both_fields_in_chinese(client, county):
    response = client.post(reverse("web:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert "请输入登录账号" in html
    assert "请输入密码" in html
    assert not LoginEvent.objects.exists()


def test_five_failures_lock_the_account_even_for_the_right_password(client, admin_a):
    for _ in range(4):
        post_login(client, "admin_a", "Wrong#pass123")
    fifth = post_login(client, "admin_a", "Wrong#pass123").content.decode()
    assert "已锁定30分钟" in fifth
    response = post_login(client, "admin_a")
    html = response.content.decode()
    assert response.status_code == 200
    assert "锁定" in html
    assert "已锁定" in html
    assert signed_in_user_id(client) is None
    assert LoginEvent.objects.filter(username="admin_a", kind=LoginEventKind.LOCKED).count() == 1


def test_failures_with_many_usernames_from_one_address_lock_that_address(client, admin_a):
    for n in range(5):
        post_login(client, f"guess{n}", "Wrong#pass123")
    response = post_login(client, "admin_a")
    assert "已锁定" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_address_lock_does_not_block_the_same_account_from_another_address(client, admin_a):
    for n in range(5):
        post_login(client, f"guess{n}", "Wrong#pass123")
    other = Client(REMOTE_ADDR="10.20.30.40")
    response = post_login(other, "admin_a")
    assert response.status_code == 302
    assert signed_in_user_id(other) == str(admin_a.pk)


def test_inactive_account_is_refused_with_its_own_message(client, admin_a):
    admin_a.is_active = False
    admin_a.save(update_fields=["is_active"])
    html = post_login(client, "admin_a").content.decode()
    assert "该账号已停用" in html
    assert signed_in_user_id(client) is None


def test_safe_next_is_followed(client, admin_a):
    response = post_login(client, "admin_a", next_url="/password/")
    assert response["Location"] == "/password/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/steal",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_unsafe_next_is_ignored(client, admin_a, target):
    response = post_login(client, "admin_a", next_url=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_next_from_the_query_string_is_kept_in_the_form(client, county):
    html = client.get(reverse("web:login") + "?next=/password/").content.decode()
    assert 'name="next" value="/password/"' in html


def test_unsafe_next_is_not_put_into_the_form(client, county):
    html = client.get(reverse("web:login") + "?next=https://evil.example/").content.decode()
    assert "evil.example" not in html


def test_signed_in_user_visiting_login_goes_home(client, admin_a):
    client.force_login(admin_a)
    response = client.get(reverse("web:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_login_refuses_a_post_without_csrf_token(admin_a):
    strict = Client(enforce_csrf_checks=True)
    response = post_login(strict, "admin_a")
    assert response.status_code == 403
    assert signed_in_user_id(strict) is None
    assert not LoginEvent.objects.exists()


def test_login_accepts_a_post_with_the_csrf_token(admin_a):
    strict = Client(enforce_csrf_checks=True)
    strict.get(reverse("web:login"))
    token = strict.cookies["edubureau_csrftoken"].value
    response = strict.post(
        reverse("web:login"),
        {"username": "admin_a", "password": "Ceshi@2026pw", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
