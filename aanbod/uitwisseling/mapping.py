"""From the portal's aanbod and activities to UiTdatabank's event model (Entry API, `entry.json`).

What becomes an event:
- an activity that is not part of a series: one event with calendarType `single`;
- a series (Reeks: a course whose families register once and follow every meeting): one event,
  `multiple` with a subEvent per meeting (`single` while it has one). The booking availability of every
  subEvent is the series' places; a cancelled meeting is a cancelled subEvent; a cancelled series makes
  the event Unavailable;
- the weekly opening hours of an ongoing aanbod (a spelotheek, a speelmoment): one event, `permanent`
  with `openingHours`. The portal has no end date for opening hours, so `periodic` is not used.

What is never sent, and why, is `niet_verzendbaar()`: UiTdatabank lists activities open to the public
on a date or at opening hours, not individual help (consultations, advice, home visits) nor what happens
only by appointment.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Aanbod, Activiteit, Doelgroep, Locatie, Reeks

from .models import UitEvent

# The closest UiTdatabank event type per soort (domain `eventtype`, ids and labels from publiq's docs).
LESSENREEKS = ("0.3.1.0.0", "Lessenreeks")
CURSUS_OPEN_SESSIES = ("0.3.1.0.1", "Cursus met open sessies")
LEZING = ("0.3.2.0.0", "Lezing of congres")
SPEL = ("0.50.21.0.0", "Spel of quiz")
EVENTTYPES = {
    Aanbod.Soort.VORMINGSAVOND: LEZING,
    Aanbod.Soort.WORKSHOP: CURSUS_OPEN_SESSIES,
    Aanbod.Soort.OUDERCURSUS: LESSENREEKS,
    Aanbod.Soort.GROEPSAANBOD: CURSUS_OPEN_SESSIES,
    Aanbod.Soort.ONTMOETINGSMOMENT: CURSUS_OPEN_SESSIES,
    Aanbod.Soort.SPEELMOMENT: SPEL,
    Aanbod.Soort.SPELOTHEEK: SPEL,
}
# The place type for a location the portal must create: a hall (publiq's docs, scope `places`).
PLAATS_TYPE = {"id": "OyaPaf64AEmEAYXHeLMAtA", "label": "Zaal of expohal", "domain": "eventtype"}
# publiq's place for online events.
ONLINE_PLAATS = "00000000-0000-0000-0000-000000000000"

NIET_AANVAARD = {
    Aanbod.Soort.CONSULTATIE: _(
        "UiTdatabank lists activities open to the public, not individual consultations."
    ),
    Aanbod.Soort.ADVIESGESPREK: _(
        "UiTdatabank lists activities open to the public, not advice conversations."
    ),
    Aanbod.Soort.HUISBEZOEK: _("UiTdatabank lists activities open to the public, not home visits."),
    Aanbod.Soort.INFOTHEEK: _(
        "UiTdatabank lists activities, not information points; the infotheek stays on this site."
    ),
}
OP_AFSPRAAK = _(
    "This aanbod has no dated activities and no opening hours (by appointment only); UiTdatabank does "
    "not accept that."
)
NIET_GEPUBLICEERD = _("Only published aanbod is sent to UiTdatabank.")
GEEN_LOCATIE = _("This activity has no location and is not online; UiTdatabank needs one.")

BASISTARIEF = {"nl": "Basistarief", "fr": "Tarif de base", "en": "Base tariff"}
INSCHRIJVEN = {"nl": "Schrijf je in", "fr": "Inscrivez-vous", "en": "Register"}
WACHTLIJST = {"nl": "Zet je op de wachtlijst", "fr": "Liste d'attente", "en": "Join the waiting list"}
MEER_INFO = {"nl": "Meer info", "fr": "Plus d'infos", "en": "More info"}
GEANNULEERD = {"nl": "Geannuleerd", "fr": "Annulé", "en": "Cancelled"}
NIET_MEER = {"nl": "Niet meer aangeboden", "fr": "Plus proposé", "en": "No longer offered"}
DAGEN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class Eenheid:
    """One event that should exist in UiTdatabank for an aanbod."""

    soort: str
    activiteit: Activiteit | None = None
    reeks: Reeks | None = None


def niet_verzendbaar(aanbod: Aanbod) -> str:
    """Why this aanbod is never sent to UiTdatabank ('' when it can be)."""
    if aanbod.soort in NIET_AANVAARD:
        return str(NIET_AANVAARD[aanbod.soort])
    if not aanbod.openingsuren.exists() and not aanbod.activiteiten.exists():
        return str(OP_AFSPRAAK)
    return ""


def eenheden(aanbod: Aanbod) -> list[Eenheid]:
    """The events this aanbod should have in UiTdatabank now (none when it is not sendable)."""
    if niet_verzendbaar(aanbod):
        return []
    result = []
    if aanbod.openingsuren.exists():
        result.append(Eenheid(UitEvent.Soort.OPENINGSUREN))
    now = timezone.now()
    for reeks in aanbod.reeksen.order_by("id"):
        meetings = reeks.bijeenkomsten
        if (
            not reeks.geannuleerd
            and meetings
            and reeks.einde >= now
            and not all(m.geannuleerd for m in meetings)
            and any(m.locatie_id or m.online for m in meetings)
        ):
            result.append(Eenheid(UitEvent.Soort.REEKS, reeks=reeks))
    result += [
        Eenheid(UitEvent.Soort.ACTIVITEIT, a)
        for a in aanbod.activiteiten.filter(reeks__isnull=True).order_by("start")
        if a.einde >= now and not a.geannuleerd and (a.locatie_id or a.online)
    ]
    return result


def _datum(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def booking_url(event: UitEvent) -> str:
    """The portal's page for this event: the registration page of an activity or a series, else the
    aanbod page.

    It is unique per event, so it also recognises our own event in UiTdatabank after a lost answer."""
    if event.reeks_id:
        return _absolute(reverse("reeks_inschrijven", kwargs={"pk": event.reeks_id}))
    activiteit = event.activiteit
    if activiteit is not None:
        if activiteit.inschrijving_nodig and event.aanbod.inschrijving_nodig:
            return _absolute(reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk}))
        return _absolute(activiteit.get_absolute_url())
    suffix = "" if event.soort == UitEvent.Soort.REEKS else "#openingsuren"
    return _absolute(event.aanbod.get_absolute_url()) + suffix


def _name(event: UitEvent) -> dict:
    doel = event.activiteit or event.reeks
    return {"nl": (doel.naam if doel else event.aanbod.titel)[:250]}


def _description(aanbod: Aanbod) -> dict:
    parts = [aanbod.samenvatting, aanbod.beschrijving, aanbod.kosten_toelichting]
    return {"nl": "\n\n".join(p.strip() for p in parts if p and p.strip())}


def _price_info(aanbod: Aanbod) -> list[dict]:
    # The `uitpas` category is read-only: UiTdatabank adds the UiTPAS (kansentarief) prices itself
    # from the base price when the organizer is an UiTPAS organizer.
    prijs = 0.0 if aanbod.is_gratis or aanbod.prijs is None else float(aanbod.prijs)
    return [{"category": "base", "name": BASISTARIEF, "price": prijs, "priceCurrency": "EUR"}]


def _age_range(aanbod: Aanbod) -> str:
    """Who attends: the children's ages when children come, else adults (parents, grandparents)."""
    if Doelgroep.KINDEREN in (aanbod.doelgroepen or []) and aanbod.leeftijd_van is not None:
        return f"{aanbod.leeftijd_van}-{aanbod.leeftijd_tot}"
    return "18-"


