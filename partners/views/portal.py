"""The partner's own pages in the portal: profile, members and invitations, accepting an invitation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from partners import mfa, services
from partners.forms import PartnerProfielForm, UitnodigingAcceptForm, UitnodigingForm
from partners.models import Lidmaatschap, User

from .access import is_beheerder, partner_required, rapporten_url, user_partners


def _partner_for(request, slug: str, *, beheerder: bool = False):
    """The user's own partner with this slug (404 for any other); 403 if `beheerder` and they are not."""
    partner = get_object_or_404(user_partners(), slug=slug)
    if beheerder and not is_beheerder(request.user, partner):
        raise PermissionDenied
    return partner


@partner_required
@require_safe
def organisatie_index(request):
    partners = list(user_partners())
    if len(partners) == 1:
        return redirect("portal_partner_profiel", slug=partners[0].slug)
    return render(request, "partners/portal/organisatie_index.html", {"partners": partners})


@partner_required
def partner_profiel(request, slug: str):
    partner = _partner_for(request, slug)
    mag_wijzigen = is_beheerder(request.user, partner)
    if request.method == "POST":
        if not mag_wijzigen:
            raise PermissionDenied
        oud_logo = partner.logo.name if partner.logo else ""
        form = PartnerProfielForm(request.POST, request.FILES, instance=partner)
        if form.is_valid():
            partner = form.save()
            services.partner_logo_stored(partner=partner, oud=oud_logo)
            messages.success(request, _("Your organisation's details are saved."))
            return redirect("portal_partner_profiel", slug=partner.slug)
    else:
        form = PartnerProfielForm(instance=partner)
    if not mag_wijzigen:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "partners/portal/profiel.html",
        {"partner": partner, "form": form, "mag_wijzigen": mag_wijzigen},
        status=400 if form.errors else 200,
    )


@partner_required
@require_safe
def leden(request, slug: str):
    partner = _partner_for(request, slug, beheerder=True)
    lidmaatschappen = partner.lidmaatschappen.select_related("user").order_by(
        "rol", "user__naam", "user__email"
    )
    open_uitnodigingen = partner.uitnodigingen.filter(
        gebruikt_op__isnull=True, verloopt_op__gt=timezone.now()
    ).select_related("aangemaakt_door")
    return render(
        request,
        "partners/portal/leden.html",
        {
            "partner": partner,
            "lidmaatschappen": lidmaatschappen,
            "uitnodigingen": open_uitnodigingen,
            "form": UitnodigingForm(),
        },
    )


@partner_required
def lid_uitnodigen(request, slug: str):
    partner = _partner_for(request, slug, beheerder=True)
    form = UitnodigingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.uitnodiging_create(
                email=form.cleaned_data["email"],
                partner=partner,
                rol=Lidmaatschap.Rol.MEDEWERKER,
                door=request.user,
                taal=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(
                request,
                _("We sent an invitation to %(email)s. The link works for %(days)d days.")
                % {"email": form.cleaned_data["email"], "days": settings.INVITATION_DAYS},
            )
            return redirect("portal_leden", slug=partner.slug)
    return render(
        request,
        "partners/portal/uitnodigen.html",
        {"partner": partner, "form": form},
        status=400 if form.errors else 200,
    )


@partner_required
def lid_verwijderen(request, slug: str, pk: int):
    partner = _partner_for(request, slug, beheerder=True)
    lidmaatschap = get_object_or_404(partner.lidmaatschappen.select_related("user"), pk=pk)
    fout = None
    if request.method == "POST":
        try:
            services.lidmaatschap_remove(lidmaatschap=lidmaatschap, door=request.user)
        except ValidationError as exc:
            fout = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s no longer has access to %(partner)s.")
                % {"name": lidmaatschap.user.get_full_name(), "partner": partner},
            )
            return redirect("portal_leden", slug=partner.slug)
    return render(
        request,
        "partners/portal/lid_verwijderen.html",
        {"partner": partner, "lidmaatschap": lidmaatschap, "fout": fout},
        status=400 if fout else 200,
    )


@partner_required
@require_POST
def uitnodiging_intrekken(request, slug: str, pk: int):
    partner = _partner_for(request, slug, beheerder=True)
    uitnodiging = get_object_or_404(partner.uitnodigingen, pk=pk)
    services.uitnodiging_revoke(uitnodiging=uitnodiging, door=request.user)
    messages.success(
        request, _("The invitation for %(email)s no longer works.") % {"email": uitnodiging.email}
    )
    return redirect("portal_leden", slug=partner.slug)


@never_cache
def uitnodiging_accept(request, token: str):
    """The page behind the link in an invitation mail (no login needed: the link is the key)."""
    uitnodiging = services.uitnodiging_for_token(token)
    try:
        services.uitnodiging_check_open(uitnodiging)
    except services.UitnodigingError as exc:
        return render(
            request, "partners/portal/uitnodiging_ongeldig.html", {"reden": exc.code, "fout": exc}, status=410
        )
    user = request.user if request.user.is_authenticated else None
    bestaand = User.objects.filter(email__iexact=uitnodiging.email).exists()
    context = {"uitnodiging": uitnodiging, "bestaand": bestaand}
    if user is not None and user.email.lower() != uitnodiging.email.lower():
        return render(request, "partners/portal/uitnodiging_ander_adres.html", context, status=403)
    if user is None and bestaand:
        login_url = reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
        return render(
            request, "partners/portal/uitnodiging_aanmelden.html", {**context, "login_url": login_url}
        )
    form = (
        None
        if user
        else UitnodigingAcceptForm(
            request.POST if request.method == "POST" else None, email=uitnodiging.email
        )
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if user is not None:
                services.uitnodiging_accept(token=token, user=user)
            else:
                user = services.uitnodiging_accept(
                    token=token, naam=form.cleaned_data["naam"], password=form.cleaned_data["password1"]
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except services.UitnodigingError as exc:
            return render(
                request,
                "partners/portal/uitnodiging_ongeldig.html",
                {"reden": exc.code, "fout": exc},
                status=410,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The link came by mail: it proves the mailbox, so the set-up can skip the mailed code.
            mfa.mailbox_proof_record(request)
            messages.success(request, _("Welcome! Your account is ready."))
            if not mfa.mfa_enrolled(user):
                return redirect("tweestaps_instellen")
            if uitnodiging.partner_id:
                return redirect("partner_dashboard")
            return redirect(rapporten_url())
    context["form"] = form
    return render(
        request,
        "partners/portal/uitnodiging_accept.html",
        context,
        status=400 if form and form.errors else 200,
    )
