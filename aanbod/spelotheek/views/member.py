"""Members without an account: the member number, then a link mailed to them, then a session.

The link's token is looked up by its hash (`scopes_disabled`: the token is the capability); the session
then holds the member's id for SPELOTHEEK_LINK_UREN and the member's pages run in their own spelotheek's
scope.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from huisvanhetkind.lib.ratelimit import RateLimit, too_many_requests
from huisvanhetkind.lib.scoping import PUBLIC, scope, scopes_disabled

from .. import services
from ..forms import LidnummerForm
from ..models import Lid, Reservatie, Speelgoed, Uitlening

SESSION_KEY = "spelotheek_lid"
LINKS = RateLimit("spelotheek-link", "10/h", sliding=True)


def lid_uit_sessie(request: HttpRequest) -> Lid | None:
    """The member signed in with a mailed link in this browser, or None."""
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    if datetime.fromisoformat(data["tot"]) < timezone.now():
        request.session.pop(SESSION_KEY, None)
        return None
    with scopes_disabled():
        return Lid.objects.select_related("partner").filter(pk=data["id"]).first()


@require_safe
@never_cache
def lid_link(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: sign the member in here, then go on without the token in the address bar."""
    with scopes_disabled():
        toegang = services.lid_from_token(token)
    if toegang is None:
        return render(request, "spelotheek/link_ongeldig.html", status=404)
    request.session.cycle_key()
    tot = timezone.now() + timedelta(hours=settings.SPELOTHEEK_LINK_UREN)
    request.session[SESSION_KEY] = {"id": toegang.lid_id, "tot": tot.isoformat()}
    if toegang.speelgoed_id:
        return redirect("spelotheek_detail", pk=toegang.speelgoed_id)
    return redirect("spelotheek_mijn")


@require_safe
@never_cache
def mijn(request: HttpRequest) -> HttpResponse:
    lid = lid_uit_sessie(request)
    if lid is None:
        return render(request, "spelotheek/mijn_afgemeld.html", status=403)
    with scope(partner=[lid.partner_id]):
        uitleningen = list(
            Uitlening.objects.filter(lid=lid, teruggebracht_op__isnull=True).select_related("speelgoed")
        )
        reservaties = list(
            Reservatie.objects.filter(lid=lid, status__in=Reservatie.ACTIEF).select_related("speelgoed")
        )
        return render(
            request,
            "spelotheek/mijn.html",
            {
                "lid": lid,
                "uitleningen": uitleningen,
                "reservaties": reservaties,
                "max_verlengingen": services.regels(lid.partner_id)["max_verlengingen"],
            },
        )


@require_POST
def reserveren(request: HttpRequest, pk: int) -> HttpResponse:
    """Reserve a toy: at once for a signed-in member, else mail a sign-in link to the member number."""
    with scope(partner=PUBLIC):
        speelgoed = get_object_or_404(Speelgoed.objects.select_related("partner"), pk=pk)
    lid = lid_uit_sessie(request)
    if lid is not None and lid.partner_id == speelgoed.partner_id:
        with scope(partner=[lid.partner_id]):
            try:
                reservatie = services.reservatie_create(speelgoed=speelgoed, lid=lid)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("spelotheek_detail", pk=pk)
        if reservatie.status == Reservatie.Status.KLAAR:
            messages.success(request, _("Reserved. You can collect it at the next opening hour."))
        else:
            messages.success(request, _("You are in the queue. We will mail you when it is back."))
        return redirect("spelotheek_mijn")
    usage = LINKS.hit(request)  # only asking for a link is limited, not a signed-in member reserving
    if usage.limited:
        return too_many_requests(request, usage)
    form = LidnummerForm(request.POST)
    if not form.is_valid():
        with scope(partner=PUBLIC):
            return render(
                request,
                "spelotheek/speelgoed.html",
                {"speelgoed": speelgoed, "form": form, "lid": None},
                status=400,
            )
    with scopes_disabled():
        services.lid_link_request(
            partner=speelgoed.partner, lidnummer=form.cleaned_data["lidnummer"], speelgoed=speelgoed
        )
    return render(request, "spelotheek/link_verstuurd.html", {"speelgoed": speelgoed})


@require_POST
def reservatie_annuleren(request: HttpRequest, pk: int) -> HttpResponse:
    lid = lid_uit_sessie(request)
    if lid is None:
        return render(request, "spelotheek/mijn_afgemeld.html", status=403)
    with scope(partner=[lid.partner_id]):
        reservatie = get_object_or_404(Reservatie.objects.filter(lid=lid), pk=pk)
        services.reservatie_cancel(reservatie=reservatie)
    messages.success(request, _("Your reservation is cancelled."))
    return redirect("spelotheek_mijn")


@require_POST
def verlengen(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in member renews one of their own loans (the same rule as at the counter)."""
    lid = lid_uit_sessie(request)
    if lid is None:
        return render(request, "spelotheek/mijn_afgemeld.html", status=403)
    with scope(partner=[lid.partner_id]):
        uitlening = get_object_or_404(Uitlening.objects.filter(lid=lid, teruggebracht_op__isnull=True), pk=pk)
        try:
            uitlening = services.uitlening_renew(uitlening=uitlening)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Renewed until %(datum)s.") % {"datum": f"{uitlening.terug_op:%d/%m/%Y}"}
            )
    return redirect("spelotheek_mijn")


@require_POST
def afmelden(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("spelotheek_list")
