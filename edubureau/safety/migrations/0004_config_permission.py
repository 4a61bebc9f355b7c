"""System admins maintain the hazard categories."""

from django.db import migrations

from edubureau.accounts.roles import add_permissions


class Migration(migrations.Migration):
    dependencies = [("safety", "0003_role_permissions")]

    operations = [
        migrations.RunPython(add_permissions({"system_admin": ["safety.config"]}), migrations.RunPython.noop),
    ]
