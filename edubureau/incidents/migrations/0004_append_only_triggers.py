"""The database refuses edits of submitted reports, whatever the application does.

PostgreSQL: a trigger refuses UPDATE and DELETE of report rows (TRUNCATE, a DBA's operation, stays
possible), and UPDATE of an incident's facts (only the acknowledgement columns may change).
SQLite: the same UPDATE triggers (DELETE stays possible there so the test runner can flush tables).
"""

from django.db import migrations

FACT_COLUMNS = [
    "school_id",
    "title",
    "occurred_at",
    "bureau_learned_at",
    "category",
    "level",
    "place",
    "summary",
    "deaths",
    "injuries",
    "estimated_loss",
    "likely_cause",
    "measures",
    "reporter_name",
    "reporter_phone",
    "recorded_by_bureau",
    "bureau_source",
    "created_by_id",
    "created_at",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION incidents_refuse_change() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'incident reports are append-only (% on %)', TG_OP, TG_TABLE_NAME;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            cursor.execute(
                "CREATE TRIGGER incidents_incidentreport_append_only BEFORE UPDATE OR DELETE "
                "ON incidents_incidentreport FOR EACH ROW EXECUTE FUNCTION incidents_refuse_change();"
            )
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in FACT_COLUMNS)
            cursor.execute(
                "CREATE TRIGGER incidents_incident_facts_frozen BEFORE UPDATE ON incidents_incident "
                f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION incidents_refuse_change();"
            )
        elif vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER incidents_incidentreport_append_only BEFORE UPDATE ON incidents_incidentreport "
                "BEGIN SELECT RAISE(ABORT, 'incident reports are append-only'); END;"
            )
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in FACT_COLUMNS)
            cursor.execute(
                "CREATE TRIGGER incidents_incident_facts_frozen BEFORE UPDATE ON incidents_incident "
                f"WHEN {changed} BEGIN SELECT RAISE(ABORT, 'incident facts are frozen'); END;"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "DROP TRIGGER IF EXISTS incidents_incidentreport_append_only ON incidents_incidentreport;"
            )
            cursor.execute("DROP TRIGGER IF EXISTS incidents_incident_facts_frozen ON incidents_incident;")
            cursor.execute("DROP FUNCTION IF EXISTS incidents_refuse_change();")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS incidents_incidentreport_append_only;")
            cursor.execute("DROP TRIGGER IF EXISTS incidents_incident_facts_frozen;")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_role_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
