"""Use cases of the partners' portal that write several rows: a weekly series of activities, attendance."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie
from aanbod.uitwisseling import services as uitdatabank

logger = logging.getLogger(__name__)


def _local(datum: dt.date, tijd: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(datum, tijd), timezone.get_default_timezone())


def activiteit_create_series(
    *,
    aanbod: Aanbod,
    datums: Iterable[dt.date],
    van: dt.time,
    tot: dt.time,
    locatie: Locatie | None = None,
    online: bool = False,
    titel: str = "",
    capaciteit: int | None = None,
    max_personen_per_inschrijving: int = 4,
    inschrijving_nodig: bool = True,
    sluit_uren_voor: int | None = None,
    user=None,
) -> list[Activiteit]:
    """Create one activity per local date, each from `van` to `tot` wall-clock time in the network's time
    zone (so 19:00 stays 19:00 across a DST change). Dates that already have an activity of this aanbod at
    that start are left alone. The registration deadline is `sluit_uren_voor` hours before each start.
    Creates rows in one transaction; returns the new activities. No mail. ValidationError when an
    activity would be invalid.
    """
    kandidaten = []
    for datum in sorted(set(datums)):
        start, einde = _local(datum, van), _local(datum, tot)
        activiteit = Activiteit(
            aanbod=aanbod,
            titel=titel,
            start=start,
            einde=einde,
            locatie=locatie,
            online=online,
            capaciteit=capaciteit,
            max_personen_per_inschrijving=max_personen_per_inschrijving,
            inschrijving_nodig=inschrijving_nodig,
            inschrijven_tot=start - dt.timedelta(hours=sluit_uren_voor) if sluit_uren_voor else None,
        )
        activiteit.full_clean(exclude=["aanbod", "locatie"])
        kandidaten.append(activiteit)
    if not kandidaten:
        raise ValidationError(_("There is no date in this series."))
    bestaand = set(
        Activiteit.objects.filter(aanbod=aanbod, start__in=[a.start for a in kandidaten]).values_list(
            "start", flat=True
        )
    )
    nieuw = [a for a in kandidaten if a.start not in bestaand]
    with transaction.atomic():
        Activiteit.objects.bulk_create(nieuw)
        uitdatabank.aanbod_changed(aanbod=aanbod)
    logger.info(
        "aanbod %s: %d activities created in a series by user %s",
        aanbod.pk,
        len(nieuw),
        getattr(user, "pk", None),
    )
    return nieuw


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
