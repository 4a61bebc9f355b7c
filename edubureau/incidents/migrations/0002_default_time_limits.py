"""The default reporting time limits per level (see rules.DEFAULT_TIME_LIMITS); editable afterwards."""

from django.db import migrations

# Copied here (not imported) so that the migration keeps loading the values it was written with.
DEFAULTS = [
    ("general", 240, 72, 7, "事发后立即电话报告，4小时内书面初报；每3天续报一次；7日内终报。"),
    ("larger", 60, 24, 10, "事发后立即电话报告，1小时内书面初报；每日续报；10日内终报。"),
    ("major", 30, 12, 15, "事发后立即电话报告，30分钟内书面初报；每12小时续报；15日内终报。"),
    ("grave", 30, 6, 30, "事发后立即电话报告，30分钟内书面初报；每6小时续报；30日内终报。"),
]


def load(apps, schema_editor):
    IncidentTimeLimit = apps.get_model("incidents", "IncidentTimeLimit")
    for level, minutes, hours, days, note in DEFAULTS:
        IncidentTimeLimit.objects.get_or_create(
            level=level,
            defaults={
                "first_report_minutes": minutes,
                "followup_interval_hours": hours,
                "final_report_days": days,
                "note": note,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
