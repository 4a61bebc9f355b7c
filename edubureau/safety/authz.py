"""The hazard ledger's pages and API operations for the authorization matrix."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from edubureau.common.authz import Op, Route

from .permissions import CONFIG, IMPORT, RECTIFY, REPORT, SUPERVISE, VERIFY, VIEW

URLS = {
    "safety:hazard_list": Route(VIEW),
    "safety:hazard_export": Route(VIEW),
    "safety:hazard_report": Route(REPORT),
    "safety:overview": Route(VIEW),
    "safety:hazard_import": Route(IMPORT),
    "safety:import_template": Route(IMPORT),
    "safety:hazard_detail": Route(VIEW, "hazard"),
    "safety:hazard_edit": Route(REPORT, "hazard"),
    "safety:hazard_start": Route(RECTIFY, "hazard"),
    "safety:hazard_submit": Route(RECTIFY, "hazard"),
    "safety:hazard_verify": Route(VERIFY, "hazard"),
    "safety:hazard_void": Route(VERIFY, "hazard"),
    "safety:hazard_attach": Route(REPORT, "hazard", method="post"),
    "safety:attachment": Route(VIEW, "hazard_attachment"),
    "safety:category_list": Route(CONFIG),
    "safety:category_edit": Route(CONFIG, "hazard_category"),
    "safety:supervision_list": Route(VIEW),
    "safety:supervision_edit": Route(SUPERVISE, "supervision"),
    "safety:supervision_progress": Route(SUPERVISE, "supervision", method="post"),
    "safety:supervision_report": Route(RECTIFY, "supervision", method="post"),
    "safety:supervision_lift": Route(SUPERVISE, "supervision", method="post"),
}

_BASE = "/api/v1/safety"
API = {
    ("GET", f"{_BASE}/categories"): Op(VIEW),
    ("GET", f"{_BASE}/hazards"): Op(VIEW, lists="hazard"),
    ("POST", f"{_BASE}/hazards"): Op(REPORT, body="hazard_report"),
    ("POST", f"{_BASE}/field-reports"): Op(REPORT),
    ("GET", f"{_BASE}/hazards/{{id}}"): Op(VIEW, "hazard"),
    ("PATCH", f"{_BASE}/hazards/{{id}}"): Op(REPORT, "hazard", body="hazard_patch"),
    ("POST", f"{_BASE}/hazards/{{id}}/start"): Op(RECTIFY, "hazard", body="hazard_start"),
    ("POST", f"{_BASE}/hazards/{{id}}/submit"): Op(RECTIFY, "hazard", body="hazard_submit"),
    ("POST", f"{_BASE}/hazards/{{id}}/verify"): Op(VERIFY, "hazard", body="hazard_verify"),
    ("POST", f"{_BASE}/hazards/{{id}}/void"): Op(VERIFY, "hazard", body="hazard_void"),
    ("POST", f"{_BASE}/hazards/{{id}}/photos"): Op(REPORT, "hazard"),
    ("GET", f"{_BASE}/attachments/{{id}}"): Op(VIEW, "hazard_attachment"),
    ("GET", f"{_BASE}/figures"): Op(VIEW),
    ("GET", f"{_BASE}/supervisions"): Op(VIEW, lists="supervision"),
    ("PATCH", f"{_BASE}/supervisions/{{id}}"): Op(SUPERVISE, "supervision", body="supervision_patch"),
    ("POST", f"{_BASE}/supervisions/{{id}}/progress"): Op(SUPERVISE, "supervision", body="progress"),
    ("POST", f"{_BASE}/supervisions/{{id}}/reports"): Op(RECTIFY, "supervision", body="progress"),
    ("POST", f"{_BASE}/supervisions/{{id}}/lift"): Op(SUPERVISE, "supervision", body="lift"),
}


def make_hazard(unit, *, level="general"):
    """A hazard at `unit` in state 发现, written directly (matrix set-up, no actor needed)."""
    from .models import Hazard, HazardCategory

    category, _ = HazardCategory.objects.get_or_create(code="fire", defaults={"name": "消防"})
    return Hazard.objects.create(
        school=unit,
        place="矩阵测试部位",
        category=category,
        level=level,
        found_on=timezone.localdate(),
        description="矩阵测试隐患",
    )


def _hazard_target(unit, requester):
    return {"pk": make_hazard(unit).pk}, unit


def _attachment_target(unit, requester):
    from .models import HazardAttachment

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (180, 20, 20)).save(buffer, "PNG")
    item = HazardAttachment(
        hazard=make_hazard(unit),
        kind="before",
        original_name="matrix.png",
        content_type="image/png",
        size=len(buffer.getvalue()),
        is_image=True,
    )
    item.file.save("matrix.png", ContentFile(buffer.getvalue()), save=False)
    item.save()
    return {"pk": item.pk}, unit


def _supervision_target(unit, requester):
    from .models import MajorHazardSupervision

    hazard = make_hazard(unit, level="major")
    supervision = MajorHazardSupervision.objects.create(
        hazard=hazard, deadline=timezone.localdate() + datetime.timedelta(days=30)
    )
    return {"pk": supervision.pk}, unit


def _category_target(unit, requester):
    """Categories are county-wide configuration: the permission decides, not the unit."""
    from .models import HazardCategory

    return {"pk": HazardCategory.objects.get(code="fire").pk}, None


TARGETS = {
    "hazard_category": _category_target,
    "hazard": _hazard_target,
    "hazard_attachment": _attachment_target,
    "supervision": _supervision_target,
}

BODIES = {
    "hazard_report": lambda unit, counter: {
        "school": unit.pk,
        "place": f"矩阵登记{counter}",
        "category": "fire",
        "level": "general",
        "description": "矩阵测试登记的隐患",
    },
    "hazard_patch": lambda unit, counter: {"version": 1, "place": f"矩阵修改{counter}"},
    "hazard_start": lambda unit, counter: {
        "measures": "矩阵测试措施",
        "responsible_person": "矩阵",
        "deadline_workdays": 5,
    },
    "hazard_submit": lambda unit, counter: {"note": "矩阵测试整改"},
    "hazard_verify": lambda unit, counter: {"accepted": True},
    "hazard_void": lambda unit, counter: {"reason": "矩阵测试作废"},
    "supervision_patch": lambda unit, counter: {"version": 1, "deadline": "2030-06-30"},
    "progress": lambda unit, counter: {"text": "矩阵测试进展"},
    "lift": lambda unit, counter: {"note": ""},
}
