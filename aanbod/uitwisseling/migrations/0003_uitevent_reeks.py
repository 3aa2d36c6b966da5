"""A series (Reeks) is one UiTdatabank event: `UitEvent.reeks`. A `reeks` event without a series was sent
before series existed; the services let the aanbod's first series take it over."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0015_inschrijfregels_postcode_aanwezigheid"),
        ("uitwisseling", "0002_coordinator_permissions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="uitevent",
            name="uitevent_one_per_aanbod_soort",
        ),
        migrations.AddField(
            model_name="uitevent",
            name="reeks",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="uitevent",
                to="aanbod.reeks",
                verbose_name="series",
            ),
        ),
        migrations.AddConstraint(
            model_name="uitevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("activiteit__isnull", True), ("reeks__isnull", True)),
                fields=("aanbod", "soort"),
                name="uitevent_one_per_aanbod_soort",
            ),
        ),
        migrations.AddConstraint(
            model_name="uitevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("reeks__isnull", True), ("soort", "reeks"), _connector="OR"),
                name="uitevent_reeks_only_for_reeks",
            ),
        ),
    ]
