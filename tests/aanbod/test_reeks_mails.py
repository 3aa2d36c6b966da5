"""Series: a meeting's cancellation tells the series' registrants once; cancelling the series cancels
every meeting; reminders before the first meeting (or before each), claimed once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from aanbod.models import Activiteit, Inschrijving
from aanbod.services import inschrijvingen
from aanbod.services.inschrijvingen import send_due_reminders
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reeks():
    return factories.ReeksFactory(capaciteit=10, bijeenkomsten=3)


def register(reeks, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return inschrijvingen.inschrijving_create(
            activiteit=reeks, naam="Ouder", email=email, aantal_personen=1, taal="nl-be"
        )[0]


def move_meetings(reeks, first_in: timedelta):
    """Shift the meetings so the first starts `first_in` from now, a week apart."""
    for n, meeting in enumerate(reeks.bijeenkomsten):
        start = timezone.now().replace(microsecond=0) + first_in + timedelta(weeks=n)
        Activiteit.objects.filter(pk=meeting.pk).update(start=start, einde=start + timedelta(hours=2))


def test_cancelling_one_meeting_mails_the_series_registrants_once(reeks, django_capture_on_commit_callbacks):
    register(reeks, "a@example.org", django_capture_on_commit_callbacks)
    register(reeks, "b@example.org", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    tweede = reeks.bijeenkomsten[1]
    with django_capture_on_commit_callbacks(execute=True):
        inschrijvingen.activiteit_cancel(activiteit=tweede, reden="De lesgever is ziek.")
    with django_capture_on_commit_callbacks(execute=True):
        inschrijvingen.activiteit_cancel(activiteit=tweede, reden="De lesgever is ziek.")
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all("Cancelled: the meeting of" in m.subject for m in mail.outbox)
    assert "De lesgever is ziek." in mail.outbox[0].body
    assert Inschrijving.objects.filter(reeks=reeks, status="bevestigd").count() == 2


def test_cancelling_the_series_cancels_every_meeting_and_mails_once(
    reeks, django_capture_on_commit_callbacks
):
    register(reeks, "a@example.org", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            inschrijvingen.reeks_cancel(reeks=reeks, reden="Te weinig inschrijvingen.")
    assert Activiteit.objects.filter(reeks=reeks, geannuleerd=False).count() == 0
    assert len(mail.outbox) == 1
    assert "cancelled this activity" in mail.outbox[0].body
    reeks.refresh_from_db()
    assert inschrijvingen.inschrijving_closed_reason(reeks) == "geannuleerd"


def test_series_reminder_before_the_first_meeting_only(reeks, django_capture_on_commit_callbacks):
    register(reeks, "a@example.org", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    move_meetings(reeks, timedelta(hours=5))
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    # A week later the second meeting is near: no reminder unless the series wants one per meeting.
    move_meetings(reeks, timedelta(hours=-1, weeks=-1) + timedelta(hours=6))
    Inschrijving.objects.update(herinnering_geclaimd_op=timezone.now() - timedelta(days=7))
    assert send_due_reminders() == 0
    assert len(mail.outbox) == 1


def test_series_reminder_before_every_meeting_when_wanted(reeks, django_capture_on_commit_callbacks):
    reeks.herinnering_per_bijeenkomst = True
    reeks.save()
    register(reeks, "a@example.org", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    move_meetings(reeks, timedelta(hours=5))
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    first = reeks.bijeenkomsten[0]
    # The first meeting has begun; the second starts within the window.
    move_meetings(reeks, timedelta(weeks=-1, hours=8))
    Inschrijving.objects.update(herinnering_geclaimd_op=timezone.now() - timedelta(days=7))
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    inschrijving = Inschrijving.objects.get()
    assert inschrijving.herinnering_voor_id == reeks.bijeenkomsten[1].pk != first.pk
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject != mail.outbox[1].subject


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_series_reminders_under_two_racing_workers_are_sent_once(postgres):
    import threading
    from collections import Counter

    from django.db import connection

    from huisvanhetkind.lib.scoping import scopes_disabled

    reeks = factories.ReeksFactory(capaciteit=None, bijeenkomsten=2, herinnering_per_bijeenkomst=True)
    move_meetings(reeks, timedelta(hours=5))
    factories.InschrijvingFactory.create_batch(120, activiteit=None, reeks=reeks)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
            with scopes_disabled():
                counts.append(send_due_reminders())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 120
    per_address = Counter(message.to[0] for message in mail.outbox)
    assert len(per_address) == 120 and max(per_address.values()) == 1


def test_series_registration_is_erased_after_the_last_meeting(
    reeks, django_capture_on_commit_callbacks, settings
):
    from aanbod.services.inschrijvingen import inschrijvingen_erase_expired

    inschrijving = register(reeks, "a@example.org", django_capture_on_commit_callbacks)
    assert inschrijvingen_erase_expired() == 0
    move_meetings(reeks, -timedelta(days=settings.REGISTRATION_RETENTION_DAYS + 30))
    assert inschrijvingen_erase_expired() == 1
    inschrijving.refresh_from_db()
    assert inschrijving.email == "" and inschrijving.gewist_op is not None


def test_catch_up_sends_a_series_status_mail_left_unsent(reeks):
    from aanbod.services.inschrijvingen import inschrijvingen_catch_up

    factories.InschrijvingFactory(activiteit=None, reeks=reeks, email="a@example.org")
    assert inschrijvingen_catch_up() == 1
    assert [m.to[0] for m in mail.outbox] == ["a@example.org"]
