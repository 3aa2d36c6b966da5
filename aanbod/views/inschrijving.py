"""Registering for an activity, and the parent's own page to see, change or cancel a registration.

No account: the manage page is reached with the long random token from the confirmation mail. Only its
HMAC is stored (aanbod/tokens.py): the link's token is hashed, looked up through the unique index on the
hash and the hash compared with `secrets.compare_digest`. The index lookup itself is not constant-time,
but it compares HMACs of a 256-bit secret, so a timing difference hints at nothing usable; malformed
tokens are refused before any query.
(The alternative, an id in the URL plus a constant-time compare, would publish how many registrations
exist and need a model change, for no real gain.) A wrong or erased token is a 404. Token pages are
never cached and never send the token on in a Referer header.

`Referrer-Policy: no-referrer` makes browsers post the forms of those pages with `Origin: null`, which
Django's CSRF check would refuse. The token pages therefore use their own CSRF check that accepts that
one origin and still demands the CSRF token (and the secret URL token, which a forging site cannot know).
"""

import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from aanbod import tokens
from aanbod.forms.inschrijving import InschrijvingForm, InschrijvingWijzigenForm
from aanbod.ical import calendar_for
from aanbod.models import Activiteit, Inschrijving, Reeks
from aanbod.services import inschrijvingen
from huisvanhetkind.lib.ratelimit import ratelimit
from huisvanhetkind.lib.scoping import scopes_disabled

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# Per client (IP address, never stored): generous for a social worker registering several families from
# one office, a wall for a script.
REGISTRATIONS_PER_HOUR = "60/h"
CHANGES_PER_HOUR = "60/h"


class _NoReferrerCsrfMiddleware(CsrfViewMiddleware):
    def _origin_verified(self, request) -> bool:
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)


def token_page(view):
    """CSRF protection for a page sent with `Referrer-Policy: no-referrer` (see the module docstring)."""
    return csrf_exempt(decorator_from_middleware(_NoReferrerCsrfMiddleware)(view))


