"""Registrations for activities: create, change, cancel, the waiting list, an activity's cancellation,
the mails that go with them, reminders and retention.

Places are counted in persons. Every write that can change who has a place takes a row lock on the
activity (`select_for_update`) first, so concurrent registrations queue up on that lock and the confirmed
persons never exceed the capacity (SQLite has no row locks: there the transaction starts with a write,
which takes the database's single write lock, with the same effect).

The waiting list moves up "first fit, in order": registrations are taken in the order they were made,
and each one that fits in the places left moves up. A large family that does not fit does not block a
single parent behind it, because an empty chair at a vormingsavond helps nobody; the family keeps its
place at the head of the list and is the first to move up as soon as enough places are free.

Mails are state in the database, not messages in a queue:
- the *status mail* of a registration (confirmed, on the waiting list, moved up, activity cancelled) is
  due while `status_mail_sent_at` is NULL; the reminder is due while `reminder_sent_at` is NULL and the
  activity starts within `REMINDER_HOURS_BEFORE`;
- a sender claims a row with a conditional UPDATE (`… WHERE claimed_at IS NULL OR claimed_at < stale`),
  sends, and marks it sent only if its claim still holds; on an SMTP failure it releases the claim;
- a Celery task is enqueued after commit for speed, and the periodic scan (`send_due_reminders` beat
  task, or `manage.py send_reminders`) delivers whatever a lost message or a broker outage left behind.
"""

import logging
import secrets
import smtplib
import time
from datetime import timedelta

from celery.result import EagerResult
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from aanbod.ical import calendar_for
from aanbod.mail import MailTexts, mail_build, mail_message, mail_render, mail_send_many
from aanbod.models import Activiteit, Inschrijving
from aanbod.uitwisseling import services as uitdatabank

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died mid-send: someone else may take the row over.
CLAIM_TIMEOUT = timedelta(minutes=15)
# Rows claimed per transaction by the reminder sender, and how often it marks what went out.
REMINDER_BATCH = 200
MARK_EVERY_ROWS = 50
MARK_EVERY_SECONDS = 0.1
# The same manage link is mailed again at most once per this many seconds (no mail bombing a parent).
LINK_RESEND_SECONDS = 300

# Anything that means "the mail did not go out": SMTP replies and network trouble.
MAIL_ERRORS = (smtplib.SMTPException, OSError)
# The server refused this one address: retrying will not help.
REFUSED = (smtplib.SMTPRecipientsRefused,)

ACTIEF = (Inschrijving.Status.BEVESTIGD, Inschrijving.Status.WACHTLIJST)

TEMPLATES = "aanbod/emails/"


# --- Reading -------------------------------------------------------------------------------------------


def inschrijving_closed_reason(activiteit: Activiteit) -> str:
    """Why registration is closed ('' when open): niet_nodig, geannuleerd, voorbij, gesloten, offline."""
    now = timezone.now()
    if not (activiteit.inschrijving_nodig and activiteit.aanbod.inschrijving_nodig):
        return "niet_nodig"
    if activiteit.geannuleerd:
        return "geannuleerd"
    if activiteit.einde <= now:
        return "voorbij"
    if not activiteit.aanbod.is_published or not activiteit.aanbod.partner.actief:
        return "offline"
    if activiteit.deadline <= now:
        return "gesloten"
    return ""


def inschrijving_max_personen(inschrijving: Inschrijving, activiteit: Activiteit) -> int:
    """The most persons this registration may have now: room for the form; the change service checks
    again under the lock. `activiteit` annotated `with_bezetting()` saves a query."""
    maximum = activiteit.max_personen_per_inschrijving
    if inschrijving.status == Inschrijving.Status.BEVESTIGD:
        if inschrijving_closed_reason(activiteit):
            maximum = inschrijving.aantal_personen
        elif (vrij := activiteit.plaatsen_vrij) is not None:
            maximum = min(maximum, inschrijving.aantal_personen + vrij)
    return max(maximum, inschrijving.aantal_personen, 1)


def _bezet(activiteit: Activiteit) -> int:
    return Inschrijving.objects.filter(activiteit=activiteit, status=Inschrijving.Status.BEVESTIGD).aggregate(
        n=Coalesce(Sum("aantal_personen"), 0)
    )["n"]


