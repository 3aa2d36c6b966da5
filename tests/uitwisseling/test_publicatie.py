"""Publishing to UiTdatabank: what is sent (checked against publiq's entry.json by the fake), reuse of
organizers and places, updates, cancellation by status, booking availability, what is never sent."""

import datetime as dt

import pytest
from django.utils import timezone

from aanbod.models import Aanbod, Doelgroep
from aanbod.services.inschrijvingen import activiteit_cancel, inschrijving_cancel, inschrijving_create
from aanbod.services.moderatie import aanbod_archive
from aanbod.uitwisseling import mapping, services
from aanbod.uitwisseling.models import UitEvent, UitOrganisator, UitOutbox, UitPlaats, UitPublicatie
from tests import factories
from tests.uitwisseling.fake_entry_api import ENTRY

pytestmark = pytest.mark.django_db


def tick(aanbod, capture, actief=True):
    with capture(execute=True):
        services.uitpublicatie_set(aanbod=aanbod, actief=actief)


def only_event(fake) -> dict:
    assert len(fake.events) == 1
    return next(iter(fake.events.values()))


def test_ticking_creates_a_valid_single_event(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)

    event = only_event(fake)
    assert event["mainLanguage"] == "nl"
    assert event["calendarType"] == "single"
    assert event["name"] == {"nl": activiteit_a.aanbod.titel}
    assert event["terms"] == [{"id": "0.3.2.0.0", "label": "Lezing of congres", "domain": "eventtype"}]
    assert event["workflowStatus"] == "READY_FOR_VALIDATION"
    assert event["subEvent"][0]["startDate"] == timezone.localtime(activiteit_a.start).isoformat()
    assert event["subEvent"][0]["bookingAvailability"] == {
        "type": "Available",
        "capacity": 20,
        "remainingCapacity": 20,
    }
    assert (
        event["bookingInfo"]["url"] == f"https://portaal.example/activiteiten/{activiteit_a.pk}/inschrijven/"
    )
    assert event["priceInfo"] == [
        {"category": "base", "name": mapping.BASISTARIEF, "price": 0.0, "priceCurrency": "EUR"}
    ]
    assert event["typicalAgeRange"] == "18-"
    uit = UitEvent.objects.get(activiteit=activiteit_a)
    assert uit.uit_id and uit.in_uitdatabank_sinds is not None
    assert event["@id"] == uit.url
    # No organizer or place existed: each was created once, and is remembered.
    assert event["organizer"]["@id"] == UitOrganisator.objects.get().url
    assert event["location"]["@id"] == UitPlaats.objects.get().url
    assert len(fake.calls("POST", "/organizers")) == len(fake.calls("POST", "/places")) == 1
    assert UitOutbox.objects.get().status == UitOutbox.Status.VERZONDEN


