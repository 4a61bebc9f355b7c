import pytest
from django.db import DatabaseError, connection, transaction

from edubureau.audit import services as audit
from edubureau.audit.choices import LoginEventKind
from edubureau.audit.models import AppendOnlyError, AuditEvent, LoginEvent, SensitiveAccess


@pytest.fixture
def event(county, sysadmin):
    return audit.record(actor=sysadmin, action="org.unit.update", obj=county.school_a, note="原始说明")


def test_saving_an_existing_audit_event_is_refused(event):
    event.note = "改过的说明"
    with pytest.raises(AppendOnlyError, match="只能追加"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).note == "原始说明"


def test_deleting_an_audit_event_is_refused(event):
    with pytest.raises(AppendOnlyError, match="不能删除"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LoginEvent.objects.all().update(username="x")
    with pytest.raises(AppendOnlyError):
        SensitiveAccess.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).note == "原始说明"


def test_raw_sql_update_is_refused_by_the_database_trigger(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET note = %s WHERE id = %s", ["篡改", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == "原始说明"


@pytest.mark.parametrize("table", ["audit_loginevent", "audit_sensitiveaccess"])
def test_raw_sql_update_of_the_other_logs_is_refused_too(county, admin_a, table):
    audit.record_login(kind=LoginEventKind.SUCCESS, username="admin_a", user=admin_a)
    audit.record_sensitive_access(actor=admin_a, obj=admin_a, field="phone", reason="核对联系方式")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET channel = 'api'")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test runner's flush"
)
def test_raw_sql_delete_is_refused_on_postgresql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
