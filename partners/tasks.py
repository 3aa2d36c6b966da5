"""Celery tasks of the partners app (thin: each calls a service)."""

import logging

from celery import shared_task

from huisvanhetkind.lib.queue import RetryingTask

logger = logging.getLogger(__name__)


@shared_task(base=RetryingTask, name="partners.send_uitnodiging")
def send_uitnodiging(*, uitnodiging_id: int, token: str, taal: str | None = None) -> None:
    """Mail an invitation link.

    The plain token travels with the message because only its hash is stored: a link cannot be rebuilt
    from the database. A lost message means a coordinator or beheerder sends the invitation again.
    """
    from .models import Uitnodiging
    from .services import uitnodiging_mail

    uitnodiging = (
        Uitnodiging.objects.select_related("partner", "gemeente", "aangemaakt_door")
        .filter(pk=uitnodiging_id)
        .first()
    )
    if uitnodiging is None or not uitnodiging.is_open:
        return
    uitnodiging_mail(uitnodiging=uitnodiging, token=token, taal=taal)