def _vrij(activiteit: Activiteit, bezet: int) -> int | None:
    if activiteit.capaciteit is None:
        return None
    return max(activiteit.capaciteit - bezet, 0)


def _lock(activiteit_id: int) -> Activiteit:
    """The activity, locked until the end of the transaction (only its own row: `of=self`)."""
    if db_connection.vendor == "sqlite":
        # SQLite ignores FOR UPDATE, and a transaction that starts by reading lets two writers both count
        # the places before either writes. A write first takes SQLite's single write lock (RESERVED)
        # at once, so the next registration waits for this one to commit, as with the row lock.
        Activiteit.objects.filter(pk=activiteit_id).update(capaciteit=F("capaciteit"))
    return (
        Activiteit.objects.select_for_update(of=("self",))
        .select_related("aanbod__partner")
        .get(pk=activiteit_id)
    )


def _normalise_email(email: str) -> str:
    # One spelling per address, so the one-active-registration-per-address constraint catches
    # "Jan@Example.org" and "jan@example.org" as the same parent.
    return email.strip().lower()


# --- Enqueueing ----------------------------------------------------------------------------------------


def _enqueue(task, /, **kwargs) -> bool:
    """Send a task; False when it could not be queued (broker down) or failed while running eagerly.

    Never raises: the work is due in the database and the periodic scan delivers it later. Only the
    task name and ids are logged, never personal data.
    """
    try:
        result = task.apply_async(kwargs=kwargs)
    except Exception as error:  # noqa: BLE001 - kombu, redis and socket errors all mean "not queued"
        logger.warning(
            "could not queue %s %s (%s); the periodic scan will deliver it",
            task.name,
            kwargs,
            type(error).__name__,
        )
        return False
    if isinstance(result, EagerResult):
        return result.successful() and result.result is not False
    return True


def _status_mail_on_commit(inschrijving: Inschrijving) -> None:
    """After commit, queue the status mail; sets `inschrijving.mail_delayed` when that failed."""
    from aanbod.tasks.inschrijvingen import send_inschrijving_status_mail

    def enqueue() -> None:
        inschrijving.mail_delayed = not _enqueue(
            send_inschrijving_status_mail, inschrijving_id=inschrijving.pk
        )

    transaction.on_commit(enqueue)


def _status_mail_reset(queryset) -> int:
    """Mark the status mail of these registrations due again (their state changed)."""
    return queryset.update(status_mail_sent_at=None, status_mail_claimed_at=None)


# --- Registering, changing, cancelling -----------------------------------------------------------------


def inschrijving_create(
    *,
    activiteit: Activiteit,
    naam: str,
    email: str,
    telefoon: str = "",
    aantal_personen: int,
    taal: str,
    wachtlijst_ok: bool = True,
) -> tuple[Inschrijving, bool]:
    """Register for an activity; returns (inschrijving, created).

    With enough places left the registration is confirmed; otherwise it goes on the waiting list
    (or, with `wachtlijst_ok=False`, raises ValidationError code "volzet"). An active registration with
    the same e-mail address is returned as (existing, False) and its manage link is mailed to that
    address again (at most once per LINK_RESEND_SECONDS) — it is never shown to whoever typed the address.
    Raises ValidationError (codes "gesloten", "aantal", or field errors) when registering is not possible.

    Side effects: locks the activity row; after commit queues the status mail (confirmation or waiting
    list, with the .ics) or the link mail. When queueing fails, `inschrijving.mail_delayed` is True and
    the periodic scan sends it later.
    """
    email = _normalise_email(email)
    with transaction.atomic():
        activiteit = _lock(activiteit.pk)
        if reden := inschrijving_closed_reason(activiteit):
            raise ValidationError(
                _("Registration for this activity is closed."), code="gesloten", params={"reden": reden}
            )
        if not 1 <= aantal_personen <= activiteit.max_personen_per_inschrijving:
            raise ValidationError(
                _("Choose between 1 and %(max)d persons."),
                code="aantal",
                params={"max": activiteit.max_personen_per_inschrijving},
            )
        bestaand = Inschrijving.objects.actief().filter(activiteit=activiteit, email=email).first()
        if bestaand is not None:
            _link_mail_on_commit(bestaand)
            return bestaand, False

        vrij = _vrij(activiteit, _bezet(activiteit))
        if vrij is None or aantal_personen <= vrij:
            status = Inschrijving.Status.BEVESTIGD
        elif wachtlijst_ok:
            status = Inschrijving.Status.WACHTLIJST
        else:
            raise ValidationError(_("There are not enough places left."), code="volzet")

        inschrijving = Inschrijving(
            activiteit=activiteit,
            naam=naam.strip(),
            email=email,
            telefoon=telefoon.strip(),
            aantal_personen=aantal_personen,
            status=status,
            taal=(taal or settings.LANGUAGE_CODE)[:8],
        )
        inschrijving.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                inschrijving.save()
        except IntegrityError:
            # Only reachable if the activity lock was bypassed; the constraint still keeps one per address.
            bestaand = Inschrijving.objects.actief().get(activiteit=activiteit, email=email)
            _link_mail_on_commit(bestaand)
            return bestaand, False
        _status_mail_on_commit(inschrijving)
        uitdatabank.beschikbaarheid_changed(activiteit=activiteit)
    return inschrijving, True


