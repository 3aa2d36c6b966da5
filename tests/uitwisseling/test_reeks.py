"""A series (Reeks) in UiTdatabank: one event with a `multiple` calendar of its meetings, the series' places
on every subEvent, a cancelled meeting as a cancelled subEvent, a cancelled series Unavailable. Every
request is validated against publiq's entry.json by the fake."""

import datetime as dt

import pytest
from django.utils import timezone

from aanbod.models import Aanbod
from aanbod.services.inschrijvingen import (
    activiteit_cancel,
    inschrijving_cancel,
    inschrijving_create,
    reeks_cancel,
)
from aanbod.uitwisseling import mapping, services
from aanbod.uitwisseling.models import UitEvent, UitOutbox
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reeks(partner_a):
    aanbod = factories.AanbodFactory(
        partner=partner_a, soort=Aanbod.Soort.OUDERCURSUS, titel="Positief opvoeden"
    )
    return factories.ReeksFactory(
        aanbod=aanbod, titel="Positief opvoeden najaar", capaciteit=4, bijeenkomsten=3
    )


def tick(aanbod, capture, actief=True):
    with capture(execute=True):
        services.uitpublicatie_set(aanbod=aanbod, actief=actief)


def only_event(fake) -> dict:
    assert len(fake.events) == 1
    return next(iter(fake.events.values()))


def register(reeks, email, n, capture):
    with capture(execute=True):
        return inschrijving_create(
            activiteit=reeks, naam="Ouder", email=email, aantal_personen=n, taal="nl-be"
        )[0]


def test_a_series_is_one_multiple_event_with_the_series_places(
    fake_uitdatabank, reeks, django_capture_on_commit_callbacks
):
    enkel = factories.ActiviteitFactory(aanbod=reeks.aanbod, capaciteit=15)
    tick(reeks.aanbod, django_capture_on_commit_callbacks)

    assert len(fake_uitdatabank.events) == 2  # the series, and the single activity next to it
    reeks_event = UitEvent.objects.get(reeks=reeks)
    assert reeks_event.soort == UitEvent.Soort.REEKS
    assert UitEvent.objects.get(activiteit=enkel).soort == UitEvent.Soort.ACTIVITEIT
    # A meeting of the series is never an event of its own.
    assert not UitEvent.objects.filter(activiteit__reeks=reeks).exists()
    event = fake_uitdatabank.events[reeks_event.uit_id]
    assert event["calendarType"] == "multiple"
    assert event["name"] == {"nl": "Positief opvoeden najaar"}
    meetings = reeks.bijeenkomsten
    assert [sub["startDate"] for sub in event["subEvent"]] == [
        timezone.localtime(m.start).isoformat() for m in meetings
    ]
    assert {str(sub["bookingAvailability"]) for sub in event["subEvent"]} == {
        str({"type": "Available", "capacity": 4, "remainingCapacity": 4})
    }
    assert event["bookingInfo"]["url"] == f"https://portaal.example/reeksen/{reeks.pk}/inschrijven/"
    assert event["bookingInfo"]["urlLabel"] == mapping.INSCHRIJVEN


def test_a_full_series_is_unavailable_with_the_waiting_list_label(
    fake_uitdatabank, reeks, django_capture_on_commit_callbacks
):
    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    uit_id = UitEvent.objects.get(reeks=reeks).uit_id

    inschrijving = register(reeks, "a@example.org", 2, django_capture_on_commit_callbacks)
    event = fake_uitdatabank.events[uit_id]
    assert [sub["bookingAvailability"]["remainingCapacity"] for sub in event["subEvent"]] == [2, 2, 2]
    assert UitOutbox.objects.filter(actie=UitOutbox.Actie.BESCHIKBAARHEID).count() == 1

    register(reeks, "b@example.org", 2, django_capture_on_commit_callbacks)
    event = fake_uitdatabank.events[uit_id]
    assert [sub["bookingAvailability"]["type"] for sub in event["subEvent"]] == ["Unavailable"] * 3
    assert [sub["bookingAvailability"]["remainingCapacity"] for sub in event["subEvent"]] == [0, 0, 0]
    assert event["bookingInfo"]["urlLabel"] == mapping.WACHTLIJST
    patches = fake_uitdatabank.calls("PATCH", f"/events/{uit_id}/sub-events")
    assert [change["id"] for change in patches[-1][2]] == [0, 1, 2]

    with django_capture_on_commit_callbacks(execute=True):
        inschrijving_cancel(inschrijving=inschrijving)
    event = fake_uitdatabank.events[uit_id]
    assert [sub["bookingAvailability"]["type"] for sub in event["subEvent"]] == ["Available"] * 3
    assert event["bookingInfo"]["urlLabel"] == mapping.INSCHRIJVEN
    assert len(fake_uitdatabank.calls("POST", "/events")) == 1


def test_cancelling_one_meeting_cancels_its_sub_event_only(
    fake_uitdatabank, reeks, django_capture_on_commit_callbacks
):
    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    second = reeks.bijeenkomsten[1]
    with django_capture_on_commit_callbacks(execute=True):
        activiteit_cancel(activiteit=second, reden="ziekte")

    event = only_event(fake_uitdatabank)
    assert [sub["status"] for sub in event["subEvent"]] == [
        {"type": "Available"},
        {"type": "Unavailable", "reason": mapping.GEANNULEERD},
        {"type": "Available"},
    ]
    assert event.get("status", {"type": "Available"})["type"] == "Available"
    assert UitEvent.objects.get(reeks=reeks).geannuleerd_op is None
    assert fake_uitdatabank.calls("PUT", f"/events/{UitEvent.objects.get(reeks=reeks).uit_id}/status") == []


