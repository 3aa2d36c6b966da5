from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by invitation only: the public sign-up is closed."""

    def is_open_for_signup(self, request) -> bool:
        return False
