"""The periodic scan (Celery beat, or `manage.py send_reminders`): reminders, and whatever a lost message
or a broker outage left behind (cancellations nobody announced, waiting lists that can move up, status
mails still due)."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from aanbod.models import Activiteit, Inschrijving, Reeks
from huisvanhetkind.lib.mail import MailBatchError, mail_send_batch

from . import mails
from .mails import CLAIM_TIMEOUT, inschrijving_status_mail_send, status_mails_due
from .state import activiteit_lock, cancellation_fan_out, wachtlijst_promote

logger = logging.getLogger(__name__)

# Rows claimed per transaction by the reminder sender (a worker killed mid-batch leaves the unsent ones
# to CLAIM_TIMEOUT, a delay a reminder a day ahead can take); it marks what went out after each chunk of
# at most MARK_EVERY_ROWS mails, cut smaller when a chunk takes longer than MARK_EVERY_SECONDS to send.
REMINDER_BATCH = 500
MARK_EVERY_ROWS = 200
MARK_EVERY_SECONDS = 0.1


def _volgende_bijeenkomst(now):
    """The next meeting of the registration's series that has not begun and is not cancelled."""
    return (
        Activiteit._base_manager.filter(reeks=OuterRef("reeks"), geannuleerd=False, start__gt=now)
        .order_by("start", "pk")
        .values("pk")[:1]
    )


def _due_reminders(now):
    """Confirmed, not erased, with an address and no live claim; and either

    - for an activity: it starts within the window and has had no reminder, or
    - for a series: its next meeting starts within the window and the last reminder was not for that
      meeting — once only (before the first meeting they come to) unless the series wants a reminder
      before every meeting.
    """
    window_end = now + timedelta(hours=settings.REMINDER_HOURS_BEFORE)
    volgende = _volgende_bijeenkomst(now)
    # The same next meeting's start, straight from the registration's series (a subquery nested in
    # another would resolve its OuterRef against the activity, not the registration).
    volgende_start = Subquery(
        Activiteit._base_manager.filter(reeks=OuterRef("reeks"), geannuleerd=False, start__gt=now)
        .order_by("start", "pk")
        .values("start")[:1]
    )
    activiteit_due = Q(
        activiteit__isnull=False,
        herinnering_verstuurd_op__isnull=True,
        activiteit__geannuleerd=False,
        activiteit__start__gt=now,
        activiteit__start__lte=window_end,
    )
    reeks_due = (
        Q(reeks__isnull=False, reeks__geannuleerd=False, volgende_start__lte=window_end)
        & (
            Q(herinnering_voor__isnull=True)
            | ~Q(herinnering_voor=F("volgende_id"))
            | Q(herinnering_verstuurd_op__isnull=True)
        )
        & (Q(reeks__herinnering_per_bijeenkomst=True) | Q(herinnering_verstuurd_op__isnull=True))
    )
    return (
        Inschrijving.objects.annotate(volgende_id=Subquery(volgende), volgende_start=volgende_start)
        .filter(status=Inschrijving.Status.BEVESTIGD, gewist_op__isnull=True)
        .filter(activiteit_due | reeks_due)
        .exclude(email="")
        .filter(Q(herinnering_geclaimd_op__isnull=True) | Q(herinnering_geclaimd_op__lt=now - CLAIM_TIMEOUT))
    )


