"""The outbox under failure: 5xx, timeouts, an expired token, a lost answer to a create, duplicate rows,
a broker outage, a refusal, no connection yet, a crashed worker; and the periodic scans."""

import datetime as dt

import pytest
from django.utils import timezone

from aanbod.uitwisseling import services, tasks
from aanbod.uitwisseling.client import UitdatabankClient
from aanbod.uitwisseling.models import UitEvent, UitOutbox
from tests import factories

pytestmark = pytest.mark.django_db


def tick(aanbod, capture):
    with capture(execute=True):
        services.uitpublicatie_set(aanbod=aanbod, actief=True)


def due_now() -> None:
    """Let the backoff pass."""
    UitOutbox.objects.filter(status=UitOutbox.Status.WACHTEND).update(
        volgende_poging_op=timezone.now() - dt.timedelta(seconds=1)
    )


def test_a_500_is_retried_with_growing_backoff(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    fake.fail("POST", "/events", 500, times=2)
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)

    row = UitOutbox.objects.get()
    assert row.status == UitOutbox.Status.WACHTEND
    assert row.pogingen == 1
    assert "HTTP 500" in row.laatste_fout
    first_wait = row.volgende_poging_op - timezone.now()
    assert dt.timedelta(seconds=50) < first_wait <= dt.timedelta(minutes=1)
    staat = services.uit_overzicht(activiteit_a.aanbod)["staten"][0]
    assert staat.label == "Waiting to retry" and staat.moment == row.volgende_poging_op

    assert services.uit_outbox_send_due() == 0  # not due yet
    due_now()
    assert services.uit_outbox_send_due() == 0  # the second 500
    row.refresh_from_db()
    assert row.pogingen == 2
    assert row.volgende_poging_op - timezone.now() > dt.timedelta(minutes=1, seconds=50)

    due_now()
    assert services.uit_outbox_send_due() == 1
    assert len(fake.events) == 1
    assert services.uit_overzicht(activiteit_a.aanbod)["staten"][0].label == "In UiTdatabank since"


def test_a_timeout_is_retried(fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks):
    fake = fake_uitdatabank
    fake.fail("GET", "/organizers", "timeout")
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    assert "Timeout" in UitOutbox.objects.get().laatste_fout
    due_now()
    assert services.uit_outbox_send_due() == 1
    assert len(fake.events) == 1


