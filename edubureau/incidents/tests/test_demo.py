"""The demo county's year of incidents: through the services, with one late and one missed report."""

import pytest

from edubureau.audit.models import AuditEvent
from edubureau.demo import builder
from edubureau.incidents import demo, selectors
from edubureau.incidents.models import Incident, IncidentReport


@pytest.fixture
def county_with_incidents(db, monkeypatch):
    monkeypatch.setattr(builder, "app_demo_builders", lambda: [(demo.LABEL, demo.build)])
    return builder.build_county()


def test_the_demo_builds_a_year_of_incidents_mostly_general(county_with_incidents):
    from edubureau.accounts.models import User

    incidents = list(Incident.objects.all())
    assert len(incidents) == 12
    assert sum(1 for i in incidents if i.level == "general") >= 10
    assert len({i.school_id for i in incidents}) >= 10
    assert len({i.category for i in incidents}) >= 8
    leader = User.objects.get(username="leader")
    rows = selectors.attach_standing(selectors.incident_list(user=leader), limits=selectors.limits_by_level())
    assert sum(1 for i in rows if i.standing.is_late) == 1
    missed = [i for i in rows if i.standing.is_missed]
    assert len(missed) == 1 and missed[0].recorded_by_bureau
    assert sum(1 for i in rows if i.standing.is_closed) == 9
    assert sum(1 for i in rows if i.standing.needs_ack) == 2
    assert IncidentReport.objects.filter(kind="followup").exists()
    assert AuditEvent.objects.filter(action="incident.report_first", channel="command").count() == 11


def test_the_demo_s_reporters_are_the_schools_own_staff(county_with_incidents):
    for report in IncidentReport.objects.select_related("submitted_by", "incident"):
        assert report.submitted_by.unit_id == report.incident.school_id
