"""Tasks for the monthly nagekeken reminder (thin: find who is due, claim, call one service)."""

from celery import shared_task
from django.core.cache import cache

from aanbod.services import nagekeken
from huisvanhetkind.lib.queue import RetryingTask
from partners.models import Partner

CLAIM_SECONDS = 40 * 86400


@shared_task(base=RetryingTask, name="aanbod.remind_niet_nagekeken_aanbod")
def remind_niet_nagekeken_aanbod() -> int:
    """Monthly (Celery beat): one reminder task per partner with aanbod to confirm."""
    partner_ids = nagekeken.partners_met_aanbod_te_nakijken()
    for partner_id in partner_ids:
        remind_partner.delay(partner_id=partner_id)
    return len(partner_ids)


@shared_task(base=RetryingTask, name="aanbod.remind_niet_nagekeken_aanbod_partner")
def remind_partner(*, partner_id: int) -> int:
    """Mail one partner, at most once per calendar month even if the beat or a message runs twice."""
    partner = Partner.objects.actief().filter(pk=partner_id).first()
    if partner is None:
        return 0
    key = nagekeken.claim_key(partner_id)
    if not cache.add(key, 1, CLAIM_SECONDS):
        return 0
    try:
        return nagekeken.partner_remind_nagekeken(partner=partner)
    except Exception:
        cache.delete(key)  # not sent: the retry (or next run) may try again
        raise
