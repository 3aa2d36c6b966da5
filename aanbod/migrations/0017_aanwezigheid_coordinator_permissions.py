"""Coordinators see and correct attendance per meeting (Aanwezigheid) in the admin, never delete it
(partners tick it in the portal; see 0014 for the series themselves)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coördinatoren"
PERMISSIONS = {"aanwezigheid": ("add", "change", "view")}


def grant(Group, Permission) -> None:
    """Add these permissions to the coordinators' group (idempotent; also used by the tests)."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label="aanbod", codename=f"{action}_{model}")
            for model, actions in PERMISSIONS.items()
            for action in actions
        ]
    )


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("aanbod")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0016_reeks_wegwijzer_versie"),
        ("partners", "0003_coordinatoren_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
