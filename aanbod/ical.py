"""iCalendar (RFC 5545) for activities, built with `icalendar`: stable UIDs, Europe/Brussels times.

A meeting of a series (Reeks) says which part it is in its SUMMARY ("Positief opvoeden (deel 2 van 6)")
and DESCRIPTION, and names every other meeting of its series by UID with RELATED-TO;RELTYPE=SIBLING
(RFC 5545 3.8.4.5 and 3.2.15): siblings share a parent, the series, which has no VEVENT of its own.
A calendar app can so keep the meetings together however many of them a feed or a download holds.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from huisvanhetkind.lib.text import single_line

from .models import Activiteit

BRUSSELS = ZoneInfo("Europe/Brussels")


def uid(activiteit_uuid) -> str:
    return f"activiteit-{activiteit_uuid}@huisvanhetkind"


@dataclass(frozen=True)
class ReeksInfo:
    """What a meeting's VEVENT says of its series: its name and its meetings' UIDs in date order."""

    titel: str
    uids: tuple[str, ...]


def reeks_info(activiteiten: Iterable[Activiteit]) -> dict[int, ReeksInfo]:
    """{reeks id: ReeksInfo} for the series among these activities, in one query (none without series).

    Every meeting counts, the cancelled and the past ones too, as in "deel n van m" on the pages."""
    ids = {a.reeks_id for a in activiteiten if a.reeks_id}
    if not ids:
        return {}
    rows = (
        Activiteit._base_manager.filter(reeks_id__in=ids)
        .order_by("reeks_id", "start", "id")
        .values_list("reeks_id", "uuid", "reeks__titel")
    )
    uids: dict[int, list[str]] = {}
    titels: dict[int, str] = {}
    for reeks_id, activiteit_uuid, titel in rows:
        uids.setdefault(reeks_id, []).append(uid(activiteit_uuid))
        titels[reeks_id] = titel
    return {reeks_id: ReeksInfo(titels[reeks_id], tuple(found)) for reeks_id, found in uids.items()}


def _event(activiteit: Activiteit, reeksen: dict[int, ReeksInfo] | None = None) -> Event:
    event = Event()
    own_uid = uid(activiteit.uuid)
    event.add("uid", own_uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(activiteit.start, BRUSSELS))
    event.add("dtend", timezone.localtime(activiteit.einde, BRUSSELS))
    # Text fields are single-line by the models' clean(), but a row written around it must not break
    # the feed: a content line may not hold a raw newline.
    naam = activiteit.naam
    description = activiteit.aanbod.samenvatting
    reeks = (reeksen if reeksen is not None else reeks_info([activiteit])).get(activiteit.reeks_id)
    if reeks is not None and own_uid in reeks.uids:
        deel = _("part %(n)s of %(m)s") % {"n": reeks.uids.index(own_uid) + 1, "m": len(reeks.uids)}
        naam = f"{activiteit.titel or reeks.titel or activiteit.aanbod.titel} ({deel})"
        description = f"{deel} {_('of a series: you register once for every meeting')}\n\n{description}"
        for sibling in reeks.uids:
            if sibling != own_uid:
                event.add("related-to", sibling, parameters={"RELTYPE": "SIBLING"})
    event.add("summary", single_line(naam))
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
    activiteiten = list(activiteiten)
    reeksen = reeks_info(activiteiten)
    for activiteit in activiteiten:
        calendar.add_component(_event(activiteit, reeksen))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ical(activiteit: Activiteit, reeksen: dict[int, ReeksInfo] | None = None) -> bytes:
    """One activity's VEVENT, serialised: for a feed that keeps its events in a cache. `reeksen` is
    `reeks_info()` of the whole feed (else read for this activity alone)."""
    return _event(activiteit, reeksen).to_ical()


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
