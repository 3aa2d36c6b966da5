"""iCalendar (RFC 5545) for activities, built with `icalendar`: stable UIDs, Europe/Brussels times."""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from .models import Activiteit

BRUSSELS = ZoneInfo("Europe/Brussels")


def _event(activiteit: Activiteit) -> Event:
    event = Event()
    event.add("uid", f"activiteit-{activiteit.uuid}@huisvanhetkind")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(activiteit.start, BRUSSELS))
    event.add("dtend", timezone.localtime(activiteit.einde, BRUSSELS))
    event.add("summary", activiteit.naam)
    event.add("description", activiteit.aanbod.samenvatting)
    event.add("url", settings.SITE_URL + activiteit.get_absolute_url())
    event.add("last-modified", activiteit.bijgewerkt_op)
    if activiteit.locatie_id:
        event["location"] = vText(f"{activiteit.locatie.naam}, {activiteit.locatie.adres}")
    event.add("status", "CANCELLED" if activiteit.geannuleerd else "CONFIRMED")
    if activiteit.aanbod.partner.email:
        event.add("organizer", f"mailto:{activiteit.aanbod.partner.email}")
    return event


def calendar_for(activiteiten: Iterable[Activiteit], *, naam: str) -> bytes:
    """One VCALENDAR with a VEVENT per activity (select_related aanbod__partner and locatie beforehand)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Huis van het Kind//wegwijzer//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", naam)
    calendar.add("x-wr-timezone", "Europe/Brussels")
    for activiteit in activiteiten:
        calendar.add_component(_event(activiteit))
    calendar.add_missing_timezones()
    return calendar.to_ical()
