"""Retention: personal data of registrations is erased REGISTRATION_RETENTION_DAYS after the activity."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from aanbod.models import Activiteit, Inschrijving
from aanbod.services.inschrijvingen import inschrijvingen_erase_expired, send_due_reminders
from aanbod.tasks.inschrijvingen import erase_expired_inschrijvingen
from tests import factories
from tests.database_search import rows_containing
from tests.vragen.conftest import with_mfa

pytestmark = pytest.mark.django_db


def activiteit_ended(days_ago: float):
    einde = timezone.now() - timedelta(days=days_ago)
    return factories.ActiviteitFactory(start=einde - timedelta(hours=2), einde=einde)


def test_erase_expired_erases_exactly_the_personal_data():
    activiteit = activiteit_ended(31)
    kept_fields = {
        "status": Inschrijving.Status.BEVESTIGD,
        "aantal_personen": 3,
        "aanwezig": True,
        "taal": "fr",
    }
    inschrijving = factories.InschrijvingFactory(
        activiteit=activiteit,
        naam="Sara Peeters",
        email="sara@example.org",
        telefoon="0470 12 34 56",
        **kept_fields,
    )
    cancelled = factories.InschrijvingFactory(activiteit=activiteit, status=Inschrijving.Status.GEANNULEERD)
    before = Inschrijving.objects.get(pk=inschrijving.pk)

    assert inschrijvingen_erase_expired() == 2

    after = Inschrijving.objects.get(pk=inschrijving.pk)
    assert (after.naam, after.email, after.telefoon) == ("", "", "")
    assert after.gewist_op is not None
    for field, value in kept_fields.items():
        assert getattr(after, field) == value
    assert after.aangemaakt_op == before.aangemaakt_op
    assert after.activiteit_id == activiteit.pk
    cancelled.refresh_from_db()
    assert cancelled.email == ""
    # The report's counts survive.
    assert Activiteit.objects.met_bezetting().get(pk=activiteit.pk).bezet == 3


def test_erase_expired_leaves_recent_and_upcoming_registrations_alone():
    recent = factories.InschrijvingFactory(activiteit=activiteit_ended(29), email="recent@example.org")
    upcoming = factories.InschrijvingFactory(email="upcoming@example.org")
    assert inschrijvingen_erase_expired() == 0
    recent.refresh_from_db()
    upcoming.refresh_from_db()
    assert recent.email == "recent@example.org"
    assert upcoming.email == "upcoming@example.org"
    assert recent.gewist_op is None


def test_erase_expired_follows_the_setting(settings):
    settings.REGISTRATION_RETENTION_DAYS = 7
    factories.InschrijvingFactory(activiteit=activiteit_ended(8))
    assert inschrijvingen_erase_expired() == 1


def test_erase_expired_twice_changes_nothing_the_second_time():
    inschrijving = factories.InschrijvingFactory(activiteit=activiteit_ended(40))
    inschrijvingen_erase_expired()
    gewist_op = Inschrijving.objects.get(pk=inschrijving.pk).gewist_op
    assert inschrijvingen_erase_expired() == 0
    assert Inschrijving.objects.get(pk=inschrijving.pk).gewist_op == gewist_op


def test_erased_registrations_of_one_activity_do_not_collide_on_the_unique_address():
    activiteit = activiteit_ended(40)
    factories.InschrijvingFactory.create_batch(5, activiteit=activiteit)
    assert inschrijvingen_erase_expired() == 5
    assert Inschrijving.objects.filter(activiteit=activiteit, email="").count() == 5


def test_erased_registration_gets_no_mail_and_its_link_is_gone(client):
    inschrijving = factories.InschrijvingFactory(activiteit=activiteit_ended(40))
    inschrijvingen_erase_expired()
    assert send_due_reminders() == 0
    assert client.get(inschrijving.get_absolute_url()).status_code == 404


def test_erase_command_and_task(capsys):
    factories.InschrijvingFactory(activiteit=activiteit_ended(40))
    call_command("erase_expired_inschrijvingen")
    assert "1 registration(s) erased" in capsys.readouterr().out
    factories.InschrijvingFactory(activiteit=activiteit_ended(50))
    assert erase_expired_inschrijvingen.delay().result == 1


# --- Erased everywhere ----------------------------------------------------------------------------------

NAAM = "Zoë Qwertyhuys"
EMAIL = "zoe.qwertyhuys@example.org"
TELEFOON = "0479 55 44 33"


def test_erase_expired_leaves_the_name_and_address_nowhere_in_the_database(client, superuser):
    activiteit = activiteit_ended(31)
    inschrijving = factories.InschrijvingFactory(
        activiteit=activiteit, naam=NAAM, email=EMAIL, telefoon=TELEFOON, aantal_personen=1
    )
    factories.InschrijvingFactory(activiteit=activiteit, naam=NAAM + " Junior", email="junior." + EMAIL)
    client.force_login(with_mfa(superuser))
    # Edited in the admin, on its own page and as an inline row of its activity: both leave history.
    change = f"/admin/aanbod/inschrijving/{inschrijving.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200
    form = page.context["adminform"].form
    payload = {name: form[name].value() or "" for name in form.fields}
    payload.update(aantal_personen="2", naam=NAAM, activiteit=str(activiteit.pk))
    response = client.post(change, payload)
    assert response.status_code == 302, response.content.decode()[:2000]
    LogEntry.objects.create(  # an entry made before __str__ stopped naming the registrant
        user=superuser,
        content_type_id=LogEntry.objects.get().content_type_id,
        object_id=str(inschrijving.pk),
        object_repr=f"{NAAM} — {activiteit} (bevestigd)",
        action_flag=2,
        change_message=f'[{{"changed": {{"name": "inschrijving", "object": "{NAAM} <{EMAIL}>"}}}}]',
    )
    LogEntry.objects.create(
        user=superuser,
        content_type=ContentType.objects.get_for_model(Activiteit),
        object_id=str(activiteit.pk),
        object_repr=str(activiteit),
        action_flag=2,
        change_message=f'[{{"changed": {{"name": "inschrijving", "object": "{NAAM} — {TELEFOON}"}}}}]',
    )
    assert rows_containing(NAAM)
    assert rows_containing(EMAIL)

    assert inschrijvingen_erase_expired() == 2

    assert rows_containing(NAAM) == []
    assert rows_containing(EMAIL) == []
    assert rows_containing(TELEFOON) == []
    # Who changed what and when stays; the activity's own entry keeps its text.
    assert LogEntry.objects.count() == 3
    assert LogEntry.objects.filter(object_repr=str(activiteit)).exists()


def test_inschrijving_str_names_neither_the_person_nor_the_activity():
    inschrijving = factories.InschrijvingFactory(naam=NAAM, email=EMAIL)
    assert str(inschrijving) == f"inschrijving #{inschrijving.pk}"
