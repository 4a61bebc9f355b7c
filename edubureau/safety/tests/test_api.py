from edubureau.safety.models import Hazard, MajorHazardSupervision

from .conftest import jpeg_bytes, photo

BASE = "/api/v1/safety"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_report_and_read_back(client, safety_a, county):
    client.force_login(safety_a)
    response = post(
        client,
        f"{BASE}/hazards",
        {
            "school": county.school_a.pk,
            "place": "操场",
            "category": "facility",
            "description": "篮球架底座锈蚀松动。",
            "deadline_workdays": 5,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "found" and body["category"]["code"] == "facility"
    assert body["deadline_workdays"] == 5 and body["events"][0]["action"] == "report"
    detail = client.get(f"{BASE}/hazards/{body['id']}").json()
    assert detail["number"] == body["number"]


def test_report_refuses_bad_input_with_chinese_field_errors(client, safety_a, county):
    client.force_login(safety_a)
    response = post(
        client, f"{BASE}/hazards", {"school": county.school_a.pk, "place": "", "category": "fire"}
    )
    assert response.status_code == 422
    assert set(response.json()["details"]) >= {"place", "description"}
    response = post(
        client,
        f"{BASE}/hazards",
        {"school": county.school_b.pk, "place": "x", "category": "fire", "description": "x"},
    )
    assert response.status_code == 422
    assert response.json()["details"] == {"school": ["请选择您有权登记隐患的学校。"]}
    response = post(
        client,
        f"{BASE}/hazards",
        {"school": county.school_a.pk, "place": "x", "category": "nope", "description": "x"},
    )
    assert response.status_code == 422 and "category" in response.json()["details"]


def test_field_report_with_photos_fixed_on_the_spot(client, safety_a, county):
    client.force_login(safety_a)
    response = client.post(
        f"{BASE}/field-reports",
        {
            "school": county.school_a.pk,
            "place": "教室",
            "category": "electricity",
            "description": "插座面板破损",
            "fixed_on_spot": "true",
            "photos": [photo()],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "closed" and body["fixed_on_spot"]
    assert body["attachments"][0]["kind"] == "after"
    download = client.get(body["attachments"][0]["url"])
    assert download.status_code == 200


def test_field_report_without_a_photo_cannot_be_fixed_on_the_spot(client, safety_a, county):
    client.force_login(safety_a)
    response = client.post(
        f"{BASE}/field-reports",
        {
            "school": county.school_a.pk,
            "place": "教室",
            "category": "fire",
            "description": "x",
            "fixed_on_spot": "true",
        },
    )
    assert response.status_code == 422
    assert not Hazard.objects.exists()


def test_whole_lifecycle_over_the_api(client, safety_a, admin_a, make_hazard):
    hazard = make_hazard()
    client.force_login(safety_a)
    url = f"{BASE}/hazards/{hazard.pk}"
    body = post(
        client,
        f"{url}/start",
        {"measures": "更换", "responsible_person": "李", "deadline_workdays": 3, "version": 1},
    ).json()
    assert body["status"] == "rectifying"
    assert post(client, f"{url}/submit", {"note": "已更换"}).status_code == 422  # no after photo yet
    upload = client.post(f"{url}/photos", {"files": [photo()], "kind": "after"})
    assert upload.status_code == 201 and upload.json()[0]["kind"] == "after"
    assert post(client, f"{url}/submit", {"note": "已更换"}).json()["status"] == "awaiting_check"
    assert post(client, f"{url}/verify", {"accepted": True}).status_code == 422  # own rectification
    client.force_login(admin_a)
    refused = post(client, f"{url}/verify", {"accepted": False})
    assert refused.status_code == 422
    assert post(client, f"{url}/verify", {"accepted": True, "note": "到位"}).json()["status"] == "closed"


def test_photo_upload_refuses_fakes(client, safety_a, make_hazard):
    hazard = make_hazard()
    client.force_login(safety_a)
    fake = photo("a.jpg", data=b"#!/bin/sh\nrm -rf /\n")
    response = client.post(f"{BASE}/hazards/{hazard.pk}/photos", {"files": [fake]})
    assert response.status_code == 422
    assert "类型不受支持" in response.json()["message"]
    assert client.post(f"{BASE}/hazards/{hazard.pk}/photos", {}).status_code == 422
    bad_kind = client.post(
        f"{BASE}/hazards/{hazard.pk}/photos", {"files": [photo(data=jpeg_bytes())], "kind": "x"}
    )
    assert bad_kind.status_code == 422


def test_patch_is_version_checked(client, admin_a, make_hazard):
    hazard = make_hazard()
    client.force_login(admin_a)
    url = f"{BASE}/hazards/{hazard.pk}"
    ok = client.patch(url, {"version": 1, "place": "新部位"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url, {"version": 1, "place": "旧"}, content_type="application/json")
    assert stale.status_code == 409
    assert (
        client.patch(url, {"version": 2, "status": "closed"}, content_type="application/json").status_code
        == 422
    )


def test_list_filters_and_scope(client, admin_a, dept_officer, make_hazard, county):
    make_hazard(place="A校", level="major")
    make_hazard(actor=dept_officer, school=county.school_b, place="B校")
    client.force_login(admin_a)
    body = client.get(f"{BASE}/hazards").json()
    assert [i["place"] for i in body["items"]] == ["A校"]
    client.force_login(dept_officer)
    assert client.get(f"{BASE}/hazards").json()["count"] == 2
    assert [i["place"] for i in client.get(f"{BASE}/hazards", {"level": "major"}).json()["items"]] == ["A校"]
    assert client.get(f"{BASE}/hazards", {"status": "bogus"}).status_code == 422
    assert client.get(f"{BASE}/hazards", {"school": county.school_b.pk}).json()["count"] == 1


def test_hazard_list_api_uses_a_fixed_number_of_queries(
    client, dept_officer, make_hazard, django_assert_max_num_queries
):
    for i in range(30):
        make_hazard(actor=dept_officer, place=f"p{i}")
    client.force_login(dept_officer)
    client.get(f"{BASE}/hazards")
    with django_assert_max_num_queries(9):
        body = client.get(f"{BASE}/hazards", {"limit": 30}).json()
    assert len(body["items"]) == 30


def test_figures_endpoint(client, leader, make_hazard):
    make_hazard()
    client.force_login(leader)
    body = client.get(f"{BASE}/figures", {"by": "category"}).json()
    assert body["figures"]["found"] == 1
    assert body["breakdown"][0]["label"] == "消防"


def test_supervision_over_the_api(client, dept_officer, leader, admin_a, make_hazard):
    hazard = make_hazard(level="major")
    supervision = MajorHazardSupervision.objects.get(hazard=hazard)
    client.force_login(dept_officer)
    listed = client.get(f"{BASE}/supervisions", {"active": True}).json()
    assert [s["hazard_id"] for s in listed["items"]] == [hazard.pk]
    response = client.patch(
        f"{BASE}/supervisions/{supervision.pk}",
        {"version": 1, "deadline": "2030-06-30", "leader": leader.pk, "requirement": "每周报告"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["leader"] == "周局长"
    client.force_login(admin_a)
    response = post(client, f"{BASE}/supervisions/{supervision.pk}/reports", {"text": "已设警戒线"})
    assert response.status_code == 201 and len(response.json()["progress"]) == 1
    assert post(client, f"{BASE}/supervisions/{supervision.pk}/progress", {"text": "x"}).status_code == 404
    client.force_login(leader)
    assert post(client, f"{BASE}/supervisions/{supervision.pk}/lift", {}).status_code == 422


def test_out_of_scope_hazard_is_404_for_every_operation(client, admin_b, make_hazard):
    hazard = make_hazard()
    client.force_login(admin_b)
    url = f"{BASE}/hazards/{hazard.pk}"
    assert client.get(url).status_code == 404
    assert post(client, f"{url}/void", {"reason": "x"}).status_code == 404
    assert client.post(f"{url}/photos", {"files": [photo()]}).status_code == 404