def inschrijving_change(*, inschrijving: Inschrijving, aantal_personen: int) -> Inschrijving:
    """Change the number of persons of an active registration.

    A confirmed registration may grow only into the places left (and only while registration is open);
    it may always shrink until the activity starts. A waiting registration may change within the
    per-registration maximum. Raises ValidationError (codes "gesloten", "aantal", "volzet").

    Side effects: locks the activity; promotes the waiting list when places were freed (see
    `wachtlijst_promote`, which mails whoever moves up after commit).
    """
    with transaction.atomic():
        activiteit = _lock(inschrijving.activiteit_id)
        inschrijving = Inschrijving.objects.select_for_update().get(pk=inschrijving.pk)
        if (
            inschrijving.status == Inschrijving.Status.GEANNULEERD
            or inschrijving.gewist_op is not None
            or activiteit.geannuleerd
            or activiteit.start <= timezone.now()
        ):
            raise ValidationError(_("This registration can no longer be changed."), code="gesloten")
        if aantal_personen == inschrijving.aantal_personen:
            return inschrijving
        if not 1 <= aantal_personen <= activiteit.max_personen_per_inschrijving:
            raise ValidationError(
                _("Choose between 1 and %(max)d persons."),
                code="aantal",
                params={"max": activiteit.max_personen_per_inschrijving},
            )
        extra = aantal_personen - inschrijving.aantal_personen
        if inschrijving.status == Inschrijving.Status.BEVESTIGD and extra > 0:
            if inschrijving_closed_reason(activiteit):
                raise ValidationError(
                    _("Registration is closed, so you can no longer add persons."), code="gesloten"
                )
            vrij = _vrij(activiteit, _bezet(activiteit))
            if vrij is not None and extra > vrij:
                raise ValidationError(
                    ngettext_lazy(
                        "There is only %(vrij)d place left.", "There are only %(vrij)d places left.", "vrij"
                    ),
                    code="volzet",
                    params={"vrij": vrij},
                )
        inschrijving.aantal_personen = aantal_personen
        inschrijving.save(update_fields=["aantal_personen", "bijgewerkt_op"])
        wachtlijst_promote(activiteit=activiteit)
        uitdatabank.beschikbaarheid_changed(activiteit=activiteit)
    inschrijving.refresh_from_db()
    return inschrijving


def inschrijving_cancel(*, inschrijving: Inschrijving) -> Inschrijving:
    """Cancel a registration (idempotent) and let the waiting list move up into the freed places.

    Side effects: locks the activity; status → geannuleerd; `wachtlijst_promote` mails whoever moves up.
    """
    with transaction.atomic():
        activiteit = _lock(inschrijving.activiteit_id)
        inschrijving = Inschrijving.objects.select_for_update().get(pk=inschrijving.pk)
        if inschrijving.status == Inschrijving.Status.GEANNULEERD:
            return inschrijving
        inschrijving.status = Inschrijving.Status.GEANNULEERD
        inschrijving.geannuleerd_op = timezone.now()
        inschrijving.save(update_fields=["status", "geannuleerd_op", "bijgewerkt_op"])
        wachtlijst_promote(activiteit=activiteit)
        uitdatabank.beschikbaarheid_changed(activiteit=activiteit)
    return inschrijving


