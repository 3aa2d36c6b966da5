"""`manage.py erase_expired_inschrijvingen`: the daily retention job without a broker."""

from django.conf import settings
from django.core.management.base import BaseCommand

from aanbod.services.inschrijvingen import inschrijvingen_erase_expired


class Command(BaseCommand):
    help = (
        "Erase name, e-mail and phone of registrations REGISTRATION_RETENTION_DAYS after their activity "
        "(the counts stay for the reports)."
    )

    def handle(self, *args, **options):
        erased = inschrijvingen_erase_expired()
        self.stdout.write(
            f"{erased} registration(s) erased (retention: {settings.REGISTRATION_RETENTION_DAYS} days)."
        )
