"""The mails of a registration: which one is due, claiming it, rendering it and sending it.

Mails are state in the database, not messages in a queue:
- the *status mail* of a registration (confirmed, on the waiting list, moved up, activity cancelled) is
  due while `statusmail_verstuurd_op` is NULL; the reminder is due while `herinnering_verstuurd_op` is NULL
  and the activity starts within `REMINDER_HOURS_BEFORE` (sent by `.scan`);
- a sender claims a row with a conditional UPDATE (`… WHERE claimed_at IS NULL OR claimed_at < stale`),
  sends, and marks it sent only if its claim still holds; on an SMTP failure it releases the claim;
- a Celery task is enqueued after commit for speed, and the periodic scan (`.scan`) delivers whatever a
  lost message or a broker outage left behind.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from aanbod.ical import calendar_for
from aanbod.models import Activiteit, Inschrijving, Reeks
from huisvanhetkind.lib.mail import (
    MAIL_ERRORS,
    MAIL_REFUSED,
    MailMerge,
    MailTexts,
    mail_build,
    mail_render,
    mail_send_many,
)
from huisvanhetkind.lib.queue import send_task

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died mid-send: someone else may take the row over.
CLAIM_TIMEOUT = timedelta(minutes=15)
# The same manage link is mailed again at most once per this many seconds (no mail bombing a parent).
LINK_RESEND_SECONDS = 300

ACTIEF = (Inschrijving.Status.BEVESTIGD, Inschrijving.Status.WACHTLIJST)

TEMPLATES = "aanbod/emails/"


# --- Enqueueing after commit ----------------------------------------------------------------------------


def status_mail_on_commit(inschrijving: Inschrijving) -> None:
    """After commit, queue the status mail; sets `inschrijving.mail_delayed` when that failed."""
    from aanbod.tasks.inschrijvingen import send_inschrijving_status_mail

    def enqueue() -> None:
        inschrijving.mail_delayed = not send_task(
            send_inschrijving_status_mail, inschrijving_id=inschrijving.pk
        )

    transaction.on_commit(enqueue)


def status_mails_on_commit(ids: list[int]) -> None:
    """After commit, queue the status mails of these registrations, until the broker fails once."""
    from aanbod.tasks.inschrijvingen import send_inschrijving_status_mail

    def enqueue() -> None:
        for pk in ids:
            if not send_task(send_inschrijving_status_mail, inschrijving_id=pk):
                break  # the broker is down: the periodic scan sends the rest

    transaction.on_commit(enqueue)


def status_mail_reset(queryset) -> int:
    """Mark the status mail of these registrations due again (their state changed)."""
    return queryset.update(statusmail_verstuurd_op=None, statusmail_geclaimd_op=None)


def link_mail_on_commit(inschrijving: Inschrijving) -> None:
    from aanbod.tasks.inschrijvingen import send_inschrijving_link

    # cache.add is atomic: one link mail per registration per window, however often the form is sent.
    if not cache.add(f"inschrijving-link:{inschrijving.pk}", 1, LINK_RESEND_SECONDS):
        inschrijving.mail_delayed = False
        return

    def enqueue() -> None:
        inschrijving.mail_delayed = not send_task(send_inschrijving_link, inschrijving_id=inschrijving.pk)

    transaction.on_commit(enqueue)


# --- Rendering and sending ------------------------------------------------------------------------------


def _mail_context(inschrijving: Inschrijving) -> dict:
    activiteit = inschrijving.doel
    return {
        "inschrijving": inschrijving,
        "activiteit": activiteit,
        "reeks": inschrijving.reeks,
        # A series: the meeting a reminder is for, and a meeting that was cancelled.
        "bijeenkomst": inschrijving.herinnering_voor if inschrijving.reeks_id else None,
        "geannuleerde_bijeenkomst": _bijeenkomst_geannuleerd(inschrijving),
        "aanbod": activiteit.aanbod,
        "partner": activiteit.aanbod.partner,
        "locatie": activiteit.locatie,
        # Reversed inside the mail's language, so the link opens the page in the parent's language.
        "manage_url": inschrijving.manage_url,
        "retention_days": settings.REGISTRATION_RETENTION_DAYS,
    }


def _bijeenkomst_geannuleerd(inschrijving: Inschrijving) -> Activiteit | None:
    """The meeting of the series whose cancellation this registrant has yet to hear of (announced after
    they registered or moved up), or None."""
    if not inschrijving.reeks_id:
        return None
    sinds = max(filter(None, [inschrijving.aangemaakt_op, inschrijving.doorgeschoven_op]))
    cancelled = [
        m
        for m in inschrijving.reeks.bijeenkomsten
        if m.geannuleerd and m.annulering_gemeld_op and m.annulering_gemeld_op >= sinds
    ]
    return max(cancelled, key=lambda m: m.annulering_gemeld_op) if cancelled else None


def _status_template(inschrijving: Inschrijving) -> str:
    if inschrijving.doel.geannuleerd:
        return "inschrijving_activiteit_geannuleerd"
    if _bijeenkomst_geannuleerd(inschrijving) is not None:
        return "inschrijving_bijeenkomst_geannuleerd"
    if inschrijving.status == Inschrijving.Status.WACHTLIJST:
        return "inschrijving_wachtlijst"
    if inschrijving.doorgeschoven_op is not None:
        return "inschrijving_opgeschoven"
    return "inschrijving_bevestiging"


def _details(inschrijving: Inschrijving, memo: dict | None) -> tuple[str, str]:
    """The activity's details (what, when, where, whom to ask) as text and HTML, in the mail's language.

    They depend on the activity and the language only, so a run over many registrations renders them
    once per activity and language (`memo`).
    """
    key = (inschrijving.activiteit_id, inschrijving.reeks_id, inschrijving.taal)
    if memo is not None and key in memo:
        return memo[key]
    activiteit = inschrijving.doel
    context = {
        "activiteit": activiteit,
        "reeks": inschrijving.reeks,
        "aanbod": activiteit.aanbod,
        "partner": activiteit.aanbod.partner,
        "locatie": activiteit.locatie,
    }
    with translation.override(inschrijving.taal):
        details = (
            render_to_string(TEMPLATES + "inschrijving_details.txt", context),
            mark_safe(render_to_string(TEMPLATES + "inschrijving_details.html", context)),  # noqa: S308 - our template
        )
    if memo is not None:
        memo[key] = details
    return details


def _build(inschrijving: Inschrijving, template: str, *, ics: bool = False, memo: dict | None = None):
    activiteit = inschrijving.doel
    with translation.override(inschrijving.taal):
        context = _mail_context(inschrijving)
        attachments = []
        if ics:
            data = calendar_for(inschrijving.bijeenkomsten, naam=activiteit.naam)
            attachments.append(("activiteit.ics", data, "text/calendar"))
    context["details_txt"], context["details_html"] = _details(inschrijving, memo)
    return mail_build(
        template=TEMPLATES + template,
        to=[inschrijving.email],
        context=context,
        taal=inschrijving.taal,
        attachments=attachments,
        reply_to=_reply_to(activiteit),
    )


class ReminderMerge:
    """Reminders in bulk: the templates are rendered once per activity (a series: per meeting) and
    language, for a stand-in registration whose personal fields (name, address, phone, token, number of
    persons) are random markers; each family's message is that text with their own values put in place
    of the markers (HTML-escaped in the HTML), made by `huisvanhetkind.lib.mail.MailMerge`, whose
    messages are also cheap to turn into MIME.

    The stand-in holds nobody's data, so whatever a template shows is either filled in for the right
    family or a marker, never another family's data; a message in which a marker survived (a template
    that transforms a field) is rendered in full instead. Reminders carry no .ics (the confirmation
    does).
    """

    FIELDS = ("naam", "email", "telefoon", "token", "aantal_personen")

    def __init__(self) -> None:
        self.merge = MailMerge(self.FIELDS)
        self.texts: dict = {}
        self.details: dict = {}

    def build(self, inschrijving: Inschrijving, template: str):
        key = (
            inschrijving.activiteit_id,
            inschrijving.reeks_id,
            inschrijving.herinnering_voor_id if inschrijving.reeks_id else None,
            inschrijving.taal,
            bool(inschrijving.naam),  # the greeting is left out without a name
            template,
        )
        if key not in self.texts:
            self.texts[key] = self._render(inschrijving, template)
        texts = self.merge.fill(
            self.texts[key], {field: getattr(inschrijving, field) for field in self.FIELDS}
        )
        if texts is None:
            return _build(inschrijving, template, memo=self.details)
        return self.merge.message(texts, to=[inschrijving.email], reply_to=_reply_to(inschrijving.doel))

    def _render(self, inschrijving: Inschrijving, template: str) -> MailTexts:
        markers = self.merge.markers
        stand_in = Inschrijving(
            activiteit=inschrijving.activiteit,
            reeks=inschrijving.reeks,
            herinnering_voor=inschrijving.herinnering_voor,
            status=inschrijving.status,
            taal=inschrijving.taal,
            **{**markers, "naam": markers["naam"] if inschrijving.naam else ""},
        )
        with translation.override(inschrijving.taal):
            context = _mail_context(stand_in)
        context["details_txt"], context["details_html"] = _details(inschrijving, self.details)
        return mail_render(template=TEMPLATES + template, context=context, taal=inschrijving.taal)


def _reply_to(activiteit: Activiteit | Reeks) -> list[str]:
    address = activiteit.aanbod.contact_email or activiteit.aanbod.partner.email
    return [address] if address else []


def with_mail_related(queryset):
    return queryset.select_related(
        "activiteit__aanbod__partner",
        "activiteit__locatie__gemeente",
        "reeks__aanbod__partner",
        "herinnering_voor",
    )


def attach_mail_related(rows: list[Inschrijving]) -> list[Inschrijving]:
    """`rows` with what `with_mail_related` would have selected, fetched once per activity, series and
    meeting instead of once per row (a batch of reminders is mostly a few activities' registrations):
    rows of the same activity share one instance. Returns `rows`."""
    activiteit_ids = {row.activiteit_id for row in rows} | {row.herinnering_voor_id for row in rows}
    activiteiten = Activiteit._base_manager.select_related("aanbod__partner", "locatie__gemeente").in_bulk(
        activiteit_ids - {None}
    )
    reeks_ids = {row.reeks_id for row in rows} - {None}
    reeksen = Reeks._base_manager.select_related("aanbod__partner").in_bulk(reeks_ids) if reeks_ids else {}
    for row in rows:  # (one that vanished meanwhile is left to load, and fail, on its own)
        if row.activiteit_id in activiteiten:
            row.activiteit = activiteiten[row.activiteit_id]
        if row.reeks_id in reeksen:
            row.reeks = reeksen[row.reeks_id]
        if row.herinnering_voor_id in activiteiten:
            row.herinnering_voor = activiteiten[row.herinnering_voor_id]
    return rows


def status_mails_due(now):
    """Registrations whose status mail is due and not claimed by a live sender."""
    return (
        Inschrijving.objects.filter(
            statusmail_verstuurd_op__isnull=True, status__in=ACTIEF, gewist_op__isnull=True
        )
        .exclude(email="")
        .filter(Q(statusmail_geclaimd_op__isnull=True) | Q(statusmail_geclaimd_op__lt=now - CLAIM_TIMEOUT))
    )


def inschrijving_status_mail_send(*, inschrijving_id: int) -> bool:
    """Claim and send the registration's status mail if it is due; True when this call sent it.

    Which mail follows from the state at sending time (confirmation with .ics, waiting list, moved up
    with .ics, activity cancelled), so a late or repeated delivery is never out of date.

    Side effects: claims `statusmail_geclaimd_op`, sends one mail, sets `statusmail_verstuurd_op`; on an
    SMTP failure releases the claim and raises (the task retries, the periodic scan too).
    """
    now = timezone.now()
    claimed = status_mails_due(now).filter(pk=inschrijving_id).update(statusmail_geclaimd_op=now)
    if not claimed:
        return False
    mine = Inschrijving.objects.filter(pk=inschrijving_id, statusmail_geclaimd_op=now)
    inschrijving = with_mail_related(mine).first()
    if inschrijving is None:  # changed under us (promoted, cancelled): that change queued its own mail
        return False
    template = _status_template(inschrijving)
    ics = template in {"inschrijving_bevestiging", "inschrijving_opgeschoven"}
    refused = False
    try:
        mail_send_many([_build(inschrijving, template, ics=ics)])
    except MAIL_REFUSED:
        refused = True
        logger.warning(
            "status mail of inschrijving %s refused by the mail server; not retried", inschrijving_id
        )
    except MAIL_ERRORS:
        mine.update(statusmail_geclaimd_op=None)
        raise
    marked = mine.update(statusmail_verstuurd_op=timezone.now())
    return bool(marked) and not refused


def inschrijving_link_send(*, inschrijving_id: int) -> bool:
    """Mail the manage link of an active registration to its own address again.

    Side effects: sends one mail. Raises on SMTP failure (the task retries).
    """
    inschrijving = with_mail_related(
        Inschrijving.objects.filter(pk=inschrijving_id, status__in=ACTIEF, gewist_op__isnull=True).exclude(
            email=""
        )
    ).first()
    if inschrijving is None:
        return False
    try:
        mail_send_many([_build(inschrijving, "inschrijving_link")])
    except MAIL_REFUSED:
        return False
    return True
