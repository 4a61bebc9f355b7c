import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edubureau.safety import services
from edubureau.safety.choices import HazardStatus
from edubureau.safety.models import Hazard, MajorHazardSupervision

from .conftest import photo


@pytest.fixture
def many_hazards(make_hazard, county, dept_officer):
    def make(n, school=None):
        return [
            make_hazard(
                actor=dept_officer, school=school or county.school_a, place=f"部位{i}", photos=[photo()]
            )
            for i in range(n)
        ]

    return make


def test_school_admin_sees_only_own_schools_hazards(client, admin_a, many_hazards, county):
    many_hazards(2)
    many_hazards(1, school=county.school_b)
    client.force_login(admin_a)
    response = client.get(reverse("safety:hazard_list"))
    assert response.status_code == 200
    assert len(response.context["hazards"]) == 2
    assert "东城镇初级中学" not in response.content.decode()


def test_school_admin_gets_404_for_another_schools_hazard(client, admin_b, make_hazard):
    hazard = make_hazard()
    client.force_login(admin_b)
    assert client.get(reverse("safety:hazard_detail", args=[hazard.pk])).status_code == 404


def test_teacher_has_no_ledger(client, teacher_a):
    client.force_login(teacher_a)
    assert client.get(reverse("safety:hazard_list")).status_code == 404


def test_hazard_list_uses_a_fixed_number_of_queries(
    client, dept_officer, many_hazards, django_assert_max_num_queries
):
    many_hazards(30)
    client.force_login(dept_officer)
    client.get(reverse("safety:hazard_list"))  # warm caches (sessions, content types)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("safety:hazard_list"), {"status": "open", "sort": "deadline"})
    assert response.status_code == 200
    assert len(response.context["hazards"]) == 20


def test_list_filters_by_overdue(client, admin_a, make_hazard):
    import datetime

    make_hazard(found_on=datetime.date(2026, 3, 2), deadline=datetime.date(2026, 3, 6), place="逾期的")
    make_hazard(place="未逾期的")
    client.force_login(admin_a)
    response = client.get(reverse("safety:hazard_list"), {"status": "overdue"})
    assert [h.place for h in response.context["hazards"]] == ["逾期的"]


def test_overview_and_supervision_pages_use_fixed_queries(
    client, leader, many_hazards, make_hazard, django_assert_max_num_queries
):
    many_hazards(10)
    make_hazard(level="major", place="重大1")
    make_hazard(level="major", place="重大2")
    client.force_login(leader)
    client.get(reverse("safety:overview"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("safety:overview"), {"year": "2026"}).status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("safety:supervision_list"))
    assert len(response.context["rows"]) == 2


def test_detail_page_uses_fixed_queries(client, admin_a, awaiting_hazard, django_assert_max_num_queries):
    hazard = awaiting_hazard(level="major")
    client.force_login(admin_a)
    client.get(hazard.get_absolute_url())
    with django_assert_max_num_queries(14):
        response = client.get(hazard.get_absolute_url())
    assert response.status_code == 200
    assert response.context["actions"]["verify_blocked"] == "重大隐患须由教育局复核销号。"


