"""The partners' portal front page, /partner/: what needs the partner's attention today."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from aanbod.models import Aanbod, Activiteit
from aanbod.services import nagekeken
from aanbod.services.portal import activiteiten_with_open_attendance, activiteiten_with_reeks_bezetting
from partners.models import Partner
from partners.views.access import (
    gekozen_partner,
    is_portal_user,
    rapporten_url,
    scope_to_partner,
    user_partners,
)

KOMEND_DAGEN = 30
MAX_RIJEN = 10


@login_required
@require_safe
def dashboard(request):
    if not is_portal_user(request.user):
        # Municipality staff and people who no longer work for a partner: point them the right way.
        return render(request, "portal/geen_partner.html", {"rapporten_url": rapporten_url()})
    partner = gekozen_partner(request)
    partners = list(user_partners()) if not request.user.is_coordinator else []
    aanbod = scope_to_partner(Aanbod.objects.all(), partner).select_related("partner")
    activiteiten = scope_to_partner(Activiteit.objects.all(), partner, "aanbod__partner")
    now = timezone.now()

    komend = activiteiten_with_reeks_bezetting(
        activiteiten.filter(einde__gte=now, start__lte=now + timedelta(days=KOMEND_DAGEN))
        .met_bezetting()
        .select_related("aanbod", "locatie")
        .order_by("start")
    )
    # Single activities and meetings of a series (whose registrations are the series').
    aanwezigheid = (
        activiteiten_with_open_attendance(
            activiteiten.filter(start__lte=now, start__gte=now - timedelta(days=14), geannuleerd=False)
        )
        .filter(open_aanwezig__gt=0)
        .with_deel()
        .select_related("aanbod")
        .order_by("-start")
    )
    te_nakijken = aanbod.filter(pk__in=nagekeken.aanbod_te_nakijken().values("pk")).order_by("nagekeken_op")
    lang = set(nagekeken.aanbod_lang_niet_nagekeken(aanbod).values_list("pk", flat=True))
    context = {
        "partner": partner,
        "partners": partners,
        "komend": komend[:MAX_RIJEN],
        "komend_dagen": KOMEND_DAGEN,
        "ter_moderatie": aanbod.te_modereren().order_by("-ingediend_op")[:MAX_RIJEN],
        "afgewezen": aanbod.exclude(afwijsreden="")
        .filter(
            Q(status=Aanbod.Status.AFGEWEZEN)
            | Q(status=Aanbod.Status.GEPUBLICEERD, voorgestelde_wijziging__isnull=True)
        )
        .order_by("-bijgewerkt_op")[:MAX_RIJEN],
        "concepten": aanbod.filter(status=Aanbod.Status.CONCEPT).order_by("-bijgewerkt_op")[:MAX_RIJEN],
        "te_nakijken": te_nakijken[:MAX_RIJEN],
        "lang_niet_nagekeken": lang,
        "aanwezigheid": aanwezigheid[:MAX_RIJEN],
        "maanden": settings.AANBOD_NAGEKEKEN_MONTHS,
        "beheerder_van": list(Partner.objects.beheerd_door(request.user).distinct()) if partners else [],
    }
    return render(request, "portal/dashboard.html", context)
