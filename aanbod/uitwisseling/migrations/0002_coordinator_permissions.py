"""Coordinators manage the UiTdatabank publication in the admin (see partners/migrations/0003)."""

from django.db import migrations

from huisvanhetkind.lib.permissions import ALL, CoordinatorPermissions

PERMISSIONS = CoordinatorPermissions(
    "uitwisseling",
    {
        "uitpublicatie": ALL,
        "uitevent": ("view", "change"),
        "uitoutbox": ("view", "change"),
        "uitorganisator": ALL,
        "uitplaats": ALL,
    },
)
grant = PERMISSIONS.grant  # the tests grant them on their fresh database


class Migration(migrations.Migration):
    dependencies = [
        ("uitwisseling", "0001_uitdatabank_outbox"),
        ("partners", "0003_coordinatoren_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(PERMISSIONS.forwards, migrations.RunPython.noop)]
