"""Celery tasks of the spelotheek. Thin: keyword-only ids, all-scope (`scopes_disabled`), one service each.

State is in the database and every mail is claimed before it is sent, so a task that runs twice, late or
never changes nothing: `spelotheek.send_due_mails` (beat, every 15 minutes) delivers what a lost message
left behind.
"""

import logging

from celery import shared_task

from huisvanhetkind.lib.scoping import scopes_disabled

from . import mails, services

logger = logging.getLogger(__name__)


def _retry(task, error: Exception):
    if task.request.is_eager:
        logger.warning("%s failed (%s); the periodic scan will retry", task.name, type(error).__name__)
        return False
    raise task.retry(exc=error, countdown=min(60 * 2**task.request.retries, 3600), max_retries=6)


@shared_task(bind=True, name="spelotheek.send_reservatie_klaar", ignore_result=True)
def send_reservatie_klaar(self, *, reservatie_id: int) -> bool:
    """The 'your reservation is ready' mail of one reservation, once."""
    try:
        with scopes_disabled():
            return mails.mail_send_one(soort="reservatie_klaar", pk=reservatie_id)
    except mails.MAIL_ERRORS as error:
        return _retry(self, error)


@shared_task(bind=True, name="spelotheek.send_due_mails", ignore_result=True)
def send_due_mails(self) -> int:
    """Beat: every due reminder (due soon, overdue, ready, membership ending), each once."""
    try:
        with scopes_disabled():
            return mails.mails_send_due()
    except mails.MAIL_ERRORS as error:
        return _retry(self, error)


@shared_task(name="spelotheek.lapse_reservations", ignore_result=True)
def lapse_reservations() -> int:
    """Beat: ready reservations not collected in time lapse; the toy goes to the next in line."""
    with scopes_disabled():
        return services.reservaties_lapse_due()


@shared_task(name="spelotheek.erase_idle_members", ignore_result=True)
def erase_idle_members() -> int:
    """Beat, daily: erase members who have not borrowed for SPELOTHEEK_LID_BEWAARDAGEN."""
    with scopes_disabled():
        return services.leden_erase_idle()
