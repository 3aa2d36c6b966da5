"""The Coördinatoren group with exactly the permissions a coordinator needs.

Coordinators run the network in the admin: every domain model of the three apps, user accounts
(invite, deactivate; not delete, so history keeps its authors), and reading allauth's e-mail addresses.
They do not edit groups or permissions: that stays with superusers.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coördinatoren"
ALL = ("add", "change", "delete", "view")
PERMISSIONS = {
    "partners": {
        "gemeente": ("view", "change"),
        "postcode": ("view",),
        "netwerk": ("view", "change"),
        "user": ("add", "change", "view"),
        "partner": ALL,
        "lidmaatschap": ALL,
        "gemeentetoegang": ALL,
        "uitnodiging": ALL,
    },
    "aanbod": {
        "taal": ALL,
        "thema": ALL,
        "aanbod": ALL,
        "locatie": ALL,
        "openingsuur": ALL,
        "activiteit": ALL,
        "inschrijving": ALL,
    },
    "vragen": {
        "vraag": ALL,
        "gesprek": ("view", "change", "delete"),
        "bericht": ("add", "view", "change"),
        "signaal": ALL,
    },
}


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    assign_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def assign_permissions(Group, Permission) -> None:
    """Create the group if missing and give it exactly PERMISSIONS (also used by the tests' reload)."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            for app_label, models in PERMISSIONS.items()
            for model, actions in models.items()
            for action in actions
        ]
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_gemeenten"),
        ("aanbod", "0002_initial"),
        ("vragen", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
