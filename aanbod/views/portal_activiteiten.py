"""The partners' portal for activities: list, create one or a weekly series, edit, cancel; the
registrations of an activity (list, CSV export, attendance).

Every view runs inside the member's partner scope (huisvanhetkind/scopes.py): another partner's id
answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from aanbod.forms.portal import ActiviteitForm, AnnuleerForm, ReeksForm
from aanbod.models import Aanbod, Aanwezigheid, Activiteit, Inschrijving
from aanbod.services.activiteiten import activiteit_create_series
from aanbod.services.inschrijvingen import activiteit_cancel, cancellation_recipients
from aanbod.services.portal import activiteiten_with_reeks_bezetting, inschrijvingen_mark_attendance
from aanbod.uitwisseling import services as uitdatabank
from huisvanhetkind.lib.spreadsheets import csv_response
from partners.views.access import gekozen_partner, partner_required, scope_to_partner

from .portal import get_aanbod

PER_PAGE = 25


def get_activiteit(request, pk: int) -> Activiteit:
    return get_object_or_404(
        Activiteit.objects.select_related("aanbod__partner", "locatie__gemeente", "reeks"),
        pk=pk,
    )


@partner_required
@require_safe
def activiteit_list(request):
    partner = gekozen_partner(request)
    voorbij = request.GET.get("wanneer") == "voorbij"
    qs = scope_to_partner(Activiteit.objects.all(), partner, "aanbod__partner")
    now = timezone.now()
    qs = (
        qs.filter(einde__lt=now).order_by("-start")
        if voorbij
        else qs.filter(einde__gte=now).order_by("start")
    )
    qs = activiteiten_with_reeks_bezetting(qs.met_bezetting().select_related("aanbod", "locatie"))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    aanbod = scope_to_partner(Aanbod.objects.all(), partner, "partner").exclude(
        status__in=[Aanbod.Status.GEARCHIVEERD, Aanbod.Status.AFGEWEZEN]
    )
    return render(
        request,
        "aanbod/portal/activiteit_list.html",
        {"page": page, "voorbij": voorbij, "aanbod_keuze": aanbod.order_by("titel").only("pk", "titel")},
    )


@partner_required
@require_safe
def activiteit_toevoegen(request):
    """`?aanbod=<pk>&soort=datum|reeks` from the list's "Add a date": on to that aanbod's form.

    Without a usable aanbod the list is shown again; another partner's aanbod is a 404.
    """
    try:
        aanbod_pk = int(request.GET.get("aanbod", ""))
    except ValueError:
        return redirect("portal_activiteit_list")
    if not 0 < aanbod_pk < 2**63:
        return redirect("portal_activiteit_list")
    aanbod = get_aanbod(request, aanbod_pk)
    target = "portal_activiteit_reeks" if request.GET.get("soort") == "reeks" else "portal_activiteit_nieuw"
    return redirect(target, aanbod_pk=aanbod.pk)


@partner_required
def activiteit_nieuw(request, aanbod_pk: int):
    aanbod = get_aanbod(request, aanbod_pk)
    form = ActiviteitForm(
        request.POST if request.method == "POST" else None, user=request.user, aanbod=aanbod
    )
    if request.method == "POST" and form.is_valid():
        activiteit = form.save()
        uitdatabank.activiteit_changed(activiteit=activiteit)
        messages.success(
            request,
            _("The activity on %(datum)s is saved.")
            % {"datum": timezone.localtime(activiteit.start).strftime("%d/%m/%Y %H:%M")},
        )
        return redirect("portal_aanbod_detail", pk=aanbod.pk)
    return render(
        request,
        "aanbod/portal/activiteit_form.html",
        {"form": form, "aanbod": aanbod, "nieuw": True},
        status=400 if form.errors else 200,
    )


@partner_required
def activiteit_reeks(request, aanbod_pk: int):
    aanbod = get_aanbod(request, aanbod_pk)
    form = ReeksForm(request.POST if request.method == "POST" else None, user=request.user, aanbod=aanbod)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nieuw = activiteit_create_series(
                aanbod=aanbod,
                datums=data["datums"],
                van=data["van"],
                tot=data["tot"],
                locatie=data["locatie"],
                online=data["online"],
                titel=data["titel"],
                capaciteit=data["capaciteit"],
                max_personen_per_inschrijving=data["max_personen_per_inschrijving"],
                inschrijving_nodig=data["inschrijving_nodig"],
                sluit_uren_voor=data["sluit_uren_voor"],
                als_reeks=data["als_reeks"],
                herinnering_per_bijeenkomst=data["herinnering_per_bijeenkomst"],
                laat_instappen_tot_deel=data["laat_instappen_tot_deel"],
                regels=data["regels"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            overgeslagen = len(data["datums"]) - len(nieuw)
            messages.success(request, _("%(n)d activities are added.") % {"n": len(nieuw)})
            if overgeslagen:
                messages.info(
                    request,
                    _("%(n)d dates already had this activity and were left as they were.")
                    % {"n": overgeslagen},
                )
            return redirect("portal_aanbod_detail", pk=aanbod.pk)
    return render(
        request,
        "aanbod/portal/activiteit_reeks.html",
        {"form": form, "aanbod": aanbod},
        status=400 if form.errors else 200,
    )


def _registraties(activiteit: Activiteit):
    """Who registered for this activity: its own registrations, or for a meeting the series'. Each gets
    `kwam`: whether they came to this activity or meeting (None: not filled in)."""
    if not activiteit.reeks_id:
        rows = list(
            Inschrijving.objects.filter(activiteit=activiteit).order_by("status", "aangemaakt_op", "pk")
        )
        for row in rows:
            row.kwam = row.aanwezig
        return rows
    rows = list(
        Inschrijving.objects.filter(reeks_id=activiteit.reeks_id).order_by("status", "aangemaakt_op", "pk")
    )
    kwam = dict(
        Aanwezigheid.objects.filter(activiteit=activiteit, inschrijving__in=[r.pk for r in rows]).values_list(
            "inschrijving_id", "aanwezig"
        )
    )
    for row in rows:
        row.kwam = kwam.get(row.pk)
    return rows


@partner_required
@require_safe
def activiteit_detail(request, pk: int):
    """An activity with its registrations; for a meeting of a series, the series' registrations and who
    came to this meeting."""
    activiteit = get_activiteit(request, pk)
    context = {
        "activiteit": activiteit,
        "aanbod": activiteit.aanbod,
        "inschrijvingen": _registraties(activiteit),
        "gestart": activiteit.start <= timezone.now(),
    }
    if activiteit.reeks_id:
        reeks = activiteit.reeks
        bezet = reeks.plaatsen_bezet
        context |= {
            "reeks": reeks,
            "deel": activiteit.deel,
            "bezet": bezet,
            "wachtend": sum(
                i.aantal_personen
                for i in context["inschrijvingen"]
                if i.status == Inschrijving.Status.WACHTLIJST
            ),
            "vrij": reeks.plaatsen_vrij,
        }
    else:
        bezetting = (
            Activiteit.objects.filter(pk=activiteit.pk).met_bezetting().values("bezet", "wachtend").get()
        )
        context |= {
            "bezet": bezetting["bezet"],
            "wachtend": bezetting["wachtend"],
            "vrij": None
            if activiteit.capaciteit is None
            else max(activiteit.capaciteit - bezetting["bezet"], 0),
        }
    return render(request, "aanbod/portal/activiteit_detail.html", context)


@partner_required
def activiteit_bewerken(request, pk: int):
    activiteit = get_activiteit(request, pk)
    if activiteit.geannuleerd:
        messages.warning(request, _("This activity is cancelled and can no longer be changed."))
        return redirect("portal_activiteit_detail", pk=activiteit.pk)
    form = ActiviteitForm(
        request.POST if request.method == "POST" else None,
        instance=activiteit,
        user=request.user,
        aanbod=activiteit.aanbod,
    )
    if request.method == "POST" and form.is_valid():
        uitdatabank.activiteit_changed(activiteit=form.save())
        messages.success(request, _("The activity is saved."))
        return redirect("portal_activiteit_detail", pk=activiteit.pk)
    return render(
        request,
        "aanbod/portal/activiteit_form.html",
        {"form": form, "aanbod": activiteit.aanbod, "activiteit": activiteit, "nieuw": False},
        status=400 if form.errors else 200,
    )


@partner_required
def activiteit_annuleren(request, pk: int):
    activiteit = get_activiteit(request, pk)
    form = AnnuleerForm(request.POST if request.method == "POST" else None)
    if activiteit.geannuleerd:
        messages.info(request, _("This activity was already cancelled."))
        return redirect("portal_activiteit_detail", pk=activiteit.pk)
    if request.method == "POST" and form.is_valid():
        activiteit_cancel(activiteit=activiteit, reden=form.cleaned_data["reden"], user=request.user)
        messages.success(request, _("The activity is cancelled. Everyone who registered gets an e-mail."))
        return redirect("portal_activiteit_detail", pk=activiteit.pk)
    # A meeting of a series: its registrants are the series'.
    registraties = (
        Inschrijving.objects.filter(reeks_id=activiteit.reeks_id)
        if activiteit.reeks_id
        else activiteit.inschrijvingen
    )
    aantal = cancellation_recipients(registraties).count()
    return render(
        request,
        "aanbod/portal/activiteit_annuleren.html",
        {"form": form, "activiteit": activiteit, "aantal": aantal},
        status=400 if form.errors else 200,
    )


@partner_required
@require_safe
def activiteit_csv(request, pk: int):
    """The registrations (for a meeting of a series: the series') with who came to this activity."""
    activiteit = get_activiteit(request, pk)
    rows = sorted(_registraties(activiteit), key=lambda r: (r.aangemaakt_op, r.pk))
    start = timezone.localtime(activiteit.start)
    filename = f"inschrijvingen-{slugify(activiteit.naam)[:50]}-{start:%Y-%m-%d}.csv"
    ja_nee = {True: _("yes"), False: _("no"), None: ""}
    return registraties_csv(rows, [_("Attended")], lambda r: [ja_nee[r.kwam]], filename=filename)


def registraties_csv(rows, extra_header: list, extra_cells, *, filename: str):
    """The registrations as CSV: contact, persons, status, date, then `extra_cells(row)` (attendance)."""
    header = [
        _("Name"),
        _("E-mail"),
        _("Phone"),
        _("Persons"),
        _("Status"),
        _("Registered at"),
        *extra_header,
    ]
    body = (
        [
            r.naam,
            r.email,
            r.telefoon,
            r.aantal_personen,
            r.get_status_display(),
            timezone.localtime(r.aangemaakt_op).strftime("%d/%m/%Y %H:%M"),
            *extra_cells(r),
        ]
        for r in rows
    )
    return csv_response([header, *body], filename=filename)


@partner_required
@require_POST
def activiteit_aanwezigheid(request, pk: int):
    activiteit = get_activiteit(request, pk)
    ids = [v for v in request.POST.getlist("aanwezig") if v.isdigit()]
    try:
        n = inschrijvingen_mark_attendance(activiteit=activiteit, aanwezig_ids=ids, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Attendance is saved: %(n)d present.") % {"n": n})
    return redirect("portal_activiteit_detail", pk=activiteit.pk)
