"""The JSON API: scoped lists and details, the reports, and bad input answered with 422 in Chinese."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from edubureau.accounts import services as account_services
from edubureau.incidents import services
from edubureau.incidents.models import Incident

from .conftest import report_kwargs

H = datetime.timedelta(hours=1)
BASE = "/api/v1/incidents"


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def first_body(unit, occurred, /, **overrides):
    body = {
        "school": unit.pk,
        "title": "学生课间摔伤",
        "occurred_at": occurred.isoformat(),
        "category": "campus_injury",
        "level": "general",
        "place": "操场",
        "summary": "学生课间奔跑摔倒。",
        "injuries": 1,
        "measures": "送医检查。",
        "reporter_name": "李安全",
        "reporter_phone": "13800000000",
    }
    body.update(overrides)
    return body


def test_a_safety_officer_reports_by_token_and_gets_the_incident_back(client, safety_a, county, now):
    _, token = account_services.token_create(actor=safety_a, name="手机")
    response = post(client, BASE, first_body(county.school_a, now - H), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["school"]["name"] == county.school_a.name
    assert data["standing"]["timeliness"] == "on_time"
    assert data["standing"]["needs_acknowledgement"] is True
    assert [r["label"] for r in data["reports"]] == ["初报"]
    assert data["estimated_loss"] == "0.00"
    assert Incident.objects.get().created_by == safety_a


def test_follow_up_final_and_acknowledgement_through_the_api(client, safety_a, dept_officer, county, now):
    client.force_login(safety_a)
    pk = post(client, BASE, first_body(county.school_a, now - 6 * H)).json()["id"]
    assert post(client, f"{BASE}/{pk}/followups", report_kwargs()).status_code == 201
    final = post(client, f"{BASE}/{pk}/final", report_kwargs(cause="奔跑。"))
    assert final.status_code == 201
    assert [r["label"] for r in final.json()["reports"]] == ["初报", "第1次续报", "终报"]
    again = post(client, f"{BASE}/{pk}/final", report_kwargs(cause="奔跑。"))
    assert again.status_code == 422
    assert again.json()["message"] == "该事件已报送终报，不能再续报或终报。如需更正，请联系教育局。"
    client.force_login(dept_officer)
    ack = client.post(f"{BASE}/{pk}/acknowledge")
    assert ack.status_code == 200
    assert ack.json()["acknowledged_by"] == dept_officer.real_name
    assert client.post(f"{BASE}/{pk}/acknowledge").status_code == 422


def test_the_bureau_records_and_the_school_supplements_through_the_api(
    client, safety_a, dept_officer, county, now
):
    client.force_login(dept_officer)
    body = first_body(
        county.school_a, now - 30 * H, bureau_learned_at=(now - 2 * H).isoformat(), bureau_source="医院通报"
    )
    del body["reporter_name"], body["reporter_phone"]
    created = post(client, f"{BASE}/record", body)
    assert created.status_code == 201, created.content
    assert created.json()["standing"]["timeliness"] == "missed"
    pk = created.json()["id"]
    client.force_login(safety_a)
    supplemented = post(client, f"{BASE}/{pk}/first", report_kwargs())
    assert supplemented.status_code == 201
    standing = supplemented.json()["standing"]
    assert (standing["timeliness"], standing["supplemented"]) == ("late", True)
    assert standing["late_minutes"] >= 25 * 60


def test_the_list_is_scoped_and_filtered(client, admin_b, leader, safety_a, county, now, report_first):
    late = report_first(safety_a, county.school_a, now - 10 * H, after=5 * H, title="迟报的")
    report_first(safety_a, county.school_a, now - 3 * H, title="按时的")
    client.force_login(leader)
    data = client.get(BASE).json()
    assert data["count"] == 2
    assert [i["id"] for i in client.get(BASE, {"flag": "late"}).json()["items"]] == [late.pk]
    assert client.get(BASE, {"school": county.school_b.pk}).json()["count"] == 0
    client.force_login(admin_b)
    assert client.get(BASE).json()["count"] == 0
    assert client.get(BASE, {"school": county.school_a.pk}).json()["count"] == 0


def test_another_school_s_incident_is_404_in_the_api(client, admin_b, safety_a, county, now, report_first):
    incident = report_first(safety_a, county.school_a, now - 3 * H)
    client.force_login(admin_b)
    assert client.get(f"{BASE}/{incident.pk}").status_code == 404
    response = post(client, f"{BASE}/{incident.pk}/followups", report_kwargs())
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert incident.reports.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "此项不能为空。"),
        ({"title": "长" * 101}, "title", "不能超过100个字符。"),
        ({"injuries": "三人"}, "injuries", "应为整数。"),
        ({"injuries": -1}, "injuries", "不能小于0。"),
        ({"estimated_loss": "1.234"}, "estimated_loss", "小数不能超过2位。"),
        ({"level": "huge"}, "level", "应为以下值之一"),
        ({"occurred_at": "昨天"}, "occurred_at", "应为日期时间"),
        ({"surprise": 1}, "surprise", "不允许提交此字段。"),
        ({"school": 2**64}, "school", "不能大于"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, safety_a, county, now, changes, field, message):
    client.force_login(safety_a)
    response = post(client, BASE, first_body(county.school_a, now - H, **changes))
    assert response.status_code == 422
    assert any(message in m for m in response.json()["details"][field])
    assert not Incident.objects.exists()


def test_a_missing_field_is_named(client, safety_a, county, now):
    client.force_login(safety_a)
    body = first_body(county.school_a, now - H)
    del body["measures"]
    response = post(client, BASE, body)
    assert response.status_code == 422
    assert response.json()["details"]["measures"] == ["此项为必填项。"]


def test_a_school_out_of_scope_is_a_field_error_like_a_missing_one(client, safety_a, county, now):
    client.force_login(safety_a)
    other = post(client, BASE, first_body(county.school_b, now - H))
    missing = post(client, BASE, first_body(county.school_b, now - H, school=987654321))
    assert other.status_code == missing.status_code == 422
    assert other.json() == missing.json()
    assert other.json()["details"] == {"school": ["所选学校不存在，或不在您可报送的范围内。"]}


def test_a_future_incident_is_refused_by_the_service(client, safety_a, county, now):
    client.force_login(safety_a)
    response = post(client, BASE, first_body(county.school_a, now + 3 * H))
    assert response.status_code == 422
    assert response.json()["details"] == {"occurred_at": ["事发时间不能晚于当前时间。"]}


def test_users_without_the_permission_get_404(client, teacher_a, leader, county, now):
    client.force_login(teacher_a)
    assert client.get(BASE).status_code == 404
    assert post(client, BASE, first_body(county.school_a, now - H)).status_code == 404
    client.force_login(leader)
    assert post(client, BASE, first_body(county.school_a, now - H)).status_code == 404


def test_the_list_uses_a_fixed_number_of_queries(
    client, leader, safety_a, dept_officer, county, now, report_first, django_assert_max_num_queries
):
    def make(n):
        for i in range(n):
            incident = report_first(safety_a, county.school_a, now - (i + 2) * H, title=f"事件{i}")
            services.incident_add_followup(actor=safety_a, incident=incident, now=now - H, **report_kwargs())

    client.force_login(leader)
    make(2)
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    make(25)
    with django_assert_max_num_queries(9), CaptureQueriesContext(connection) as many:
        data = client.get(BASE, {"limit": 100}).json()
    assert data["count"] == 27 and len(data["items"]) == 27
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_detail_uses_a_fixed_number_of_queries(
    client, leader, safety_a, county, now, report_first, django_assert_max_num_queries
):
    incident = report_first(safety_a, county.school_a, now - 20 * H)
    for i in range(10):
        services.incident_add_followup(
            actor=safety_a, incident=incident, now=now - (10 - i) * H, **report_kwargs()
        )
    client.force_login(leader)
    with django_assert_max_num_queries(9):  # session, user, grants, stamp (3), incident, reports, limits
        data = client.get(f"{BASE}/{incident.pk}").json()
    assert len(data["reports"]) == 11
