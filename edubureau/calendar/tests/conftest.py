import datetime

import pytest

from edubureau.calendar import services, workdays
from edubureau.calendar.choices import DayKind

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_workday_cache():
    """Test transactions roll back; never let one test's cached days meet another's."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def entered_2027(sysadmin):
    """2027 entered by the bureau: 春节 Sat 6 Feb – Sat 13 Feb off, make-up Sundays 31 Jan and 14 Feb."""
    holiday_year = services.holiday_year_create(
        actor=sysadmin, year=2027, document_no="国办发明电〔2026〕7号"
    )
    services.calendar_days_add(
        actor=sysadmin,
        holiday_year=holiday_year,
        rows=[
            {"start": D(2027, 2, 6), "end": D(2027, 2, 13), "kind": DayKind.HOLIDAY, "name": "春节"},
            {"start": D(2027, 1, 31), "end": None, "kind": DayKind.MAKEUP_WORKDAY, "name": "春节"},
            {"start": D(2027, 2, 14), "end": None, "kind": DayKind.MAKEUP_WORKDAY, "name": "春节"},
        ],
    )
    holiday_year.refresh_from_db()
    return holiday_year


@pytest.fixture
def school_year(sysadmin):
    school_year = services.school_year_create(
        actor=sysadmin, name="2026—2027学年", start=D(2026, 9, 1), end=D(2027, 8, 31)
    )
    services.semester_create(
        actor=sysadmin, school_year=school_year, term=1, start=D(2026, 9, 1), end=D(2027, 1, 22)
    )
    services.semester_create(
        actor=sysadmin, school_year=school_year, term=2, start=D(2027, 2, 22), end=D(2027, 7, 9)
    )
    return school_year
