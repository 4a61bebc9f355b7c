from django.db import migrations

from edubureau.accounts.roles import add_permissions

GRANTS = {
    "system_admin": ["incidents.view", "incidents.manage", "incidents.config"],
    "leader": ["incidents.view"],
    "department_staff": ["incidents.view", "incidents.manage"],
    "supervisor": ["incidents.view"],
    "school_admin": ["incidents.view", "incidents.report"],
    "safety_officer": ["incidents.view", "incidents.report"],
}


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_default_time_limits"), ("accounts", "0003_role_version")]

    operations = [migrations.RunPython(add_permissions(GRANTS), migrations.RunPython.noop)]
