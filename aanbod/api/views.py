"""The HSDS API endpoints: each view builds a dict; `hsds_endpoint` does CORS, caching and errors."""

import math
import uuid

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from partners.models import Netwerk

from . import params, selectors
from .http import hsds_endpoint
from .openapi import openapi_document
from .params import ApiError
from .serializers import (
    absolute,
    full_service_dict,
    hsds_version,
    last_modified,
    locaties_of,
    location_dict,
    moment,
    organization_dict,
    schedules_of,
    service_at_location_dict,
    service_dict,
    taxonomy_dict,
    term_dict,
)
from .taxonomie import TAXONOMIES, Taxonomy, Term, all_terms, term_by_id


def paginate(request: HttpRequest, items, serialize=None, *, serialize_page=None) -> dict:
    """The HSDS page envelope around one page of `items` (a queryset or a list).

    `serialize` turns one item into a dict; `serialize_page` turns the whole page at once (to read
    what the items share in a fixed number of queries).
    """
    number, per_page = params.page(request.GET)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    total_pages = max(math.ceil(total / per_page), 1)
    start = (number - 1) * per_page
    page_items = list(items[start : start + per_page]) if number <= total_pages else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(page_items),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not page_items,
        "contents": serialize_page(page_items)
        if serialize_page
        else [serialize(item) for item in page_items],
    }


