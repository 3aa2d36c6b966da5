"""The partners' portal for aanbod: list, create, edit, submit, archive, confirm, opening hours, locations.

Every view runs inside the member's partner scope (huisvanhetkind/scopes.py): another partner's id
answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from aanbod.forms.portal import AanbodForm, LocatieForm, OpeningsuurFormSet
from aanbod.models import Aanbod, Activiteit, Locatie, Reeks
from aanbod.services import moderatie, nagekeken
from aanbod.services.portal import activiteiten_with_reeks_bezetting
from partners.views.access import gekozen_partner, partner_required, scope_to_partner, user_partners

PER_PAGE = 20
STATUS_FILTERS = {
    "": None,
    "concept": [Aanbod.Status.CONCEPT],
    "ingediend": [Aanbod.Status.INGEDIEND],
    "gepubliceerd": [Aanbod.Status.GEPUBLICEERD],
    "afgewezen": [Aanbod.Status.AFGEWEZEN],
    "gearchiveerd": [Aanbod.Status.GEARCHIVEERD],
}


def get_aanbod(request, pk: int) -> Aanbod:
    return get_object_or_404(Aanbod.objects.select_related("partner"), pk=pk)


def _partner_for_new(request, form):
    """The partner a new object belongs to: chosen in the form, else the chosen or the only one."""
    if "partner" in form.cleaned_data:
        return form.cleaned_data["partner"]
    return gekozen_partner(request) or user_partners().first()


@partner_required
@require_safe
def aanbod_list(request):
    partner = gekozen_partner(request)
    status = request.GET.get("status", "")
    qs = scope_to_partner(Aanbod.objects.all(), partner).select_related("partner")
    if STATUS_FILTERS.get(status):
        qs = qs.filter(status__in=STATUS_FILTERS[status])
    elif status not in STATUS_FILTERS:
        status = ""
    if not status:
        qs = qs.exclude(status=Aanbod.Status.GEARCHIVEERD)
    qs = qs.annotate(
        komende=Count(
            "activiteiten", filter=Q(activiteiten__einde__gte=timezone.now(), activiteiten__geannuleerd=False)
        )
    ).order_by("titel", "pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    oud = set(
        nagekeken.aanbod_lang_niet_nagekeken(Aanbod.objects.filter(pk__in=[a.pk for a in page])).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "aanbod/portal/aanbod_list.html",
        {
            "page": page,
            "status": status,
            "statussen": Aanbod.Status.choices,
            "lang_niet_nagekeken": oud,
            "partner": partner,
            "partners": user_partners(),
        },
    )


@partner_required
def aanbod_nieuw(request):
    partners = list(user_partners())
    form = AanbodForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        partners=partners,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            aanbod = form.save(commit=False)
            aanbod.partner = _partner_for_new(request, form)
            aanbod.status = Aanbod.Status.CONCEPT
            aanbod.nagekeken_op = timezone.localdate()
            aanbod.save()
            form.save_m2m()
            if "indienen" in request.POST:
                moderatie.aanbod_submit(aanbod=aanbod, user=request.user)
        _message_after_save(request, aanbod, submitted="indienen" in request.POST)
        return redirect("portal_aanbod_detail", pk=aanbod.pk)
    return render(
        request,
        "aanbod/portal/aanbod_form.html",
        {"form": form, "nieuw": True},
        status=400 if form.errors else 200,
    )


def _message_after_save(request, aanbod: Aanbod, *, submitted: bool) -> None:
    if aanbod.status == Aanbod.Status.GEPUBLICEERD and aanbod.voorgestelde_wijziging:
        messages.success(
            request,
            _(
                "Your changes are sent to the coordinators. "
                "Until they approve them, parents see the current version."
            ),
        )
    elif aanbod.status == Aanbod.Status.GEPUBLICEERD:
        messages.success(request, _("Saved. Parents can find this in the wegwijzer."))
    elif submitted and aanbod.status == Aanbod.Status.INGEDIEND:
        messages.success(
            request, _("Thank you! A coordinator will look at it soon. We will let you know by e-mail.")
        )
    else:
        messages.success(request, _("Saved as a draft. Submit it when it is ready."))


@partner_required
@require_safe
def aanbod_detail(request, pk: int):
    aanbod = get_aanbod(request, pk)
    komende = activiteiten_with_reeks_bezetting(
        Activiteit.objects.filter(aanbod=aanbod)
        .komend()
        .met_bezetting()
        .select_related("locatie", "aanbod")
        .order_by("start")
    )
    return render(
        request,
        "aanbod/portal/aanbod_detail.html",
        {
            "aanbod": aanbod,
            "activiteiten": komende[:50],
            "aantal_komend": komende.count(),
            "reeksen": Reeks.objects.filter(aanbod=aanbod).order_by("-id")[:20],
            "openingsuren": aanbod.openingsuren.select_related("locatie"),
            "wijziging": moderatie.voorgestelde_wijziging_diff(aanbod),
            "lang_niet_nagekeken": nagekeken.aanbod_lang_niet_nagekeken(
                Aanbod.objects.filter(pk=aanbod.pk)
            ).exists(),
        },
    )


@partner_required
def aanbod_bewerken(request, pk: int):
    aanbod = get_aanbod(request, pk)
    if aanbod.status == Aanbod.Status.GEARCHIVEERD:
        messages.warning(
            request, _("This aanbod is archived. Ask a coordinator if you want to use it again.")
        )
        return redirect("portal_aanbod_detail", pk=aanbod.pk)
    # Continue from a pending proposal, not from the published version.
    initial = dict(aanbod.voorgestelde_wijziging or {})
    form = AanbodForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=aanbod,
        initial=initial,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        vers = moderatie.aanbod_edit(
            aanbod=Aanbod.objects.select_related("partner").get(pk=aanbod.pk),  # the form changed `aanbod`
            data={k: v for k, v in form.cleaned_data.items() if k != "afbeelding"},
            afbeelding=form.cleaned_data["afbeelding"] if "afbeelding" in form.changed_data else None,
            indienen="indienen" in request.POST,
            user=request.user,
        )
        _message_after_save(request, vers, submitted="indienen" in request.POST)
        return redirect("portal_aanbod_detail", pk=vers.pk)
    return render(
        request,
        "aanbod/portal/aanbod_form.html",
        {"form": form, "aanbod": aanbod, "nieuw": False},
        status=400 if form.errors else 200,
    )


@partner_required
@require_POST
def aanbod_indienen(request, pk: int):
    aanbod = get_aanbod(request, pk)
    try:
        moderatie.aanbod_submit(aanbod=aanbod, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _message_after_save(request, aanbod, submitted=True)
    return redirect("portal_aanbod_detail", pk=aanbod.pk)


@partner_required
def aanbod_archiveren(request, pk: int):
    aanbod = get_aanbod(request, pk)
    if request.method == "POST":
        moderatie.aanbod_archive(aanbod=aanbod, user=request.user)
        messages.success(
            request, _("“%(titel)s” is archived: parents no longer see it.") % {"titel": aanbod.titel}
        )
        return redirect("portal_aanbod_list")
    return render(request, "aanbod/portal/aanbod_archiveren.html", {"aanbod": aanbod})


@partner_required
@require_POST
def aanbod_nagekeken(request, pk: int):
    aanbod = get_aanbod(request, pk)
    moderatie.aanbod_mark_nagekeken(aanbod=aanbod, user=request.user)
    messages.success(
        request, _("Thank you! We noted that “%(titel)s” is still correct.") % {"titel": aanbod.titel}
    )
    if request.POST.get("next") == "dashboard":
        return redirect("partner_dashboard")
    return redirect("portal_aanbod_detail", pk=aanbod.pk)


@never_cache
def aanbod_nagekeken_link(request, token: str):
    """The "still correct" link from the nagekeken mail: no login, one button (see services.nagekeken)."""
    aanbod = nagekeken.nagekeken_aanbod(token)
    if aanbod is None:
        return render(request, "aanbod/portal/nagekeken_ongeldig.html", status=410)
    is_nagekeken = False
    if request.method == "POST":
        moderatie.aanbod_mark_nagekeken(
            aanbod=aanbod, user=request.user if request.user.is_authenticated else None
        )
        is_nagekeken = True
    return render(
        request,
        "aanbod/portal/nagekeken_link.html",
        {
            "aanbod": aanbod,
            "is_nagekeken": is_nagekeken,
            "bewerk_url": nagekeken.nagekeken_urls(aanbod)["bewerk_url"],
        },
    )


@partner_required
def aanbod_openingsuren(request, pk: int):
    aanbod = get_aanbod(request, pk)
    formset = OpeningsuurFormSet(
        request.POST if request.method == "POST" else None,
        instance=aanbod,
        form_kwargs={"user": request.user},
        prefix="uren",
    )
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("The opening hours are saved."))
        return redirect("portal_aanbod_detail", pk=aanbod.pk)
    return render(
        request,
        "aanbod/portal/openingsuren.html",
        {"aanbod": aanbod, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


# --- Locations ---------------------------------------------------------------------------------------


@partner_required
@require_safe
def locatie_list(request):
    partner = gekozen_partner(request)
    qs = scope_to_partner(Locatie.objects.beheerbaar(), partner).select_related("gemeente", "partner")
    page = Paginator(qs.order_by("naam", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "aanbod/portal/locatie_list.html", {"page": page})


@partner_required
def locatie_form(request, pk: int | None = None):
    locatie = get_object_or_404(Locatie.objects.beheerbaar(), pk=pk) if pk else None
    partners = list(user_partners())
    form = LocatieForm(
        request.POST if request.method == "POST" else None, instance=locatie, partners=partners
    )
    if request.method == "POST" and form.is_valid():
        locatie = form.save(commit=False)
        if locatie.partner_id is None:
            locatie.partner = _partner_for_new(request, form)
        locatie.save()
        messages.success(request, _("The location “%(naam)s” is saved.") % {"naam": locatie.naam})
        return redirect("portal_locatie_list")
    return render(
        request,
        "aanbod/portal/locatie_form.html",
        {"form": form, "locatie": locatie},
        status=400 if form.errors else 200,
    )
