"""Registration manage tokens stored as an HMAC and a seal instead of in clear (aanbod/tokens.py).

Existing links keep working: every existing token is hashed and sealed before the clear column goes.
"""

from django.db import migrations, models

BATCH = 1000


def hash_existing_tokens(apps, schema_editor):
    """Give every registration with a clear token its hash and seal (the same link keeps working)."""
    from aanbod.tokens import token_stored_forms

    Inschrijving = apps.get_model("aanbod", "Inschrijving")
    rows = Inschrijving.objects.filter(token_hash="").only("pk", "token", "gewist_op").order_by("pk")
    while batch := list(rows[:BATCH]):
        for inschrijving in batch:
            inschrijving.token_hash, inschrijving.token_seal = token_stored_forms(inschrijving.token)
            if inschrijving.gewist_op is not None:  # erased: no more mails, so nothing to seal
                inschrijving.token_seal = ""
        Inschrijving.objects.bulk_update(batch, ["token_hash", "token_seal"])


def restore_clear_tokens(apps, schema_editor):
    """Backwards: the clear token again, from the seal (erased registrations get a fresh, unused one)."""
    from aanbod.tokens import new_token, token_unseal

    Inschrijving = apps.get_model("aanbod", "Inschrijving")
    for inschrijving in Inschrijving.objects.only("pk", "token_hash", "token_seal").iterator():
        token = token_unseal(inschrijving.token_seal, inschrijving.token_hash) or new_token()
        Inschrijving.objects.filter(pk=inschrijving.pk).update(token=token)


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0010_typo_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="inschrijving",
            name="token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="inschrijving",
            name="token_seal",
            field=models.CharField(blank=True, editable=False, max_length=128),
        ),
        migrations.RunPython(hash_existing_tokens, restore_clear_tokens, elidable=False),
        migrations.RemoveField(model_name="inschrijving", name="token"),
        migrations.AlterField(
            model_name="inschrijving",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
