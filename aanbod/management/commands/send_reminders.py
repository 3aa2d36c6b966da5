"""`manage.py send_reminders`: the periodic scan without a broker (cron, or `make run` on a laptop).

Sends the due reminders and every status mail still due (confirmations a broker outage held back,
waiting-list promotions, activity cancellations): the same work as the `aanbod.send_due_reminders`
beat task, with the same claims, so it is safe next to a running worker.
"""

from django.core.management.base import BaseCommand, CommandError

from aanbod.services.inschrijvingen import inschrijvingen_catch_up, send_due_reminders
from huisvanhetkind.lib.mail import MAIL_ERRORS
from huisvanhetkind.lib.scoping import scopes_disabled


class Command(BaseCommand):
    help = "Send due reminders and any registration mail still due (the periodic scan, without Celery)."

    def execute(self, *args, **options):
        # A command acts for the whole network, every partner's rows (huisvanhetkind/lib/scoping.py).
        with scopes_disabled():
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        try:
            reminders = send_due_reminders()
            status_mails = inschrijvingen_catch_up()
        except MAIL_ERRORS as error:
            # The claims are released: the next run sends what this one could not.
            message = f"Sending failed ({type(error).__name__}); the next run will retry."
            raise CommandError(message) from error
        self.stdout.write(f"{reminders} reminder(s) sent, {status_mails} registration mail(s) caught up.")