def _terms(aanbod: Aanbod) -> list[dict]:
    term_id, label = EVENTTYPES.get(aanbod.soort, CURSUS_OPEN_SESSIES)
    return [{"id": term_id, "label": label, "domain": "eventtype"}]


def _availability(doel: Activiteit | Reeks) -> dict:
    """Places of what families register for: the activity, or for a meeting of a series the series."""
    result: dict = {"type": "Unavailable" if doel.is_volzet else "Available"}
    if doel.capaciteit is not None:
        result["capacity"] = doel.capaciteit
        result["remainingCapacity"] = doel.plaatsen_vrij
    return result


def _status(activiteit: Activiteit) -> dict:
    if activiteit.geannuleerd:
        return {"type": "Unavailable", "reason": GEANNULEERD}
    return {"type": "Available"}


def _sub_event(activiteit: Activiteit, beschikbaarheid: dict) -> dict:
    return {
        "startDate": _datum(activiteit.start),
        "endDate": _datum(activiteit.einde),
        "status": _status(activiteit),
        "bookingAvailability": dict(beschikbaarheid),
    }


def _doel(event: UitEvent) -> Activiteit | Reeks | None:
    """What families register for through this event: its activity or its series."""
    return event.activiteit or event.reeks


def activiteiten_van(event: UitEvent) -> list[Activiteit]:
    """The dates of the event, in the order of its subEvents (their index is the PATCH's `id`)."""
    if event.activiteit is not None:
        return [event.activiteit]
    if event.reeks_id:
        return list(
            Activiteit._base_manager.filter(reeks_id=event.reeks_id)
            .select_related("locatie")
            .order_by("start", "id")
        )
    if event.soort == UitEvent.Soort.REEKS:
        # Sent before series existed: every activity of the aanbod was one event.
        return list(event.aanbod.activiteiten.select_related("locatie").order_by("start"))
    return []


def _beschikbaarheden(event: UitEvent, activiteiten: list[Activiteit]) -> list[dict]:
    """The booking availability of each date: the places of the event's activity or series (counted
    once), else (an event from before series) of each activity."""
    doel = _doel(event)
    if doel is not None:
        return [_availability(doel)] * len(activiteiten)
    return [_availability(activiteit) for activiteit in activiteiten]


