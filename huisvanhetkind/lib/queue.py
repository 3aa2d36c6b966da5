"""Background work: enqueue a Celery task after the transaction commits, and the one retry policy.

Enqueueing never fails the request. State lives in the database: when the broker is unreachable the
message is simply not sent, the failure is logged (the task's name only, never personal data), and the
periodic scan that looks for due work in the database picks it up later. Nothing is lost, and the
parent's registration or question still succeeds.

Every task is declared with `base=RetryingTask`: on a transient error (TRANSIENT_ERRORS: the mail server
or the network away) it is retried with exponential backoff (`backoff`), at most MAX_RETRIES times.
Running eagerly (no broker, `make run`) it is not retried in the request: the failure is logged, the
task returns False and the periodic scan is the retry. Anything else (a refused address, a bug) fails
the task at once.
"""

import logging

from celery import Task
from celery.result import EagerResult
from django.db import transaction

from .mail import MAIL_ERRORS, MAIL_REFUSED
from .scoping import scopes_disabled

logger = logging.getLogger("huisvanhetkind.queue")

# Trouble that goes away by itself: the mail server or the network (SMTP errors are OSErrors too) ...
TRANSIENT_ERRORS: tuple[type[Exception], ...] = MAIL_ERRORS
# ... except the server refusing an address for good: retrying will not help.
PERMANENT_ERRORS: tuple[type[Exception], ...] = MAIL_REFUSED
MAX_RETRIES = 6


def backoff(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 1, 2, 4, … minutes, at most an hour."""
    return min(60 * 2**retries, 3600)


class BackgroundTask(Task):
    """Every task runs with the scopes disabled: background work acts for the whole network (a reminder
    scan reads every partner's registrations). Entered here once, also for tasks run eagerly inside a
    request, whose scope would otherwise leak into the task. The Celery app's default task class."""

    abstract = True

    def __call__(self, *args, **kwargs):
        with scopes_disabled():
            return super().__call__(*args, **kwargs)


class RetryingTask(BackgroundTask):
    """A task that retries on TRANSIENT_ERRORS with `backoff`; eagerly it logs and returns False."""

    abstract = True

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except PERMANENT_ERRORS:
            raise
        except TRANSIENT_ERRORS as error:
            if self.request.is_eager:
                logger.warning(
                    "%s failed (%s); the periodic scan will retry", self.name, type(error).__name__
                )
                return False
            raise self.retry(
                exc=error, countdown=backoff(self.request.retries), max_retries=MAX_RETRIES
            ) from error


def send_task(task, /, **kwargs) -> bool:
    """Send now; True when the broker took it, or it ran eagerly and did its work (did not fail or
    return False). Never raises."""
    try:
        result = task.apply_async(kwargs=kwargs)
    except Exception as error:  # noqa: BLE001 - kombu, redis and socket errors all mean "not queued"
        logger.warning(
            "could not queue %s (%s); the periodic scan will deliver it", task.name, type(error).__name__
        )
        return False
    if isinstance(result, EagerResult):
        return result.successful() and result.result is not False
    return True


def enqueue_after_commit(task, /, **kwargs) -> None:
    """Send `task` with keyword arguments once the current transaction has committed (see `send_task`)."""
    transaction.on_commit(lambda: send_task(task, **kwargs))
