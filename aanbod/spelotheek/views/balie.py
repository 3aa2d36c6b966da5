"""The counter (`/partner/spelotheek/<partner>/…`): the spelotheek's own staff lend, take back, renew,
find and enrol members, take fees, and print labels.

Every view gets its partner through `balie_partner`: one of the user's own partners or a 404, and runs
inside `scope(partner=[that partner])`, so another spelotheek's toys and members are out of reach.
"""

from functools import wraps
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from huisvanhetkind.lib.scoping import scope
from partners.views.access import partner_required, user_partners

from .. import services
from ..forms import BetalingForm, CodeForm, LidForm, TerugbrengForm, UitleenForm
from ..models import Lid, Reservatie, Speelgoed, Uitlening

LABELS_PER_PAGE = 24


def balie_view(view):
    """Login, a partner of the user's own (else 404), and that partner's scope around the whole view."""

    @partner_required
    @never_cache
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        partner = get_object_or_404(user_partners(), slug=slug)
        with scope(partner=[partner.pk]):
            return view(request, partner, *args, **kwargs)

    return wrapper


@partner_required
@require_safe
def balie_kiezen(request):
    partners = list(user_partners())
    if len(partners) == 1:
        return redirect("balie", slug=partners[0].slug)
    return render(request, "spelotheek/balie/kiezen.html", {"partners": partners})


def _balie_page(request, partner, *, uitleen_form=None, code_form=None, status=200):
    vandaag = timezone.localdate()
    context = {
        "partner": partner,
        "uitleen_form": uitleen_form or UitleenForm(partner=partner),
        "code_form": code_form or CodeForm(partner=partner),
        "klaar": Reservatie.objects.filter(speelgoed__partner=partner, status=Reservatie.Status.KLAAR)
        .select_related("speelgoed", "lid")
        .order_by("ophalen_tot")[:50],
        "te_laat": Uitlening.objects.filter(
            speelgoed__partner=partner, teruggebracht_op__isnull=True, terug_op__lt=vandaag
        )
        .select_related("speelgoed", "lid")
        .order_by("terug_op")[:50],
        "opvolging": Uitlening.objects.filter(speelgoed__partner=partner, opvolging_open=True)
        .select_related("speelgoed", "lid")
        .order_by("teruggebracht_op")[:50],
        "in_herstel": Speelgoed.objects.filter(partner=partner, status=Speelgoed.Status.IN_HERSTEL).count(),
    }
    return render(request, "spelotheek/balie/balie.html", context, status=status)


@require_safe
@balie_view
def balie(request, partner):
    initial = {"lidnummer": request.GET.get("lid", "")[:20]}
    return _balie_page(request, partner, uitleen_form=UitleenForm(partner=partner, initial=initial))


@require_POST
@balie_view
def uitlenen(request, partner):
    form = UitleenForm(request.POST, partner=partner)
    if form.is_valid():
        lid, speelgoed = form.cleaned_data["lidnummer"], form.cleaned_data["code"]
        try:
            uitlening = services.uitlening_create(speelgoed=speelgoed, lid=lid, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Lent: %(item)s to %(lid)s, due back on %(datum)s.")
                % {"item": speelgoed.naam, "lid": lid.naam, "datum": f"{uitlening.terug_op:%d/%m/%Y}"},
            )
            return redirect(
                f"{reverse('balie', kwargs={'slug': partner.slug})}?{urlencode({'lid': lid.lidnummer})}"
            )
    return _balie_page(request, partner, uitleen_form=form)


@require_safe
@balie_view
def terugbrengen_zoeken(request, partner):
    """The counter's return box: the code of the toy on the table → its return page."""
    form = CodeForm(request.GET, partner=partner)
    if form.is_valid():
        uitlening = Uitlening.objects.filter(
            speelgoed=form.cleaned_data["code"], teruggebracht_op__isnull=True
        ).first()
        if uitlening is not None:
            return redirect("balie_terugbrengen", slug=partner.slug, pk=uitlening.pk)
        form.add_error("code", _("This item is not lent out."))
    return _balie_page(request, partner, code_form=form)


