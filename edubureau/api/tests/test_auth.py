import datetime

import pytest
from django.test import Client
from django.utils import timezone

from edubureau.accounts.models import ApiToken
from edubureau.api import operations
from edubureau.audit.models import AuditEvent

from .conftest import bearer

UNAUTHENTICATED = {"code": "unauthenticated", "message": "请先登录或提供有效的接口令牌。", "details": {}}


def concrete(path):
    return path.replace("{id}", "1")


def test_anonymous_caller_gets_401_json_with_chinese_message(client, county):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path", "operation_id"), operations())
def test_every_operation_refuses_anonymous_callers(client, county, send, method, path, operation_id):
    response = send(client, method, concrete(path), {})
    assert response.status_code == 401, operation_id
    assert response.json() == UNAUTHENTICATED


def test_token_authenticates_the_caller(client, admin_a, token_headers):
    response = client.get("/api/v1/me", **token_headers(admin_a))
    assert response.status_code == 200
    assert response.json()["username"] == "admin_a"
    assert response.json()["token_auth"] is True


def test_token_user_is_the_actor_of_writes_on_the_api_channel(client, county, sysadmin, token_headers, send):
    response = send(
        client,
        "PATCH",
        f"/api/v1/org/units/{county.school_a.pk}",
        {"version": 1, "short_name": "东城小学"},
        **token_headers(sysadmin),
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="org.unit.update")
    assert event.actor == sysadmin
    assert event.channel == "api"


def test_session_authenticates_the_caller(client, leader):
    client.force_login(leader)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "leader"
    assert response.json()["token_auth"] is False


@pytest.mark.parametrize(
    "text",
    ["garbage", "ebt_", "ebt_abc_def", "ebt__secret", "xyz_abc_def", "Bearer ebt_a_b", "ebt_" + "x" * 5000],
)
def test_garbage_token_gets_401(client, county, text):
    response = client.get("/api/v1/me", **bearer(text))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_token_with_wrong_secret_gets_401(client, admin_a, token_headers):
    header = token_headers(admin_a)["HTTP_AUTHORIZATION"]
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header[:-3] + "xyz")
    assert response.status_code == 401


def test_expired_token_gets_401(client, admin_a, token_headers):
    headers = token_headers(admin_a)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/api/v1/me", **headers)
    assert response.status_code == 401
    assert response.json()["message"] == "接口令牌无效、已过期或已吊销，请重新生成令牌。"


def test_revoked_token_gets_401(client, admin_a, token_headers):
    headers = token_headers(admin_a)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_token_of_a_deactivated_user_gets_401(client, admin_a, token_headers):
    headers = token_headers(admin_a)
    admin_a.is_active = False
    admin_a.save()
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_bad_token_is_refused_even_alongside_a_valid_session(client, leader):
    client.force_login(leader)
    assert client.get("/api/v1/me", **bearer("ebt_abc_def")).status_code == 401


def test_other_authorization_schemes_are_ignored_so_the_session_still_counts(client, leader):
    client.force_login(leader)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic bGVhZGVyOng=")
    assert response.status_code == 200


def test_session_post_without_csrf_token_is_refused(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    response = client.post("/api/v1/tokens", {"name": "同步"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()


def test_session_post_with_csrf_token_succeeds(leader, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    client.get("/api/v1/docs")  # the docs page hands out the CSRF cookie, as any page does
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/api/v1/tokens", {"name": "同步"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_session_get_needs_no_csrf_token(leader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    assert client.get("/api/v1/me").status_code == 200


def test_token_writes_need_no_csrf_token(county, sysadmin, token_headers):
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"/api/v1/org/units/{county.school_a.pk}",
        {"version": 1, "short_name": "东城小学"},
        content_type="application/json",
        **token_headers(sysadmin),
    )
    assert response.status_code == 200


def test_anonymous_post_gets_401_not_a_csrf_error(county):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 401