def test_existing_organizer_and_place_are_reused_never_duplicated(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    partner = activiteit_a.aanbod.partner
    partner.website = "https://www.opvoedingswinkel-a.example/"
    partner.save()
    organizer = fake.add_organizer(name="Andere schrijfwijze", url="https://www.opvoedingswinkel-a.example")
    place = fake.add_place(name=activiteit_a.locatie.naam, postcode=activiteit_a.locatie.postcode)

    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    tweede = factories.ActiviteitFactory(aanbod=activiteit_a.aanbod, locatie=activiteit_a.locatie)
    with django_capture_on_commit_callbacks(execute=True):
        services.activiteit_changed(activiteit=tweede)

    assert fake.calls("POST", "/organizers") == fake.calls("POST", "/places") == []
    assert {e["organizer"]["@id"] for e in fake.events.values()} == {organizer}
    assert {e["location"]["@id"] for e in fake.events.values()} == {place}
    assert UitOrganisator.objects.get().aangemaakt is False
    assert len(fake.calls("GET", "/organizers")) == 1  # searched once, then remembered


def test_a_change_is_an_update_not_a_second_create(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    activiteit_a.titel = "Slapen zonder tranen"
    activiteit_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.activiteit_changed(activiteit=activiteit_a)

    assert len(fake.calls("POST", "/events")) == 1
    assert len(fake.calls("PUT", "/events/")) == 1
    assert only_event(fake)["name"] == {"nl": "Slapen zonder tranen"}


def test_cancelling_an_activity_sets_status_unavailable(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        activiteit_cancel(activiteit=activiteit_a, reden="ziekte")

    uit_id = UitEvent.objects.get().uit_id
    assert fake.calls("PUT", f"/events/{uit_id}/status") == [
        ("PUT", f"/events/{uit_id}/status", {"type": "Unavailable", "reason": mapping.GEANNULEERD})
    ]
    assert only_event(fake)["status"]["type"] == "Unavailable"
    assert UitEvent.objects.get().geannuleerd_op is not None
    assert fake.calls("DELETE") == []


def test_registrations_keep_places_left_and_the_waiting_list_current(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    activiteit_a.capaciteit = 2
    activiteit_a.save()
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        inschrijving, _ = inschrijving_create(
            activiteit=activiteit_a, naam="Ouder", email="ouder@example.org", aantal_personen=2, taal="nl-be"
        )

    event = only_event(fake)
    assert event["subEvent"][0]["bookingAvailability"] == {
        "type": "Unavailable",
        "capacity": 2,
        "remainingCapacity": 0,
    }
    assert event["bookingInfo"]["urlLabel"] == mapping.WACHTLIJST
    assert event["bookingInfo"]["url"].endswith(f"/activiteiten/{activiteit_a.pk}/inschrijven/")

    with django_capture_on_commit_callbacks(execute=True):
        inschrijving_cancel(inschrijving=inschrijving)
    assert only_event(fake)["subEvent"][0]["bookingAvailability"]["remainingCapacity"] == 2
    assert only_event(fake)["bookingInfo"]["urlLabel"] == mapping.INSCHRIJVEN


def test_unticking_cancels_what_is_in_uitdatabank(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks, actief=False)

    assert only_event(fake)["status"] == {"type": "Unavailable", "reason": mapping.NIET_MEER}
    assert fake.calls("DELETE") == []


def test_archiving_cancels_too(fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        aanbod_archive(aanbod=activiteit_a.aanbod, user=None)
    assert only_event(fake)["status"]["type"] == "Unavailable"


def test_opening_hours_are_a_permanent_event(fake_uitdatabank, partner_a, django_capture_on_commit_callbacks):
    fake = fake_uitdatabank
    locatie = factories.LocatieFactory(partner=partner_a)
    aanbod = factories.AanbodFactory(
        partner=partner_a,
        soort=Aanbod.Soort.SPEELMOMENT,
        doelgroepen=[Doelgroep.OUDERS, Doelgroep.KINDEREN],
        leeftijd_van=0,
        leeftijd_tot=3,
        kosten=Aanbod.Kosten.BETALEND,
        prijs="2.50",
        kansentarief=True,
    )
    factories.OpeningsuurFactory(aanbod=aanbod, locatie=locatie)
    factories.OpeningsuurFactory(aanbod=aanbod, locatie=locatie, weekdag=5, van="09:30", tot="12:00")
    tick(aanbod, django_capture_on_commit_callbacks)

    event = only_event(fake)
    assert event["calendarType"] == "permanent"
    assert event["openingHours"] == [
        {"opens": "14:00", "closes": "17:00", "dayOfWeek": ["wednesday"]},
        {"opens": "09:30", "closes": "12:00", "dayOfWeek": ["saturday"]},
    ]
    assert event["typicalAgeRange"] == "0-3"
    assert event["priceInfo"][0]["price"] == 2.5
    assert event["terms"][0]["id"] == "0.50.21.0.0"
    assert event["bookingInfo"]["url"].endswith("#openingsuren")


def test_a_course_is_one_multiple_event(fake_uitdatabank, partner_a, django_capture_on_commit_callbacks):
    fake = fake_uitdatabank
    locatie = factories.LocatieFactory(partner=partner_a)
    aanbod = factories.AanbodFactory(partner=partner_a, soort=Aanbod.Soort.OUDERCURSUS)
    reeks = factories.ReeksFactory(aanbod=aanbod, bijeenkomsten=0)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    for week in range(3):
        factories.ActiviteitFactory(
            aanbod=aanbod, reeks=reeks, locatie=locatie, start=start + dt.timedelta(weeks=week)
        )
    tick(aanbod, django_capture_on_commit_callbacks)

    event = only_event(fake)
    assert event["calendarType"] == "multiple"
    assert len(event["subEvent"]) == 3
    assert event["terms"][0] == {"id": "0.3.1.0.0", "label": "Lessenreeks", "domain": "eventtype"}
    assert UitEvent.objects.get().soort == UitEvent.Soort.REEKS


def test_online_activity_uses_publiqs_online_place(
    fake_uitdatabank, aanbod_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    factories.ActiviteitFactory(aanbod=aanbod_a, locatie=None, online=True)
    tick(aanbod_a, django_capture_on_commit_callbacks)
    event = only_event(fake)
    assert event["attendanceMode"] == "online"
    assert event["location"]["@id"] == f"{ENTRY}/places/{mapping.ONLINE_PLAATS}"
    assert fake.calls("POST", "/places") == []


@pytest.mark.parametrize(
    "soort",
    [Aanbod.Soort.CONSULTATIE, Aanbod.Soort.ADVIESGESPREK, Aanbod.Soort.HUISBEZOEK, Aanbod.Soort.INFOTHEEK],
)
def test_individual_help_is_never_sent(
    fake_uitdatabank, partner_a, soort, django_capture_on_commit_callbacks
):
    aanbod = factories.AanbodFactory(partner=partner_a, soort=soort)
    factories.ActiviteitFactory(aanbod=aanbod)
    tick(aanbod, django_capture_on_commit_callbacks)
    assert mapping.niet_verzendbaar(aanbod)
    assert fake_uitdatabank.log == []
    assert not UitEvent.objects.exists()


def test_by_appointment_only_is_never_sent(fake_uitdatabank, aanbod_a, django_capture_on_commit_callbacks):
    tick(aanbod_a, django_capture_on_commit_callbacks)
    assert mapping.niet_verzendbaar(aanbod_a) == str(mapping.OP_AFSPRAAK)
    assert fake_uitdatabank.log == []


def test_unpublished_aanbod_is_not_sent_until_published(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    from aanbod.services.moderatie import aanbod_publish

    aanbod = activiteit_a.aanbod
    aanbod.status = Aanbod.Status.INGEDIEND
    aanbod.save()
    tick(aanbod, django_capture_on_commit_callbacks)
    assert fake_uitdatabank.log == []
    coordinator = factories.CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        aanbod_publish(aanbod=aanbod, user=coordinator)
    assert len(fake_uitdatabank.events) == 1


def test_nothing_happens_for_aanbod_that_is_not_ticked(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inschrijving_create(
            activiteit=activiteit_a, naam="Ouder", email="o@example.org", aantal_personen=1, taal="nl-be"
        )
        activiteit_cancel(activiteit=activiteit_a)
    assert fake_uitdatabank.log == []
    assert not UitOutbox.objects.exists()
    assert not UitPublicatie.objects.exists()


def test_past_activities_are_never_cancelled(
    fake_uitdatabank, activiteit_a, django_capture_on_commit_callbacks
):
    fake = fake_uitdatabank
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks)
    activiteit_a.start = timezone.now() - dt.timedelta(days=2)
    activiteit_a.einde = activiteit_a.start + dt.timedelta(hours=2)
    activiteit_a.save()
    tick(activiteit_a.aanbod, django_capture_on_commit_callbacks, actief=False)
    assert fake.calls("PUT") == []
