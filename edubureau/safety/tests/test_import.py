import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from edubureau.audit.models import AuditEvent
from edubureau.common.errors import ServiceError
from edubureau.safety import imports
from edubureau.safety.models import Hazard, MajorHazardSupervision

HEADERS = list(imports.HEADERS)


def xlsx(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([h + ("*" if h in imports.REQUIRED else "") for h in headers])
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("隐患.xlsx", buffer.getvalue())


def row(**kw):
    data = {
        imports.PLACE: "食堂操作间",
        imports.CATEGORY: "燃气",
        imports.LEVEL: "一般",
        imports.DESCRIPTION: "燃气软管老化开裂。",
    }
    data.update({getattr(imports, k): v for k, v in kw.items()})
    return data


def test_school_user_imports_own_school_without_naming_it(safety_a, county):
    hazards = imports.import_hazards(
        actor=safety_a,
        upload=xlsx([row(), row(PLACE="围墙", CATEGORY="校舍", LEVEL="重大", DEADLINE="5个工作日内")]),
    )
    assert [h.school for h in hazards] == [county.school_a, county.school_a]
    assert hazards[1].deadline_workdays == 5
    assert MajorHazardSupervision.objects.filter(hazard=hazards[1]).exists()
    events = AuditEvent.objects.filter(action__startswith="safety.")
    assert set(events.values_list("channel", flat=True)) == {"import"}
    assert events.filter(action="safety.hazard.import").count() == 1


def test_bureau_user_names_the_school_by_name_or_code(dept_officer, county):
    hazards = imports.import_hazards(
        actor=dept_officer,
        upload=xlsx(
            [
                row(SCHOOL=county.school_b.name, FOUND_ON=datetime.datetime(2026, 3, 2)),
                row(SCHOOL=county.school_c.school_code, FOUND_ON="2026/3/4", SOURCE="督查检查"),
            ]
        ),
    )
    assert [h.school for h in hazards] == [county.school_b, county.school_c]
    assert hazards[0].found_on == datetime.date(2026, 3, 2)
    assert hazards[1].source == "inspection"


def test_every_bad_cell_is_reported_and_nothing_is_written(dept_officer, county):
    bad = xlsx(
        [
            row(SCHOOL=county.school_a.name),
            row(SCHOOL="不存在的学校", CATEGORY="天灾", LEVEL="很大"),
            row(SCHOOL=county.school_a.name, PLACE="", DESCRIPTION="长" * 2001),
            row(SCHOOL=county.school_a.name, FOUND_ON="昨天", DEADLINE="尽快"),
            row(SCHOOL=county.school_a.name, PLACE="=cmd|' /C calc'!A0"),
            row(SCHOOL=county.school_a.name),
        ]
    )
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_hazards(actor=dept_officer, upload=bad)
    found = {(e.row, e.column) for e in exc.value.errors}
    assert {
        (3, "学校"),
        (3, "隐患类别"),
        (3, "隐患等级"),
        (4, "隐患部位"),
        (4, "隐患描述"),
        (5, "发现日期"),
        (5, "整改期限"),
        (6, "隐患部位"),
        (7, "隐患描述"),
    } <= found
    assert "与第2行重复" in str(exc.value.details)
    assert not Hazard.objects.exists()


def test_school_user_cannot_import_for_another_school(safety_a, county):
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_hazards(actor=safety_a, upload=xlsx([row(SCHOOL=county.school_b.name)]))
    assert exc.value.errors[0].column == "学校"
    assert not Hazard.objects.exists()


def test_a_file_that_is_not_the_template_is_refused(safety_a):
    with pytest.raises(ServiceError, match="表头缺少"):
        imports.import_hazards(actor=safety_a, upload=xlsx([{"学校": "x"}], headers=["学校", "备注"]))
    with pytest.raises(ServiceError, match="不是Excel"):
        imports.import_hazards(actor=safety_a, upload=SimpleUploadedFile("a.xlsx", b"name,place\n"))
    with pytest.raises(ServiceError, match="没有数据行"):
        imports.import_hazards(actor=safety_a, upload=xlsx([]))


def test_template_has_drop_downs_and_only_the_users_schools(client, safety_a, dept_officer, county):
    client.force_login(safety_a)
    response = client.get(reverse("safety:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["安全隐患"]
    assert [c.value.rstrip("*") for c in sheet[1]] == HEADERS
    assert len(sheet.data_validations.dataValidation) == 4  # school, category, level, source
    options = workbook["选项"]
    assert [c.value for c in options["A"] if c.value] == [county.school_a.name]
    client.force_login(dept_officer)
    options = load_workbook(io.BytesIO(client.get(reverse("safety:import_template")).content))["选项"]
    assert len([c.value for c in options["A"] if c.value]) == 3


def test_import_page_lists_cell_errors(client, safety_a):
    client.force_login(safety_a)
    response = client.post(reverse("safety:hazard_import"), {"file": xlsx([row(LEVEL="特大")])})
    assert response.status_code == 422
    page = response.content.decode()
    assert "第2行" in page and "隐患等级" in page and "未写入任何数据" in page
    response = client.post(reverse("safety:hazard_import"), {"file": xlsx([row()])})
    assert response.status_code == 302
    assert Hazard.objects.count() == 1
