from edubureau.accounts.models import ApiToken

from .conftest import bearer


def test_creating_a_token_returns_the_text_once_and_it_works(client, leader, send):
    client.force_login(leader)
    response = send(client, "POST", "/api/v1/tokens", {"name": "数据中心同步", "days": 30})
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith(f"ebt_{body['key']}_")
    assert body["status"] == "active"
    listed = client.get("/api/v1/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["数据中心同步"]
    assert "token" not in listed[0]
    client.logout()
    assert client.get("/api/v1/me", **bearer(body["token"])).json()["username"] == "leader"


def test_token_name_is_required_and_days_bounded(client, leader, send):
    client.force_login(leader)
    response = send(client, "POST", "/api/v1/tokens", {"name": " ", "days": 400})
    assert response.status_code == 422
    assert response.json()["details"] == {"name": ["此项不能为空。"], "days": ["不能大于366。"]}


def test_a_token_cannot_mint_more_tokens(client, leader, token_headers, send):
    response = send(client, "POST", "/api/v1/tokens", {"name": "再来一个"}, **token_headers(leader))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert ApiToken.objects.count() == 1


def test_revoking_keeps_the_row_and_the_token_stops_working(client, leader, send):
    client.force_login(leader)
    created = send(client, "POST", "/api/v1/tokens", {"name": "临时"}).json()
    response = client.delete(f"/api/v1/tokens/{created['id']}")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_at"]
    assert ApiToken.objects.filter(pk=created["id"], revoked_at__isnull=False).exists()
    client.logout()
    assert client.get("/api/v1/me", **bearer(created["token"])).status_code == 401


def test_a_token_can_revoke_itself(client, leader, token_headers):
    headers = token_headers(leader)
    token = ApiToken.objects.get()
    assert client.delete(f"/api/v1/tokens/{token.pk}", **headers).status_code == 200
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_revoking_twice_is_a_clear_error(client, leader, send):
    client.force_login(leader)
    created = send(client, "POST", "/api/v1/tokens", {"name": "临时"}).json()
    client.delete(f"/api/v1/tokens/{created['id']}")
    response = client.delete(f"/api/v1/tokens/{created['id']}")
    assert response.status_code == 422
    assert response.json()["message"] == "该令牌已吊销。"


def test_nobody_sees_or_revokes_another_persons_token(client, leader, sysadmin, token_headers):
    token_headers(leader)
    token = ApiToken.objects.get()
    client.force_login(sysadmin)
    assert client.get("/api/v1/tokens").json()["count"] == 0
    missing = client.delete("/api/v1/tokens/999999")
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    token.refresh_from_db()
    assert token.revoked_at is None
