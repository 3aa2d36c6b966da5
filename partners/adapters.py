from allauth.account.adapter import DefaultAccountAdapter

from . import mfa


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by invitation only: the public sign-up is closed.

    People get in through an invitation link (partners.views.portal.uitnodiging_accept), which creates
    the account for the invited address.
    """

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_redirect_url(self, request) -> str:
        """Municipality staff land on their report; everyone else on the portal (or the set-up)."""
        from .middleware import home_url

        return home_url(request.user)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Within the half hour after the mailbox proof, setting up the first authenticator (and seeing
        its recovery codes) asks no password again: the proof is the stronger check. Otherwise as
        allauth does it."""
        request = self.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
            and mfa.mailbox_proven(request)
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)
