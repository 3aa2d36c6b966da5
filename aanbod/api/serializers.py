"""Our models as HSDS 3.0 (and 3.1) objects, by hand: plain functions that return dicts.

Empty optional values are left out rather than sent as null (HSDS types them as strings and numbers).
Nothing personal is ever read here: no Inschrijving, no user, no named contact person.
Times of day carry their UTC offset in Belgium (Europe/Brussels), correct for the date they fall on.
"""

import datetime
import functools
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from aanbod.models import Aanbod, Activiteit, Doelgroep, Locatie, Openingsuur, Reeks
from partners.models import Partner

from .taxonomie import Taxonomy, Term, stable_id, terms_for

SUPPORTED_VERSIONS = ("3.0", "3.1")


def hsds_version() -> str:
    """The HSDS version served: "3.0" (the newest release), or "3.1" to add its fields.

    HSDS_VERSION in the settings; 3.1 adds `capacities` (places left) to
    services and `additional_websites` to organizations. Everything else is the same in both.
    """
    version = getattr(settings, "HSDS_VERSION", "3.0")
    return version if version in SUPPORTED_VERSIONS else "3.0"


def speaks_31() -> bool:
    return hsds_version() == "3.1"


def moment(value: datetime.datetime) -> str:
    """A date-time as HSDS wants it: UTC offset included, millisecond accuracy."""
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


WEEKDAGEN = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _compact(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "")}


# --- taxonomies ------------------------------------------------------------------------------------


def taxonomy_dict(taxonomy: Taxonomy) -> dict:
    return {
        "id": str(taxonomy.id),
        "name": str(taxonomy.name),
        "description": str(taxonomy.description),
        "uri": absolute(f"/api/hsds/taxonomies/{taxonomy.id}"),
        "version": "1",
    }


def term_dict(term: Term) -> dict:
    return {
        "id": str(term.id),
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": str(term.taxonomy.name),
        "taxonomy_id": str(term.taxonomy.id),
        "taxonomy_detail": taxonomy_dict(term.taxonomy),
        "language": "nl",
    }


def attribute_dict(*, link_id, link_entity: str, term: Term) -> dict:
    return {
        "id": str(stable_id("attribute", link_entity, link_id, term.id)),
        "link_id": str(link_id),
        "link_entity": link_entity,
        "link_type": term.taxonomy.key,
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": term_dict(term),
    }


# --- organizations and locations -------------------------------------------------------------------


def phone_dict(number: str, **links) -> dict:
    owner = next(iter(links.values()))
    return _compact(
        {
            "id": str(stable_id("phone", owner, number)),
            **{key: str(value) for key, value in links.items()},
            "number": number,
            "type": "voice",
        }
    )


def organization_dict(partner: Partner) -> dict:
    data = _compact(
        {
            "id": str(partner.uuid),
            "name": partner.naam,
            "description": partner.korte_beschrijving or partner.beschrijving or partner.naam,
            "email": partner.email,
            "website": partner.website,
            "logo": absolute(partner.logo.url) if partner.logo else "",
            "uri": absolute(partner.get_absolute_url()),
        }
    )
    data["phones"] = [phone_dict(partner.telefoon, organization_id=partner.uuid)] if partner.telefoon else []
    if speaks_31():
        data["additional_websites"] = [
            {
                "id": str(stable_id("url", partner.uuid, "portal")),
                "label": _("Page on the Huis van het Kind website"),
                "url": absolute(partner.get_absolute_url()),
                "organization_id": str(partner.uuid),
            }
        ]
    return data


def address_dict(locatie: Locatie) -> dict:
    gemeente = locatie.gemeente
    return {
        "id": str(stable_id("address", locatie.uuid)),
        "location_id": str(locatie.uuid),
        "address_1": locatie.straat,
        "city": gemeente.naam,
        "state_province": gemeente.provincie or gemeente.get_gewest_display(),
        "region": str(gemeente.get_gewest_display()),
        "postal_code": locatie.postcode,
        "country": "BE",
        "address_type": "physical",
    }


