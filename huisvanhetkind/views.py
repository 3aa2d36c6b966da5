from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_safe

from aanbod.models import Aanbod, Activiteit, Levensfase, Thema
from partners.models import Netwerk

from . import toegankelijkheid as a11y
from .lib.pagecache import cached_for_visitors

THIS_WEEK_LIMIT = 6


@require_safe
@cached_for_visitors
def home(request):
    """The wegwijzer's front: search, quick choices by life stage and thema, what is on this week."""
    now = timezone.now()
    published = Aanbod.objects.gepubliceerd()
    themas = Thema.objects.filter(actief=True).filter(Exists(published.filter(themas=OuterRef("pk"))))
    deze_week = (
        Activiteit.objects.gepubliceerd()
        .filter(einde__gte=now, start__lt=now + timedelta(days=7), geannuleerd=False)
        .select_related("aanbod", "locatie__gemeente")
        .order_by("start", "pk")[:THIS_WEEK_LIMIT]
    )
    return render(
        request,
        "home.html",
        {
            "levensfasen": [(stage.value, stage.label) for stage in Levensfase],
            "themas": themas,
            "deze_week": deze_week,
        },
    )


@require_GET
def privacy(request):
    return render(request, "privacy.html", {})


@require_GET
def toegankelijkheid(request):
    """The accessibility statement, from the Netwerk's record and the measured state."""
    netwerk = Netwerk.load()
    problemen = [line.strip() for line in netwerk.toegankelijkheid_problemen.splitlines() if line.strip()]
    return render(
        request,
        "toegankelijkheid.html",
        {
            "status": a11y.nalevingsstatus(
                problemen=netwerk.toegankelijkheid_problemen,
                handmatig_nagekeken=netwerk.toegankelijkheid_beoordeeld_op,
            ),
            "problemen": problemen,
            "standard": a11y.STANDARD,
            "measured": a11y.MEASURED,
            "measured_on": a11y.MEASURED_ON,
            "checked_on": netwerk.toegankelijkheid_beoordeeld_op,
        },
    )


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request):
    """The network's own colours as CSS variables, so that no inline style is needed (strict CSP)."""
    netwerk = Netwerk.load()
    css = f":root{{--brand:{netwerk.kleur_primair};--accent:{netwerk.kleur_accent};}}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
