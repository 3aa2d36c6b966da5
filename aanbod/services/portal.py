"""Use cases of the partners' portal that write several rows: attendance. (A weekly series of activities is
`aanbod.services.activiteiten.activiteit_create_series`, shared with the admin.)"""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Activiteit, Inschrijving

logger = logging.getLogger(__name__)


def inschrijvingen_mark_attendance(*, activiteit: Activiteit, aanwezig_ids: Iterable[int], user=None) -> int:
    """Record who came to an activity that has started: the given registrations attended, the other
    confirmed ones did not. Cancelled registrations are left alone. Returns how many were marked present.
    ValidationError before the activity starts.
    """
    if activiteit.start > timezone.now():
        raise ValidationError(_("You can mark who came once the activity has started."))
    ids = {int(pk) for pk in aanwezig_ids}
    bevestigd = activiteit.inschrijvingen.filter(status=Inschrijving.Status.BEVESTIGD)
    with transaction.atomic():
        aanwezig = bevestigd.filter(pk__in=ids).update(aanwezig=True, bijgewerkt_op=timezone.now())
        bevestigd.exclude(pk__in=ids).update(aanwezig=False, bijgewerkt_op=timezone.now())
    logger.info("activiteit %s: attendance marked by user %s", activiteit.pk, getattr(user, "pk", None))
    return aanwezig