def location_dict(locatie: Locatie) -> dict:
    data = _compact(
        {
            "id": str(locatie.uuid),
            "location_type": "physical",
            "organization_id": str(locatie.partner.uuid) if locatie.partner_id else None,
            "name": locatie.naam,
            "description": locatie.toelichting,
            "latitude": float(locatie.latitude) if locatie.latitude is not None else None,
            "longitude": float(locatie.longitude) if locatie.longitude is not None else None,
        }
    )
    data["addresses"] = [address_dict(locatie)]
    data["accessibility"] = (
        [
            {
                "id": str(stable_id("accessibility", locatie.uuid)),
                "location_id": str(locatie.uuid),
                "description": _("Wheelchair accessible."),
            }
        ]
        if locatie.rolstoeltoegankelijk
        else []
    )
    return data


# --- schedules ---------------------------------------------------------------------------------------
#
# HSDS wants times of day with their UTC offset ("19:30:00+02:00") and `timezone` as that offset in
# hours. Belgium changes its offset twice a year, so an offset belongs to a date: a dated activity
# gets the offset of its own day, and a weekly opening hour is published once per stretch of the year
# with one offset (winter time, summer time), each stretch bounded by valid_from/valid_to.

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
HORIZON_DAYS = 366


def _offset_hours(offset: datetime.timedelta) -> int | float:
    hours = offset.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


def clock(moment: datetime.datetime) -> str:
    """The time of day of an aware datetime with its UTC offset: "19:30:00+02:00"."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{moment:%H:%M:%S}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _utcoffset(day: datetime.date, at: datetime.time) -> datetime.timedelta:
    return datetime.datetime.combine(day, at, tzinfo=BRUSSELS).utcoffset()


@functools.lru_cache(maxsize=64)
def seasons(today: datetime.date, at: datetime.time) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """The stretches of days (first, last) in which `at` o'clock in Brussels has one UTC offset.

    From the stretch that holds `today` until the one that holds today + HORIZON_DAYS, so that a year
    ahead is always covered. A stretch starts on the day of a clock change, so its bounds (and the
    ids derived from them) stay the same for the whole season.
    """
    one = datetime.timedelta(days=1)
    start = today
    offset = _utcoffset(today, at)
    for _step in range(HORIZON_DAYS):
        if _utcoffset(start - one, at) != offset:
            break
        start -= one
    result = []
    day = today
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    while True:
        while _utcoffset(day + one, at) == offset and day < horizon + datetime.timedelta(days=HORIZON_DAYS):
            day += one
        result.append((start, day))
        if day >= horizon:
            return tuple(result)
        start = day = day + one
        offset = _utcoffset(day, at)


def sal_id(aanbod: Aanbod, locatie: Locatie):
    """The id of a (service, location) pair, which has no row of its own."""
    return stable_id("service_at_location", aanbod.uuid, locatie.uuid)


def openingsuur_dicts(uur: Openingsuur, aanbod: Aanbod) -> list[dict]:
    """A weekly opening hour as one schedule per stretch of the year with one UTC offset."""
    result = []
    for first, last in seasons(timezone.localdate(), uur.van):
        dtstart = first + datetime.timedelta(days=(uur.weekdag - first.weekday()) % 7)
        if dtstart > last:
            continue
        opens = datetime.datetime.combine(dtstart, uur.van, tzinfo=BRUSSELS)
        closes = datetime.datetime.combine(dtstart, uur.tot, tzinfo=BRUSSELS)
        data = {
            "id": str(stable_id("openingsuur", uur.pk, first)),
            "service_id": str(aanbod.uuid),
            "valid_from": first.isoformat(),
            "valid_to": last.isoformat(),
            "dtstart": dtstart.isoformat(),
            "timezone": _offset_hours(opens.utcoffset()),
            "until": last.isoformat(),
            "freq": "WEEKLY",
            "interval": 1,
            "wkst": "MO",
            "byday": WEEKDAGEN[uur.weekdag],
            "opens_at": clock(opens),
            "closes_at": clock(closes),
            "description": f"{uur.get_weekdag_display()} {uur.van:%H:%M}–{uur.tot:%H:%M}"
            + (f" ({uur.opmerking})" if uur.opmerking else ""),
            "notes": _("Times are local time in Belgium (Europe/Brussels)."),
            "attending_type": _("in person"),
        }
        if uur.locatie_id:
            data["location_id"] = str(uur.locatie.uuid)
            data["service_at_location_id"] = str(sal_id(aanbod, uur.locatie))
        result.append(data)
    return result


def _deel(activiteit: Activiteit) -> tuple[int, int] | None:
    """(n, m) of a meeting of a series, from `with_deel()`'s annotation when there is one."""
    if not activiteit.reeks_id:
        return None
    if getattr(activiteit, "deel_van", None):
        return activiteit.deel_nr, activiteit.deel_van
    return activiteit.deel