def test_a_401_fetches_a_new_token_once(fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    assert fake.token_requests == 1  # cached across the organizer, place and event calls
    fake.expire_tokens()
    activiteit_a.titel = "Nieuwe titel"
    activiteit_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.activiteit_changed(activiteit=activiteit_a)

    assert fake.token_requests == 2
    assert next(iter(fake.events.values()))["name"] == {"nl": "Nieuwe titel"}
    assert UitOutbox.objects.filter(status=UitOutbox.Status.VERZONDEN).count() == 2


def test_wrong_credentials_wait_and_retry(
    fake_uitdatabank, settings, activiteit_a, django_capture_on_commit_callbacks
):
    settings.UITDATABANK_CLIENT_SECRET = "wrong"
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    row = UitOutbox.objects.get()
    assert row.status == UitOutbox.Status.WACHTEND and "token: HTTP 401" in row.laatste_fout
    assert fake_uitdatabank.events == {}


def test_a_create_whose_answer_was_lost_is_not_created_twice(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    fake.fail("POST", "/events", "lost")
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    assert len(fake.events) == 1  # it did arrive
    event = UitEvent.objects.get()
    assert event.uit_id == "" and event.create_verstuurd_op is not None

    due_now()
    assert services.uit_outbox_send_due() == 1
    event.refresh_from_db()
    assert len(fake.events) == 1
    assert len(fake.calls("POST", "/events")) == 1
    assert event.uit_id == next(iter(fake.events))
    assert fake.calls("PUT", f"/events/{event.uit_id}")


def test_two_rows_for_one_event_create_it_once(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    with django_capture_on_commit_callbacks(execute=False):
        services.uitpublicatie_set(aanbod=activiteit_a.aanbod, actief=True)
    event = UitEvent.objects.get()
    # A second row as a duplicated message or a second worker would see it.
    UitOutbox.objects.create(event=event, actie=UitOutbox.Actie.BIJWERKEN)
    first, second = UitOutbox.objects.order_by("pk")
    assert services.uit_outbox_send(outbox_id=first.pk) == "sent"
    assert services.uit_outbox_send(outbox_id=second.pk) == "not-due"  # superseded by the first
    assert services.uit_outbox_send(outbox_id=first.pk) == "not-due"  # a message delivered twice
    assert len(fake.calls("POST", "/events")) == 1
    second.refresh_from_db()
    assert second.status == UitOutbox.Status.OVERBODIG


def test_a_create_row_for_an_event_that_exists_is_an_update(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    row = UitOutbox.objects.create(event=UitEvent.objects.get(), actie=UitOutbox.Actie.BIJWERKEN)
    assert services.uit_outbox_send(outbox_id=row.pk) == "sent"
    assert len(fake.calls("POST", "/events")) == 1
    assert len(fake.calls("PUT", "/events/")) == 1


def test_an_event_busy_in_another_worker_waits(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.uitpublicatie_set(aanbod=activiteit_a.aanbod, actief=True)
    UitEvent.objects.update(bezig_sinds=timezone.now())
    row = UitOutbox.objects.get()
    assert services.uit_outbox_send(outbox_id=row.pk) == "busy"
    row.refresh_from_db()
    assert row.status == UitOutbox.Status.WACHTEND and row.volgende_poging_op > timezone.now()
    assert fake_uitdatabank.log == []


def test_a_row_claimed_by_a_crashed_worker_is_taken_over(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.uitpublicatie_set(aanbod=activiteit_a.aanbod, actief=True)
    lang_geleden = timezone.now() - dt.timedelta(hours=1)
    UitOutbox.objects.update(status=UitOutbox.Status.BEZIG, geclaimd_op=lang_geleden)
    UitEvent.objects.update(bezig_sinds=lang_geleden)
    assert services.uit_outbox_send_due() == 1
    assert len(fake_uitdatabank.events) == 1


def test_a_broker_outage_delays_but_loses_nothing(
    fake_uitdatabank, activiteit_a, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.send_uitdatabank, "apply_async", broker_down)
        tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)  # the request still succeeds
    assert fake_uitdatabank.log == []
    assert UitOutbox.objects.get().status == UitOutbox.Status.WACHTEND

    tasks.send_due.delay()  # the beat scan, once the broker is back
    assert len(fake_uitdatabank.events) == 1
    assert UitOutbox.objects.get().status == UitOutbox.Status.VERZONDEN


def test_an_api_outage_is_survived(fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks):
    fake = fake_uitdatabank
    fake.fail("GET", "/", 503, times=5)
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    for _ in range(5):
        due_now()
        services.uit_outbox_send_due()
    assert len(fake.events) == 1
    assert UitOutbox.objects.get().pogingen == 6


def test_a_refusal_fails_the_row_visibly(fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks):
    fake_uitdatabank.fail("POST", "/events", 400)
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    row = UitOutbox.objects.get()
    assert row.status == UitOutbox.Status.MISLUKT and "HTTP 400" in row.laatste_fout
    staat = services.uit_overzicht(activiteit_a.aanbod)["staten"][0]
    assert staat.label == "Refused by UiTdatabank"
    due_now()
    assert services.uit_outbox_send_due() == 0


def test_without_a_connection_nothing_is_sent_and_rows_wait(
    settings, activiteit_a, django_capture_on_commit_callbacks
):
    settings.UITDATABANK_CLIENT_ID = ""
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    row = UitOutbox.objects.get()
    assert row.status == UitOutbox.Status.WACHTEND and "not connected" in row.laatste_fout
    assert services.uit_overzicht(activiteit_a.aanbod)["verbonden"] is False


def test_reconcile_notices_a_change_made_in_the_admin(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    assert services.uit_reconcile() == 0  # nothing changed
    aanbod = activiteit_a.aanbod
    aanbod.samenvatting = "Een andere samenvatting."
    aanbod.save()  # as the admin would: no service, no outbox row
    nieuw = factories.ActiviteitFactory(aanbod=aanbod, locatie=activiteit_a.locatie)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.uit_reconcile() == 2
    assert len(fake.events) == 2
    assert UitEvent.objects.get(activiteit=nieuw).uit_id
    assert all(e["description"]["nl"].startswith("Een andere samenvatting.") for e in fake.events.values())
    assert services.uit_reconcile() == 0


def test_the_client_reads_the_settings(settings):
    settings.UITDATABANK_CLIENT_ID = "id"
    settings.UITDATABANK_ENTRY_URL = "https://io.uitdatabank.be"
    client = UitdatabankClient.from_settings()
    assert client.entry_url == "https://io.uitdatabank.be"
    assert client.event_url("abc") == "https://io.uitdatabank.be/events/abc"


def test_backoff_grows_and_is_capped():
    assert [services.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert services.backoff(30) == services.MAX_BACKOFF


def test_the_beat_schedule_runs_the_scans(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"uitwisseling.send_due", "uitwisseling.reconcile"} <= tasks_scheduled
    from huisvanhetkind.celery import app

    assert {"uitwisseling.send", "uitwisseling.send_due", "uitwisseling.reconcile"} <= set(app.tasks)


def test_an_unexpected_error_is_retried_later(
    fake_uitdatabank, activiteit_a, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise KeyError("a bug")

    with monkeypatch.context() as patched:
        patched.setattr(services.mapping, "event_payload", broken)
        tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    row = UitOutbox.objects.get()
    assert row.status == UitOutbox.Status.WACHTEND and row.laatste_fout == "KeyError"
    assert UitEvent.objects.get().bezig_sinds is None
    due_now()
    assert services.uit_outbox_send_due() == 1


def test_old_sent_rows_are_pruned_failed_ones_stay(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    mislukt = UitOutbox.objects.create(
        event=UitEvent.objects.get(), actie=UitOutbox.Actie.BIJWERKEN, status=UitOutbox.Status.MISLUKT
    )
    UitOutbox.objects.update(verwerkt_op=timezone.now() - dt.timedelta(days=91))
    tasks.reconcile.delay()
    assert list(UitOutbox.objects.all()) == [mislukt]


def test_a_second_401_is_not_retried_at_once_but_later(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    fake.fail("POST", "/events", 401, times=2)
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    assert fake.token_requests == 2  # one new token, not a loop
    row = UitOutbox.objects.get()
    assert row.status == UitOutbox.Status.WACHTEND and "HTTP 401" in row.laatste_fout
    due_now()
    assert services.uit_outbox_send_due() == 1
