"""Coordinators see and correct attendance per meeting (Aanwezigheid) in the admin, never delete it
(partners tick it in the portal; see 0014 for the series themselves)."""

from django.db import migrations

from huisvanhetkind.lib.permissions import CoordinatorPermissions

PERMISSIONS = CoordinatorPermissions("aanbod", {"aanwezigheid": ("add", "change", "view")})
grant = PERMISSIONS.grant  # the tests grant them on their fresh database


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0016_reeks_wegwijzer_versie"),
        ("partners", "0003_coordinatoren_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(PERMISSIONS.forwards, migrations.RunPython.noop)]
