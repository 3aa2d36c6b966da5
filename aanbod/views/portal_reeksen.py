"""The partners' portal for a series (a course): its meetings, its registrations with who came to each
meeting (a grid, and as CSV), and cancelling the whole series. Who came to one meeting is ticked on that
meeting's page (aanbod/views/portal_activiteiten.py), with the same service as a single activity.

Every view runs inside the member's partner scope (huisvanhetkind/scopes.py): another partner's id
answers 404.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from aanbod.forms.portal import AnnuleerForm
from aanbod.models import Inschrijving, Reeks
from aanbod.services.inschrijvingen import cancellation_recipients, reeks_cancel
from aanbod.services.portal import reeks_attendance_grid
from partners.views.access import partner_required

from .portal_activiteiten import registraties_csv


def get_reeks(request, pk: int) -> Reeks:
    return get_object_or_404(Reeks.objects.select_related("aanbod__partner"), pk=pk)


def _kan_annuleren(reeks: Reeks) -> bool:
    """A series can be cancelled until its last meeting starts (the meetings held stay as they were)."""
    return not reeks.geannuleerd and any(
        not b.geannuleerd and b.start > timezone.now() for b in reeks.bijeenkomsten
    )


@partner_required
@require_safe
def reeks_detail(request, pk: int):
    """A series: its meetings (each links to its own page, where who came is ticked), and the registrations
    for the whole series with who came to which meeting."""
    reeks = get_reeks(request, pk)
    inschrijvingen = Inschrijving.objects.filter(reeks=reeks).order_by("status", "aangemaakt_op", "pk")
    nu = timezone.now()
    rijen = reeks_attendance_grid(reeks, inschrijvingen)
    return render(
        request,
        "aanbod/portal/reeks_detail.html",
        {
            "reeks": reeks,
            "aanbod": reeks.aanbod,
            "rijen": rijen,
            # The grid: who may come (confirmed), and whoever came before leaving the series.
            "grid": [
                rij
                for rij in rijen
                if rij["inschrijving"].status == Inschrijving.Status.BEVESTIGD
                or any(kwam is not None for kwam in rij["cellen"])
            ],
            "bijeenkomsten": [
                {"activiteit": b, "nr": nr, "gestart": b.start <= nu}
                for nr, b in enumerate(reeks.bijeenkomsten, start=1)
            ],
            "bezet": reeks.plaatsen_bezet,
            "vrij": reeks.plaatsen_vrij,
            "kan_annuleren": _kan_annuleren(reeks),
        },
    )


@partner_required
@require_safe
def reeks_csv(request, pk: int):
    """The registrations of the series, with one column per meeting: who came (yes, no, or empty)."""
    reeks = get_reeks(request, pk)
    rows = list(Inschrijving.objects.filter(reeks=reeks).order_by("aangemaakt_op", "pk"))
    cellen = {rij["inschrijving"].pk: rij["cellen"] for rij in reeks_attendance_grid(reeks, rows)}
    header = [
        _("Meeting %(n)d (%(datum)s)") % {"n": nr, "datum": timezone.localtime(b.start).strftime("%d/%m/%Y")}
        for nr, b in enumerate(reeks.bijeenkomsten, start=1)
    ]
    ja_nee = {True: _("yes"), False: _("no"), None: ""}
    start = timezone.localtime(reeks.start)
    return registraties_csv(
        rows,
        header,
        lambda r: [ja_nee[c] for c in cellen[r.pk]],
        filename=f"inschrijvingen-{slugify(reeks.naam)[:50]}-{start:%Y-%m-%d}.csv",
    )


@partner_required
def reeks_annuleren(request, pk: int):
    """A confirm page (every meeting's date, how many families are mailed) before cancelling the whole
    series with `reeks_cancel`."""
    reeks = get_reeks(request, pk)
    if not _kan_annuleren(reeks):
        messages.info(
            request,
            _("This series was already cancelled.")
            if reeks.geannuleerd
            else _("Every meeting of this series has started: there is nothing left to cancel."),
        )
        return redirect("portal_reeks_detail", pk=reeks.pk)
    form = AnnuleerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reeks_cancel(reeks=reeks, reden=form.cleaned_data["reden"], user=request.user)
        messages.success(request, _("The series is cancelled. Every family that registered gets one e-mail."))
        return redirect("portal_reeks_detail", pk=reeks.pk)
    nu = timezone.now()
    return render(
        request,
        "aanbod/portal/reeks_annuleren.html",
        {
            "form": form,
            "reeks": reeks,
            "aanbod": reeks.aanbod,
            "bijeenkomsten": [
                {"activiteit": b, "nr": nr, "gestart": b.start <= nu}
                for nr, b in enumerate(reeks.bijeenkomsten, start=1)
            ],
            "aantal": cancellation_recipients(Inschrijving.objects.filter(reeks=reeks)).count(),
        },
        status=400 if form.errors else 200,
    )