def activiteit_dict(activiteit: Activiteit, aanbod: Aanbod) -> dict:
    """A dated activity as a schedule that happens once. A meeting of a series says which part it is
    ("deel 2 van 6") and links to the series, which families register for as a whole."""
    start = activiteit.start.astimezone(BRUSSELS)
    einde = activiteit.einde.astimezone(BRUSSELS)
    naam = activiteit.naam
    notes = _("Times are local time in Belgium (Europe/Brussels).")
    link = absolute(activiteit.get_absolute_url())
    if deel := _deel(activiteit):
        naam = activiteit.titel or activiteit.reeks.titel or aanbod.titel
        naam = f"{naam} ({_('part %(n)s of %(m)s') % {'n': deel[0], 'm': deel[1]}})"
        notes = f"{notes} {_('Part of a series: families register once, for every meeting.')}"
        link = absolute(aanbod.get_absolute_url() + f"#reeks-{activiteit.reeks_id}")
    data = {
        "id": str(activiteit.uuid),
        "service_id": str(aanbod.uuid),
        "valid_from": start.date().isoformat(),
        "valid_to": einde.date().isoformat(),
        "dtstart": start.date().isoformat(),
        "timezone": _offset_hours(start.utcoffset()),
        "until": einde.date().isoformat(),
        "count": 1,
        "opens_at": clock(start),
        "closes_at": clock(einde),
        "description": f"{naam}: {start:%d/%m/%Y %H:%M}–{einde:%H:%M}",
        "notes": notes,
        "schedule_link": link,
        "attending_type": _("online") if activiteit.online else _("in person"),
    }
    if activiteit.locatie_id:
        data["location_id"] = str(activiteit.locatie.uuid)
        data["service_at_location_id"] = str(sal_id(aanbod, activiteit.locatie))
    return data


# --- services -------------------------------------------------------------------------------------------


def _fees(aanbod: Aanbod) -> str:
    if aanbod.is_gratis:
        parts = [_("Free.")]
    else:
        parts = [f"€ {aanbod.prijs:.2f}." if aanbod.prijs is not None else _("Paid.")]
    if aanbod.kansentarief:
        parts.append(_("Reduced rate with UiTPAS kansentarief."))
    if aanbod.kosten_toelichting:
        parts.append(aanbod.kosten_toelichting)
    return " ".join(parts)


def _eligibility(aanbod: Aanbod) -> str:
    labels = dict(Doelgroep.choices)
    groups = [str(labels[value]) for value in aanbod.doelgroepen if value in labels]
    parts = []
    if groups:
        parts.append(_("For: %(groups)s.") % {"groups": ", ".join(groups)})
    if aanbod.aanstaande_ouders:
        parts.append(_("For parents-to-be."))
    if aanbod.leeftijd_van is not None:
        parts.append(
            _("Children aged %(low)s to %(high)s.")
            % {"low": aanbod.leeftijd_van, "high": aanbod.leeftijd_tot}
        )
    return " ".join(parts)