def _claim_reminders(now) -> list[Inschrijving]:
    """Claim up to REMINDER_BATCH due reminders; returns the rows this worker now owns."""
    with transaction.atomic():
        # SKIP LOCKED: two workers take different rows instead of waiting for each other (PostgreSQL).
        ids = list(
            _due_reminders(now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("activiteit_id", "id")
            .values_list("pk", flat=True)[:REMINDER_BATCH]
        )
        if not ids:
            return []
        # The conditional UPDATE is the claim itself, also where row locks do not exist (SQLite). A series
        # registration's claim names the meeting it is for; the mark sets `herinnering_verstuurd_op` again.
        claimable = Inschrijving.objects.filter(
            pk__in=list(_due_reminders(now).filter(pk__in=ids).values_list("pk", flat=True))
        )
        claimable.filter(reeks__isnull=True).filter(
            Q(herinnering_geclaimd_op__isnull=True) | Q(herinnering_geclaimd_op__lt=now - CLAIM_TIMEOUT)
        ).update(herinnering_geclaimd_op=now)
        claimable.filter(reeks__isnull=False).filter(
            Q(herinnering_geclaimd_op__isnull=True) | Q(herinnering_geclaimd_op__lt=now - CLAIM_TIMEOUT)
        ).update(
            herinnering_geclaimd_op=now,
            herinnering_verstuurd_op=None,
            herinnering_voor=Subquery(_volgende_bijeenkomst(now)),
        )
    return mails.attach_mail_related(
        list(Inschrijving.objects.filter(pk__in=ids, herinnering_geclaimd_op=now))
    )


def send_due_reminders() -> int:
    """Send every due reminder once; returns how many were sent.

    Due: a confirmed registration, not erased, of a non-cancelled activity that starts within
    REMINDER_HOURS_BEFORE (a series: its next meeting), with no reminder yet and no live claim. Rows
    are claimed in batches (`SELECT … FOR UPDATE SKIP LOCKED` + a conditional UPDATE), so racing
    workers take different rows. Each activity's reminder is rendered once per language
    (`mails.ReminderMerge`) and the messages go out over one connection in chunks; what went out is
    marked sent in bulk (only while the claim is still ours) after each chunk, and a chunk is cut so it
    takes about MARK_EVERY_SECONDS: a worker killed mid-run can double at most that fraction of a
    second of mails, while the database sees a few commits per second instead of one per mail.

    Side effects: sets `herinnering_geclaimd_op` and `herinnering_verstuurd_op`; sends mails over one
    connection.
    On an SMTP failure (at any message of a chunk) marks what was sent before it, releases the other
    claims and re-raises, so the next run (or the task's retry with backoff) sends exactly those; a
    refused address is given up on (logged, marked).
    """
    from django.core import mail

    batch = _claim_reminders(timezone.now())
    if not batch:
        return 0  # no connection to the mail server when there is nothing to send
    sent = 0
    done: list[int] = []  # mailed (or refused) but not yet marked
    claim = batch[0].herinnering_geclaimd_op

    def mark() -> None:
        if done:
            Inschrijving.objects.filter(pk__in=done, herinnering_geclaimd_op=claim).update(
                herinnering_verstuurd_op=timezone.now()
            )
            done.clear()

    def refused(rows: list[Inschrijving]) -> None:
        for row in rows:
            logger.warning("reminder of inschrijving %s refused by the mail server", row.pk)

    connection = mail.mailers.default
    merge = mails.ReminderMerge()
    chunk_size = MARK_EVERY_ROWS
    try:
        connection.open()
        while batch:
            claim = batch[0].herinnering_geclaimd_op
            position = 0
            while position < len(batch):
                rows = batch[position : position + chunk_size]
                messages = [merge.build(row, "inschrijving_herinnering") for row in rows]
                started = time.monotonic()
                try:
                    refused_at = mail_send_batch(messages, connection=connection)
                except MailBatchError as stop:
                    done.extend(row.pk for row in rows[: stop.done])
                    sent += stop.done - len(stop.refused)
                    refused([rows[index] for index in stop.refused])
                    raise stop.__cause__ from None  # the mail server's error, for the retry policy
                elapsed = time.monotonic() - started
                done.extend(row.pk for row in rows)
                sent += len(rows) - len(refused_at)
                refused([rows[index] for index in refused_at])
                mark()
                position += len(rows)
                # What a killed worker may double is what went out since the last mark: a slow mail
                # server gets smaller chunks (and a fast one bigger again, up to MARK_EVERY_ROWS).
                if elapsed > MARK_EVERY_SECONDS:
                    chunk_size = max(1, int(len(rows) * MARK_EVERY_SECONDS / elapsed))
                else:
                    chunk_size = min(MARK_EVERY_ROWS, chunk_size * 2)
            batch = _claim_reminders(timezone.now())
    except BaseException:
        # Whatever stopped us (SMTP down, a bug in rendering, a shutdown): what went out is marked, what
        # did not goes back at once, so the next run sends it instead of waiting for the claim to expire.
        if batch:
            mark()
            Inschrijving.objects.filter(
                pk__in=[row.pk for row in batch],
                herinnering_geclaimd_op=claim,
                herinnering_verstuurd_op__isnull=True,
            ).update(herinnering_geclaimd_op=None)
        raise
    finally:
        connection.close()
    return sent


def inschrijvingen_catch_up() -> int:
    """The safety net behind every mail queued after a commit; returns how many status mails it sent.

    Fans out cancellations nobody announced yet (an activity cancelled while the broker was down, or
    straight in the database), moves waiting lists up into places that became free without a
    cancellation (a capacity raised in the admin), then sends every status mail still due.

    Side effects: those of `activiteit_cancel`, `wachtlijst_promote` and `inschrijving_status_mail_send`.
    Raises on an SMTP failure (claims released).
    """
    now = timezone.now()
    for activiteit in Activiteit.objects.filter(
        geannuleerd=True, annulering_gemeld_op__isnull=True, einde__gt=now
    ).only("pk"):
        with transaction.atomic():
            cancellation_fan_out(activiteit_lock(activiteit.pk))
    waiting = (
        Activiteit.objects.filter(
            geannuleerd=False, start__gt=now, inschrijvingen__status=Inschrijving.Status.WACHTLIJST
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for activiteit_id in list(waiting):
        wachtlijst_promote(activiteit=Activiteit(pk=activiteit_id))
    lopende_reeksen = Reeks.objects.filter(geannuleerd=False, activiteiten__einde__gt=now).values("pk")
    for reeks_id in set(
        Inschrijving.objects.filter(reeks__in=lopende_reeksen, status=Inschrijving.Status.WACHTLIJST)
        .values_list("reeks_id", flat=True)
        .distinct()
    ):
        wachtlijst_promote(activiteit=Reeks.objects.get(pk=reeks_id))
    sent = 0
    lopend = Q(activiteit__einde__gt=now) | Q(
        reeks__in=Reeks.objects.filter(activiteiten__einde__gt=now).values("pk")
    )
    for inschrijving_id in list(status_mails_due(now).filter(lopend).values_list("pk", flat=True)):
        sent += inschrijving_status_mail_send(inschrijving_id=inschrijving_id)
    return sent