def _id(raw: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiError(404, f"There is no {what} with id {raw!r}.") from None


def _term_filter(request: HttpRequest) -> tuple[Term | None, Taxonomy | None, bool]:
    """(term, taxonomy, matches_nothing) from taxonomy_term_id and taxonomy_id."""
    term_id = params.uuid_value(request.GET, "taxonomy_term_id")
    taxonomy_id = params.uuid_value(request.GET, "taxonomy_id")
    term = term_by_id(term_id) if term_id else None
    taxonomy = next((t for t in TAXONOMIES.values() if t.id == taxonomy_id), None) if taxonomy_id else None
    nothing = bool(term_id and term is None) or bool(taxonomy_id and taxonomy is None)
    return term, taxonomy, nothing


def _services(request: HttpRequest) -> QuerySet:
    params.output_format(request.GET)
    term, taxonomy, nothing = _term_filter(request)
    queryset = selectors.services(
        search=params.search(request.GET),
        term=term,
        taxonomy=taxonomy,
        organization_id=params.uuid_value(request.GET, "organization_id"),
        modified_after=params.moment(request.GET, "modified_after"),
    )
    return queryset.none() if nothing else queryset


@hsds_endpoint
def api_root(request: HttpRequest) -> dict:
    netwerk = Netwerk.load()
    publisher = {"name": netwerk.naam}
    if netwerk.email:
        publisher["email"] = netwerk.email
    publisher["website"] = netwerk.website or settings.SITE_URL + "/"
    return {
        "version": hsds_version(),
        "profile": "https://docs.openreferral.org/en/latest/hsds/overview.html",
        "openapi_url": absolute("/api/openapi.json"),
        "description": (
            f"The published aanbod of {netwerk.naam} as open data (Open Referral HSDS {hsds_version()})."
        ),
        "publisher": publisher,
    }


@hsds_endpoint
def service_list(request: HttpRequest) -> dict:
    queryset = _services(request)
    minimal = params.boolean(request.GET, "minimal")
    full = params.boolean(request.GET, "full")
    if minimal:
        return paginate(
            request,
            queryset.select_related("partner"),
            # As the HSDS API reference says of `minimal`: just each service's id and modified date.
            lambda aanbod: {"id": str(aanbod.uuid), "last_modified": moment(last_modified(aanbod))},
        )
    if full:
        return paginate(request, selectors.with_details(queryset), full_service_dict)
    return paginate(request, queryset.select_related("partner"), service_dict)


@hsds_endpoint
def service_detail(request: HttpRequest, id: str) -> dict:
    aanbod = selectors.published_service(_id(id, "service"))
    if aanbod is None:
        raise ApiError(404, f"There is no published service with id {id!r}.")
    return full_service_dict(aanbod)


def _organizations_full(partners: list, *, full_service: bool) -> list[dict]:
    """Organizations with their services and locations; the services of all of them read at once."""
    by_partner: dict[int, list] = {partner.pk: [] for partner in partners}
    for item in selectors.with_details(selectors.services().filter(partner__in=partners)):
        by_partner[item.partner_id].append(item)
    result = []
    for partner in partners:
        aanbod = by_partner[partner.pk]
        data = organization_dict(partner)
        data["services"] = [
            full_service_dict(item) if full_service else service_dict(item) for item in aanbod
        ]
        locaties = {}
        for item in aanbod:
            for locatie in locaties_of(item, list(item.komende_activiteiten)):
                locaties.setdefault(locatie.pk, locatie)
        data["locations"] = [location_dict(locatie) for locatie in locaties.values()]
        result.append(data)
    return result


@hsds_endpoint
def organization_list(request: HttpRequest) -> dict:
    params.output_format(request.GET)
    full = params.boolean(request.GET, "full")
    full_service = params.boolean(request.GET, "full_service")
    term, taxonomy, nothing = _term_filter(request)
    queryset = selectors.organizations(search=params.search(request.GET), term=term, taxonomy=taxonomy)
    if nothing:
        queryset = queryset.none()
    if full or full_service:
        return paginate(
            request,
            queryset,
            serialize_page=lambda page: _organizations_full(page, full_service=full_service),
        )
    return paginate(request, queryset, organization_dict)


@hsds_endpoint
def organization_detail(request: HttpRequest, id: str) -> dict:
    full_service = params.boolean(request.GET, "full_service")
    partner = selectors.published_organization(_id(id, "organization"))
    if partner is None:
        raise ApiError(404, f"There is no organization with published services and id {id!r}.")
    return _organizations_full([partner], full_service=full_service)[0]


def _service_at_locations(
    queryset: QuerySet, *, postcode: str | None = None, proximity: params.Proximity | None = None
) -> list[dict]:
    """Every (service, location) pair; narrowed to a postcode, or to a distance from a point.

    With `proximity`, the point is the client's own (lat,lng) or the centroid of `postcode`, and the
    pairs come nearest first. A place without coordinates is never within a distance.
    """
    centre = None
    if proximity is not None:
        if proximity.latitude is not None:
            centre = (proximity.latitude, proximity.longitude)
        elif postcode:
            centre = selectors.postcode_centroid(postcode)
        if centre is None:
            return []  # a distance from nowhere: nothing is within it
    rows = []
    for aanbod in selectors.with_details(queryset):
        activiteiten = list(aanbod.komende_activiteiten)
        schedules = schedules_of(aanbod, activiteiten)
        for locatie in locaties_of(aanbod, activiteiten):
            distance = None
            if centre is not None:
                if locatie.latitude is None or locatie.longitude is None:
                    continue
                distance = distance_in_metres(centre, (float(locatie.latitude), float(locatie.longitude)))
                if distance > proximity.metres:
                    continue
            elif postcode and locatie.postcode != postcode:
                continue
            row = service_at_location_dict(aanbod, locatie, schedules)
            row["service"] = service_dict(aanbod)
            rows.append((distance or 0.0, len(rows), row))
    return [row for _distance, _order, row in sorted(rows, key=lambda item: item[:2])]


def distance_in_metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


@hsds_endpoint
def service_at_location_list(request: HttpRequest) -> dict:
    postcode = params.postcode(request.GET)
    proximity = params.proximity(request.GET)
    params.boolean(request.GET, "full")
    rows = _service_at_locations(_services(request), postcode=postcode, proximity=proximity)
    return paginate(request, rows, lambda row: row)


@hsds_endpoint
def service_at_location_detail(request: HttpRequest, id: str) -> dict:
    wanted = str(_id(id, "service_at_location"))
    for row in _service_at_locations(selectors.services()):
        if row["id"] == wanted:
            return row
    raise ApiError(404, f"There is no service_at_location with id {id!r}.")


@hsds_endpoint
def taxonomy_list(request: HttpRequest) -> dict:
    params.output_format(request.GET)
    search = params.search(request.GET).lower()
    items = [t for t in TAXONOMIES.values() if not search or search in f"{t.name} {t.description}".lower()]
    return paginate(request, items, taxonomy_dict)


@hsds_endpoint
def taxonomy_detail(request: HttpRequest, id: str) -> dict:
    wanted = _id(id, "taxonomy")
    for taxonomy in TAXONOMIES.values():
        if taxonomy.id == wanted:
            return taxonomy_dict(taxonomy)
    raise ApiError(404, f"There is no taxonomy with id {id!r}.")


@hsds_endpoint
def taxonomy_term_list(request: HttpRequest) -> dict:
    params.output_format(request.GET)
    search = params.search(request.GET).lower()
    taxonomy_id = params.uuid_value(request.GET, "taxonomy_id")
    parent_id = params.uuid_value(request.GET, "parent_id")
    params.boolean(request.GET, "top_only")  # every term is a top term: the taxonomies are flat
    terms = [
        term
        for term in all_terms()
        if (not search or search in f"{term.name} {term.code} {term.description}".lower())
        and (taxonomy_id is None or term.taxonomy.id == taxonomy_id)
        and parent_id is None
    ]
    return paginate(request, terms, term_dict)


@hsds_endpoint
def taxonomy_term_detail(request: HttpRequest, id: str) -> dict:
    term = term_by_id(_id(id, "taxonomy_term"))
    if term is None:
        raise ApiError(404, f"There is no taxonomy term with id {id!r}.")
    return term_dict(term)


@hsds_endpoint
def openapi(request: HttpRequest) -> dict:
    return openapi_document()


@hsds_endpoint
def not_found(request: HttpRequest, **kwargs) -> dict:
    raise ApiError(404, "There is nothing at this address. The API starts at /api/hsds/.")
