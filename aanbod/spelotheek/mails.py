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
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.core import mail
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format

from huisvanhetkind.lib.mail import mail_build

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
    # Loans of one member due together go out as one mail listing them all.
    per_lid: bool = False
    volgorde: tuple[str, ...] = ("pk",)

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
        per_lid=True,
        volgorde=("lid_id", "pk"),
    ),
    "te_laat": Soort(
        naam="te_laat",
        model=Uitlening,
        veld="te_laat_verstuurd_op",
        template="spelotheek/emails/te_laat",
        due=lambda: Q(teruggebracht_op__isnull=True, terug_op__lt=_vandaag()) & ~Q(lid__email=""),
        lid=lambda row: row.lid,
        related=("lid", "speelgoed__partner"),
        per_lid=True,
        volgorde=("lid_id", "pk"),
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
            .order_by(*soort.volgorde)
            .values_list("pk", flat=True)[:limit]
        )
        if not pks:
            return []
        soort.model.objects.filter(pk__in=pks, **{f"{soort.veld}__isnull": True}).update(**{soort.veld: now})
    # Only the rows whose field now holds our own timestamp are ours (SQLite has no SKIP LOCKED).
    mine = soort.model.objects.filter(pk__in=pks, **{soort.veld: now}).select_related(*soort.related)
    return list(mine.order_by(*soort.volgorde))


def _release(soort: Soort, rows: list) -> None:
    if rows:
        claim = getattr(rows[0], soort.veld)
        soort.model.objects.filter(pk__in=[r.pk for r in rows], **{soort.veld: claim}).update(
            **{soort.veld: None}
        )


@lru_cache(maxsize=512)
def _datum(taal: str, dag: date) -> str:
    # Formatting a date in words looks up translations each time; a run mails the same few dates.
    with translation.override(taal):
        return date_format(dag, "l j F")


def _message(soort: Soort, rows: list, netwerk=None):
    """One mail about `rows` (all of one member)."""
    first = rows[0]
    lid = soort.lid(first)
    speelgoed = getattr(first, "speelgoed", None)
    for row in rows:
        if isinstance(row, Uitlening):
            row.terug_tekst = _datum(lid.taal, row.terug_op)
    context = {
        "lid": lid,
        "partner": speelgoed.partner if speelgoed else lid.partner,
        "object": first,
        "speelgoed": speelgoed,
        "rows": rows,
    }
    if netwerk is not None:
        context["netwerk"] = netwerk
    return mail_build(template=soort.template, to=[lid.email], taal=lid.taal, context=context)


def _groups(soort: Soort, rows: list) -> list[list]:
    if not soort.per_lid:
        return [[row] for row in rows]
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(soort.lid(row).pk, []).append(row)
    return list(groups.values())


def _send_rows(soort: Soort, rows: list, connection) -> int:
    """Send the claimed rows (grouped per member where the kind says so); returns the rows sent."""
    from partners.models import Netwerk

    sent = 0
    netwerk = Netwerk.load()
    groups = _groups(soort, rows)
    for index, group in enumerate(groups):
        try:
            connection.send_messages([_message(soort, group, netwerk)])
        except REFUSED:
            logger.warning(
                "%s mail of %s %s refused by the mail server", soort.naam, soort.model.__name__, group[0].pk
            )
        except BaseException:
            _release(soort, [row for later in groups[index:] for row in later])
            raise
        else:
            sent += len(group)
    return sent


def mail_send_one(*, soort: str, pk: int) -> bool:
    """Send one row's mail of this kind if it is due and nobody sent it; True when this call sent it."""
    kind = SOORTEN[soort]
    rows = _claim(kind, pk=pk, limit=1)
    if not rows:
        return False
    return _send_rows(kind, rows, mail.mailers.default) == 1


def mails_send_due(*, soorten: tuple[str, ...] | None = None) -> int:
    """Send every due mail of every kind once, over one connection; returns how many rows were mailed
    (loans of one member due together share one mail).

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
