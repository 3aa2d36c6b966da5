"""Coordinators run the spelotheken in the admin: give the Coördinatoren group the spelotheek's models.

Added to the group, not set: the group's other permissions belong to partners/0003.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coördinatoren"
ALL = ("add", "change", "delete", "view")
PERMISSIONS = {
    "speelgoed": ALL,
    "lid": ALL,
    "lidbetaling": ("view",),
    "uitlening": ("view", "change"),
    "reservatie": ("view", "change", "delete"),
    "uitleentelling": ("view",),
}


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("spelotheek")
    # Historical apps have no models module; the tests' reload passes the real registry: restore it.
    original, app_config.models_module = getattr(app_config, "models_module", None), True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label="spelotheek", codename=f"{action}_{model}")
            for model, actions in PERMISSIONS.items()
            for action in actions
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("spelotheek", "0001_spelotheek"),
        ("partners", "0003_coordinatoren_group"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
