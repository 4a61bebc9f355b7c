from django.db import migrations

from edubureau.accounts.roles import load_builtin_roles


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load_builtin_roles, migrations.RunPython.noop)]
