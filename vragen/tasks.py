"""Celery tasks of the vragen app: thin, keyword-only ids, each calls one service."""

import logging

from celery import shared_task

from huisvanhetkind.lib.queue import RetryingTask

from .models import Gesprek
from .services import gesprek_notify, gesprekken_delete_expired

logger = logging.getLogger(__name__)


@shared_task(base=RetryingTask, name="vragen.delete_expired_gesprekken", ignore_result=True)
def delete_expired_gesprekken() -> int:
    """Beat, daily: delete conversations past settings.GESPREK_RETENTION_DAYS (their Vragen stay)."""
    return gesprekken_delete_expired()


@shared_task(base=RetryingTask, name="vragen.notify_gesprek", ignore_result=True)
def notify_gesprek(*, gesprek_id: int, reden: str) -> int:
    """Tell staff a conversation waits for them. Quietly nothing if it is gone meanwhile."""
    gesprek = Gesprek.objects.select_related("toegewezen_aan").filter(pk=gesprek_id).first()
    if gesprek is None:
        return 0
    return gesprek_notify(gesprek=gesprek, reden=reden)
