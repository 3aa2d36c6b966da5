"""Tasks for registrations: status mails, the manage link, reminders, retention.

Thin: keyword-only ids, each calls one service that claims its rows in the database, so a task that
runs twice, late or never changes nothing: the periodic `aanbod.send_due_reminders` scan delivers what
a lost message left behind. Transient mail trouble is retried by the one policy of
`huisvanhetkind.lib.queue.RetryingTask`; running eagerly (no broker) there is no retry, the scan is the
retry.
"""

from celery import shared_task

from aanbod.services.inschrijvingen import (
    inschrijving_link_send,
    inschrijving_status_mail_send,
    inschrijvingen_catch_up,
    inschrijvingen_erase_expired,
    send_due_reminders,
)
from huisvanhetkind.lib.queue import RetryingTask


@shared_task(base=RetryingTask, name="aanbod.send_inschrijving_status_mail", ignore_result=True)
def send_inschrijving_status_mail(*, inschrijving_id: int) -> bool:
    """The confirmation, waiting-list, moved-up or activity-cancelled mail of one registration."""
    return inschrijving_status_mail_send(inschrijving_id=inschrijving_id)


@shared_task(base=RetryingTask, name="aanbod.send_inschrijving_link", ignore_result=True)
def send_inschrijving_link(*, inschrijving_id: int) -> bool:
    """The manage link again, to the registration's own address (someone registered it twice)."""
    return inschrijving_link_send(inschrijving_id=inschrijving_id)


@shared_task(base=RetryingTask, name="aanbod.send_due_reminders", ignore_result=True)
def send_due_reminders_task() -> int:
    """Beat, every 10 minutes: due reminders, then any status mail still due."""
    sent = send_due_reminders()
    inschrijvingen_catch_up()
    return sent


@shared_task(base=RetryingTask, name="aanbod.erase_expired_inschrijvingen", ignore_result=True)
def erase_expired_inschrijvingen() -> int:
    """Beat, daily: erase the personal data of registrations past retention."""
    return inschrijvingen_erase_expired()