def wachtlijst_promote(*, activiteit: Activiteit) -> list[Inschrijving]:
    """Move waiting registrations up into the free places: in order of registration, first fit.

    Whole registrations only; one that does not fit is skipped for now and stays first in line (see the
    module docstring for why). Nothing moves once the activity has started or is cancelled. Without a
    capacity everyone waiting moves up.

    Side effects: locks the activity (joins the caller's transaction and lock if there is one);
    status → bevestigd, `promoted_at` set; after commit the "you moved up" mail of each is queued.
    """
    with transaction.atomic():
        activiteit = _lock(activiteit.pk)
        if activiteit.geannuleerd or activiteit.start <= timezone.now():
            return []
        wachtend = list(
            Inschrijving.objects.select_for_update()
            .filter(activiteit=activiteit, status=Inschrijving.Status.WACHTLIJST)
            .order_by("aangemaakt_op", "id")
        )
        if not wachtend:
            return []
        vrij = _vrij(activiteit, _bezet(activiteit))
        now = timezone.now()
        promoted = []
        for inschrijving in wachtend:
            if vrij is not None and inschrijving.aantal_personen > vrij:
                continue
            inschrijving.status = Inschrijving.Status.BEVESTIGD
            inschrijving.promoted_at = now
            inschrijving.status_mail_sent_at = None
            inschrijving.status_mail_claimed_at = None
            inschrijving.save(
                update_fields=[
                    "status",
                    "promoted_at",
                    "status_mail_sent_at",
                    "status_mail_claimed_at",
                    "bijgewerkt_op",
                ]
            )
            _status_mail_on_commit(inschrijving)
            promoted.append(inschrijving)
            if vrij is not None:
                vrij -= inschrijving.aantal_personen
                if vrij == 0:
                    break
    return promoted


def activiteit_cancel(*, activiteit: Activiteit, reden: str = "", user=None) -> Activiteit:
    """Cancel an activity and tell every active registrant, once.

    The claim on `annulering_gemeld_op IS NULL` makes the fan-out happen once, however often this is
    called: it marks the status mail of every confirmed and waiting registration due again, and the
    status mail of a registration of a cancelled activity is the cancellation notice. Each registrant is
    mailed by the same per-registration claim as a confirmation, so a failure halfway neither loses nor
    doubles a mail. Registrations keep their status (the reports count them).

    Side effects: locks the activity; geannuleerd, geannuleerd_op, annulering_reden,
    annulering_gemeld_op; after commit one status mail task per registrant.
    """
    with transaction.atomic():
        activiteit = _lock(activiteit.pk)
        if not activiteit.geannuleerd:
            activiteit.geannuleerd = True
            activiteit.geannuleerd_op = timezone.now()
            activiteit.annulering_reden = reden[:250]
            activiteit.save(
                update_fields=["geannuleerd", "geannuleerd_op", "annulering_reden", "bijgewerkt_op"]
            )
            logger.info(
                "activiteit %s cancelled by user %s", activiteit.pk, getattr(user, "pk", None) or "system"
            )
        _cancellation_fan_out(activiteit)
        uitdatabank.activiteit_changed(activiteit=activiteit)
    return activiteit


def _cancellation_fan_out(activiteit: Activiteit) -> int:
    """Within a transaction: claim the activity's cancellation notice and make each registrant's mail due."""
    claimed = Activiteit.objects.filter(
        pk=activiteit.pk, geannuleerd=True, annulering_gemeld_op__isnull=True
    ).update(annulering_gemeld_op=timezone.now())
    if not claimed:
        return 0
    registrants = Inschrijving.objects.filter(
        activiteit=activiteit, status__in=ACTIEF, gewist_op__isnull=True
    ).exclude(email="")
    ids = list(registrants.values_list("pk", flat=True))
    _status_mail_reset(Inschrijving.objects.filter(pk__in=ids))
    if ids:
        from aanbod.tasks.inschrijvingen import send_inschrijving_status_mail

        def enqueue() -> None:
            for pk in ids:
                if not _enqueue(send_inschrijving_status_mail, inschrijving_id=pk):
                    break  # the broker is down: the periodic scan sends the rest

        transaction.on_commit(enqueue)
    return len(ids)


