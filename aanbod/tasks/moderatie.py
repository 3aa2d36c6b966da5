"""Tasks for moderation mails to partners (thin: reload the row, call one service)."""

import smtplib

from celery import shared_task

from aanbod.models import Aanbod
from aanbod.services.moderatie import aanbod_mail_besluit

# Transient delivery problems only (connection lost or refused); a bad address is not retried.
TRANSIENT = (ConnectionError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


@shared_task(name="aanbod.mail_moderatie_besluit", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def mail_moderatie_besluit(*, aanbod_id: int, besluit: str) -> None:
    """Tell the partner that a coordinator published or rejected their aanbod (or its change)."""
    aanbod = Aanbod.objects.select_related("partner").filter(pk=aanbod_id).first()
    if aanbod is None:
        return
    aanbod_mail_besluit(aanbod=aanbod, besluit=besluit)
