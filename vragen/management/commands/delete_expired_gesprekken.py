"""Delete conversations past retention, the same work as the daily Celery task (for runs without beat)."""

from django.core.management.base import BaseCommand

from huisvanhetkind.lib.scoping import scopes_disabled
from vragen.services import gesprekken_delete_expired


class Command(BaseCommand):
    help = "Delete Gesprekken whose last message is older than GESPREK_RETENTION_DAYS; their Vragen stay."

    def execute(self, *args, **options):
        # A command acts for the whole network, every partner's rows (huisvanhetkind/lib/scoping.py).
        with scopes_disabled():
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        deleted = gesprekken_delete_expired()
        self.stdout.write(f"Deleted {deleted} conversation(s) past retention.")
