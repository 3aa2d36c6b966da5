from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by invitation only: the public sign-up is closed.

    People get in through an invitation link (partners.views.portal.uitnodiging_accept), which creates
    the account for the invited address.
    """

    def is_open_for_signup(self, request) -> bool:
        return False
