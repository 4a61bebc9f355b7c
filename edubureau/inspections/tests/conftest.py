"""Fixtures of the inspections tests: a checklist, campaigns opened through the services, teams."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from edubureau.inspections import services
from edubureau.inspections.choices import AnswerType, Mode, TargetRule, Theme
from edubureau.inspections.testing import period

ITEMS = [
    {
        "category": "消防安全",
        "text": "灭火器配置齐全、在有效期内",
        "answer_type": AnswerType.YES_NO_NA,
        "creates_hazard_on_fail": True,
        "hazard_category": "fire",
    },
    {
        "category": "消防安全",
        "text": "疏散通道畅通，无堆放杂物",
        "answer_type": AnswerType.YES_NO_NA,
        "creates_hazard_on_fail": True,
        "hazard_category": "fire",
    },
    {
        "category": "用电安全",
        "text": "配电箱加锁，线路无私拉乱接",
        "answer_type": AnswerType.YES_NO_NA,
        "creates_hazard_on_fail": False,
    },
    {"category": "基本情况", "text": "在岗保安人数", "answer_type": AnswerType.NUMBER},
    {"category": "基本情况", "text": "其他需要说明的情况", "answer_type": AnswerType.TEXT},
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name="现场.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def template(dept_officer):
    return services.template_create(actor=dept_officer, name="校园安全检查表", items=ITEMS)


@pytest.fixture
def new_campaign(county, dept_officer, template):
    """Create (and by default open) a campaign through the services."""

    def make(*, open=True, actor=None, **fields):
        start, end = period()
        data = {
            "name": "秋季开学安全大检查",
            "theme": Theme.SEMESTER_START,
            "mode": Mode.SURVEY,
            "start": start,
            "end": end,
            "department": county.safety_dept,
            "template": template,
            "target_rule": TargetRule.ALL,
        }
        data.update(fields)
        campaign = services.campaign_create(actor=actor or dept_officer, **data)
        if open:
            campaign = services.campaign_open(actor=actor or dept_officer, campaign=campaign)
        return campaign

    return make


@pytest.fixture
def team_for(dept_officer, supervisor):
    """A team (leader: the department officer; member: the supervisor) assigned to `schools`."""

    def make(campaign, schools, *, name="第一督查组", members=None):
        team = services.team_create(
            actor=dept_officer,
            campaign=campaign,
            name=name,
            members=members
            or [
                {"kind": "staff", "user": dept_officer, "is_leader": True},
                {"kind": "supervisor", "user": supervisor},
                {"kind": "expert", "name": "钱建国", "affiliation": "县消防救援大队"},
            ],
        )
        if schools:
            team = services.team_assign(actor=dept_officer, team=team, schools=schools)
        return team

    return make


def items_of(campaign):
    return list(campaign.template.items.order_by("order"))


def all_pass(campaign, overrides=None):
    """Answers to every item: 符合, 30 guards, a remark; `overrides` {item index: dict}."""
    answers = []
    for n, item in enumerate(items_of(campaign)):
        if item.answer_type == AnswerType.YES_NO_NA:
            entry = {"item": item, "verdict": "pass"}
        elif item.answer_type == AnswerType.NUMBER:
            entry = {"item": item, "number": 3}
        else:
            entry = {"item": item, "text": "无"}
        entry.update((overrides or {}).get(n, {}))
        answers.append(entry)
    return answers
