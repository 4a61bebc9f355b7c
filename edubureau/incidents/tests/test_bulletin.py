"""一事一通报: the Word document holds the facts, the reports and the reporting record."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from edubureau.incidents import services

from .conftest import report_kwargs

H = datetime.timedelta(hours=1)


def text_of(content):
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts), doc


@pytest.fixture
def late_incident(safety_a, county, report_first):
    occurred = timezone.now() - datetime.timedelta(days=3)
    incident = report_first(
        safety_a,
        county.school_a,
        occurred,
        after=6 * H,
        title="学生放学途中被电动车撞伤",
        category="traffic",
        estimated_loss="1500",
    )
    services.incident_add_followup(
        actor=safety_a,
        incident=incident,
        now=occurred + 30 * H,
        **report_kwargs(text="学生已出院回家休养。", injuries=1),
    )
    services.incident_final_report(
        actor=safety_a,
        incident=incident,
        cause="电动车驾驶人闯红灯。",
        now=occurred + 60 * H,
        **report_kwargs(
            text="事件处置完毕。", measures="开展交通安全教育。", next_steps="联合交警设立护学岗。"
        ),
    )
    return incident


def test_the_bulletin_is_a_word_document_with_the_facts_and_the_reports(
    client, leader, county, late_incident
):
    client.force_login(leader)
    response = client.get(reverse("incidents:bulletin", args=[late_incident.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in response["Content-Disposition"]
    text, doc = text_of(response.content)
    assert text.splitlines()[0] == "测试县教育局"  # the red header names the root unit
    assert "突发事件信息通报" in text
    assert "关于东城镇中心小学学生放学途中被电动车撞伤的情况通报" in text
    assert "事发单位：东城镇中心小学。" in text
    assert "事件类别及级别：交通，一般。" in text
    assert "受伤1人" in text and "1,500.00元" in text
    assert "属于迟报" in text and "超出时限2小时" in text
    assert "已于" in text and "报送终报" in text
    assert "电动车驾驶人闯红灯。" in text
    assert "联合交警设立护学岗。" in text
    table = doc.tables[0]
    assert [row.cells[1].text for row in table.rows] == ["类型", "初报", "第1次续报", "终报"]
    assert "李安全" not in table.rows[0].cells[3].text
    header = doc.paragraphs[0].runs[0]
    assert str(header.font.color.rgb) == "C00000"


def test_a_missed_incident_s_bulletin_says_so(client, dept_officer, county, record_missed):
    incident = record_missed(dept_officer, county.school_a, timezone.now() - datetime.timedelta(days=2))
    client.force_login(dept_officer)
    text, doc = text_of(client.get(reverse("incidents:bulletin", args=[incident.pk])).content)
    assert "仍未报送该事件信息，属于漏报" in text
    assert "家长来电" in text
    assert "据教育局记录，事件共造成死亡0人、受伤1人" in text
    assert not doc.tables


def test_an_on_time_report_is_said_to_be_within_the_limit(client, leader, safety_a, county, report_first):
    incident = report_first(safety_a, county.school_a, timezone.now() - 2 * H, after=H)
    client.force_login(leader)
    text, _ = text_of(client.get(reverse("incidents:bulletin", args=[incident.pk])).content)
    assert "在规定时限内" in text
    assert "学校尚未报送终报" in text


def test_another_school_cannot_download_the_bulletin(client, admin_b, late_incident):
    client.force_login(admin_b)
    assert client.get(reverse("incidents:bulletin", args=[late_incident.pk])).status_code == 404


def test_the_bulletin_is_headed_by_the_school_s_root_unit_or_else_the_site_name(settings, db):
    from edubureau.common.factories import OrgUnitFactory, SchoolFactory
    from edubureau.incidents.selectors import bureau_name

    settings.EDUBUREAU_SITE_NAME = "某市教育工作平台"
    town = OrgUnitFactory(kind="town", name="孤立镇")
    school = SchoolFactory(parent=town)
    assert bureau_name(school) == "孤立镇"
    assert bureau_name(None) == "某市教育工作平台"
