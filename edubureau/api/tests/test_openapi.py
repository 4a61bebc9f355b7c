import re

import pytest
from django.contrib.staticfiles import finders

from edubureau.api import api, operations

EXPECTED_OPERATIONS = {
    ("GET", "/api/v1/me", "get_me"),
    ("GET", "/api/v1/users", "list_users"),
    ("POST", "/api/v1/users", "create_user"),
    ("GET", "/api/v1/users/{id}", "get_user"),
    ("PATCH", "/api/v1/users/{id}", "update_user"),
    ("GET", "/api/v1/tokens", "list_tokens"),
    ("POST", "/api/v1/tokens", "create_token"),
    ("DELETE", "/api/v1/tokens/{id}", "revoke_token"),
    ("GET", "/api/v1/org/units", "list_units"),
    ("POST", "/api/v1/org/units", "create_unit"),
    ("GET", "/api/v1/org/units/{id}", "get_unit"),
    ("PATCH", "/api/v1/org/units/{id}", "update_unit"),
    ("GET", "/api/v1/org/units/{id}/children", "list_unit_children"),
    ("POST", "/api/v1/org/units/{id}/move", "move_unit"),
    ("GET", "/api/v1/org/groups", "list_groups"),
    ("GET", "/api/v1/org/groups/{id}", "get_group"),
}
CDN = re.compile(r"cdn|unpkg|jsdelivr|googleapis|cloudflare|https?://", re.IGNORECASE)


@pytest.fixture
def schema(client, leader):
    client.force_login(leader)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_operations_lists_every_operation_of_the_api(db):
    assert set(operations()) >= EXPECTED_OPERATIONS
    assert len(operations()) == len(set(operations()))


def test_openapi_document_has_title_version_and_both_security_schemes(schema):
    assert schema["info"]["title"] == "教育局工作平台 API"
    assert schema["info"]["version"] == "1"
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["type"] == "http"
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assert schemes["SessionAuth"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "edubureau_session",
        "description": schemes["SessionAuth"]["description"],
    }


def test_every_operation_is_documented_secured_and_named(schema):
    found = set()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            found.add((method.upper(), path, op["operationId"]))
            assert re.fullmatch(r"[a-z]+(_[a-z]+)*", op["operationId"])
            assert re.search(r"[\u4e00-\u9fff]", op["summary"]), op["operationId"]
            assert op["tags"], op["operationId"]
            assert {next(iter(s)) for s in op["security"]} == {"TokenAuth", "SessionAuth"}
            assert "401" in op["responses"]
    assert found == set(operations())


def test_every_list_is_paginated_with_limit_and_offset(schema):
    lists = [
        (path, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if method == "get" and op["operationId"].startswith("list_")
    ]
    assert len(lists) >= 5  # the foundation's lists; domain apps add their own
    for path, op in lists:
        params = {p["name"]: p for p in op["parameters"]}
        assert params["limit"]["schema"]["maximum"] == 500, path
        assert params["limit"]["schema"]["default"] == 50, path
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert set(schema["components"]["schemas"][ref]["properties"]) == {
            "count",
            "items",
            "limit",
            "offset",
        }


def test_openapi_document_has_no_outside_urls(client, leader):
    client.force_login(leader)
    assert not CDN.search(client.get("/api/v1/openapi.json").content.decode())


def test_openapi_document_needs_authentication(client, leader, token_headers):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert client.get("/api/v1/openapi.json", **token_headers(leader)).status_code == 200


def test_docs_page_sends_anonymous_visitors_to_login(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert "next=/api/v1/docs" in response["Location"]


def test_docs_page_uses_local_static_files_only(client, leader):
    client.force_login(leader)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert not CDN.search(html)
    assert '"validatorUrl": null' in html  # no badge fetched from validator.swagger.io
    for src in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(src), src


def test_old_docs_address_redirects_to_the_versioned_docs(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"


def test_api_root_path_reverses(db):
    assert api.get_root_path({}) == "/api/v1/"
