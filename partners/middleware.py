"""Two-factor authentication is required for everyone who can reach the Django admin."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class AdminRequiresMFAMiddleware:
    """Coordinators and superusers reach /admin/ only with an activated TOTP authenticator.

    Without one they are sent to set it up. The admin's own login form is replaced by allauth's, because
    only allauth asks for the second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = reverse("admin:index")
        if request.path.startswith(prefix):
            response = self.check(request, prefix)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request, prefix: str):
        user = request.user
        if request.path.startswith(reverse("admin:login")):
            target = request.GET.get("next") or prefix
            return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
        if not user.is_authenticated or not (user.is_staff or user.is_superuser):
            return None  # the admin itself sends them to log in or refuses them
        if request.path.startswith(reverse("admin:logout")):
            return None
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return None
        messages.warning(
            request,
            _(
                "Coordinators need two-step verification. Set up an authenticator app on your phone "
                "to continue to the administration."
            ),
        )
        return redirect("mfa_activate_totp")
