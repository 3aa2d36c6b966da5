"""The stored `Aanbod.volgende_start` (PostgreSQL), rewritten where time made it stale.

The database keeps the value current whatever writes the activities (triggers, aanbod/migrations/0020),
but not as time passes: once an aanbod's next activity starts, its stored start lies in the past. The
wegwijzer's order stays exact regardless (`AanbodQuerySet.met_volgende_start` looks such a row up in the
activities); this rewrite, every ten minutes (Celery beat), keeps those lookups few.
"""

import logging

from django.db import connections
from django.utils import timezone

from aanbod.models import Aanbod, komende_start

logger = logging.getLogger(__name__)


def aanbod_refresh_volgende_start() -> int:
    """Rewrite the stored start of published aanbod whose stored start has passed; returns how many.

    Published aanbod only: the wegwijzer reads no other (a stale value elsewhere is still read exactly,
    and rewritten here once it is published). Side effects: UPDATEs those rows, only when there are any (an
    UPDATE advances the wegwijzer's data version even when it changes nothing). Nothing on SQLite, where
    nothing stores the value.
    """
    stale = Aanbod._base_manager.filter(status=Aanbod.Status.GEPUBLICEERD)
    if connections[stale.db].vendor != "postgresql":
        return 0
    now = timezone.now()
    stale = stale.filter(volgende_start__lt=now)
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    # The aanbod's BEFORE UPDATE trigger computes the same value; written here too, to say what it is.
    count = stale.filter(pk__in=ids).update(volgende_start=komende_start(now))
    logger.info("volgende_start rewritten for %s aanbod", count)
    return count