def service_dict(aanbod: Aanbod) -> dict:
    """The one-to-one fields of a service, as in the HSDS list endpoints."""
    description = aanbod.samenvatting
    if aanbod.beschrijving:
        description += "\n\n" + aanbod.beschrijving
    return _compact(
        {
            "id": str(aanbod.uuid),
            "organization_id": str(aanbod.partner.uuid),
            "name": aanbod.titel,
            "description": description,
            "url": absolute(aanbod.get_absolute_url()),
            "email": aanbod.contact_email,
            "status": "active",
            "application_process": _("Registration needed: see the activities on the website.")
            if aanbod.inschrijving_nodig
            else _("No registration needed."),
            "fees_description": _fees(aanbod),
            "eligibility_description": _eligibility(aanbod),
            "minimum_age": aanbod.leeftijd_van,
            "maximum_age": aanbod.leeftijd_tot,
            "assured_date": aanbod.nagekeken_op.isoformat() if aanbod.nagekeken_op else None,
            "last_modified": moment(last_modified(aanbod)),
        }
    )


def last_modified(aanbod: Aanbod) -> datetime.datetime:
    """When the service or anything shown with it last changed: the aanbod or one of its activities.

    `gewijzigd_op` is annotated by selectors.services(); without it, the aanbod's own date.
    """
    return getattr(aanbod, "gewijzigd_op", None) or aanbod.bijgewerkt_op


UNIT_PLACE = "place"


def unit_dict() -> dict:
    return {
        "id": str(stable_id("unit", UNIT_PLACE)),
        "name": pgettext("unit of capacity", "place"),
        "scheme": "huisvanhetkind",
        "identifier": UNIT_PLACE,
    }


def capacity_dicts(aanbod: Aanbod, activiteiten: list[Activiteit], reeksen: list[Reeks] = ()) -> list[dict]:
    """HSDS 3.1 service_capacity: the places left of each coming activity that takes registrations, and
    of each coming series (its meetings share the series' places, so they have none of their own).

    Expects the activities annotated by selectors.komende_activiteiten() (`bezet`, `gewijzigd_op`) and the
    series by selectors.komende_reeksen() (`bezet`, `aantal`, `eerste_start`, `gewijzigd_op`).
    """
    result = []
    for reeks in reeksen:
        if reeks.capaciteit is None:
            continue
        start = reeks.eerste_start.astimezone(BRUSSELS)
        updated = max(filter(None, [reeks.bijgewerkt_op, reeks.gewijzigd_op]))
        result.append(
            {
                "id": str(stable_id("service_capacity", reeks.uuid)),
                "service_id": str(aanbod.uuid),
                "unit": unit_dict(),
                "available": reeks.plaatsen_vrij,
                "maximum": reeks.capaciteit,
                "description": ngettext(
                    "Places left for the series %(naam)s (%(n)d meeting from %(start)s)",
                    "Places left for the series %(naam)s (%(n)d meetings from %(start)s)",
                    reeks.aantal,
                )
                % {"naam": reeks.titel or aanbod.titel, "n": reeks.aantal, "start": f"{start:%d/%m/%Y}"},
                "updated": moment(updated),
            }
        )
    for activiteit in activiteiten:
        if activiteit.capaciteit is None or not activiteit.inschrijving_nodig or activiteit.reeks_id:
            continue
        start = activiteit.start.astimezone(BRUSSELS)
        updated = max(filter(None, [activiteit.bijgewerkt_op, getattr(activiteit, "gewijzigd_op", None)]))
        result.append(
            {
                "id": str(stable_id("service_capacity", activiteit.uuid)),
                "service_id": str(aanbod.uuid),
                "unit": unit_dict(),
                "available": activiteit.plaatsen_vrij,
                "maximum": activiteit.capaciteit,
                "description": _("Places left for %(naam)s on %(start)s")
                % {"naam": activiteit.naam, "start": f"{start:%d/%m/%Y %H:%M}"},
                "updated": moment(updated),
            }
        )
    return result


