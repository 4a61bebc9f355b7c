"""The incident pages and API operations in the authorization matrix (edubureau/common/authz.py)."""

import datetime

from django.utils import timezone

from edubureau.common.authz import Op, Route

URLS = {
    "incidents:inbox": Route("incidents.view"),
    "incidents:export": Route("incidents.view"),
    "incidents:list": Route("incidents.report"),
    "incidents:report": Route("incidents.report"),
    "incidents:record": Route("incidents.manage"),
    "incidents:detail": Route("incidents.view", "incident"),
    "incidents:bulletin": Route("incidents.view", "incident"),
    "incidents:followup": Route("incidents.report", "incident"),
    "incidents:final": Route("incidents.report", "incident"),
    "incidents:supplement": Route("incidents.report", "missed_incident"),
    "incidents:acknowledge": Route("incidents.manage", "incident", method="post"),
    "incidents:config": Route("incidents.config"),
    "incidents:config_edit": Route("incidents.config", "incident_time_limit"),
}

API = {
    ("GET", "/api/v1/incidents"): Op("incidents.view", lists="incident"),
    ("POST", "/api/v1/incidents"): Op("incidents.report", body="incident_first"),
    ("POST", "/api/v1/incidents/record"): Op("incidents.manage", body="incident_record"),
    ("GET", "/api/v1/incidents/{id}"): Op("incidents.view", "incident"),
    ("POST", "/api/v1/incidents/{id}/first"): Op(
        "incidents.report", "missed_incident", body="incident_report"
    ),
    ("POST", "/api/v1/incidents/{id}/followups"): Op("incidents.report", "incident", body="incident_report"),
    ("POST", "/api/v1/incidents/{id}/final"): Op("incidents.report", "incident", body="incident_final"),
    ("POST", "/api/v1/incidents/{id}/acknowledge"): Op("incidents.manage", "incident"),
}


def _incident(unit, *, reported=True):
    """An incident at `unit` (written directly: test set-up), with a first report unless the bureau
    recorded it and the school has not reported."""
    from .models import Incident, IncidentReport

    now = timezone.now()
    incident = Incident.objects.create(
        school=unit,
        title="矩阵测试事件",
        occurred_at=now - datetime.timedelta(hours=2),
        bureau_learned_at=now - datetime.timedelta(hours=1),
        category="campus_injury",
        level="general",
        place="操场",
        summary="学生课间摔伤。",
        injuries=1,
        measures="送医救治。",
        reporter_name="测试",
        reporter_phone="13800000000",
        recorded_by_bureau=not reported,
        bureau_source="" if reported else "家长来电",
        created_at=now,
    )
    if reported:
        IncidentReport.objects.create(
            incident=incident,
            kind="first",
            sequence=1,
            submitted_at=now - datetime.timedelta(hours=1),
            text="学生课间摔伤。",
            injuries=1,
            measures="送医救治。",
        )
    return incident


def _time_limit(unit, requester):
    from .models import IncidentTimeLimit

    limit, _ = IncidentTimeLimit.objects.get_or_create(
        level="general",
        defaults={"first_report_minutes": 240, "followup_interval_hours": 72, "final_report_days": 7},
    )
    return {"pk": limit.pk}, None  # county-wide configuration: the permission decides


TARGETS = {
    "incident": lambda unit, requester: ({"pk": _incident(unit).pk}, unit),
    "missed_incident": lambda unit, requester: ({"pk": _incident(unit, reported=False).pk}, unit),
    "incident_time_limit": _time_limit,
}


def _facts(unit, counter):
    return {
        "school": unit.pk,
        "title": f"矩阵测试事件{counter}",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "category": "campus_injury",
        "level": "general",
        "place": "操场",
        "summary": "学生课间奔跑摔倒，右臂擦伤。",
        "injuries": 1,
        "measures": "校医处置后送医检查，已通知家长。",
    }


BODIES = {
    "incident_first": lambda unit, counter: {
        **_facts(unit, counter),
        "reporter_name": "李安全",
        "reporter_phone": "13800000000",
    },
    "incident_record": lambda unit, counter: {
        **_facts(unit, counter),
        "bureau_learned_at": timezone.now().isoformat(),
        "bureau_source": "家长来电",
    },
    "incident_report": lambda unit, counter: {
        "text": "学生经检查无骨折，已返校上课。",
        "injuries": 1,
        "measures": "安排班主任跟踪。",
    },
    "incident_final": lambda unit, counter: {
        "text": "事件处置完毕。",
        "injuries": 1,
        "measures": "开展课间安全教育。",
        "cause": "学生课间追逐。",
    },
}
