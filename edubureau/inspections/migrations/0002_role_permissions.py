"""Give the built-in roles the inspections permissions."""

from django.db import migrations

from edubureau.accounts.roles import add_permissions

GRANTS = {
    "system_admin": ["inspections.view", "inspections.manage"],
    "leader": ["inspections.view"],
    "department_staff": ["inspections.view", "inspections.manage", "inspections.visit"],
    "supervisor": ["inspections.view", "inspections.visit"],
    "school_admin": ["inspections.view", "inspections.selfcheck"],
    "safety_officer": ["inspections.view", "inspections.selfcheck"],
}


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("accounts", "0003_role_version")]

    operations = [migrations.RunPython(add_permissions(GRANTS), migrations.RunPython.noop)]
