"""Load the default hazard categories of DOMAIN.md §1 (configuration rows from then on)."""

from django.db import migrations

CATEGORIES = (
    ("building", "校舍"),
    ("fire", "消防"),
    ("electricity", "用电"),
    ("gas", "燃气"),
    ("food", "食品"),
    ("traffic", "交通/校车"),
    ("security", "治安/周边"),
    ("drowning", "溺水"),
    ("lab", "实验室/危化品"),
    ("facility", "设施设备"),
    ("epidemic", "传染病"),
    ("psychology", "心理"),
    ("other", "其他"),
)


def load_categories(apps, schema_editor):
    HazardCategory = apps.get_model("safety", "HazardCategory")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        HazardCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [migrations.RunPython(load_categories, migrations.RunPython.noop)]