# --- Mails ---------------------------------------------------------------------------------------------


def _mail_context(inschrijving: Inschrijving) -> dict:
    activiteit = inschrijving.activiteit
    return {
        "inschrijving": inschrijving,
        "activiteit": activiteit,
        "aanbod": activiteit.aanbod,
        "partner": activiteit.aanbod.partner,
        "locatie": activiteit.locatie,
        # Reversed inside the mail's language, so the link opens the page in the parent's language.
        "manage_url": inschrijving.manage_url,
        "retention_days": settings.REGISTRATION_RETENTION_DAYS,
    }


def _status_template(inschrijving: Inschrijving) -> str:
    if inschrijving.activiteit.geannuleerd:
        return "inschrijving_activiteit_geannuleerd"
    if inschrijving.status == Inschrijving.Status.WACHTLIJST:
        return "inschrijving_wachtlijst"
    if inschrijving.promoted_at is not None:
        return "inschrijving_opgeschoven"
    return "inschrijving_bevestiging"


def _details(inschrijving: Inschrijving, memo: dict | None) -> tuple[str, str]:
    """The activity's details (what, when, where, whom to ask) as text and HTML, in the mail's language.

    They depend on the activity and the language only, so a run over many registrations renders them
    once per activity and language (`memo`).
    """
    key = (inschrijving.activiteit_id, inschrijving.taal)
    if memo is not None and key in memo:
        return memo[key]
    activiteit = inschrijving.activiteit
    context = {
        "activiteit": activiteit,
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
    activiteit = inschrijving.activiteit
    with translation.override(inschrijving.taal):
        context = _mail_context(inschrijving)
        attachments = []
        if ics:
            data = calendar_for([activiteit], naam=activiteit.naam)
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


class _ReminderMerge:
    """Reminders in bulk: the templates are rendered once per activity, language and number of persons,
    for a stand-in registration whose personal fields are random markers; each parent's message is that
    text with their own name, address and token put in place of the markers (HTML-escaped in the HTML).

    The stand-in holds nobody's data, so whatever a template shows is either filled in for the right
    parent or a marker, never another parent's data; a message in which a marker survived (a template
    that transforms a field) is rendered in full instead.
    """

    FIELDS = ("naam", "email", "telefoon", "token")

    def __init__(self) -> None:
        self.tag = "mrg" + secrets.token_hex(8)
        self.markers = {field: f"{self.tag}{field}" for field in self.FIELDS}
        self.texts: dict = {}
        self.details: dict = {}

    def build(self, inschrijving: Inschrijving, template: str):
        key = (inschrijving.activiteit_id, inschrijving.taal, inschrijving.aantal_personen)
        if key not in self.texts:
            self.texts[key] = self._render(inschrijving, template)
        values = {self.markers[field]: getattr(inschrijving, field) for field in self.FIELDS}
        texts = self.texts[key]
        subject, text, html = texts.subject, texts.text, texts.html
        for marker, value in values.items():
            subject = subject.replace(marker, value)
            text = text.replace(marker, value)
            html = html.replace(marker, escape(value))
        if self.tag in subject.lower() or self.tag in text.lower() or self.tag in html.lower():
            return _build(inschrijving, template, memo=self.details)
        return mail_message(
            MailTexts(" ".join(subject.split()), text, html),
            to=[inschrijving.email],
            reply_to=_reply_to(inschrijving.activiteit),
        )

    def _render(self, inschrijving: Inschrijving, template: str) -> MailTexts:
        stand_in = Inschrijving(
            activiteit=inschrijving.activiteit,
            status=inschrijving.status,
            aantal_personen=inschrijving.aantal_personen,
            taal=inschrijving.taal,
            **self.markers,
        )
        with translation.override(inschrijving.taal):
            context = _mail_context(stand_in)
        context["details_txt"], context["details_html"] = _details(inschrijving, self.details)
        return mail_render(template=TEMPLATES + template, context=context, taal=inschrijving.taal)


def _reply_to(activiteit: Activiteit) -> list[str]:
    address = activiteit.aanbod.contact_email or activiteit.aanbod.partner.email
    return [address] if address else []


def _with_related(queryset):
    return queryset.select_related("activiteit__aanbod__partner", "activiteit__locatie__gemeente")


def inschrijving_status_mail_send(*, inschrijving_id: int) -> bool:
    """Claim and send the registration's status mail if it is due; True when this call sent it.

    Which mail follows from the state at sending time (confirmation with .ics, waiting list, moved up
    with .ics, activity cancelled), so a late or repeated delivery is never out of date.

    Side effects: claims `status_mail_claimed_at`, sends one mail, sets `status_mail_sent_at`; on an
    SMTP failure releases the claim and raises (the task retries, the periodic scan too).
    """
    now = timezone.now()
    claimed = (
        Inschrijving.objects.filter(
            pk=inschrijving_id, status_mail_sent_at__isnull=True, status__in=ACTIEF, gewist_op__isnull=True
        )
        .exclude(email="")
        .filter(Q(status_mail_claimed_at__isnull=True) | Q(status_mail_claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(status_mail_claimed_at=now)
    )
    if not claimed:
        return False
    mine = Inschrijving.objects.filter(pk=inschrijving_id, status_mail_claimed_at=now)
    inschrijving = _with_related(mine).first()
    if inschrijving is None:  # changed under us (promoted, cancelled): that change queued its own mail
        return False
    template = _status_template(inschrijving)
    ics = template in {"inschrijving_bevestiging", "inschrijving_opgeschoven"}
    refused = False
    try:
        mail_send_many([_build(inschrijving, template, ics=ics)])
    except REFUSED:
        refused = True
        logger.warning(
            "status mail of inschrijving %s refused by the mail server; not retried", inschrijving_id
        )
    except MAIL_ERRORS:
        mine.update(status_mail_claimed_at=None)
        raise
    marked = mine.update(status_mail_sent_at=timezone.now())
    return bool(marked) and not refused


def _link_mail_on_commit(inschrijving: Inschrijving) -> None:
    from aanbod.tasks.inschrijvingen import send_inschrijving_link

    # cache.add is atomic: one link mail per registration per window, however often the form is sent.
    if not cache.add(f"inschrijving-link:{inschrijving.pk}", 1, LINK_RESEND_SECONDS):
        inschrijving.mail_delayed = False
        return

    def enqueue() -> None:
        inschrijving.mail_delayed = not _enqueue(send_inschrijving_link, inschrijving_id=inschrijving.pk)

    transaction.on_commit(enqueue)


def inschrijving_link_send(*, inschrijving_id: int) -> bool:
    """Mail the manage link of an active registration to its own address again.

    Side effects: sends one mail. Raises on SMTP failure (the task retries).
    """
    inschrijving = _with_related(
        Inschrijving.objects.filter(pk=inschrijving_id, status__in=ACTIEF, gewist_op__isnull=True).exclude(
            email=""
        )
    ).first()
    if inschrijving is None:
        return False
    try:
        mail_send_many([_build(inschrijving, "inschrijving_link")])
    except REFUSED:
        return False
    return True


# --- The periodic scan: reminders, and status mails a lost message left behind --------------------------


def _due_reminders(now):
    window_end = now + timedelta(hours=settings.REMINDER_HOURS_BEFORE)
    return (
        Inschrijving.objects.filter(
            status=Inschrijving.Status.BEVESTIGD,
            reminder_sent_at__isnull=True,
            gewist_op__isnull=True,
            activiteit__geannuleerd=False,
            activiteit__start__gt=now,
            activiteit__start__lte=window_end,
        )
        .exclude(email="")
        .filter(Q(reminder_claimed_at__isnull=True) | Q(reminder_claimed_at__lt=now - CLAIM_TIMEOUT))
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
        # The conditional UPDATE is the claim itself, also where row locks do not exist (SQLite).
        _due_reminders(now).filter(pk__in=ids).update(reminder_claimed_at=now)
    return list(_with_related(Inschrijving.objects.filter(pk__in=ids, reminder_claimed_at=now)))


def send_due_reminders() -> int:
    """Send every due reminder once; returns how many were sent.

    Due: a confirmed registration, not erased, of a non-cancelled activity that starts within
    REMINDER_HOURS_BEFORE, with no reminder yet and no live claim. Rows are claimed in batches
    (`SELECT … FOR UPDATE SKIP LOCKED` + a conditional UPDATE), so racing workers take different rows.
    What went out is marked sent (only while the claim is still ours) at least every
    MARK_EVERY_SECONDS: a worker killed mid-run can double at most that fraction of a second of mails,
    while the database sees a few commits per second instead of one per mail.

    Side effects: sets `reminder_claimed_at` and `reminder_sent_at`; sends mails over one connection.
    On an SMTP failure marks what was sent, releases the other claims and re-raises, so the next run
    (or the task's retry with backoff) sends them; a refused address is given up on (logged, marked).
    """
    from django.core import mail

    batch = _claim_reminders(timezone.now())
    if not batch:
        return 0  # no connection to the mail server when there is nothing to send
    sent = 0
    done: list[int] = []  # mailed (or refused) but not yet marked

    def mark(claim) -> None:
        if done:
            Inschrijving.objects.filter(pk__in=done, reminder_claimed_at=claim).update(
                reminder_sent_at=timezone.now()
            )
            done.clear()

    connection = mail.mailers.default
    merge = _ReminderMerge()
    try:
        connection.open()
        while batch:
            claim = batch[0].reminder_claimed_at
            marked_at = time.monotonic()
            for inschrijving in batch:
                try:
                    connection.send_messages([merge.build(inschrijving, "inschrijving_herinnering")])
                except REFUSED:
                    logger.warning("reminder of inschrijving %s refused by the mail server", inschrijving.pk)
                else:
                    sent += 1
                done.append(inschrijving.pk)
                if len(done) >= MARK_EVERY_ROWS or time.monotonic() - marked_at >= MARK_EVERY_SECONDS:
                    mark(claim)
                    marked_at = time.monotonic()
            mark(claim)
            batch = _claim_reminders(timezone.now())
    except BaseException:
        # Whatever stopped us (SMTP down, a bug in rendering, a shutdown): what went out is marked, what
        # did not goes back at once, so the next run sends it instead of waiting for the claim to expire.
        if batch:
            claim = batch[0].reminder_claimed_at
            mark(claim)
            Inschrijving.objects.filter(
                pk__in=[row.pk for row in batch], reminder_claimed_at=claim, reminder_sent_at__isnull=True
            ).update(reminder_claimed_at=None)
        raise
    finally:
        connection.close()
    return sent


def _due_status_mails(now):
    return (
        Inschrijving.objects.filter(
            status_mail_sent_at__isnull=True,
            status__in=ACTIEF,
            gewist_op__isnull=True,
            activiteit__einde__gt=now,
        )
        .exclude(email="")
        .filter(Q(status_mail_claimed_at__isnull=True) | Q(status_mail_claimed_at__lt=now - CLAIM_TIMEOUT))
    )


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
            _cancellation_fan_out(_lock(activiteit.pk))
    waiting = (
        Activiteit.objects.filter(
            geannuleerd=False, start__gt=now, inschrijvingen__status=Inschrijving.Status.WACHTLIJST
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for activiteit_id in list(waiting):
        wachtlijst_promote(activiteit=Activiteit(pk=activiteit_id))
    sent = 0
    for inschrijving_id in list(_due_status_mails(now).values_list("pk", flat=True)):
        sent += inschrijving_status_mail_send(inschrijving_id=inschrijving_id)
    return sent


# --- Retention -----------------------------------------------------------------------------------------


def inschrijvingen_erase_expired() -> int:
    """Erase name, e-mail and phone of every registration REGISTRATION_RETENTION_DAYS after its activity
    ended; returns how many were erased.

    Keeps status, number of persons, attendance and dates for the reports. The manage link of an erased
    registration answers 404.

    Side effects: naam, email, telefoon → "", gewist_op set (one UPDATE).
    """
    grens = timezone.now() - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    return Inschrijving.objects.filter(activiteit__einde__lt=grens, gewist_op__isnull=True).update(
        naam="", email="", telefoon="", gewist_op=timezone.now()
    )
