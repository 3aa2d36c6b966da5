from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from partners.models import Netwerk


def home(request):
    return render(request, "home.html", {})


@require_GET
def privacy(request):
    return render(request, "privacy.html", {})


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request):
    """The network's own colours as CSS variables, so that no inline style is needed (strict CSP)."""
    netwerk = Netwerk.load()
    css = f":root{{--brand:{netwerk.kleur_primair};--accent:{netwerk.kleur_accent};}}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
