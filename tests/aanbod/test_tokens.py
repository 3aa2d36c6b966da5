"""Manage tokens stored as an HMAC and a seal, never in clear; links made before the change keep working."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aanbod import tokens
from aanbod.models import Inschrijving
from aanbod.services.inschrijvingen import inschrijving_create
from tests import factories
from tests.database_search import rows_containing

BEFORE = ("aanbod", "0010_typo_search_trigram_indexes")
AFTER = ("aanbod", "0011_inschrijving_token_hash")


def mailed_token(message) -> str:
    return re.search(r"/inschrijving/([A-Za-z0-9_-]+)/", message.body).group(1)


@pytest.mark.django_db
def test_registering_stores_no_clear_token_and_the_mailed_link_works(
    client, django_capture_on_commit_callbacks
):
    activiteit = factories.ActiviteitFactory()
    with django_capture_on_commit_callbacks(execute=True):
        inschrijving, _ = inschrijving_create(
            activiteit=activiteit, naam="Sara", email="sara@example.org", aantal_personen=1, taal="nl-be"
        )
    token = mailed_token(mail.outbox[0])
    assert len(token) >= 43
    assert rows_containing(token) == []
    assert Inschrijving.objects.get().token_hash in tokens.candidate_hashes(token)
    assert client.get(f"/inschrijving/{token}/").status_code == 200


@pytest.mark.django_db
def test_later_mails_carry_the_same_link():
    inschrijving = factories.InschrijvingFactory()
    token = inschrijving.token
    assert Inschrijving.objects.get().token == token  # unsealed from the database, for the reminder


@pytest.mark.django_db
def test_a_link_with_an_unknown_token_is_404(client):
    factories.InschrijvingFactory()
    assert client.get(f"/inschrijving/{tokens.new_token()}/").status_code == 404


@pytest.mark.django_db
def test_a_link_keeps_working_after_a_key_rotation(client, settings):
    inschrijving = factories.InschrijvingFactory()
    token = inschrijving.token
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert client.get(f"/inschrijving/{token}/").status_code == 200
    assert Inschrijving.objects.get().token == token


def test_unseal_refuses_a_seal_that_does_not_match_the_hash():
    seal = tokens.token_seal("abc")
    assert tokens.token_unseal(seal, tokens.token_hash("abc")) == "abc"
    assert tokens.token_unseal(seal, tokens.token_hash("abd")) == ""
    assert tokens.token_unseal("", tokens.token_hash("abc")) == ""


@pytest.mark.django_db(transaction=True)
def test_migration_hashes_the_existing_tokens_and_their_links_keep_working(client):
    activiteit = factories.ActiviteitFactory()  # at today's schema; the row outlives the way back
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    legacy = "Legacy_token-made-before-the-migration-0123456"
    erased = "Erased_token-made-before-the-migration-0123456"
    OldInschrijving = old_apps.get_model("aanbod", "Inschrijving")
    OldInschrijving.objects.create(
        activiteit_id=activiteit.pk, naam="Sara", email="sara@example.org", token=legacy
    )
    OldInschrijving.objects.create(
        activiteit_id=activiteit.pk, naam="", email="", token=erased, gewist_op="2026-01-01T00:00:00Z"
    )

    # The migration itself, on rows as they were before it (its function runs between adding the hash
    # and dropping the clear column).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # through AFTER to today's schema
    assert AFTER in MigrationExecutor(connection).loader.applied_migrations

    assert rows_containing(legacy) == []
    assert rows_containing(erased) == []
    inschrijving = Inschrijving.objects.get(naam="Sara")
    assert inschrijving.token == legacy
    assert client.get(f"/inschrijving/{legacy}/").status_code == 200
    assert client.get(f"/inschrijving/{erased}/").status_code == 404
    assert Inschrijving.objects.get(naam="").token_seal == ""


@pytest.mark.django_db
def test_bulk_created_registrations_get_a_token_each():
    activiteit = factories.ActiviteitFactory()
    Inschrijving.objects.bulk_create(
        Inschrijving(activiteit=activiteit, naam=f"Ouder {n}", email=f"ouder{n}@example.org")
        for n in range(3)
    )
    tokens_ = {inschrijving.token for inschrijving in Inschrijving.objects.all()}
    assert len(tokens_) == 3
    assert "" not in tokens_


def _first_format_seal(token: str, secret: str) -> str:
    """A seal as written before AES-GCM (nonce and the token XOR an HMAC keystream)."""
    import base64
    import secrets

    nonce = secrets.token_bytes(16)
    stream = tokens._keystream(nonce, len(token), secret)
    sealed = bytes(a ^ b for a, b in zip(token.encode(), stream, strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def test_seals_are_aes_gcm_and_a_changed_byte_is_refused(settings):
    token = tokens.new_token()
    seal = tokens.token_seal(token)
    assert seal.startswith("v2.") and token not in seal
    assert tokens.token_unseal(seal, tokens.token_hash(token)) == token
    body = seal.removeprefix("v2.")
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    assert tokens.token_unseal("v2." + flipped, tokens.token_hash(token)) == ""
    settings.SECRET_KEY_FALLBACKS = []
    settings.SECRET_KEY = "another key entirely, rotated without a fallback"
    assert tokens.token_unseal(seal, tokens.token_hash(token)) == ""


def test_seals_of_the_first_format_are_still_read(settings):
    token = tokens.new_token()
    seal = _first_format_seal(token, settings.SECRET_KEY)
    assert tokens.token_unseal(seal, tokens.token_hash(token)) == token
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a newer key"
    assert (
        tokens.token_unseal(seal, tokens.token_hash(token, secret=settings.SECRET_KEY_FALLBACKS[0])) == token
    )