def locaties_of(aanbod: Aanbod, activiteiten: list[Activiteit]) -> list[Locatie]:
    """The places of a service: its own, those of its opening hours and of its coming activities."""
    seen: dict[int, Locatie] = {}
    for locatie in aanbod.locaties.all():
        seen.setdefault(locatie.pk, locatie)
    for uur in aanbod.openingsuren.all():
        if uur.locatie_id:
            seen.setdefault(uur.locatie_id, uur.locatie)
    for activiteit in activiteiten:
        if activiteit.locatie_id:
            seen.setdefault(activiteit.locatie_id, activiteit.locatie)
    return sorted(seen.values(), key=lambda locatie: (locatie.naam, locatie.pk))


def schedules_of(aanbod: Aanbod, activiteiten: list[Activiteit]) -> list[dict]:
    schedules = [schedule for uur in aanbod.openingsuren.all() for schedule in openingsuur_dicts(uur, aanbod)]
    return schedules + [activiteit_dict(activiteit, aanbod) for activiteit in activiteiten]


def service_at_location_dict(aanbod: Aanbod, locatie: Locatie, schedules: list[dict]) -> dict:
    sal = str(sal_id(aanbod, locatie))
    return {
        "id": sal,
        "service_id": str(aanbod.uuid),
        "location_id": str(locatie.uuid),
        "description": f"{aanbod.titel} — {locatie.naam}",
        "location": location_dict(locatie),
        "schedules": [schedule for schedule in schedules if schedule.get("service_at_location_id") == sal],
        "contacts": [],
        "phones": [],
    }


def full_service_dict(aanbod: Aanbod) -> dict:
    """A fully nested service; expects the prefetches of `selectors.full_services`."""
    activiteiten = list(getattr(aanbod, "komende_activiteiten", []))
    schedules = schedules_of(aanbod, activiteiten)
    data = service_dict(aanbod)
    data["organization"] = organization_dict(aanbod.partner)
    data["service_at_locations"] = [
        service_at_location_dict(aanbod, locatie, schedules) for locatie in locaties_of(aanbod, activiteiten)
    ]
    data["schedules"] = schedules
    data["phones"] = (
        [phone_dict(aanbod.contact_telefoon, service_id=aanbod.uuid)] if aanbod.contact_telefoon else []
    )
    data["contacts"] = []
    data["languages"] = [
        {
            "id": str(stable_id("language", aanbod.uuid, taal.code)),
            "service_id": str(aanbod.uuid),
            "name": taal.naam,
            "code": taal.code,
        }
        for taal in aanbod.talen.all()
    ]
    data["service_areas"] = [
        {
            "id": str(stable_id("service_area", aanbod.uuid, gemeente.nis)),
            "service_id": str(aanbod.uuid),
            "name": gemeente.naam,
            "description": _("Gemeente %(naam)s (NIS code %(nis)s)")
            % {"naam": gemeente.naam, "nis": gemeente.nis},
            "uri": f"https://statbel.fgov.be/nl/nis/{gemeente.nis}",
        }
        for gemeente in aanbod.gemeenten.all()
    ]
    data["cost_options"] = _cost_options(aanbod)
    data["attributes"] = [
        attribute_dict(link_id=aanbod.uuid, link_entity="service", term=term) for term in terms_for(aanbod)
    ]
    if speaks_31():
        data["capacities"] = capacity_dicts(
            aanbod, activiteiten, list(getattr(aanbod, "komende_reeksen", []))
        )
    return data


def _cost_options(aanbod: Aanbod) -> list[dict]:
    if aanbod.is_gratis or aanbod.prijs is None:
        return []
    return [
        _compact(
            {
                "id": str(stable_id("cost_option", aanbod.uuid)),
                "service_id": str(aanbod.uuid),
                "currency": "EUR",
                "amount": float(aanbod.prijs),
                "option": _("Reduced rate with UiTPAS kansentarief available.")
                if aanbod.kansentarief
                else "",
                "amount_description": aanbod.kosten_toelichting,
            }
        )
    ]