def test_cancelling_the_series_makes_the_event_unavailable(
    fake_uitdatabank, reeks, django_capture_on_commit_callbacks
):
    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        reeks_cancel(reeks=reeks, reden="te weinig inschrijvingen")

    uit = UitEvent.objects.get(reeks=reeks)
    assert fake_uitdatabank.calls("PUT", f"/events/{uit.uit_id}/status") == [
        ("PUT", f"/events/{uit.uit_id}/status", {"type": "Unavailable", "reason": mapping.GEANNULEERD})
    ]
    assert only_event(fake_uitdatabank)["status"]["type"] == "Unavailable"
    assert uit.geannuleerd_op is not None
    assert fake_uitdatabank.calls("DELETE") == []


def test_an_event_from_before_series_is_taken_over_not_doubled(
    fake_uitdatabank, reeks, django_capture_on_commit_callbacks
):
    """An oudercursus's dates were one `reeks` event of the aanbod before series existed."""
    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    uit = UitEvent.objects.get(reeks=reeks)
    UitEvent.objects.filter(pk=uit.pk).update(reeks=None)
    reeks.titel = "Nieuwe naam"
    reeks.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.aanbod_changed(aanbod=reeks.aanbod)

    assert UitEvent.objects.get().pk == uit.pk
    assert UitEvent.objects.get().reeks == reeks
    assert len(fake_uitdatabank.calls("POST", "/events")) == 1
    assert only_event(fake_uitdatabank)["name"] == {"nl": "Nieuwe naam"}
    assert fake_uitdatabank.calls("PUT", f"/events/{uit.uit_id}/status") == []


def test_two_series_of_one_aanbod_are_two_events_and_reconcile_finds_a_new_one(
    fake_uitdatabank, reeks, django_capture_on_commit_callbacks
):
    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    tweede = factories.ReeksFactory(aanbod=reeks.aanbod, bijeenkomsten=2)  # no service was told
    with django_capture_on_commit_callbacks(execute=True):
        assert services.uit_reconcile() >= 1
    assert len(fake_uitdatabank.events) == 2
    event = fake_uitdatabank.events[UitEvent.objects.get(reeks=tweede).uit_id]
    assert len(event["subEvent"]) == 2
    assert event["bookingInfo"]["url"].endswith(f"/reeksen/{tweede.pk}/inschrijven/")


def test_a_past_series_is_never_sent_nor_cancelled(
    fake_uitdatabank, reeks, django_capture_on_commit_callbacks
):
    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    for meeting in reeks.bijeenkomsten:
        meeting.start -= dt.timedelta(days=60)
        meeting.einde -= dt.timedelta(days=60)
        meeting.save()
    before = len(fake_uitdatabank.log)
    tick(reeks.aanbod, django_capture_on_commit_callbacks, actief=False)
    assert fake_uitdatabank.log[before:] == []


def test_the_partners_page_names_the_series_event(
    bob, reeks, fake_uitdatabank, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.partners.portal_helpers import client_for

    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    page = client_for(bob).get(reverse("portal_aanbod_detail", kwargs={"pk": reeks.aanbod.pk})).text
    assert "Positief opvoeden najaar (The meetings of a course (multiple))" in page
    assert UitEvent.objects.get(reeks=reeks).url in page


def test_an_event_is_for_one_series_and_only_a_reeks_event_has_one(reeks):
    from django.db import IntegrityError, transaction

    UitEvent.objects.create(aanbod=reeks.aanbod, soort=UitEvent.Soort.REEKS, reeks=reeks)
    with pytest.raises(IntegrityError), transaction.atomic():
        UitEvent.objects.create(aanbod=reeks.aanbod, soort=UitEvent.Soort.REEKS, reeks=reeks)
    tweede = factories.ReeksFactory(aanbod=reeks.aanbod, bijeenkomsten=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        UitEvent.objects.create(aanbod=reeks.aanbod, soort=UitEvent.Soort.OPENINGSUREN, reeks=tweede)
    # Two series of one aanbod are two events; one event from before series may stand beside them.
    UitEvent.objects.create(aanbod=reeks.aanbod, soort=UitEvent.Soort.REEKS, reeks=tweede)
    UitEvent.objects.create(aanbod=reeks.aanbod, soort=UitEvent.Soort.REEKS)
    with pytest.raises(IntegrityError), transaction.atomic():
        UitEvent.objects.create(aanbod=reeks.aanbod, soort=UitEvent.Soort.REEKS)


def test_a_change_to_the_series_is_sent_whole(fake_uitdatabank, reeks, django_capture_on_commit_callbacks):
    tick(reeks.aanbod, django_capture_on_commit_callbacks)
    reeks.capaciteit = 10
    reeks.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reeks_changed(reeks=reeks) == 1
    event = only_event(fake_uitdatabank)
    assert {sub["bookingAvailability"]["capacity"] for sub in event["subEvent"]} == {10}
    assert len(fake_uitdatabank.calls("PUT", "/events/")) == 1
