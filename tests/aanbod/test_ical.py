"""The iCalendar feeds: valid RFC 5545 that icalendar parses, with what the pages show."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from aanbod.ical import calendar_for
from aanbod.models import Aanbod, Activiteit
from tests import factories

pytestmark = pytest.mark.django_db


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def activiteit(gemeente_a):
    aanbod = factories.AanbodFactory(titel="Peuterturnen", samenvatting="Bewegen met je peuter.")
    aanbod.gemeenten.set([gemeente_a])
    locatie = factories.LocatieFactory(naam="Sporthal", straat="Sportlaan 3", latitude=51.05, longitude=3.72)
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    return factories.ActiviteitFactory(
        aanbod=aanbod, start=start, einde=start + timedelta(hours=1), locatie=locatie
    )


def test_activity_ics_describes_the_activity(client, activiteit):
    [event] = events(client.get(f"/activiteiten/{activiteit.pk}.ics"))
    assert str(event["uid"]) == f"activiteit-{activiteit.uuid}@huisvanhetkind"
    assert str(event["summary"]) == "Peuterturnen"
    assert event["dtstart"].dt == activiteit.start
    assert event["dtstart"].dt.tzinfo.key == "Europe/Brussels"
    assert str(event["location"]) == "Sporthal, Sportlaan 3, 9000 Gent"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["url"]).endswith(f"/aanbod/peuterturnen/#activiteit-{activiteit.pk}")


def test_activity_ics_has_a_timezone_and_is_an_attachment(client, activiteit):
    response = client.get(f"/activiteiten/{activiteit.pk}.ics")
    calendar = Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert response["Content-Disposition"] == f'attachment; filename="activiteit-{activiteit.pk}.ics"'


def test_uid_is_stable_between_downloads(client, activiteit):
    first = events(client.get(f"/activiteiten/{activiteit.pk}.ics"))[0]["uid"]
    second = events(client.get(f"/activiteiten/{activiteit.pk}.ics"))[0]["uid"]
    assert first == second


def test_cancelled_activity_is_status_cancelled_with_the_reason(client, activiteit):
    activiteit.geannuleerd = True
    activiteit.annulering_reden = "De lesgever is ziek."
    activiteit.save()
    [event] = events(client.get(f"/activiteiten/{activiteit.pk}.ics"))
    assert str(event["status"]) == "CANCELLED"
    assert str(event["description"]).startswith("De lesgever is ziek.")


def test_activity_ics_of_unpublished_aanbod_is_404(client, activiteit):
    Aanbod.objects.filter(pk=activiteit.aanbod_id).update(status=Aanbod.Status.GEARCHIVEERD)
    assert client.get(f"/activiteiten/{activiteit.pk}.ics").status_code == 404
    assert client.get("/activiteiten/999999.ics").status_code == 404


def test_agenda_feed_contains_what_the_agenda_page_shows(client, activiteit, gemeente_b):
    elders = factories.AanbodFactory(titel="Koken in Antwerpen")
    elders.gemeenten.set([gemeente_b])
    factories.ActiviteitFactory(aanbod=elders)
    factories.ActiviteitFactory(aanbod=factories.AanbodFactory(status=Aanbod.Status.CONCEPT))
    for params in ({}, {"gemeente": "gent"}, {"gemeente": "2000"}, {"q": "peuter"}, {"leeftijd": "30"}):
        page = client.get("/agenda/", params).context["page"]
        feed = events(client.get("/agenda.ics", params))
        assert {str(e["uid"]) for e in feed} == {
            f"activiteit-{a.uuid}@huisvanhetkind" for a in page.object_list
        }
    assert len(events(client.get("/agenda.ics"))) == 2


def test_agenda_feed_is_subscribable(client, activiteit):
    response = client.get("/agenda.ics")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-timezone"]) == "Europe/Brussels"
    assert calendar["refresh-interval"].dt == timedelta(hours=6)
    assert "max-age=900" in response["Cache-Control"]


def test_calendar_for_keeps_its_signature_for_e_mail_attachments(activiteit):
    body = calendar_for(
        Activiteit.objects.select_related("aanbod__partner", "locatie__gemeente"), naam="Mijn inschrijving"
    )
    calendar = Calendar.from_ical(body)
    assert str(calendar["x-wr-calname"]) == "Mijn inschrijving"
    [event] = calendar.walk("VEVENT")
    assert event["dtend"].dt.astimezone(ZoneInfo("UTC")) == activiteit.einde
    assert event["geo"].latitude == 51.05
