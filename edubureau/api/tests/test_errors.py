import pytest

from edubureau.api import errors as api_errors
from edubureau.api import operations
from edubureau.common.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError


def test_missing_fields_are_named_with_a_chinese_message(client, sysadmin, send):
    client.force_login(sysadmin)
    response = send(client, "POST", "/api/v1/org/units", {})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["details"] == {
        "parent": ["此项为必填项。"],
        "kind": ["此项为必填项。"],
        "name": ["此项为必填项。"],
    }
    assert "parent" in body["message"]


def test_wrong_types_and_lengths_get_precise_chinese_messages(client, county, sysadmin, send):
    client.force_login(sysadmin)
    body = {
        "parent": "东城镇",
        "kind": "university",
        "name": "校" * 101,
        "sort_order": -1,
        "opened_on": "昨天",
    }
    details = send(client, "POST", "/api/v1/org/units", body).json()["details"]
    assert details["parent"] == ["应为整数。"]
    assert details["kind"][0].startswith("应为以下值之一：") and "'primary'" in details["kind"][0]
    assert details["name"] == ["不能超过100个字符。"]
    assert details["sort_order"] == ["不能小于0。"]
    assert details["opened_on"] == ["应为日期，格式为 YYYY-MM-DD。"]


def test_unknown_fields_in_a_body_are_refused(client, county, sysadmin, send):
    client.force_login(sysadmin)
    response = send(client, "PATCH", f"/api/v1/org/units/{county.school_a.pk}", {"version": 1, "path": "x"})
    assert response.status_code == 422
    assert response.json()["details"] == {"path": ["不允许提交此字段。"]}


def test_blank_text_counts_as_empty(client, county, sysadmin, send):
    client.force_login(sysadmin)
    body = {"parent": county.town_a.pk, "kind": "primary", "name": "   "}
    response = send(client, "POST", "/api/v1/org/units", body)
    assert response.json()["details"] == {"name": ["此项不能为空。"]}


def test_bad_query_and_path_parameters_are_named(client, leader):
    client.force_login(leader)
    assert client.get("/api/v1/org/units?parent=abc").json()["details"] == {"parent": ["应为整数。"]}
    assert client.get("/api/v1/org/units/abc").json()["details"] == {"id": ["应为整数。"]}
    assert client.get("/api/v1/org/units/0").json()["details"] == {"id": ["不能小于1。"]}
    assert client.get("/api/v1/users?is_active=maybe").json()["details"] == {
        "is_active": ["应为布尔值（true 或 false）。"]
    }


def test_huge_ids_are_a_validation_error_not_a_database_overflow(client, leader):
    client.force_login(leader)
    response = client.get("/api/v1/org/units/" + "9" * 30)
    assert response.status_code == 422
    assert response.json()["details"]["id"] == ["不能大于9223372036854775807。"]


def test_malformed_json_gets_400_json(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post("/api/v1/org/units", data="{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_service_errors_name_the_field(client, county, sysadmin, send):
    client.force_login(sysadmin)
    body = {"parent": county.town_a.pk, "kind": "department", "name": "基础教育科"}
    response = send(client, "POST", "/api/v1/org/units", body)
    assert response.status_code == 422
    assert response.json()["details"] == {"parent": ["科室不能设在镇/街道之下。"]}


def test_model_validation_messages_from_services_reach_the_client(client, county, sysadmin, send):
    client.force_login(sysadmin)
    body = {"parent": county.town_a.pk, "kind": "primary", "name": "新校", "school_code": "1133000001"}
    response = send(client, "POST", "/api/v1/org/units", body)
    assert response.status_code == 422
    assert "school_code" in response.json()["details"]


def test_unknown_api_path_gets_404_json(client, leader):
    client.force_login(leader)
    for path in ("/api/v1/nothing-here", "/api/v1/", "/api/v1/org/units/1/siblings"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_unsupported_method_gets_405_json(client, leader):
    client.force_login(leader)
    response = client.put("/api/v1/me")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_unexpected_error_gets_500_json_with_the_request_id(client, leader, monkeypatch):
    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr("edubureau.org.api.units_visible", broken)
    client.force_login(leader)
    response = client.get("/api/v1/org/units", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert body["request_id"] == "req-42"
    assert "req-42" in body["message"]
    assert "Traceback" not in response.content.decode() and "boom" not in response.content.decode()


@pytest.mark.parametrize(("method", "path", "operation_id"), operations())
def test_no_operation_answers_a_teacher_with_a_500(
    client, county, teacher_a, send, method, path, operation_id
):
    client.force_login(teacher_a)
    for pk in (county.school_a.pk, county.school_b.pk, 10**6):
        response = send(client, method, path.replace("{id}", str(pk)), {})
        assert response.status_code in {200, 403, 404, 422}, (operation_id, response.content)
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (NotFoundError(), 404, "not_found"),
        (ConflictError(), 409, "conflict"),
        (ForbiddenError(), 403, "forbidden"),
        (ServiceError("不行。", field="name"), 422, "invalid"),
    ],
)
def test_service_error_classes_map_to_http_statuses(client, leader, monkeypatch, exc, status, code):
    def refuse(user):
        raise exc

    monkeypatch.setattr("edubureau.org.api.units_visible", refuse)
    client.force_login(leader)
    response = client.get("/api/v1/org/units")
    assert response.status_code == status
    assert response.json() == {"code": code, "message": exc.message, "details": exc.details}


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing"}, "此项为必填项。"),
        ({"type": "int_parsing"}, "应为整数。"),
        ({"type": "string_too_long", "ctx": {"max_length": 40}}, "不能超过40个字符。"),
        ({"type": "string_too_short", "ctx": {"min_length": 3}}, "不能少于3个字符。"),
        ({"type": "less_than_equal", "ctx": {"le": 500}}, "不能大于500。"),
        ({"type": "literal_error", "ctx": {"expected": "'a' or 'b'"}}, "应为以下值之一：'a', 'b'。"),
        (
            {"type": "value_error", "ctx": {"error": "Value error, 学校标识码应为10位数字。"}},
            "学校标识码应为10位数字。",
        ),
        ({"type": "string_too_long", "ctx": None}, "格式不正确。"),
        ({"type": "something_new"}, "格式不正确。"),
    ],
)
def test_validation_messages_are_chinese(error, message):
    assert api_errors.validation_message(error) == message


def test_error_field_drops_the_body_parameter_name():
    assert api_errors.error_field(("body", "payload", "name")) == "name"
    assert api_errors.error_field(("body", "payload", "members", 0, "unit")) == "members.0.unit"
    assert api_errors.error_field(("body", "payload")) == "body"
    assert api_errors.error_field(("query", "limit")) == "limit"
