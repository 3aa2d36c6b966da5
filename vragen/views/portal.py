"""The vragen pages of the partners' portal: quick registration, answering conversations, signals.

Partner staff and coordinators only (`partner_required`: anonymous -> login, anyone else -> 403).
Every view runs inside the member's partner scope (huisvanhetkind/scopes.py), so another partner's row
is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from partners.models import Gemeente, Partner
from partners.views.access import partner_required

from ..forms import SESSION_DEFAULTS, AntwoordForm, SignaalForm, VraagRegistratieForm, gemeente_opties
from ..models import Gesprek, Signaal, Vraag
from ..services import (
    gesprek_answer,
    signaal_create,
    signaal_update,
    vraag_delete,
    vraag_register,
    vraag_update,
)

PAGE_SIZE = 25
RECENT = 8


def _own_registrations(user):
    return (
        Vraag.objects.geregistreerd_door(user)
        .select_related("gemeente", "doorverwezen_naar")
        .prefetch_related("themas")
        .order_by("-aangemaakt_op", "-pk")
    )


def _correctable(user):
    # A coordinator corrects any registration; a member only their own, within the correction window.
    qs = Vraag.objects.all()
    return qs if user.is_coordinator else qs.geregistreerd_door(user).corrigeerbaar()


def _remembered_initial(request) -> dict:
    initial = dict(request.session.get(SESSION_DEFAULTS) or {})
    gemeente_pk = initial.get("gemeente")
    if gemeente_pk:
        initial["gemeente"] = Gemeente.objects.filter(pk=gemeente_pk).first()
    partner_pk = initial.get("geregistreerd_bij")
    if partner_pk and not Partner.objects.in_scope().filter(pk=partner_pk).exists():
        initial.pop("geregistreerd_bij")
    if not initial.get("gemeente"):
        initial["gemeente"] = VraagRegistratieForm.default_gemeente(request.user)
    return {key: value for key, value in initial.items() if value is not None}


@partner_required
@require_safe
def registraties(request):
    """One's own registrations, newest first; those of the last day can still be corrected."""
    page = Paginator(_own_registrations(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    open_gesprekken = Gesprek.objects.filter(status=Gesprek.Status.OPEN).count()
    return render(
        request,
        "vragen/portal/registraties.html",
        {"page": page, "vragen": page.object_list, "open_gesprekken": open_gesprekken},
    )


@partner_required
@require_http_methods(["GET", "POST"])
def registreren(request):
    """Quick registration; "save and register the next" keeps the form's defaults for the next one."""
    if request.method == "POST":
        form = VraagRegistratieForm(request.POST, user=request.user)
        if form.is_valid():
            vraag_register(user=request.user, themas=form.themas(), **form.vraag_fields())
            request.session[SESSION_DEFAULTS] = form.remembered()
            if "opslaan" in request.POST:
                messages.success(request, _("The question is registered. Thank you."))
                return redirect("portal_vragen")
            messages.success(request, _("The question is registered. You can register the next one."))
            return redirect("portal_vraag_registreren")
    else:
        initial = _remembered_initial(request)
        form = VraagRegistratieForm(user=request.user, initial=initial)
        # Start where the typing starts: the thema once the gemeente is remembered.
        first = "thema" if initial.get("gemeente") else "gemeente"
        form.fields[first].widget.attrs["autofocus"] = True
    recent = _own_registrations(request.user)[:RECENT]
    return render(
        request,
        "vragen/portal/registreren.html",
        {"form": form, "gemeenten": gemeente_opties(), "recent": recent},
    )


@partner_required
@require_http_methods(["GET", "POST"])
def corrigeren(request, pk: int):
    vraag = get_object_or_404(_correctable(request.user), pk=pk)
    if request.method == "POST":
        form = VraagRegistratieForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                vraag_update(vraag=vraag, user=request.user, themas=form.themas(), **form.vraag_fields())
            except PermissionDenied:
                messages.error(request, _("This registration can no longer be changed."))
                return redirect("portal_vragen")
            messages.success(request, _("The registration is corrected."))
            return redirect("portal_vragen")
    else:
        form = VraagRegistratieForm(user=request.user, initial=VraagRegistratieForm.initial_for(vraag))
    return render(
        request,
        "vragen/portal/corrigeren.html",
        {"form": form, "vraag": vraag, "gemeenten": gemeente_opties()},
    )


@partner_required
@require_http_methods(["GET", "POST"])
def verwijderen(request, pk: int):
    vraag = get_object_or_404(_correctable(request.user), pk=pk)
    if request.method == "POST":
        try:
            vraag_delete(vraag=vraag, user=request.user)
        except PermissionDenied:
            messages.error(request, _("This registration can no longer be removed."))
        else:
            messages.success(request, _("The registration is removed."))
        return redirect("portal_vragen")
    return render(request, "vragen/portal/verwijderen.html", {"vraag": vraag})


@partner_required
@require_safe
def gesprekken(request):
    status = request.GET.get("status", "open")
    qs = Gesprek.objects.select_related("vraag__gemeente", "toegewezen_aan")
    qs = qs.annotate(aantal=Count("berichten")).prefetch_related("vraag__themas").distinct()
    if status in Gesprek.Status.values:
        qs = qs.filter(status=status)
    else:
        status = "alle"
    page = Paginator(qs.order_by("-laatste_bericht_op", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "vragen/portal/gesprekken.html",
        {
            "page": page,
            "gesprekken": page.object_list,
            "status": status,
            "statussen": Gesprek.Status.choices,
            "query": f"status={status}",
        },
    )


@partner_required
@require_http_methods(["GET", "POST"])
def gesprek(request, pk: int):
    gesprek = get_object_or_404(
        Gesprek.objects.select_related("vraag__gemeente", "toegewezen_aan"),
        pk=pk,
    )
    form = AntwoordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gesprek_answer(
                gesprek=gesprek,
                user=request.user,
                tekst=form.cleaned_data["tekst"],
                sluiten=form.cleaned_data["sluiten"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer is saved. The parent reads it with their pickup code."))
            return redirect("portal_gesprek", pk=gesprek.pk)
    return render(
        request,
        "vragen/portal/gesprek.html",
        {"gesprek": gesprek, "berichten": gesprek.berichten.select_related("auteur"), "form": form},
    )


@partner_required
@require_safe
def signalen(request):
    qs = Signaal.objects.select_related("gemeente", "thema", "bron_partner").order_by("-aangemaakt_op", "-pk")
    status = request.GET.get("status", "")
    if status in Signaal.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "vragen/portal/signalen.html",
        {
            "page": page,
            "signalen": page.object_list,
            "status": status,
            "statussen": Signaal.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@partner_required
@require_http_methods(["GET", "POST"])
def signaal_nieuw(request):
    form = SignaalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            signaal = signaal_create(
                user=request.user, **{f: form.cleaned_data[f] for f in SignaalForm.Meta.fields}
            )
        except PermissionDenied:
            form.add_error("bron_partner", _("Choose one of your own organisations."))
        else:
            messages.success(
                request, _("Thank you. The coordinators will discuss your signal in the network.")
            )
            return redirect("portal_signaal", pk=signaal.pk)
    return render(
        request,
        "vragen/portal/signaal_form.html",
        {"form": form, "gemeenten": gemeente_opties(), "signaal": None},
    )


@partner_required
@require_http_methods(["GET", "POST"])
def signaal(request, pk: int):
    signaal = get_object_or_404(
        Signaal.objects.select_related("gemeente", "thema", "bron_partner"),
        pk=pk,
    )
    mag_wijzigen = request.user.is_coordinator or signaal.status == Signaal.Status.NIEUW
    form = None
    if mag_wijzigen:
        form = SignaalForm(request.POST or None, instance=signaal, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                signaal_update(
                    signaal=signaal,
                    user=request.user,
                    **{f: form.cleaned_data[f] for f in SignaalForm.Meta.fields},
                )
            except PermissionDenied:
                messages.error(request, _("This signal can no longer be changed."))
            else:
                messages.success(request, _("The signal is saved."))
            return redirect("portal_signaal", pk=signaal.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "vragen/portal/signaal.html",
        {"signaal": signaal, "form": form, "gemeenten": gemeente_opties() if form else None},
    )