def _private(response: HttpResponse) -> HttpResponse:
    """Headers for pages that carry a token: never stored, never passed on as a Referer."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _activiteit(pk: int) -> Activiteit:
    return get_object_or_404(
        Activiteit.objects.gepubliceerd()
        .met_bezetting()
        .select_related("aanbod__partner", "locatie__gemeente"),
        pk=pk,
    )


def _reeks(pk: int) -> Reeks:
    return get_object_or_404(Reeks.objects.gepubliceerd().select_related("aanbod__partner"), pk=pk)


def _inschrijving_for_token(token: str) -> Inschrijving:
    if not TOKEN.match(token):
        raise Http404
    hashes = tokens.candidate_hashes(token)
    inschrijving = (
        Inschrijving.objects.select_related(
            "activiteit__aanbod__partner", "activiteit__locatie__gemeente", "reeks__aanbod__partner"
        )
        .filter(token_hash__in=hashes, gewist_op__isnull=True)
        .first()
    )
    if inschrijving is None or not any(
        secrets.compare_digest(inschrijving.token_hash, candidate) for candidate in hashes
    ):
        raise Http404
    return inschrijving


# The service's error codes that belong to one field of the form.
_ERROR_FIELDS = {
    "aantal": "aantal_personen",
    "volzet": "aantal_personen",
    "postcode": "postcode",
    "inwoners": "postcode",
    "leeftijd": "leeftijd",
}


def _add_service_error(form, error: ValidationError) -> None:
    field = _ERROR_FIELDS.get(error.code)
    form.add_error(field if field in form.fields else None, error)


@ratelimit("inschrijven", REGISTRATIONS_PER_HOUR, methods=["POST"], sliding=True)
@require_http_methods(["GET", "POST"])
def activiteit_inschrijven(request, pk: int):
    return _inschrijven(request, pk, _activiteit)


@ratelimit("inschrijven", REGISTRATIONS_PER_HOUR, methods=["POST"], sliding=True)
@require_http_methods(["GET", "POST"])
def reeks_inschrijven(request, pk: int):
    """Register once for every meeting of a series."""
    return _inschrijven(request, pk, _reeks)


def _inschrijven(request, pk: int, load) -> HttpResponse:
    activiteit = load(pk)
    context = {
        "activiteit": activiteit,
        "reeks": activiteit if isinstance(activiteit, Reeks) else None,
        "aanbod": activiteit.aanbod,
        "reden": inschrijvingen.inschrijving_closed_reason(activiteit),
        "opening": inschrijvingen.inschrijven_opening(activiteit),
        "retention_days": settings.REGISTRATION_RETENTION_DAYS,
    }
    if context["reden"]:
        return render(request, "aanbod/inschrijving/gesloten.html", context)

    form = InschrijvingForm(request.POST or None, activiteit=activiteit)
    if request.method == "POST" and form.is_valid():
        try:
            inschrijvingen.inschrijving_create(
                activiteit=activiteit, taal=translation.get_language(), **form.cleaned_data
            )
        except ValidationError as error:
            if error.code != "gesloten":
                _add_service_error(form, error)
            else:  # closed between showing the form and sending it
                activiteit = load(pk)
                reden = inschrijvingen.inschrijving_closed_reason(activiteit) or "gesloten"
                opening = inschrijvingen.inschrijven_opening(activiteit)
                context.update(activiteit=activiteit, reden=reden, opening=opening)
                return render(request, "aanbod/inschrijving/gesloten.html", context)
        else:
            # New or already registered: the same redirect and page, which name neither the person nor
            # a status (anyone can type any address). The mail (confirmation, or the existing
            # registration's link) goes to that address only.
            verstuurd = (
                "reeks_inschrijving_verstuurd" if context["reeks"] else "activiteit_inschrijving_verstuurd"
            )
            return redirect(verstuurd, pk=activiteit.pk)
    context["form"] = form
    return render(request, "aanbod/inschrijving/inschrijven.html", context)


@require_GET
def activiteit_inschrijving_verstuurd(request, pk: int):
    """After registering: "check your mailbox", the same for a new and an existing registration."""
    return _verstuurd(request, _activiteit(pk))


@require_GET
def reeks_inschrijving_verstuurd(request, pk: int):
    """After registering for a whole series: the same "check your mailbox"."""
    return _verstuurd(request, _reeks(pk))


def _verstuurd(request, activiteit: Activiteit | Reeks) -> HttpResponse:
    context = {
        "activiteit": activiteit,
        "reeks": activiteit if isinstance(activiteit, Reeks) else None,
        "aanbod": activiteit.aanbod,
    }
    return render(request, "aanbod/inschrijving/verstuurd.html", context)


def _doel(inschrijving: Inschrijving) -> Activiteit | Reeks:
    """What the registration is for, with its places counted (the series, or the activity)."""
    if inschrijving.reeks_id:
        return Reeks.objects.select_related("aanbod__partner").get(pk=inschrijving.reeks_id)
    activiteit = (
        Activiteit.objects.met_bezetting()
        .select_related("aanbod__partner", "locatie__gemeente")
        .get(pk=inschrijving.activiteit_id)
    )
    inschrijving.activiteit = activiteit
    return activiteit


def _manage_page(request, inschrijving: Inschrijving, form=None) -> HttpResponse:
    activiteit = _doel(inschrijving)
    mag_nog = inschrijvingen.inschrijving_may_change(inschrijving, activiteit)
    # After the online cancellation deadline the page says to phone instead (the services refuse too).
    bellen = mag_nog and inschrijvingen.annuleren_online_voorbij(inschrijving, activiteit)
    kan_wijzigen = mag_nog and not bellen
    maximum = inschrijvingen.inschrijving_max_personen(inschrijving, activiteit)
    if kan_wijzigen and form is None:
        form = InschrijvingWijzigenForm(
            activiteit=activiteit, maximum=maximum, initial={"aantal_personen": inschrijving.aantal_personen}
        )
    context = {
        "inschrijving": inschrijving,
        "activiteit": activiteit,
        "reeks": inschrijving.reeks,
        "aanbod": activiteit.aanbod,
        "kan_wijzigen": kan_wijzigen,
        "bellen": bellen,
        "kan_bijschrijven": maximum > inschrijving.aantal_personen,
        "form": form if kan_wijzigen else None,
        "wachtlijst_plaats": inschrijvingen.wachtlijst_positie(inschrijving),
        "retention_days": settings.REGISTRATION_RETENTION_DAYS,
    }
    return _private(render(request, "aanbod/inschrijving/beheren.html", context))


# The token pages run with the scopes disabled: the secret token is the capability, and the page shows
# that one registration, its activity and its place on the waiting list (the public scope sees none).
@token_page
@ratelimit("inschrijving-beheren", CHANGES_PER_HOUR, methods=["POST"], sliding=True)
@require_http_methods(["GET", "POST"])
@scopes_disabled()
def inschrijving_manage(request, token: str):
    inschrijving = _inschrijving_for_token(token)
    if request.method != "POST":
        return _manage_page(request, inschrijving)
    activiteit = _doel(inschrijving)
    try:
        inschrijvingen.annuleren_online_check(inschrijving, activiteit)
    except ValidationError as error:  # the page now says to phone instead
        messages.error(request, " ".join(error.messages))
        return _private(redirect(inschrijving))
    maximum = inschrijvingen.inschrijving_max_personen(inschrijving, activiteit)
    form = InschrijvingWijzigenForm(request.POST, activiteit=activiteit, maximum=maximum)
    if form.is_valid():
        try:
            inschrijving = inschrijvingen.inschrijving_change(
                inschrijving=inschrijving, aantal_personen=form.cleaned_data["aantal_personen"]
            )
        except ValidationError as error:
            if error.code == "annuleren_tot":  # the deadline passed while the form was sent
                messages.error(request, " ".join(error.messages))
                return _private(redirect(inschrijving))
            _add_service_error(form, error)
        else:
            aantal = inschrijving.aantal_personen
            messages.success(
                request,
                ngettext(
                    "Saved: your registration is now for %(n)d person.",
                    "Saved: your registration is now for %(n)d persons.",
                    aantal,
                )
                % {"n": aantal},
            )
            if inschrijving.status == Inschrijving.Status.BEVESTIGD and inschrijving.doorgeschoven_op:
                messages.info(request, _("Good news: you now have a place."))
            return _private(redirect(inschrijving))
    return _manage_page(request, inschrijving, form)


@token_page
@ratelimit("inschrijving-beheren", CHANGES_PER_HOUR, methods=["POST"], sliding=True)
@require_http_methods(["GET", "POST"])
@scopes_disabled()
def inschrijving_annuleren(request, token: str):
    """A confirm step (GET) before cancelling (POST only)."""
    inschrijving = _inschrijving_for_token(token)
    if not inschrijvingen.inschrijving_may_change(inschrijving) or (
        request.method == "GET" and inschrijvingen.annuleren_online_voorbij(inschrijving)
    ):
        # Already cancelled, the activity started or was cancelled, or the online cancellation deadline
        # has passed: the manage page says which (and whom to phone).
        return _private(redirect(inschrijving))
    if request.method == "POST":
        try:
            inschrijvingen.inschrijving_cancel(inschrijving=inschrijving)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your registration is cancelled. Thank you for letting us know."))
        return _private(redirect(inschrijving))
    context = {"inschrijving": inschrijving, "activiteit": inschrijving.doel, "reeks": inschrijving.reeks}
    return _private(render(request, "aanbod/inschrijving/annuleren.html", context))


@require_GET
@scopes_disabled()
def inschrijving_ics(request, token: str):
    """The activity (or every meeting of the series) for the parent's own calendar."""
    inschrijving = _inschrijving_for_token(token)
    response = HttpResponse(
        calendar_for(inschrijving.bijeenkomsten, naam=inschrijving.doel.naam),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="activiteit.ics"'
    return _private(response)
