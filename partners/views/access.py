"""Who may use the partners' portal, and which partner they are working for right now.

Every portal view is wrapped in `partner_required`: anonymous people go to the login page; people who
work for no partner (municipality staff, someone removed from their partner) get a friendly page that
tells them where to go instead, with status 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from partners.models import Lidmaatschap, Partner

SESSION_KEY = "portal_partner"


def user_partners():
    """The partners the user works for: those of the request's scope (all of them for a coordinator)."""
    return Partner.objects.in_scope().order_by("naam")


def is_portal_user(user) -> bool:
    return user.is_authenticated and (user.is_coordinator or user.lidmaatschappen.exists())


def rapporten_url() -> str:
    """The municipality reports (pages of the vragen app, reached by URL name: no import to the right)."""
    return reverse("rapporten")


def geen_toegang(request, *, status: int = 403):
    return render(request, "portal/geen_partner.html", {"rapporten_url": rapporten_url()}, status=status)


def partner_required(view):
    """Login required, and the user must work for at least one partner (or be a coordinator)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_portal_user(request.user):
            return geen_toegang(request)
        return view(request, *args, **kwargs)

    return wrapper


def gekozen_partner(request) -> Partner | None:
    """The partner the user chose to work on (users of several partners), or None for all of theirs.

    `?partner=<slug>` chooses one and remembers it in the session; `?partner=` (empty) goes back to all.
    """
    if "partner" in request.GET:
        slug = request.GET["partner"].strip()
        if not slug:
            request.session.pop(SESSION_KEY, None)
            return None
        partner = user_partners().filter(slug=slug).first()
        if partner is not None:
            request.session[SESSION_KEY] = partner.pk
        return partner
    pk = request.session.get(SESSION_KEY)
    if pk:
        partner = user_partners().filter(pk=pk).first()
        if partner is None:
            request.session.pop(SESSION_KEY, None)
        return partner
    return None


def scope_to_partner(queryset, partner: Partner | None, lookup: str = "partner"):
    """Narrow an already user-scoped queryset to the chosen partner, if any."""
    if partner is None:
        return queryset
    return queryset.filter(**{lookup: partner})


def is_beheerder(user, partner: Partner) -> bool:
    if user.is_coordinator:
        return True
    return Lidmaatschap.objects.filter(user=user, partner=partner, rol=Lidmaatschap.Rol.BEHEERDER).exists()
