"""The spelotheek's mails to members: due in two days, overdue, reservation ready, membership expiring.

Each kind is sent once per row by an atomic claim: a conditional UPDATE sets the row's `*_verstuurd_op`
only where it is still NULL, in batches taken with `SELECT … FOR UPDATE SKIP LOCKED`, so racing workers
take different rows and a row is mailed by whoever claimed it. On an SMTP failure the claims of what
was not sent are released (the next scan sends them). The state is in the database: the periodic scan
(`send_due_mails`, every 15 minutes) finds what is due, so a lost message or a broker outage only delays.
A worker killed between claiming and sending loses those mails rather than doubling them.
"""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from aanbod.mail import mail_build

from .models import Lid, Reservatie, Uitlening

logger = logging.getLogger(__name__)

BATCH = 500
MAIL_ERRORS = (smtplib.SMTPException, OSError)
REFUSED = (smtplib.SMTPRecipientsRefused,)


@dataclass(frozen=True)
class Soort:
    """One kind of mail: its rows, the claim field, when a row is due, the template and its context."""

    naam: str
    model: type[models.Model]
    veld: str
    template: str
    due: Callable[[], Q]
    lid: Callable[[models.Model], Lid]
    related: tuple[str, ...]

    def queryset(self):
        return self.model.objects.filter(self.due(), **{f"{self.veld}__isnull": True})


def _vandaag():
    return timezone.localdate()


SOORTEN = {
    "bijna_terug": Soort(
        naam="bijna_terug",
        model=Uitlening,
        veld="herinnering_verstuurd_op",
        template="spelotheek/emails/bijna_terug",
        due=lambda: (
            Q(
                teruggebracht_op__isnull=True,
                terug_op__gte=_vandaag(),
                terug_op__lte=_vandaag() + timedelta(days=settings.SPELOTHEEK_HERINNERING_DAGEN),
            )
            & ~Q(lid__email="")
        ),
        lid=lambda row: row.lid,
        related=("lid", "speelgoed__partner"),
    ),
    "te_laat": Soort(
        naam="te_laat",
        model=Uitlening,
        veld="te_laat_verstuurd_op",
        template="spelotheek/emails/te_laat",
        due=lambda: Q(teruggebracht_op__isnull=True, terug_op__lt=_vandaag()) & ~Q(lid__email=""),
        lid=lambda row: row.lid,
        related=("lid", "speelgoed__partner"),
    ),
    "reservatie_klaar": Soort(
        naam="reservatie_klaar",
        model=Reservatie,
        veld="klaar_verstuurd_op",
        template="spelotheek/emails/reservatie_klaar",
        due=lambda: Q(status=Reservatie.Status.KLAAR) & ~Q(lid__email=""),
        lid=lambda row: row.lid,
        related=("lid", "speelgoed__partner"),
    ),
    "lidmaatschap_verloopt": Soort(
        naam="lidmaatschap_verloopt",
        model=Lid,
        veld="verloopt_verstuurd_op",
        template="spelotheek/emails/lidmaatschap_verloopt",
        due=lambda: (
            Q(
                lid_tot__gte=_vandaag(),
                lid_tot__lte=_vandaag() + timedelta(days=settings.SPELOTHEEK_LIDMAATSCHAP_HERINNERING_DAGEN),
            )
            & ~Q(email="")
        ),
        lid=lambda row: row,
        related=("partner",),
    ),
}


def _claim(soort: Soort, *, pk: int | None = None, limit: int = BATCH) -> list:
    """Claim up to `limit` due rows (or the one row `pk`) for this process; returns them loaded."""
    now = timezone.now()
    with transaction.atomic():
        queryset = soort.queryset()
        if pk is not None:
            queryset = queryset.filter(pk=pk)
        pks = list(
            queryset.select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not pks:
            return []
        soort.model.objects.filter(pk__in=pks, **{f"{soort.veld}__isnull": True}).update(**{soort.veld: now})
    # Only the rows whose field now holds our own timestamp are ours (SQLite has no SKIP LOCKED).
    mine = soort.model.objects.filter(pk__in=pks, **{soort.veld: now}).select_related(*soort.related)
    return list(mine.order_by("pk"))


def _release(soort: Soort, rows: list) -> None:
    if rows:
        claim = getattr(rows[0], soort.veld)
        soort.model.objects.filter(pk__in=[r.pk for r in rows], **{soort.veld: claim}).update(
            **{soort.veld: None}
        )


def _message(soort: Soort, row):
    lid = soort.lid(row)
    with translation.override(lid.taal):
        mijn_url = settings.SITE_URL + reverse("spelotheek_list")
    partner = getattr(row, "speelgoed", None) and row.speelgoed.partner or lid.partner
    context = {
        "lid": lid,
        "partner": partner,
        "object": row,
        "speelgoed": getattr(row, "speelgoed", None),
        "catalogus_url": mijn_url,
    }
    return mail_build(template=soort.template, to=[lid.email], taal=lid.taal, context=context)


def _send_rows(soort: Soort, rows: list, connection) -> int:
    sent = 0
    for index, row in enumerate(rows):
        try:
            connection.send_messages([_message(soort, row)])
        except REFUSED:
            logger.warning(
                "%s mail of %s %s refused by the mail server", soort.naam, soort.model.__name__, row.pk
            )
        except BaseException:
            _release(soort, rows[index:])
            raise
        else:
            sent += 1
    return sent


def mail_send_one(*, soort: str, pk: int) -> bool:
    """Send one row's mail of this kind if it is due and nobody sent it; True when this call sent it."""
    kind = SOORTEN[soort]
    rows = _claim(kind, pk=pk, limit=1)
    if not rows:
        return False
    return _send_rows(kind, rows, mail.mailers.default) == 1


def mails_send_due(*, soorten: tuple[str, ...] | None = None) -> int:
    """Send every due mail of every kind once, over one connection; returns how many went out.

    Side effects: sets the `*_verstuurd_op` fields; on an SMTP failure releases what was not sent and
    raises (the task retries; the next scan also sends them).
    """
    rows_sent = 0
    connection = mail.mailers.default
    opened = False
    try:
        for naam in soorten or tuple(SOORTEN):
            kind = SOORTEN[naam]
            while rows := _claim(kind):
                if not opened:
                    connection.open()
                    opened = True
                rows_sent += _send_rows(kind, rows, connection)
    finally:
        if opened:
            connection.close()
    return rows_sent
