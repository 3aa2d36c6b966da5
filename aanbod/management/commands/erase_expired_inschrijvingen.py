"""`manage.py erase_expired_inschrijvingen`: the daily retention job without a broker."""

from django.conf import settings
from django.core.management.base import BaseCommand

from aanbod.services.inschrijvingen import inschrijvingen_erase_expired
from huisvanhetkind.lib.scoping import scopes_disabled


class Command(BaseCommand):
    help = (
        "Erase name, e-mail and phone of registrations REGISTRATION_RETENTION_DAYS after their activity "
        "(the counts stay for the reports)."
    )

    def execute(self, *args, **options):
        # A command acts for the whole network, every partner's rows (huisvanhetkind/lib/scoping.py).
        with scopes_disabled():
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        erased = inschrijvingen_erase_expired()
        self.stdout.write(
            f"{erased} registration(s) erased (retention: {settings.REGISTRATION_RETENTION_DAYS} days)."
        )
