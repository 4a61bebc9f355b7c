"""Fixtures of the hazard ledger's tests: uploads go to a temporary folder; small real files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from edubureau.safety import services


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_bytes(size=(64, 48), colour=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes(size=(32, 32)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 200, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def photo(name="现场.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def make_hazard(county, admin_a):
    """A hazard at school A (or `school`), reported by the school admin (or `actor`)."""

    def make(*, actor=None, school=None, level="general", category="fire", **kwargs):
        kwargs.setdefault("place", "教学楼二楼走廊")
        kwargs.setdefault("description", "灭火器压力不足，指针位于红区。")
        return services.hazard_report(
            actor=actor or admin_a,
            school=school or county.school_a,
            category=category,
            level=level,
            **kwargs,
        )

    return make


@pytest.fixture
def rectifying_hazard(make_hazard, safety_a):
    def make(**kwargs):
        hazard = make_hazard(**kwargs)
        return services.hazard_start_rectify(
            actor=safety_a,
            hazard=hazard,
            deadline=5,
            measures="更换灭火器并检查同楼层其他灭火器。",
            responsible_person="李安全",
        )

    return make


@pytest.fixture
def awaiting_hazard(rectifying_hazard, safety_a):
    """A hazard whose rectification safety_a has submitted (so safety_a may not verify it)."""

    def make(**kwargs):
        hazard = rectifying_hazard(**kwargs)
        return services.hazard_submit_rectification(
            actor=safety_a, hazard=hazard, note="已更换两具灭火器。", photos=[photo("整改后.jpg")]
        )

    return make