@balie_view
def terugbrengen(request, partner, pk):
    uitlening = get_object_or_404(
        Uitlening.objects.filter(teruggebracht_op__isnull=True).select_related("speelgoed", "lid"), pk=pk
    )
    form = TerugbrengForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.uitlening_return(
                uitlening=uitlening,
                controle=form.cleaned_data["controle"],
                ontbrekende_stukken=form.cleaned_data.get("ontbrekende_stukken") or 0,
                opmerking=form.cleaned_data.get("opmerking", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Returned: %(item)s.") % {"item": uitlening.speelgoed.naam})
            return redirect("balie", slug=partner.slug)
    return render(
        request,
        "spelotheek/balie/terugbrengen.html",
        {"partner": partner, "uitlening": uitlening, "form": form},
    )


@require_POST
@balie_view
def verlengen(request, partner, pk):
    uitlening = get_object_or_404(Uitlening.objects.select_related("lid"), pk=pk)
    try:
        uitlening = services.uitlening_renew(uitlening=uitlening)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Renewed until %(datum)s.") % {"datum": f"{uitlening.terug_op:%d/%m/%Y}"})
    return redirect("balie_lid", slug=partner.slug, pk=uitlening.lid_id)


@require_POST
@balie_view
def opvolging_sluiten(request, partner, pk):
    uitlening = get_object_or_404(Uitlening.objects.filter(opvolging_open=True), pk=pk)
    services.uitlening_follow_up_close(uitlening=uitlening)
    messages.success(request, _("Follow-up closed."))
    return redirect("balie", slug=partner.slug)


@require_POST
@balie_view
def reservatie_annuleren(request, partner, pk):
    reservatie = get_object_or_404(Reservatie.objects.filter(speelgoed__partner=partner), pk=pk)
    services.reservatie_cancel(reservatie=reservatie)
    messages.success(request, _("The reservation is cancelled."))
    return redirect("balie_lid", slug=partner.slug, pk=reservatie.lid_id)


@require_safe
@balie_view
def leden(request, partner):
    q = request.GET.get("q", "").strip()[:100]
    queryset = Lid.objects.filter(partner=partner)
    if q:
        queryset = queryset.filter(Q(lidnummer=q) | Q(naam__icontains=q) | Q(email__iexact=q))
    page = Paginator(queryset.order_by("naam", "pk"), 25).get_page(request.GET.get("page"))
    return render(request, "spelotheek/balie/leden.html", {"partner": partner, "page": page, "q": q})


@balie_view
def lid_nieuw(request, partner):
    form = LidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lid = services.lid_create(partner=partner, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("New member %(nummer)s.") % {"nummer": lid.lidnummer})
            return redirect("balie_lid", slug=partner.slug, pk=lid.pk)
    return render(request, "spelotheek/balie/lid_nieuw.html", {"partner": partner, "form": form})


@balie_view
def lid_detail(request, partner, pk):
    lid = get_object_or_404(Lid.objects.filter(partner=partner), pk=pk)
    form = BetalingForm(
        request.POST or None, initial={"bedrag": lid.bijdrage, "kansentarief": lid.kansentarief}
    )
    if request.method == "POST" and form.is_valid():
        services.lid_payment_record(lid=lid, user=request.user, **form.cleaned_data)
        messages.success(request, _("Payment recorded."))
        return redirect("balie_lid", slug=partner.slug, pk=lid.pk)
    return render(
        request,
        "spelotheek/balie/lid.html",
        {
            "partner": partner,
            "lid": lid,
            "form": form,
            "uitleen_form": UitleenForm(partner=partner, initial={"lidnummer": lid.lidnummer}),
            "uitleningen": lid.uitleningen.filter(teruggebracht_op__isnull=True).select_related("speelgoed"),
            "reservaties": lid.reservaties.filter(status__in=Reservatie.ACTIEF).select_related("speelgoed"),
            "max_verlengingen": services.regels(partner.pk)["max_verlengingen"],
        },
    )


@require_safe
@balie_view
def speelgoed_lijst(request, partner):
    status = request.GET.get("status", "")
    queryset = Speelgoed.objects.filter(partner=partner)
    if status in Speelgoed.Status.values:
        queryset = queryset.filter(status=status)
    else:
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    if q:
        queryset = queryset.filter(Q(code__iexact=q) | Q(naam__icontains=q))
    page = Paginator(queryset.order_by("code", "pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "spelotheek/balie/speelgoed.html",
        {"partner": partner, "page": page, "status": status, "statussen": Speelgoed.Status.choices, "q": q},
    )


@require_POST
@balie_view
def hersteld(request, partner, pk):
    speelgoed = get_object_or_404(Speelgoed.objects.filter(partner=partner), pk=pk)
    try:
        services.speelgoed_repaired(speelgoed=speelgoed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(item)s is back in the catalogue.") % {"item": speelgoed.naam})
    return redirect(f"{reverse('balie_speelgoed', kwargs={'slug': partner.slug})}?status=in_herstel")


@require_safe
@balie_view
def labels(request, partner):
    """A printable sheet of labels, each with the toy's code, name, pieces and a QR code of its page."""
    queryset = Speelgoed.objects.filter(partner=partner).exclude(status=Speelgoed.Status.UIT_COLLECTIE)
    codes = [c.strip() for c in request.GET.getlist("code") if c.strip()][:LABELS_PER_PAGE]
    if codes:
        queryset = queryset.filter(code__in=codes)
    page = Paginator(queryset.order_by("code", "pk"), LABELS_PER_PAGE).get_page(request.GET.get("page"))
    items = []
    for speelgoed in page:
        qr = segno.make(settings.SITE_URL + speelgoed.get_absolute_url(), error="m")
        items.append((speelgoed, qr.svg_data_uri(scale=3, border=2), qr.symbol_size(scale=3, border=2)[0]))
    return render(request, "spelotheek/balie/labels.html", {"partner": partner, "page": page, "items": items})
