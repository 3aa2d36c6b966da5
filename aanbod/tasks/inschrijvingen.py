"""Tasks for registrations: status mails, the manage link, reminders, retention.

Thin: keyword-only ids, each calls one service that claims its rows in the database, so a task that
runs twice, late or never changes nothing: the periodic `aanbod.send_due_reminders` scan delivers what
a lost message left behind. Transient mail trouble is retried with exponential backoff; running
eagerly (no broker) there is no retry, the scan is the retry.
"""

import logging

from celery import shared_task

from aanbod.services.inschrijvingen import (
    MAIL_ERRORS,
    inschrijving_link_send,
    inschrijving_status_mail_send,
    inschrijvingen_catch_up,
    inschrijvingen_erase_expired,
    send_due_reminders,
)

logger = logging.getLogger(__name__)

MAX_RETRIES = 6


def _backoff(retries: int) -> int:
    return min(60 * 2**retries, 3600)  # 1, 2, 4, … minutes, at most an hour


def _retry(task, error: Exception):
    if task.request.is_eager:
        logger.warning("%s failed (%s); the periodic scan will retry", task.name, type(error).__name__)
        return False
    raise task.retry(exc=error, countdown=_backoff(task.request.retries), max_retries=MAX_RETRIES)


@shared_task(bind=True, name="aanbod.send_inschrijving_status_mail", ignore_result=True)
def send_inschrijving_status_mail(self, *, inschrijving_id: int) -> bool:
    """The confirmation, waiting-list, moved-up or activity-cancelled mail of one registration."""
    try:
        return inschrijving_status_mail_send(inschrijving_id=inschrijving_id)
    except MAIL_ERRORS as error:
        return _retry(self, error)


@shared_task(bind=True, name="aanbod.send_inschrijving_link", ignore_result=True)
def send_inschrijving_link(self, *, inschrijving_id: int) -> bool:
    """The manage link again, to the registration's own address (someone registered it twice)."""
    try:
        return inschrijving_link_send(inschrijving_id=inschrijving_id)
    except MAIL_ERRORS as error:
        return _retry(self, error)


@shared_task(bind=True, name="aanbod.send_due_reminders", ignore_result=True)
def send_due_reminders_task(self) -> int:
    """Beat, every 10 minutes: due reminders, then any status mail still due."""
    try:
        sent = send_due_reminders()
        inschrijvingen_catch_up()
    except MAIL_ERRORS as error:
        return _retry(self, error)
    return sent


@shared_task(name="aanbod.erase_expired_inschrijvingen", ignore_result=True)
def erase_expired_inschrijvingen() -> int:
    """Beat, daily: erase the personal data of registrations past retention."""
    return inschrijvingen_erase_expired()
