"""Give the built-in roles the hazard ledger's permissions."""

from django.db import migrations

from edubureau.accounts.roles import add_permissions

GRANTS = {
    "school_admin": [
        "safety.hazard.view",
        "safety.hazard.report",
        "safety.hazard.rectify",
        "safety.hazard.verify",
        "safety.hazard.import",
    ],
    "safety_officer": [
        "safety.hazard.view",
        "safety.hazard.report",
        "safety.hazard.rectify",
        "safety.hazard.verify",
        "safety.hazard.import",
    ],
    "department_staff": [
        "safety.hazard.view",
        "safety.hazard.report",
        "safety.hazard.verify",
        "safety.hazard.supervise",
        "safety.hazard.import",
    ],
    "leader": ["safety.hazard.view", "safety.hazard.supervise"],
    "supervisor": ["safety.hazard.view", "safety.hazard.report"],
    "system_admin": ["safety.hazard.view"],
}


class Migration(migrations.Migration):
    dependencies = [("safety", "0002_default_categories"), ("accounts", "0003_role_version")]

    operations = [migrations.RunPython(add_permissions(GRANTS), migrations.RunPython.noop)]
