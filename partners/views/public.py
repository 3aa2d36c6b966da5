"""The network's partners as parents see them: who they are, how to reach them, what they offer."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from huisvanhetkind.lib.pagecache import cached_for_visitors

from ..models import Partner

PAGE_SIZE = 48


@require_safe
@cached_for_visitors
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = (
        Partner.objects.actief()
        .annotate(aantal_aanbod=Count("aanbod", filter=Q(aanbod__status="gepubliceerd")))
        .order_by("naam", "pk")
    )
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/public/partner_list.html", {"page": page})


@require_safe
@cached_for_visitors
def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.actief().prefetch_related("werkgebied"), slug=slug)
    # Through the reverse relation: partners never imports aanbod (the dependency runs the other way).
    aanbod = list(
        partner.aanbod.gepubliceerd()
        .select_related("partner")
        .prefetch_related("openingsuren")
        .order_by("titel", "pk")
    )
    return render(request, "partners/public/partner_detail.html", {"partner": partner, "aanbod": aanbod})
