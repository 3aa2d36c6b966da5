"""Reads for the HSDS API. Everything starts from `Aanbod.objects.gepubliceerd()`: nothing else is public."""

import datetime
import uuid

from django.db.models import (
    Avg,
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie, Openingsuur, Reeks
from aanbod.search import search_aanbod
from partners.models import Partner

from .taxonomie import Taxonomy, Term, filter_by_taxonomy, filter_by_term


def komende_activiteiten() -> QuerySet:
    """The activities a service's schedules show: coming, not cancelled.

    Annotated with the persons registered (`bezet`, for the places left), `gewijzigd_op`, the
    last change to the activity or one of its registrations (the `updated` of a service_capacity), and
    for a meeting of a series its number (`deel_nr` of `deel_van`).
    """
    return (
        Activiteit.objects.filter(einde__gte=timezone.now(), geannuleerd=False)
        .met_bezetting()
        .annotate(gewijzigd_op=Max("inschrijvingen__bijgewerkt_op"))
        .with_deel()
        .select_related("locatie__gemeente", "locatie__partner", "reeks")
        .order_by("start", "pk")
    )


def komende_reeksen() -> QuerySet:
    """The series whose places a service's capacities show: not cancelled, with a meeting still to end.

    Annotated (correlated subqueries, so the joins do not multiply) with the persons confirmed (`bezet`,
    for the places left), the meetings (`aantal`, `eerste_start`, `laatste_einde`) and `gewijzigd_op`,
    the last change to one of its registrations.
    """
    meetings = Activiteit._base_manager.filter(reeks=OuterRef("pk")).order_by().values("reeks")
    registrations = Inschrijving._base_manager.filter(reeks=OuterRef("pk")).order_by().values("reeks")
    return (
        Reeks.objects.filter(geannuleerd=False)
        .annotate(
            bezet=Coalesce(
                Subquery(
                    registrations.filter(status=Inschrijving.Status.BEVESTIGD)
                    .annotate(n=Sum("aantal_personen"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            aantal=Subquery(meetings.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            eerste_start=Subquery(meetings.annotate(m=Min("start")).values("m")),
            laatste_einde=Subquery(meetings.annotate(m=Max("einde")).values("m")),
            gewijzigd_op=Subquery(registrations.annotate(m=Max("bijgewerkt_op")).values("m")),
        )
        .filter(laatste_einde__gte=timezone.now())
        .order_by("eerste_start", "pk")
    )


def with_last_modified(queryset: QuerySet) -> QuerySet:
    """Annotate `gewijzigd_op`: the last change to the aanbod, one of its activities or series."""
    latest_activiteit = (
        Activiteit.objects.filter(aanbod=OuterRef("pk"))
        .order_by("-bijgewerkt_op")
        .values("bijgewerkt_op")[:1]
    )
    latest_reeks = (
        Reeks.objects.filter(aanbod=OuterRef("pk")).order_by("-bijgewerkt_op").values("bijgewerkt_op")[:1]
    )
    return queryset.annotate(
        gewijzigd_op=Greatest(
            "bijgewerkt_op",
            Coalesce(Subquery(latest_activiteit), "bijgewerkt_op"),
            Coalesce(Subquery(latest_reeks), "bijgewerkt_op"),
        )
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
        Prefetch("reeksen", queryset=komende_reeksen(), to_attr="komende_reeksen"),
    )


def services(
    *,
    search: str = "",
    term: Term | None = None,
    taxonomy: Taxonomy | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: datetime.datetime | None = None,
) -> QuerySet:
    queryset = with_last_modified(Aanbod.objects.gepubliceerd())
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
        queryset = queryset.filter(gewijzigd_op__gte=modified_after)
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
    return with_details(with_last_modified(Aanbod.objects.gepubliceerd())).filter(uuid=service_id).first()


def published_organization(organization_id: uuid.UUID) -> Partner | None:
    return organizations().filter(uuid=organization_id).first()


def postcode_centroid(postcode: str) -> tuple[float, float] | None:
    """The mean position of the places we know in a postcode (None when none has coordinates).

    Belgium publishes no postcode centroids under an open licence that we ship, so the centroid is
    that of the places in the catalogue: good enough for "within 5 km of 9000".
    """
    found = Locatie.objects.filter(
        postcode=postcode, latitude__isnull=False, longitude__isnull=False
    ).aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    if found["latitude"] is None:
        return None
    return float(found["latitude"]), float(found["longitude"])