def test_quick_report_with_a_photo(client, safety_a, county):
    client.force_login(safety_a)
    response = client.post(
        reverse("safety:hazard_report"),
        {
            "school": county.school_a.pk,
            "place": "食堂操作间",
            "category": Hazard._meta.get_field("category").related_model.objects.get(code="gas").pk,
            "level": "general",
            "description": "燃气软管老化。",
            "source": "self_check",
            "photos": [photo("a.jpg"), photo("b.jpg")],
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert response["Location"] == hazard.get_absolute_url()
    assert hazard.attachments.count() == 2


def test_quick_report_shows_refusals_on_the_form(client, safety_a, county):
    client.force_login(safety_a)
    category = Hazard._meta.get_field("category").related_model.objects.get(code="fire")
    response = client.post(
        reverse("safety:hazard_report"),
        {
            "school": county.school_a.pk,
            "place": "走廊",
            "category": category.pk,
            "level": "general",
            "description": "灭火器失效",
            "source": "self_check",
            "fixed_on_spot": "on",
        },
    )
    assert response.status_code == 422
    assert "当场整改须上传至少一张现场照片" in response.content.decode()
    assert not Hazard.objects.exists()


def test_quick_report_refuses_a_file_that_is_not_an_image(client, safety_a, county):
    client.force_login(safety_a)
    category = Hazard._meta.get_field("category").related_model.objects.get(code="fire")
    fake = photo("photo.jpg", data=b"MZ\x90\x00 this is not a picture")
    response = client.post(
        reverse("safety:hazard_report"),
        {
            "school": county.school_a.pk,
            "place": "走廊",
            "category": category.pk,
            "level": "general",
            "description": "x",
            "source": "self_check",
            "photos": [fake],
        },
    )
    assert response.status_code == 422
    assert "类型不受支持" in response.content.decode()


def test_full_lifecycle_through_the_pages(client, safety_a, admin_a, make_hazard):
    hazard = make_hazard(actor=safety_a)
    client.force_login(safety_a)
    response = client.post(
        reverse("safety:hazard_start", args=[hazard.pk]),
        {
            "measures": "更换",
            "responsible_person": "李安全",
            "deadline_workdays": 5,
            "version": hazard.version,
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    response = client.post(
        reverse("safety:hazard_submit", args=[hazard.pk]),
        {"note": "已更换", "photos": [photo()], "version": hazard.version},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_CHECK
    # the rectifier is not offered verification
    assert client.get(reverse("safety:hazard_verify", args=[hazard.pk])).status_code == 302
    client.force_login(admin_a)
    page = client.get(reverse("safety:hazard_verify", args=[hazard.pk]))
    assert page.status_code == 200 and page.context["photos"]["after"]
    response = client.post(
        reverse("safety:hazard_verify", args=[hazard.pk]),
        {"decision": "reject", "note": "", "version": hazard.version},
    )
    assert response.status_code == 422
    response = client.post(
        reverse("safety:hazard_verify", args=[hazard.pk]),
        {"decision": "accept", "note": "到位", "version": hazard.version},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED


def test_stale_edit_shows_a_conflict_message(client, admin_a, make_hazard):
    hazard = make_hazard()
    services.hazard_update(actor=admin_a, hazard=hazard, version=hazard.version, place="先改的")
    client.force_login(admin_a)
    category = hazard.category
    response = client.post(
        reverse("safety:hazard_edit", args=[hazard.pk]),
        {
            "place": "后改的",
            "category": category.pk,
            "level": "general",
            "source": "self_check",
            "found_on": hazard.found_on.isoformat(),
            "description": hazard.description,
            "version": 1,
        },
    )
    assert response.status_code == 422
    assert "已被他人修改" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).place == "先改的"


def test_attachment_is_served_in_scope_only(client, admin_a, admin_b, make_hazard):
    hazard = make_hazard(photos=[photo()])
    item = hazard.attachments.get()
    client.force_login(admin_a)
    response = client.get(reverse("safety:attachment", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    thumb = client.get(reverse("safety:attachment", args=[item.pk]), {"thumb": "1"})
    assert thumb.status_code == 200
    client.force_login(admin_b)
    assert client.get(reverse("safety:attachment", args=[item.pk])).status_code == 404


def test_export_has_the_same_filters_and_escapes_formulas(client, admin_a, make_hazard):
    make_hazard(place='=HYPERLINK("http://x")', description="公式注入")
    make_hazard(place="普通部位", level="major")
    client.force_login(admin_a)
    response = client.get(reverse("safety:hazard_export"), {"level": "major"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "隐患编号"
    assert [r[3] for r in rows[1:]] == ["普通部位"]
    everything = load_workbook(io.BytesIO(client.get(reverse("safety:hazard_export")).content)).active
    places = [r[3] for r in everything.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in places


def test_export_uses_a_fixed_number_of_queries(
    client, dept_officer, many_hazards, django_assert_max_num_queries
):
    many_hazards(25)
    client.force_login(dept_officer)
    client.get(reverse("safety:hazard_export"))
    with django_assert_max_num_queries(9):
        assert client.get(reverse("safety:hazard_export")).status_code == 200


def test_supervision_progress_and_lift_through_the_pages(client, admin_a, leader, make_hazard):
    hazard = make_hazard(level="major")
    supervision = MajorHazardSupervision.objects.get(hazard=hazard)
    client.force_login(admin_a)
    response = client.post(
        reverse("safety:supervision_report", args=[supervision.pk]), {"text": "已设置警戒线"}
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("safety:supervision_progress", args=[supervision.pk]), {"text": "x"}).status_code
        == 404
    )
    client.force_login(leader)
    response = client.post(reverse("safety:supervision_lift", args=[supervision.pk]), {"note": ""})
    assert response.status_code == 422
    assert "销号后方可摘牌" in response.content.decode()
    assert supervision.progress.count() == 1


def test_home_page_lists_hazards_to_rectify_and_to_verify(
    client, admin_a, safety_a, awaiting_hazard, make_hazard
):
    import datetime

    awaiting_hazard()
    make_hazard(found_on=datetime.date(2026, 3, 2), deadline=datetime.date(2026, 3, 6), place="逾期的")
    client.force_login(admin_a)
    items = client.get(reverse("web:home")).context["todos"].items
    assert [i.kind_label for i in items] == ["隐患整改", "隐患复核"]
    assert items[0].overdue
    client.force_login(safety_a)
    items = client.get(reverse("web:home")).context["todos"].items
    assert [i.kind_label for i in items] == ["隐患整改"]  # not their own rectification


def test_bureau_home_lists_major_hazards_past_the_bureau_deadline(client, leader, make_hazard):
    import datetime

    hazard = make_hazard(level="major")
    MajorHazardSupervision.objects.filter(hazard=hazard).update(deadline=datetime.date(2026, 3, 1))
    client.force_login(leader)
    items = client.get(reverse("web:home")).context["todos"].items
    assert [i.kind_label for i in items] == ["挂牌督办"]
