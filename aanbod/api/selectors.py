"""Reads for the HSDS API. Everything starts from `Aanbod.objects.published()`: nothing else is public."""

import datetime
import uuid

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, Locatie, Openingsuur
from aanbod.search import search_aanbod
from partners.models import Partner

from .taxonomie import Taxonomy, Term, filter_by_taxonomy, filter_by_term


def komende_activiteiten() -> QuerySet:
    """The activities a service's schedules show: coming, not cancelled."""
    return (
        Activiteit.objects.filter(einde__gte=timezone.now(), geannuleerd=False)
        .select_related("locatie__gemeente", "locatie__partner")
        .order_by("start", "pk")
    )


def with_details(queryset: QuerySet) -> QuerySet:
    """Prefetch what a fully nested service needs, in a fixed number of queries."""
    return queryset.select_related("partner").prefetch_related(
        "themas",
        "talen",
        "gemeenten",
        Prefetch("locaties", queryset=Locatie.objects.select_related("gemeente", "partner")),
        Prefetch(
            "openingsuren",
            queryset=Openingsuur.objects.select_related("locatie__gemeente", "locatie__partner"),
        ),
        Prefetch("activiteiten", queryset=komende_activiteiten(), to_attr="komende_activiteiten"),
    )


def services(
    *,
    search: str = "",
    term: Term | None = None,
    taxonomy: Taxonomy | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: datetime.datetime | None = None,
) -> QuerySet:
    queryset = Aanbod.objects.published()
    if search:
        # The wegwijzer's own search (Dutch stemming and prefixes on PostgreSQL), so both find the same.
        queryset = search_aanbod(queryset, search).queryset
    if term is not None:
        queryset = filter_by_term(queryset, term)
    if taxonomy is not None:
        queryset = filter_by_taxonomy(queryset, taxonomy)
    if organization_id is not None:
        queryset = queryset.filter(partner__uuid=organization_id)
    if modified_after is not None:
        queryset = queryset.filter(bijgewerkt_op__gte=modified_after)
    return queryset.order_by("titel", "pk")


def organizations(
    *, search: str = "", term: Term | None = None, taxonomy: Taxonomy | None = None
) -> QuerySet:
    """Active partners with at least one published aanbod (matching the term, when given)."""
    published = services(term=term, taxonomy=taxonomy)
    queryset = Partner.objects.filter(actief=True, pk__in=published.values("partner_id"))
    if search:
        for word in search.split():
            queryset = queryset.filter(
                Q(naam__icontains=word)
                | Q(korte_beschrijving__icontains=word)
                | Q(beschrijving__icontains=word)
            )
    return queryset.order_by("naam", "pk")


def published_service(service_id: uuid.UUID) -> Aanbod | None:
    return with_details(Aanbod.objects.published()).filter(uuid=service_id).first()


def published_organization(organization_id: uuid.UUID) -> Partner | None:
    return organizations().filter(uuid=organization_id).first()
