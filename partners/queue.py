"""Enqueue Celery work after the transaction commits, without ever failing the request.

It lives in partners, the leftmost app, so that every app may use it (see docs/architecture-notes.md).

State lives in the database: when the broker is unreachable the message is simply not sent, the
failure is logged (without personal data), and the periodic scan that looks for due work in the
database picks it up later. Nothing is lost, and the parent's registration or question still succeeds.
"""

import logging

from django.db import transaction

logger = logging.getLogger("huisvanhetkind.queue")


def send_task(task, /, **kwargs) -> bool:
    """Send now; True when the broker took it (or it ran eagerly)."""
    try:
        task.apply_async(kwargs=kwargs)
    except Exception as error:  # noqa: BLE001 - kombu/redis raise many kinds; all mean "not sent"
        logger.warning(
            "could not enqueue %s (%s); the periodic scan will retry", task.name, type(error).__name__
        )
        return False
    return True


def enqueue_on_commit(task, /, **kwargs) -> None:
    """Send `task` with keyword arguments once the current transaction has committed."""
    transaction.on_commit(lambda: send_task(task, **kwargs))
