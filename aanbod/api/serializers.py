"""Our models as HSDS 3.0 objects, by hand: plain functions that return dicts.

Empty optional values are left out rather than sent as null (HSDS types them as strings and numbers).
Nothing personal is ever read here: no Inschrijving, no user, no named contact person.
Times of day are local time in Belgium (Europe/Brussels), as the schedules' notes say.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Activiteit, Doelgroep, Locatie, Openingsuur
from partners.models import Partner

from .taxonomie import Taxonomy, Term, stable_id, terms_for

HSDS_VERSION = "3.0"
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


def sal_id(aanbod: Aanbod, locatie: Locatie):
    """The id of a (service, location) pair, which has no row of its own."""
    return stable_id("service_at_location", aanbod.uuid, locatie.uuid)


def openingsuur_dict(uur: Openingsuur, aanbod: Aanbod) -> dict:
    data = {
        "id": str(stable_id("openingsuur", uur.pk)),
        "service_id": str(aanbod.uuid),
        "freq": "WEEKLY",
        "interval": 1,
        "wkst": "MO",
        "byday": WEEKDAGEN[uur.weekdag],
        "opens_at": f"{uur.van:%H:%M}",
        "closes_at": f"{uur.tot:%H:%M}",
        "description": f"{uur.get_weekdag_display()} {uur.van:%H:%M}–{uur.tot:%H:%M}"
        + (f" ({uur.opmerking})" if uur.opmerking else ""),
        "notes": _("Times are local time in Belgium (Europe/Brussels)."),
        "attending_type": _("in person"),
    }
    if uur.locatie_id:
        data["location_id"] = str(uur.locatie.uuid)
        data["service_at_location_id"] = str(sal_id(aanbod, uur.locatie))
    return data


def activiteit_dict(activiteit: Activiteit, aanbod: Aanbod) -> dict:
    start = timezone.localtime(activiteit.start)
    einde = timezone.localtime(activiteit.einde)
    data = {
        "id": str(activiteit.uuid),
        "service_id": str(aanbod.uuid),
        "valid_from": start.date().isoformat(),
        "valid_to": einde.date().isoformat(),
        "dtstart": start.date().isoformat(),
        "until": einde.date().isoformat(),
        "count": 1,
        "opens_at": f"{start:%H:%M}",
        "closes_at": f"{einde:%H:%M}",
        "description": f"{activiteit.naam}: {start:%d/%m/%Y %H:%M}–{einde:%H:%M}",
        "notes": _("Times are local time in Belgium (Europe/Brussels)."),
        "schedule_link": absolute(activiteit.get_absolute_url()),
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
        }
    )


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
    return [openingsuur_dict(uur, aanbod) for uur in aanbod.openingsuren.all()] + [
        activiteit_dict(activiteit, aanbod) for activiteit in activiteiten
    ]


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
