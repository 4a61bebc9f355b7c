import datetime

import pytest
from django.utils import timezone

from edubureau.audit.models import AuditEvent
from edubureau.common.errors import ServiceError
from edubureau.safety import services
from edubureau.safety.choices import AttachmentKind, HazardStatus
from edubureau.safety.models import Hazard, HazardCategory, MajorHazardSupervision

from .conftest import photo


def test_school_admin_reports_a_hazard_that_starts_as_found(make_hazard, admin_a, county):
    hazard = make_hazard()
    assert hazard.status == HazardStatus.FOUND
    assert hazard.school == county.school_a
    assert hazard.category.code == "fire"
    assert hazard.found_on == timezone.localdate()
    assert hazard.finder_name == "王校长"
    assert hazard.found_by == admin_a
    assert list(hazard.events.values_list("action", flat=True)) == ["report"]
    event = AuditEvent.objects.get(action="safety.hazard.report")
    assert event.object_id == str(hazard.pk)
    assert event.unit_id == county.school_a.pk


def test_inspection_finding_keeps_a_link_to_its_source(dept_officer, county):
    hazard = services.hazard_report(
        actor=dept_officer,
        school=county.school_b,
        place="食堂操作间",
        category=HazardCategory.objects.get(code="gas"),
        level="general",
        description="燃气软管老化开裂。",
        source="inspection",
        source_type="inspections.visit",
        source_id=12,
        source_label="2026年春季开学安全大检查 第3督查组",
        channel="api",
    )
    assert (hazard.source, hazard.source_type, hazard.source_id) == ("inspection", "inspections.visit", 12)
    assert AuditEvent.objects.get(action="safety.hazard.report").channel == "api"


def test_deadline_given_in_workdays_is_stored_as_a_date(make_hazard):
    found = datetime.date(
        2026, 9, 30
    )  # 10-01..10-07 off; 10-08, 10-09 and Saturday 10-10 (调休) are workdays
    hazard = make_hazard(found_on=found, deadline="3个工作日内")
    assert hazard.deadline_workdays == 3
    assert hazard.deadline == datetime.date(2026, 10, 10)


def test_fixed_on_spot_is_found_and_closed_in_one_step(make_hazard, admin_a):
    hazard = make_hazard(fixed_on_spot=True, photos=[photo()], measures="现场更换插座面板。")
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.fixed_on_spot
    assert hazard.closed_on == hazard.found_on
    assert hazard.attachments.get().kind == AttachmentKind.AFTER
    assert list(hazard.events.values_list("action", flat=True)) == ["fix_on_spot"]


def test_fixed_on_spot_without_a_photo_is_refused_and_nothing_is_written(make_hazard):
    with pytest.raises(ServiceError, match="至少一张现场照片"):
        make_hazard(fixed_on_spot=True)
    assert not Hazard.objects.exists()


def test_major_hazard_cannot_be_fixed_on_the_spot(make_hazard):
    with pytest.raises(ServiceError, match="重大隐患不能当场整改"):
        make_hazard(level="major", fixed_on_spot=True, photos=[photo()])


def test_major_hazard_is_listed_for_bureau_supervision_with_a_default_deadline(make_hazard):
    hazard = make_hazard(level="major", category="building")
    supervision = MajorHazardSupervision.objects.get(hazard=hazard)
    assert supervision.is_active
    assert supervision.deadline > timezone.localdate()
    assert set(hazard.events.values_list("action", flat=True)) == {"report", "list"}


def test_school_user_cannot_report_for_another_school(make_hazard, county):
    with pytest.raises(ServiceError, match="有权登记") as exc:
        make_hazard(school=county.school_b)
    assert exc.value.field == "school"


def test_a_town_is_not_a_school(dept_officer, county):
    with pytest.raises(ServiceError, match="不是学校"):
        services.hazard_report(
            actor=dept_officer,
            school=county.town_a,
            place="x",
            category="fire",
            level="general",
            description="x",
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"place": ""}, "请填写隐患部位"),
        ({"description": "  "}, "请填写隐患描述"),
        ({"category": "nonsense"}, "隐患类别不存在"),
        ({"level": "huge"}, "隐患等级应为"),
        ({"source": "rumour"}, "发现方式应为"),
        ({"found_on": datetime.date(2099, 1, 1)}, "发现日期不能晚于"),
        ({"found_on": "2026-13-01"}, "格式为YYYY-MM-DD"),
        ({"place": "长" * 101}, "不能超过100个字"),
        ({"deadline": "0个工作日内"}, "1至250个工作日"),
        ({"deadline": datetime.date(2020, 1, 1), "found_on": datetime.date(2026, 3, 1)}, "不能早于发现日期"),
        ({"source_id": -3}, "来源编号"),
    ],
)
def test_report_refuses_bad_input_in_chinese(make_hazard, changes, message):
    with pytest.raises(ServiceError, match=message):
        make_hazard(**changes)
    assert not Hazard.objects.exists()


def test_teacher_cannot_report(make_hazard, teacher_a):
    with pytest.raises(ServiceError):
        make_hazard(actor=teacher_a)
