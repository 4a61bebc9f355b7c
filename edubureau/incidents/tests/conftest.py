"""Helpers for the incident tests: a school reports through the service at chosen times."""

import datetime

import pytest
from django.utils import timezone

from edubureau.incidents import services
from edubureau.incidents.models import IncidentTimeLimit


def at(*args):
    """A local (Asia/Shanghai) moment: at(2026, 3, 2, 8, 30)."""
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def t0():
    """The moment the test incidents happen: Monday 2 March 2026, 08:30 local time."""
    return at(2026, 3, 2, 8, 30)


def facts(school, occurred_at, **overrides):
    data = {
        "school": school,
        "title": "三年级学生课间摔伤",
        "occurred_at": occurred_at,
        "category": "campus_injury",
        "level": "general",
        "place": "操场东侧",
        "summary": "三年级一名学生课间奔跑摔倒，左膝擦伤。",
        "measures": "校医处置后送医检查，已通知家长。",
        "likely_cause": "课间奔跑。",
        "deaths": 0,
        "injuries": 1,
        "estimated_loss": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def report_first():
    """report_first(actor, school, occurred_at, after=timedelta, **overrides) -> Incident."""

    def make(actor, school, occurred_at, *, after=datetime.timedelta(hours=1), **overrides):
        return services.incident_report_first(
            actor=actor,
            reporter_name="李安全",
            reporter_phone="13800000000",
            now=occurred_at + after,
            **facts(school, occurred_at, **overrides),
        )

    return make


@pytest.fixture
def record_missed():
    """record_missed(actor, school, occurred_at, learned_after=timedelta) -> a bureau-recorded Incident."""

    def make(actor, school, occurred_at, *, learned_after=datetime.timedelta(days=1), **overrides):
        return services.incident_record_by_bureau(
            actor=actor,
            bureau_learned_at=occurred_at + learned_after,
            bureau_source="家长来电",
            now=occurred_at + learned_after,
            **facts(school, occurred_at, **overrides),
        )

    return make


def report_kwargs(**overrides):
    data = {
        "text": "学生经检查无骨折，已返校。",
        "measures": "班主任跟踪。",
        "deaths": 0,
        "injuries": 1,
        "estimated_loss": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def limits(db):
    """set_limit(level, first_minutes, followup_hours, final_days): change a level's limits directly."""

    def set_limit(level, first_minutes=None, followup_hours=None, final_days=None):
        row = IncidentTimeLimit.objects.get(level=level)
        if first_minutes is not None:
            row.first_report_minutes = first_minutes
        if followup_hours is not None:
            row.followup_interval_hours = followup_hours
        if final_days is not None:
            row.final_report_days = final_days
        row.save()
        return row

    return set_limit
