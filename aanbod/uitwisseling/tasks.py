"""Celery tasks of the UiTdatabank outbox: thin, each calls one service inside `scopes_disabled()`.

State lives in the outbox table, not in the queue: `send_due` (beat, every minute) sends whatever a lost
message, a broker outage or a retry's backoff left, so a task that runs twice, late or never changes
nothing. Retrying is the row's `volgende_poging_op`, not Celery's retry.
"""

from celery import shared_task

from huisvanhetkind.lib.scoping import scopes_disabled

from . import services


@shared_task(name="uitwisseling.send", ignore_result=True)
def send_uitdatabank(*, outbox_id: int) -> str:
    with scopes_disabled():
        return services.uit_outbox_send(outbox_id=outbox_id)


@shared_task(name="uitwisseling.send_due", ignore_result=True)
def send_due() -> int:
    with scopes_disabled():
        return services.uit_outbox_send_due()


@shared_task(name="uitwisseling.reconcile", ignore_result=True)
def reconcile() -> int:
    with scopes_disabled():
        services.uit_outbox_prune()
        return services.uit_reconcile()
