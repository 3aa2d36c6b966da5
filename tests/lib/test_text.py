"""Single-line plain text (huisvanhetkind.lib.text) at the boundary: models' clean(), the .ics, the mail."""

import pytest
from django.core import mail
from django.urls import reverse

from aanbod.models import Activiteit
from aanbod.services.inschrijvingen import inschrijving_create, inschrijving_status_mail_send
from huisvanhetkind.lib.text import single_line
from tests import factories


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Yoga\r\nvoor ouders", "Yoga voor ouders"),
        ("  twee   spaties\t", "twee spaties"),
        ("nul\x00byte", "nul byte"),
        ("regel\u2028scheiding", "regel scheiding"),
        (None, ""),
        ("", ""),
    ],
)
def test_single_line_removes_control_characters_and_collapses_whitespace(value, expected):
    assert single_line(value) == expected


@pytest.mark.django_db
def test_model_clean_makes_char_fields_single_line_and_keeps_text_fields():
    aanbod = factories.AanbodFactory(
        titel="Slapen\nzonder zorgen", beschrijving="Eerste regel.\nTweede regel."
    )
    aanbod.full_clean(exclude=["afbeelding"])
    assert aanbod.titel == "Slapen zonder zorgen"
    assert aanbod.beschrijving == "Eerste regel.\nTweede regel."
    activiteit = factories.ActiviteitFactory(titel="Avond\r\nsessie")
    activiteit.full_clean()
    assert activiteit.titel == "Avond sessie"


@pytest.mark.django_db
def test_ics_of_an_activity_with_a_newline_in_its_title_is_valid(client):
    # Stored around clean() (an old row, a raw update): the feed must still not break.
    activiteit = factories.ActiviteitFactory(titel="Yoga\r\nvoor ouders")
    Activiteit.objects.filter(pk=activiteit.pk).update(titel="Yoga\r\nvoor ouders")
    response = client.get(reverse("activiteit_ics", kwargs={"pk": activiteit.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "SUMMARY:Yoga voor ouders\r\n" in body
    assert "X-WR-CALNAME:Yoga voor ouders\r\n" in body
    assert all(line.endswith("\r") or line == "" for line in body.split("\n"))


@pytest.mark.django_db
def test_confirmation_mail_of_an_activity_with_a_newline_in_its_title_is_sent():
    activiteit = factories.ActiviteitFactory(capaciteit=5)
    Activiteit.objects.filter(pk=activiteit.pk).update(titel="Yoga\r\nvoor ouders")
    activiteit.refresh_from_db()
    inschrijving, _created = inschrijving_create(
        activiteit=activiteit, naam="Sara\nPeeters", email="sara@example.org", aantal_personen=1, taal="nl-be"
    )
    assert inschrijving.naam == "Sara Peeters"  # the registration's own fields are cleaned on the way in
    assert inschrijving_status_mail_send(inschrijving_id=inschrijving.pk) is True
    [message] = mail.outbox
    assert "Yoga voor ouders" in message.subject
    [(filename, content, _mimetype)] = message.attachments
    assert filename == "activiteit.ics"
    assert "SUMMARY:Yoga voor ouders\r\n" in str(content)
