"""Nothing submitted can be changed or deleted: not through the model, not through a queryset, and for
reports and an incident's facts not in the database either (triggers)."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from edubureau.incidents import services
from edubureau.incidents.models import ImmutableRecordError, Incident, IncidentReport

H = datetime.timedelta(hours=1)


@pytest.fixture
def incident(safety_a, county, t0, report_first):
    return report_first(safety_a, county.school_a, t0)


def test_an_incident_s_facts_cannot_be_saved_again(incident):
    incident.title = "改过的名称"
    with pytest.raises(ImmutableRecordError, match="不能修改"):
        incident.save()
    with pytest.raises(ImmutableRecordError):
        incident.save(update_fields=["title"])
    with pytest.raises(ImmutableRecordError):
        incident.save(update_fields=["acknowledged_at", "injuries"])
    assert Incident.objects.get(pk=incident.pk).title == "三年级学生课间摔伤"


def test_only_the_acknowledgement_of_an_incident_moves(incident, dept_officer, t0):
    incident.acknowledged_by = dept_officer
    incident.acknowledged_at = t0 + 2 * H
    incident.save(update_fields=["acknowledged_by", "acknowledged_at"])
    assert Incident.objects.filter(pk=incident.pk).update(acknowledged_at=t0 + 3 * H) == 1


def test_a_queryset_cannot_change_facts_or_delete_incidents(incident):
    with pytest.raises(ImmutableRecordError, match="不能修改"):
        Incident.objects.filter(pk=incident.pk).update(deaths=0, injuries=0)
    with pytest.raises(ImmutableRecordError, match="不能删除"):
        Incident.objects.filter(pk=incident.pk).delete()
    with pytest.raises(ImmutableRecordError, match="不能删除"):
        incident.delete()
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_a_report_cannot_be_changed_or_deleted(incident):
    report = incident.reports.get()
    report.text = "改写"
    with pytest.raises(ImmutableRecordError, match="不能修改"):
        report.save()
    with pytest.raises(ImmutableRecordError, match="不能修改"):
        IncidentReport.objects.filter(pk=report.pk).update(text="改写")
    with pytest.raises(ImmutableRecordError, match="不能删除"):
        IncidentReport.objects.filter(pk=report.pk).delete()
    with pytest.raises(ImmutableRecordError, match="不能删除"):
        report.delete()
    assert IncidentReport.objects.get(pk=report.pk).text == "三年级一名学生课间奔跑摔倒，左膝擦伤。"


def test_the_database_refuses_an_update_of_a_report(incident):
    report = incident.reports.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incidentreport SET text = %s WHERE id = %s", ["改写", report.pk])
    assert IncidentReport.objects.get(pk=report.pk).text != "改写"


def test_the_database_refuses_an_update_of_an_incident_s_facts_but_not_its_acknowledgement(incident, t0):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET deaths = 3 WHERE id = %s", [incident.pk])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET acknowledged_at = %s WHERE id = %s", [t0, incident.pk])
    assert Incident.objects.get(pk=incident.pk).deaths == 0


def test_a_correction_is_a_new_report(incident, safety_a, t0):
    services.incident_add_followup(
        actor=safety_a,
        incident=incident,
        text="更正：受伤学生为2名，初报有误。",
        measures="两名学生均已就医。",
        injuries=2,
        now=t0 + 3 * H,
    )
    texts = list(incident.reports.order_by("sequence").values_list("injuries", flat=True))
    assert texts == [1, 2]
