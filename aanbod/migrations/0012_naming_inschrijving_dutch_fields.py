"""Inschrijving's English field names become Dutch (docs/naming.md): columns and indexes are renamed,
never dropped and re-added, so no data is lost.

The database only renames: the two indexes first (while their columns still have the old names; SQLite
cannot rename an index and re-creates it from the old definition), then the columns (PostgreSQL and SQLite
≥ 3.25 carry the indexes, and the partial index's condition, over to the new column names). Django's
model state cannot rename a field inside an index's definition, so the state removes the two indexes and
adds them again with the new field and index names; the database sees none of that.
"""

from django.db import migrations, models

RENAMED_FIELDS = [
    ("promoted_at", "doorgeschoven_op"),
    ("reminder_claimed_at", "herinnering_geclaimd_op"),
    ("reminder_sent_at", "herinnering_verstuurd_op"),
    ("status_mail_claimed_at", "statusmail_geclaimd_op"),
    ("status_mail_sent_at", "statusmail_verstuurd_op"),
]
RENAMED_INDEXES = [
    ("inschrijving_reminder_idx", "inschrijving_herinnering_idx"),
    ("inschrijving_status_mail_idx", "inschrijving_statusmail_idx"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0011_inschrijving_token_hash"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                *[
                    migrations.RenameIndex(model_name="inschrijving", old_name=old, new_name=new)
                    for old, new in RENAMED_INDEXES
                ],
                *[
                    migrations.RenameField(model_name="inschrijving", old_name=old, new_name=new)
                    for old, new in RENAMED_FIELDS
                ],
            ],
            state_operations=[
                *[migrations.RemoveIndex(model_name="inschrijving", name=old) for old, _ in RENAMED_INDEXES],
                *[
                    migrations.RenameField(model_name="inschrijving", old_name=old, new_name=new)
                    for old, new in RENAMED_FIELDS
                ],
                migrations.AddIndex(
                    model_name="inschrijving",
                    index=models.Index(
                        fields=["status", "herinnering_verstuurd_op"], name="inschrijving_herinnering_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="inschrijving",
                    index=models.Index(
                        condition=models.Q(("statusmail_verstuurd_op__isnull", True)),
                        fields=["activiteit"],
                        name="inschrijving_statusmail_idx",
                    ),
                ),
            ],
        ),
    ]
