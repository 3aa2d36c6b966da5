"""Series in iCalendar: the feeds mark a meeting "part n of m" and relate the meetings of one series
(RELATED-TO;RELTYPE=SIBLING); the registration's .ics holds every meeting."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from aanbod.ical import uid
from aanbod.services import inschrijvingen
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reeks(partner_a):
    return factories.ReeksFactory(
        aanbod__partner=partner_a,
        aanbod__titel="Positief opvoeden",
        aanbod__samenvatting="Zes avonden over opvoeden.",
        titel="Positief opvoeden najaar",
        bijeenkomsten=3,
    )


def vevents(content: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in Calendar.from_ical(content).walk("VEVENT")}


def related(event) -> list[tuple[str, str]]:
    values = event.get("related-to", [])
    values = values if isinstance(values, list) else [values]
    return sorted((str(v), v.params.get("RELTYPE")) for v in values)


def test_the_agenda_feed_marks_each_meeting_and_relates_the_series(client, reeks):
    enkel = factories.ActiviteitFactory(aanbod=factories.AanbodFactory(titel="Infoavond"))
    events = vevents(client.get("/agenda.ics").content)
    uids = [uid(m.uuid) for m in reeks.bijeenkomsten]
    for number, own in enumerate(uids, start=1):
        event = events[own]
        assert str(event["summary"]) == f"Positief opvoeden najaar (part {number} of 3)"
        assert str(event["description"]).startswith(
            f"part {number} of 3 of a series: you register once for every meeting\n\nZes avonden"
        )
        assert related(event) == sorted((other, "SIBLING") for other in uids if other != own)
    single = events[uid(enkel.uuid)]
    assert str(single["summary"]) == "Infoavond"
    assert related(single) == []


def test_a_meetings_own_ics_knows_its_part_even_when_others_are_past_or_cancelled(client, reeks):
    first, second, third = reeks.bijeenkomsten
    inschrijvingen.activiteit_cancel(activiteit=first)
    [event] = vevents(client.get(f"/activiteiten/{third.pk}.ics").content).values()
    assert str(event["summary"]).endswith("(part 3 of 3)")
    assert related(event) == sorted([(uid(first.uuid), "SIBLING"), (uid(second.uuid), "SIBLING")])


def test_the_registrations_ics_holds_every_meeting_marked_and_related(client, reeks):
    inschrijving, _ = inschrijvingen.inschrijving_create(
        activiteit=reeks, naam="Ouder", email="ouder@example.org", aantal_personen=1, taal="nl-be"
    )
    inschrijvingen.activiteit_cancel(activiteit=reeks.bijeenkomsten[1], reden="ziekte")
    response = client.get(reverse("inschrijving_ics", kwargs={"token": inschrijving.token}))
    events = vevents(response.content)
    assert list(events) == [uid(m.uuid) for m in reeks.bijeenkomsten]
    assert [str(e["summary"])[-13:] for e in events.values()] == [
        "(part 1 of 3)",
        "(part 2 of 3)",
        "(part 3 of 3)",
    ]
    assert [str(e["status"]) for e in events.values()] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert all(len(related(e)) == 2 for e in events.values())


def test_the_dutch_feed_says_deel_n_van_m(client, reeks, translations):
    events = vevents(client.get("/agenda.ics").content)
    summary = str(events[uid(reeks.bijeenkomsten[1].uuid)]["summary"])
    assert summary == "Positief opvoeden najaar (deel 2 van 3)"


def test_series_add_no_query_per_meeting_to_the_feed(client, partner_a, django_assert_max_num_queries):
    factories.ReeksFactory(aanbod__partner=partner_a, bijeenkomsten=2)
    from django.core.cache import cache

    client.get("/agenda.ics")
    cache.clear()  # no VEVENT from the cache (PostgreSQL keeps them): both feeds are built whole
    with django_assert_max_num_queries(12) as few:
        client.get("/agenda.ics?a=1")
    for _number in range(5):
        factories.ReeksFactory(aanbod__partner=partner_a, bijeenkomsten=4)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = client.get("/agenda.ics?a=2").content
    assert content.count(b"RELATED-TO;RELTYPE=SIBLING") == 2 * 1 + 5 * 4 * 3
