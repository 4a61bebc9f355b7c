"""The calendar is county-wide: "calendar.manage" counts only when held on a root unit."""

import datetime

import pytest
from django.urls import reverse

from edubureau.calendar import services
from edubureau.calendar.models import SchoolYear
from edubureau.common.errors import NotFoundError
from edubureau.common.factories import make_user

D = datetime.date


@pytest.fixture
def school_sysadmin(county):
    """A system admin whose grant covers one school only: their calendar.manage ends at that school."""
    return make_user("system_admin", unit=county.school_a, username="school_sysadmin")


def test_system_admin_of_one_school_cannot_change_the_county_calendar(school_sysadmin):
    with pytest.raises(NotFoundError):
        services.school_year_create(
            actor=school_sysadmin, name="2026—2027学年", start=D(2026, 9, 1), end=D(2027, 8, 31)
        )
    with pytest.raises(NotFoundError):
        services.holiday_year_create(actor=school_sysadmin, year=2030)
    assert not SchoolYear.objects.exists()


def test_system_admin_of_one_school_gets_404_on_the_maintenance_pages(client, school_sysadmin):
    client.force_login(school_sysadmin)
    assert client.get(reverse("calendar:manage")).status_code == 404
    response = client.post(
        reverse("calendar:school_year_create"),
        {"name": "2026—2027学年", "start": "2026-09-01", "end": "2027-08-31"},
    )
    assert response.status_code == 404
    assert client.get(reverse("calendar:overview")).context["can_manage"] is False


def test_county_system_admin_still_maintains_the_calendar(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("calendar:manage")).status_code == 200
    assert services.can_manage(sysadmin)
