"""Tasks for the wegwijzer's stored data (thin: each calls one service)."""

from celery import shared_task

from aanbod.services.volgende_start import aanbod_refresh_volgende_start
from huisvanhetkind.lib.queue import RetryingTask


@shared_task(base=RetryingTask, name="aanbod.refresh_volgende_start", ignore_result=True)
def refresh_volgende_start() -> int:
    """Beat, every 10 minutes: rewrite the stored next start of aanbod whose next activity has started."""
    return aanbod_refresh_volgende_start()
