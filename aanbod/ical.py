"""iCalendar (RFC 5545) for activities, built with `icalendar`: stable UIDs, Europe/Brussels times."""

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from huisvanhetkind.lib.text import single_line

from .models import Activiteit

BRUSSELS = ZoneInfo("Europe/Brussels")


def _event(activiteit: Activiteit) -> Event:
    event = Event()
    event.add("uid", f"activiteit-{activiteit.uuid}@huisvanhetkind")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(activiteit.start, BRUSSELS))
    event.add("dtend", timezone.localtime(activiteit.einde, BRUSSELS))
    # Text fields are single-line by the models' clean(), but a row written around it must not break
    # the feed: a content line may not hold a raw newline.
    event.add("summary", single_line(activiteit.naam))
    description = activiteit.aanbod.samenvatting
    if activiteit.geannuleerd and activiteit.annulering_reden:
        description = f"{activiteit.annulering_reden}\n\n{description}"
    event.add("description", description)
    event.add("url", settings.SITE_URL + activiteit.get_absolute_url())
    event.add("last-modified", activiteit.bijgewerkt_op)
    if activiteit.locatie_id:
        locatie = activiteit.locatie
        event["location"] = vText(single_line(f"{locatie.naam}, {locatie.adres}"))
        if locatie.latitude is not None and locatie.longitude is not None:
            event.add("geo", (float(locatie.latitude), float(locatie.longitude)))
    event.add("status", "CANCELLED" if activiteit.geannuleerd else "CONFIRMED")
    partner = activiteit.aanbod.partner
    if partner.email:
        event.add("organizer", f"mailto:{partner.email}", parameters={"CN": single_line(partner.naam)})
    return event


def calendar_for(activiteiten: Iterable[Activiteit], *, naam: str) -> bytes:
    """One VCALENDAR with a VEVENT per activity (select_related aanbod__partner and locatie beforehand)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Huis van het Kind//wegwijzer//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(single_line(naam)))
    calendar.add("x-wr-timezone", "Europe/Brussels")
    calendar.add("method", "PUBLISH")
    # Calendar apps that subscribe to the agenda feed look again every few hours.
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for activiteit in activiteiten:
        calendar.add_component(_event(activiteit))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ical(activiteit: Activiteit) -> bytes:
    """One activity's VEVENT, serialised: for a feed that keeps its events in a cache."""
    return _event(activiteit).to_ical()


def calendar_from_events(events: list[bytes], *, naam: str, sample: Activiteit) -> bytes:
    """The VCALENDAR of `calendar_for` around VEVENTs serialised beforehand by `event_ical`.

    Serialising is most of the cost of a 500-event feed (icalendar folds every line in Python), so a
    feed that keeps its events can skip it. `sample` (any of the activities) gives the envelope its
    VTIMEZONE: the envelope is built around it, and its own VEVENT is replaced by `events`.
    """
    envelope = calendar_for([sample], naam=naam)
    head, _, rest = envelope.partition(b"BEGIN:VEVENT")
    _, _, tail = rest.partition(b"END:VEVENT\r\n")
    return head + b"".join(events) + tail
