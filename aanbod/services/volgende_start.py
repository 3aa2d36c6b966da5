"""The stored next start of each aanbod (`VolgendeStart`, PostgreSQL), rewritten where time made it stale.

The database keeps it current whatever writes the activities (triggers, aanbod/migrations/0020), but not
as time passes: once an aanbod's next activity starts, its stored start lies in the past. The wegwijzer's
order stays exact regardless (`AanbodQuerySet.met_volgende_start` looks such a row up in the activities);
this rewrite, every ten minutes (Celery beat), keeps those lookups few.
"""

import logging

from django.db import connections

from aanbod.models import VolgendeStart

logger = logging.getLogger(__name__)


def aanbod_refresh_volgende_start() -> int:
    """Rewrite the stored starts that have passed (or drop them: no next activity); returns how many.

    Side effects: writes `aanbod_volgendestart` only (not aanbod: no search document, no data version).
    Nothing on SQLite, where nothing is stored.
    """
    connection = connections[VolgendeStart.objects.db]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        # The database's clock, as the triggers that wrote the rows used it.
        cursor.execute(
            "SELECT hvhk_volgende_start_set(ARRAY("
            "SELECT aanbod_id FROM aanbod_volgendestart WHERE start < statement_timestamp()))"
        )
        count = cursor.fetchone()[0]
    if count:
        logger.info("next start rewritten for %s aanbod", count)
    return count
