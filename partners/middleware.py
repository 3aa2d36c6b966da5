"""Two-step verification before anything with personal data, and no redirect loop at /admin/.

See partners.mfa for who needs it and why the first authenticator needs a proof of the mailbox.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import mfa

# What an account without an authenticator may still open: the set-up, logging out, the language.
SETUP_URL_NAMES = {
    "tweestaps_instellen",
    "account_logout",
    "set_language",
    "healthz",
    "security_txt",
    "netwerk_theme_css",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
}
# The enrolment pages of allauth: only with a fresh proof of the mailbox.
ENROL_URL_NAMES = {"mfa_activate_totp", "mfa_add_webauthn", "account_reauthenticate"}


def home_url(user) -> str:
    """Where a logged-in person starts: municipality staff their report(s), everyone else the portal."""
    from django_scopes import scopes_disabled

    from .views.access import is_portal_user, rapporten_url

    with scopes_disabled():
        return _home_url(user, is_portal_user, rapporten_url)


def _home_url(user, is_portal_user, rapporten_url) -> str:
    if not is_portal_user(user) and user.gemeentetoegangen.exists():
        gemeenten = list(user.gemeentetoegangen.select_related("gemeente")[:2])
        if len(gemeenten) == 1:
            return reverse("rapport", kwargs={"slug": gemeenten[0].gemeente.slug})
        return rapporten_url()
    return reverse("partner_dashboard")


class RequiresMFAMiddleware:
    """Accounts that need two-step verification reach only the set-up pages until they have it.

    /admin/: its own login form is replaced by allauth's (only allauth asks for the second step), and
    logged-in people who are not staff are sent to their own start page instead of a login loop.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return None
        user = request.user
        admin_prefix = reverse("admin:index")
        if path.startswith(admin_prefix):
            response = self._admin(request, user)
            if response is not None:
                return response
        # Enrolled first: one query on every request of the people who have set it up.
        if not user.is_authenticated or mfa.mfa_enrolled(user) or not mfa.mfa_required(user):
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if name in SETUP_URL_NAMES:
            return None
        if name in ENROL_URL_NAMES and mfa.mailbox_proven(request):
            return None
        messages.warning(
            request,
            _("First set up two-step verification. It takes two minutes and keeps parents' data safe."),
        )
        return redirect("tweestaps_instellen")

    def _admin(self, request, user):
        if request.path_info.startswith(reverse("admin:logout")):
            return None
        if user.is_authenticated and not (user.is_staff and user.is_active):
            messages.info(
                request,
                _("The administration is for the network's coordinators. This is your own start page."),
            )
            return redirect(home_url(user))
        if request.path_info.startswith(reverse("admin:login")):
            target = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
        return None
