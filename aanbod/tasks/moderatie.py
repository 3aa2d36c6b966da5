"""Tasks for moderation mails to partners (thin: reload the row, call one service)."""

from celery import shared_task

from aanbod.models import Aanbod
from aanbod.services.moderatie import aanbod_mail_besluit
from huisvanhetkind.lib.queue import RetryingTask


@shared_task(base=RetryingTask, name="aanbod.mail_moderatie_besluit")
def mail_moderatie_besluit(*, aanbod_id: int, besluit: str) -> None:
    """Tell the partner that a coordinator published or rejected their aanbod (or its change)."""
    aanbod = Aanbod.objects.select_related("partner").filter(pk=aanbod_id).first()
    if aanbod is None:
        return
    aanbod_mail_besluit(aanbod=aanbod, besluit=besluit)
