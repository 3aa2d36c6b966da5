"""Signal reports per gemeente, for municipality staff with access to that gemeente and coordinators.

Anonymous -> login; a gemeente the user may not read -> 404 (its existence is no secret, but the answer
is the same as for a gemeente that does not exist).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie

from ..forms import PeriodeForm, resolve_gemeente
from ..rapporten import Periode, build_rapport, leesbare_gemeenten
from ..rapporten.export import rapport_xlsx, tabel_csv


def _private(response):
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_safe
@vary_on_cookie
def rapporten(request):
    gemeenten = leesbare_gemeenten(request.user)
    zoek = request.GET.get("gemeente", "").strip()
    fout = ""
    if zoek:
        gemeente, _candidates = resolve_gemeente(zoek)
        if gemeente and gemeenten.filter(pk=gemeente.pk).exists():
            return redirect("rapport", slug=gemeente.slug)
        fout = zoek
    # For coordinators all of Flanders is too long a list: the gemeenten with questions, the rest
    # through the search. No counts here: they would not be suppressed.
    lijst = gemeenten.filter(vragen__isnull=False).distinct() if request.user.is_coordinator else gemeenten
    lijst = lijst.order_by("naam")
    return _private(
        render(
            request,
            "vragen/rapporten/index.html",
            {"gemeenten": lijst, "zoek": zoek, "fout": fout, "periode": Periode.standaard()},
        )
    )


def _gemeente_and_period(request, slug: str):
    gemeente = get_object_or_404(leesbare_gemeenten(request.user), slug=slug)
    form = PeriodeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return gemeente, form, None, None
    periode = form.cleaned_data["periode"] if form.is_bound else Periode.standaard()
    kwartaal = form.cleaned_data.get("kwartaal") if form.is_bound else None
    # The form shows the year the report is about (an older ?van=…&tot=… link snaps to it).
    form = PeriodeForm(initial={"jaar": periode.jaar})
    return gemeente, form, periode, kwartaal


@login_required
@require_safe
def rapport(request, slug: str):
    gemeente, form, periode, kwartaal = _gemeente_and_period(request, slug)
    if periode is None:
        context = {"gemeente": gemeente, "form": form, "rapport": None}
        return _private(render(request, "vragen/rapporten/rapport.html", context, status=400))
    report = build_rapport(gemeente=gemeente, periode=periode, kwartaal=kwartaal)
    jaren = list(range(Periode.standaard().jaar, Periode.standaard().jaar - 6, -1))
    return _private(
        render(
            request,
            "vragen/rapporten/rapport.html",
            {"gemeente": gemeente, "form": form, "rapport": report, "jaren": jaren},
        )
    )


@login_required
@require_safe
def rapport_export(request, slug: str, tabel: str, formaat: str):
    gemeente, form, periode, kwartaal = _gemeente_and_period(request, slug)
    if periode is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    report = build_rapport(gemeente=gemeente, periode=periode, kwartaal=kwartaal)
    name = f"{gemeente.slug}_{tabel}_{periode.slug}"
    if tabel == "alles" and formaat == "xlsx":
        tabellen = report.tabellen
    else:
        gekozen = report.tabel(tabel)
        if gekozen is None:
            raise Http404
        tabellen = [gekozen]
    if formaat == "csv":
        if len(tabellen) != 1:
            raise Http404
        response = HttpResponse(tabel_csv(report, tabellen[0]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            rapport_xlsx(report, tabellen),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{formaat}"'
    return _private(response)