def sub_events(event: UitEvent) -> list[dict]:
    """Per date, for PATCH /events/{id}/sub-events: booking availability with places left.

    This endpoint takes `type` or `remainingCapacity`, never both (it derives the type itself)."""
    result = []
    activiteiten = activiteiten_van(event)
    for index, beschikbaarheid in enumerate(_beschikbaarheden(event, activiteiten)):
        beschikbaarheid = dict(beschikbaarheid)
        if "remainingCapacity" in beschikbaarheid:
            del beschikbaarheid["type"]
        result.append({"id": index, "bookingAvailability": beschikbaarheid})
    return result


def locatie_van(event: UitEvent) -> Locatie | None:
    for activiteit in activiteiten_van(event):
        if activiteit.locatie_id:
            return activiteit.locatie
    if event.soort == UitEvent.Soort.OPENINGSUREN:
        uur = event.aanbod.openingsuren.exclude(locatie=None).select_related("locatie").first()
        return uur.locatie if uur else event.aanbod.locaties.first()
    return None


def is_online(event: UitEvent) -> bool:
    activiteiten = activiteiten_van(event)
    return bool(activiteiten) and all(a.online and not a.locatie_id for a in activiteiten)


def booking_info(event: UitEvent) -> dict:
    aanbod = event.aanbod
    activiteit = event.activiteit
    if event.reeks_id:
        # A series is always registered for, as a whole.
        label = WACHTLIJST if event.reeks.is_volzet else INSCHRIJVEN
    elif activiteit is not None and activiteit.inschrijving_nodig and aanbod.inschrijving_nodig:
        label = WACHTLIJST if activiteit.is_volzet else INSCHRIJVEN
    else:
        label = MEER_INFO
    info = {"url": booking_url(event), "urlLabel": label}
    if aanbod.contact_email:
        info["email"] = aanbod.contact_email
    if aanbod.contact_telefoon.strip():
        info["phone"] = aanbod.contact_telefoon.strip()
    return info


def event_payload(event: UitEvent, *, organizer_url: str, place_url: str) -> dict:
    """The complete event (for POST /events and PUT /events/{id})."""
    aanbod = event.aanbod
    payload: dict = {
        "mainLanguage": "nl",
        "name": _name(event),
        "terms": _terms(aanbod),
        "location": {"@id": place_url},
        "organizer": {"@id": organizer_url},
        "typicalAgeRange": _age_range(aanbod),
        "priceInfo": _price_info(aanbod),
        "bookingInfo": booking_info(event),
        "languages": ["nl"],
    }
    description = _description(aanbod)
    if description["nl"]:
        payload["description"] = description
    if is_online(event):
        payload["attendanceMode"] = "online"
    if event.soort == UitEvent.Soort.OPENINGSUREN:
        payload["calendarType"] = "permanent"
        payload["openingHours"] = [
            {"opens": f"{uur.van:%H:%M}", "closes": f"{uur.tot:%H:%M}", "dayOfWeek": [DAGEN[uur.weekdag]]}
            for uur in aanbod.openingsuren.order_by("weekdag", "van")
        ]
        if aanbod.status != Aanbod.Status.GEPUBLICEERD:
            payload["status"] = {"type": "Unavailable", "reason": NIET_MEER}
        return payload
    activiteiten = activiteiten_van(event)
    payload["calendarType"] = "multiple" if len(activiteiten) > 1 else "single"
    payload["subEvent"] = [
        _sub_event(a, b) for a, b in zip(activiteiten, _beschikbaarheden(event, activiteiten), strict=True)
    ]
    if aanbod.status != Aanbod.Status.GEPUBLICEERD:
        for sub in payload["subEvent"]:
            sub["status"] = {"type": "Unavailable", "reason": NIET_MEER}
    return payload


def organizer_payload(partner) -> dict:
    payload: dict = {
        "mainLanguage": "nl",
        "name": {"nl": partner.naam},
        # `url` is required and keeps organizers unique in UiTdatabank; without a website, the
        # partner's page on this portal.
        "url": partner.website or _absolute(reverse("partner_detail", kwargs={"slug": partner.slug})),
    }
    contact = {}
    if partner.email:
        contact["email"] = [partner.email]
    if partner.telefoon.strip():
        contact["phone"] = [partner.telefoon.strip()]
    if contact:
        payload["contactPoint"] = contact
    return payload


def place_payload(locatie: Locatie) -> dict:
    return {
        "mainLanguage": "nl",
        "name": {"nl": locatie.naam},
        "calendarType": "permanent",
        "terms": [PLAATS_TYPE],
        "address": {
            "nl": {
                "addressCountry": "BE",
                "addressLocality": locatie.gemeente.naam,
                "postalCode": locatie.postcode,
                "streetAddress": locatie.straat,
            }
        },
    }


def payload_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
