"""The parent's pages: ask a question anonymously, read the answer with the pickup code.

Nothing here stores who asked: no account, no name field, no IP address or user agent in the database.
The pickup code is shown once in the response to the POST (never in a URL, a session or a log) and
only its keyed hash is stored.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aanbod.models import Thema
from huisvanhetkind.lib.pagecache import ONE_TIME_TOKEN, form_for_visitors
from huisvanhetkind.lib.ratelimit import RateLimit, ratelimit, too_many_requests

from .. import codes
from ..forms import CodeForm, VervolgForm, VraagStellenForm, gemeente_opties
from ..services import gesprek_find, gesprek_follow_up, gesprek_start

logger = logging.getLogger(__name__)

# Wrong pickup codes a client may try per hour before it has to wait. "A client" is the real parent
# behind the proxy (RATELIMIT_TRUSTED_PROXIES), so one client's guesses lock out only that client.
CODE_ATTEMPTS = RateLimit("vraag-ophaalcode", "10/h", sliding=True)


def _typed_code(request) -> str | None:
    return codes.normalise(request.POST.get("code", ""))


# The code itself is a shared secret too: every look-up of one code counts against that code, whoever
# sends it, so no crowd of addresses can hammer one conversation; the lock is on that code only.
CODE_LOOKUPS = RateLimit("vraag-ophaalcode-per-code", "30/h", sliding=True, key=_typed_code)
# Follow-up messages a client may send per hour.
VERVOLG_LIMIT = RateLimit("vraag-vervolg", "10/h", sliding=True)
# How long a form's one-time token is remembered (a reload within this time does not ask twice).
EENMALIG_SECONDS = 6 * 3600


def _no_store(response):
    # Not "Referrer-Policy: no-referrer": browsers then send "Origin: null" with the next POST, which the
    # CSRF check refuses. The code is never in an address, so the referrer holds nothing secret.
    response["Cache-Control"] = "no-store, private"
    return response


def _first_use(token: str) -> bool:
    """True the first time a form's one-time token is sent (kept in the cache, fails open)."""
    try:
        return cache.add(f"vraag-eenmalig:{token}", 1, timeout=EENMALIG_SECONDS)
    except Exception:
        logger.warning("cache unavailable; cannot tell whether a question was sent twice")
        return True


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit("vraag-stellen", "10/h", methods=["POST"], sliding=True)
@form_for_visitors  # the empty form is rendered once; each visitor gets fresh tokens in it
def vraag_stellen(request):
    if request.method == "POST":
        form = VraagStellenForm(request.POST)
        if form.is_robot:
            logger.info("vraag_stellen: honeypot filled in")
        if form.is_valid():
            data = form.cleaned_data
            if not _first_use(data["eenmalig"]):
                return _no_store(render(request, "vragen/vraag_al_verstuurd.html", {}))
            gesprek, code = gesprek_start(
                gemeente=data["gemeente"],
                themas=form.themas(),
                leeftijdsband=data["leeftijdsband"],
                tekst=data["tekst"],
            )
            # For screen readers: character by character, group by group ("7 K Q 2, M 9 X D, …").
            gespeld = ", ".join(" ".join(group) for group in code.split("-"))
            context = {"code": code, "code_gespeld": gespeld, "gesprek": gesprek}
            return _no_store(render(request, "vragen/vraag_verstuurd.html", context))
    else:
        initial = {"eenmalig": ONE_TIME_TOKEN}
        slug = request.GET.get("thema", "")
        thema = Thema.objects.filter(slug=slug, actief=True).first() if slug else None
        if thema:
            initial["thema"] = thema.pk
        form = VraagStellenForm(initial=initial)
    context = {
        "form": form,
        "gemeenten": gemeente_opties(),
        "retentie_dagen": settings.GESPREK_RETENTION_DAYS,
    }
    return render(request, "vragen/vraag_stellen.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def vraag_antwoord(request):
    """Enter the pickup code (POST only: the code never appears in an address), read, follow up."""
    if request.method == "GET":
        return _no_store(render(request, "vragen/vraag_antwoord.html", {"form": CodeForm()}))

    usage = CODE_ATTEMPTS.peek(request)
    if usage.limited:
        return too_many_requests(request, usage)
    per_code = CODE_LOOKUPS.hit(request)
    if per_code.limited:
        return too_many_requests(request, per_code)
    is_vervolg = "tekst" in request.POST
    code_form = CodeForm(request.POST)
    gesprek = gesprek_find(code=request.POST.get("code", "")) if code_form.is_valid() else None
    if gesprek is None:
        CODE_ATTEMPTS.hit(request)
        if code_form.is_valid():
            code_form.add_error(
                "code", _("We could not find a question with this code. Check every character.")
            )
        response = render(request, "vragen/vraag_antwoord.html", {"form": code_form}, status=404)
        return _no_store(response)

    vervolg = VervolgForm(initial={"code": code_form.cleaned_data["code"]})
    status = 200
    if is_vervolg:
        vervolg = VervolgForm(request.POST)
        limited = VERVOLG_LIMIT.peek(request)
        if limited.limited:
            return too_many_requests(request, limited)
        if vervolg.is_valid():
            try:
                gesprek_follow_up(gesprek=gesprek, tekst=vervolg.cleaned_data["tekst"])
            except ValidationError as error:
                vervolg.add_error(None, error)
                status = 400
            else:
                VERVOLG_LIMIT.hit(request)
                gesprek = gesprek_find(code=code_form.cleaned_data["code"])
                vervolg = VervolgForm(initial={"code": code_form.cleaned_data["code"]})
                vervolg.verstuurd = True
        else:
            status = 400
    context = {
        "gesprek": gesprek,
        "berichten": gesprek.berichten.all(),
        "vervolg": vervolg,
        "verstuurd": getattr(vervolg, "verstuurd", False),
    }
    return _no_store(render(request, "vragen/vraag_gesprek.html", context, status=status))
