"""The toy catalogue: public, no login. Runs in the PUBLIC scope: only toys that can be lent are seen."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from aanbod.views.wegwijzer import cached_for_visitors
from huisvanhetkind.lib.scoping import PUBLIC, scope
from partners.models import Partner

from ..forms import CatalogusFilter, LidnummerForm
from ..models import Speelgoed
from ..services import volgend_openingsuur
from .member import lid_uit_sessie

PAGE_SIZE = 24


def spelotheken():
    """The partners with at least one toy in the catalogue (call inside the PUBLIC scope)."""
    return Partner.objects.filter(pk__in=Speelgoed.objects.values("partner_id")).order_by("naam")


@require_safe
@cached_for_visitors
def spelotheek_list(request: HttpRequest) -> HttpResponse:
    """The catalogue; anonymous visitors get it from the wegwijzer's page cache while no toy changed."""
    with scope(partner=PUBLIC):
        filters = CatalogusFilter(request.GET or None, spelotheken=list(spelotheken()))
        queryset = filters.apply(Speelgoed.objects.select_related("partner")).order_by("naam", "pk")
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "spelotheek/catalogus.html",
            {"page": page, "form": filters, "active_filters": filters.active()},
        )


def _jsonld(request, speelgoed: Speelgoed) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": speelgoed.naam,
        "description": speelgoed.beschrijving,
        "sku": speelgoed.code,
        "category": speelgoed.get_categorie_display(),
        "url": request.build_absolute_uri(speelgoed.get_absolute_url()),
        "audience": {
            "@type": "PeopleAudience",
            "suggestedMinAge": speelgoed.leeftijd_van,
            "suggestedMaxAge": speelgoed.leeftijd_tot,
        },
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock"
            if speelgoed.beschikbaar
            else "https://schema.org/OutOfStock",
            "offeredBy": {"@type": "Organization", "name": speelgoed.partner.naam},
        },
    }
    if speelgoed.foto:
        data["image"] = request.build_absolute_uri(speelgoed.foto.url)
    return data


@require_safe
def spelotheek_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with scope(partner=PUBLIC):
        speelgoed = get_object_or_404(Speelgoed.objects.select_related("partner"), pk=pk)
        lid = lid_uit_sessie(request)
        return render(
            request,
            "spelotheek/speelgoed.html",
            {
                "speelgoed": speelgoed,
                "jsonld": _jsonld(request, speelgoed),
                "lid": lid if lid and lid.partner_id == speelgoed.partner_id else None,
                "form": LidnummerForm(),
                "openingsuur": volgend_openingsuur(speelgoed.partner),
                "catalogus_url": reverse("spelotheek_list"),
            },
        )
