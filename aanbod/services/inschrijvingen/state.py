"""The registration state machine: register, change, cancel, move up from the waiting list, the place on
the waiting list, and an activity's cancellation. One function each, used by the parent's pages, the
partners' portal and the admin alike (and by an API, should one ever take registrations).

Places are counted in persons. Every write that can change who has a place takes a row lock on the
activity (`select_for_update`) first, so concurrent registrations queue up on that lock and the confirmed
persons never exceed the capacity (SQLite has no row locks: there the transaction starts with a write,
which takes the database's single write lock, with the same effect).

The waiting list moves up "first fit, in order": registrations are taken in the order they were made
(WACHTLIJST_ORDER), and each one that fits in the places left moves up. A large family that does not fit
does not block a single parent behind it, because an empty chair at a vormingsavond helps nobody; the
family keeps its place at the head of the list and is the first to move up as soon as enough places are
free.
"""

import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Case, F, IntegerField, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from aanbod.models import Activiteit, Inschrijving, Reeks
from aanbod.uitwisseling import services as uitdatabank
from huisvanhetkind.lib.scoping import ALL, partner_scope, scoped_ids

from . import regels
from .mails import (
    ACTIEF,
    link_mail_on_commit,
    status_mail_on_commit,
    status_mail_reset,
    status_mails_on_commit,
)

logger = logging.getLogger(__name__)

# What a family registers for: one activity, or a whole series (Reeks) of meetings. The series has the
# same attributes the rules read (capaciteit, deadline, start, geannuleerd, …), so each rule is written
# once for both; `_doel_filter` picks the registration's foreign key.
Doel = Activiteit | Reeks


def _doel_filter(doel: Doel) -> dict:
    return {"reeks": doel} if isinstance(doel, Reeks) else {"activiteit": doel}


# Who moves up first: the order of registering.
WACHTLIJST_ORDER = ("aangemaakt_op", "id")

_STATUS_ORDER = Case(
    When(status=Inschrijving.Status.BEVESTIGD, then=Value(0)),
    When(status=Inschrijving.Status.WACHTLIJST, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


# --- Reading -------------------------------------------------------------------------------------------


def _in_partner_scope(rule):
    """Run a registration rule inside the scope of its activity's partner.

    A parent's request has the public scope, which sees no registrations, yet capacity, duplicates and
    the waiting list count every registration of the activity: the rule acts on that partner's rows only.
    Where every row is already visible (a task, the admin, a coordinator) it runs as it is. The scope
    joins a registration's activity and aanbod, so row locks say `of=("self",)`: only the row is locked.
    """

    @functools.wraps(rule)
    def wrapper(*args, **kwargs):
        if scoped_ids("partner") is ALL:
            return rule(*args, **kwargs)
        owner = (
            kwargs.get("activiteit") or kwargs.get("reeks") or (args[0] if args else kwargs["inschrijving"])
        )
        if isinstance(owner, Inschrijving):
            owner = owner.doel
        with partner_scope(owner.aanbod.partner_id):
            return rule(*args, **kwargs)

    return wrapper


def inschrijving_closed_reason(activiteit: Doel) -> str:
    """Why registration is closed ('' when open): niet_nodig, geannuleerd, voorbij, gesloten, offline,
    nog_niet_open (before the first opening; `regels.inschrijven_opening` says when it opens for whom)."""
    now = timezone.now()
    if not (activiteit.inschrijving_nodig and activiteit.aanbod.inschrijving_nodig):
        return "niet_nodig"
    if activiteit.geannuleerd:
        return "geannuleerd"
    if activiteit.einde <= now:
        return "voorbij"
    if not activiteit.aanbod.is_gepubliceerd or not activiteit.aanbod.partner.actief:
        return "offline"
    if activiteit.deadline <= now:
        return "gesloten"
    if regels.inschrijven_nog_niet_open(activiteit, nu=now):
        return "nog_niet_open"
    return ""


def inschrijving_max_personen(inschrijving: Inschrijving, activiteit: Doel) -> int:
    """The most persons this registration may have now: room for the form; the change service checks
    again under the lock. `activiteit` annotated `met_bezetting()` saves a query."""
    maximum = activiteit.max_personen_per_inschrijving
    if inschrijving.status == Inschrijving.Status.BEVESTIGD:
        if inschrijving_closed_reason(activiteit):
            maximum = inschrijving.aantal_personen
        elif (vrij := activiteit.plaatsen_vrij) is not None:
            maximum = min(maximum, inschrijving.aantal_personen + vrij)
    return max(maximum, inschrijving.aantal_personen, 1)


def inschrijving_may_change(inschrijving: Inschrijving, activiteit: Doel | None = None) -> bool:
    """The parent may still change or cancel: the registration is neither cancelled nor erased, and the
    activity is neither cancelled nor begun (a series: its last meeting has not begun)."""
    activiteit = activiteit or inschrijving.doel
    return (
        inschrijving.status != Inschrijving.Status.GEANNULEERD
        and inschrijving.gewist_op is None
        and not activiteit.geannuleerd
        and activiteit.laatste_start > timezone.now()
    )


def inschrijvingen_with_volgnummer(queryset: QuerySet) -> QuerySet:
    """Annotate `volgnummer`: the place within its activity (or series) and status (for a waiting
    registration: its place on the waiting list, 1 = the first to move up).

    Ordered confirmed first, then the waiting list in the order people will move up, then cancelled.
    """
    return queryset.annotate(
        volgnummer=Window(
            RowNumber(),
            partition_by=[F("activiteit_id"), F("reeks_id"), F("status")],
            order_by=[F(field).asc() for field in WACHTLIJST_ORDER],
        ),
        status_volgorde=_STATUS_ORDER,
    ).order_by("activiteit__start", "activiteit_id", "reeks_id", "status_volgorde", *WACHTLIJST_ORDER)


@_in_partner_scope
def wachtlijst_positie(inschrijving: Inschrijving) -> int | None:
    """The registration's place on the waiting list (1 for the first in line); None when not waiting."""
    if inschrijving.status != Inschrijving.Status.WACHTLIJST:
        return None
    wachtend = Inschrijving.objects.filter(
        activiteit_id=inschrijving.activiteit_id,
        reeks_id=inschrijving.reeks_id,
        status=Inschrijving.Status.WACHTLIJST,
    )
    plaatsen = dict(inschrijvingen_with_volgnummer(wachtend).values_list("pk", "volgnummer"))
    return plaatsen.get(inschrijving.pk)


# --- Places and the lock ------------------------------------------------------------------------------


def _bezet(activiteit: Doel) -> int:
    return Inschrijving.objects.filter(
        **_doel_filter(activiteit), status=Inschrijving.Status.BEVESTIGD
    ).aggregate(n=Coalesce(Sum("aantal_personen"), 0))["n"]


def _vrij(activiteit: Doel, bezet: int) -> int | None:
    if activiteit.capaciteit is None:
        return None
    return max(activiteit.capaciteit - bezet, 0)


def activiteit_lock(activiteit_id: int) -> Activiteit:
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


def reeks_lock(reeks_id: int) -> Reeks:
    """The series, locked until the end of the transaction (only its own row), as `activiteit_lock`."""
    if db_connection.vendor == "sqlite":
        Reeks.objects.filter(pk=reeks_id).update(capaciteit=F("capaciteit"))
    return Reeks.objects.select_for_update(of=("self",)).select_related("aanbod__partner").get(pk=reeks_id)


def doel_lock(doel: Doel) -> Doel:
    """Lock what is registered for: the activity or the series."""
    return reeks_lock(doel.pk) if isinstance(doel, Reeks) else activiteit_lock(doel.pk)


def _inschrijving_doel_lock(inschrijving: Inschrijving) -> Doel:
    if inschrijving.reeks_id:
        return reeks_lock(inschrijving.reeks_id)
    return activiteit_lock(inschrijving.activiteit_id)


def _normalise_email(email: str) -> str:
    # One spelling per address, so the one-active-registration-per-address constraint catches
    # "Jan@Example.org" and "jan@example.org" as the same parent.
    return email.strip().lower()


# --- Registering, changing, cancelling, moving up -------------------------------------------------------


@_in_partner_scope
def inschrijving_create(
    *,
    activiteit: Doel,
    naam: str,
    email: str,
    telefoon: str = "",
    aantal_personen: int,
    taal: str,
    postcode: str = "",
    leeftijd: int | None = None,
    wachtlijst_ok: bool = True,
) -> tuple[Inschrijving, bool]:
    """Register for an activity or a whole series (`activiteit` may be a Reeks); returns
    (inschrijving, created).

    With enough places left the registration is confirmed; otherwise it goes on the waiting list
    (or, with `wachtlijst_ok=False`, raises ValidationError code "volzet"). An active registration with
    the same e-mail address is returned as (existing, False) and its manage link is mailed to that
    address again (at most once per LINK_RESEND_SECONDS) — it is never shown to whoever typed the address,
    and every check a new registration must pass comes first, so the caller can answer both alike.
    Raises ValidationError (codes "gesloten", "aantal", or field errors) when registering is not possible.
    The registration rules (`regels`) are checked under the lock: while only residents may register,
    the `postcode` must be in the werkgebied (codes "postcode", "inwoners"); with the age check on, the
    child's `leeftijd` (years, not stored) must be in the aanbod's range (code "leeftijd"). The postcode
    is stored (and kept after erasure, for reach figures).

    Side effects: locks the activity row; after commit queues the status mail (confirmation or waiting
    list, with the .ics) or the link mail. When queueing fails, `inschrijving.mail_delayed` is True and
    the periodic scan sends it later.
    """
    email = _normalise_email(email)
    with transaction.atomic():
        activiteit = doel_lock(activiteit)
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
        postcode = regels.postcode_clean(postcode)
        regels.voorrang_check(activiteit, postcode=postcode)
        regels.leeftijd_check(activiteit, leeftijd=leeftijd)
        vrij = _vrij(activiteit, _bezet(activiteit))
        if vrij is None or aantal_personen <= vrij:
            status = Inschrijving.Status.BEVESTIGD
        elif wachtlijst_ok:
            status = Inschrijving.Status.WACHTLIJST
        else:
            raise ValidationError(_("There are not enough places left."), code="volzet")
        # Only after every check a new registration would fail: an address that is registered already
        # must get exactly the answer a new one gets (no oracle), so this comes last.
        bestaand = Inschrijving.objects.actief().filter(**_doel_filter(activiteit), email=email).first()
        if bestaand is not None:
            link_mail_on_commit(bestaand)
            return bestaand, False

        inschrijving = Inschrijving(
            **_doel_filter(activiteit),
            naam=naam.strip(),
            email=email,
            telefoon=telefoon.strip(),
            aantal_personen=aantal_personen,
            postcode=postcode,
            status=status,
            taal=(taal or settings.LANGUAGE_CODE)[:8],
        )
        inschrijving.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                inschrijving.save()
        except IntegrityError:
            # Only reachable if the activity lock was bypassed; the constraint still keeps one per address.
            bestaand = Inschrijving.objects.actief().get(**_doel_filter(activiteit), email=email)
            link_mail_on_commit(bestaand)
            return bestaand, False
        status_mail_on_commit(inschrijving)
        _beschikbaarheid_changed(activiteit)
    return inschrijving, True


@_in_partner_scope
def inschrijving_change(
    *, inschrijving: Inschrijving, aantal_personen: int, namens_partner: bool = False
) -> Inschrijving:
    """Change the number of persons of an active registration.

    A confirmed registration may grow only into the places left (and only while registration is open);
    it may always shrink until the activity starts — for the parent only until the online cancellation
    deadline (`annuleren_tot`; the partner and the admin, `namens_partner`, may always). A waiting
    registration may change within the per-registration maximum. Raises ValidationError (codes
    "gesloten", "aantal", "volzet", "annuleren_tot").

    Side effects: locks the activity; promotes the waiting list when places were freed (see
    `wachtlijst_promote`, which mails whoever moves up after commit).
    """
    with transaction.atomic():
        activiteit = _inschrijving_doel_lock(inschrijving)
        inschrijving = Inschrijving.objects.select_for_update(of=("self",)).get(pk=inschrijving.pk)
        if not inschrijving_may_change(inschrijving, activiteit):
            raise ValidationError(_("This registration can no longer be changed."), code="gesloten")
        if aantal_personen == inschrijving.aantal_personen:
            return inschrijving
        regels.annuleren_online_check(inschrijving, activiteit, namens_partner=namens_partner)
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
        _beschikbaarheid_changed(activiteit)
    inschrijving.refresh_from_db()
    return inschrijving


@_in_partner_scope
def inschrijving_cancel(*, inschrijving: Inschrijving, namens_partner: bool = False) -> Inschrijving:
    """Cancel a registration (idempotent) and let the waiting list move up into the freed places.

    A parent may cancel a confirmed registration online until `annuleren_tot` (ValidationError code
    "annuleren_tot" after it); the partner and the admin (`namens_partner`) may always.

    Side effects: locks the activity; status → geannuleerd; `wachtlijst_promote` mails whoever moves up.
    """
    with transaction.atomic():
        activiteit = _inschrijving_doel_lock(inschrijving)
        inschrijving = Inschrijving.objects.select_for_update(of=("self",)).get(pk=inschrijving.pk)
        if inschrijving.status == Inschrijving.Status.GEANNULEERD:
            return inschrijving
        regels.annuleren_online_check(inschrijving, activiteit, namens_partner=namens_partner)
        inschrijving.status = Inschrijving.Status.GEANNULEERD
        inschrijving.geannuleerd_op = timezone.now()
        inschrijving.save(update_fields=["status", "geannuleerd_op", "bijgewerkt_op"])
        wachtlijst_promote(activiteit=activiteit)
        _beschikbaarheid_changed(activiteit)
    return inschrijving


def _beschikbaarheid_changed(doel: Doel) -> None:
    # A series is one UiTdatabank event whose meetings share the series' places.
    if isinstance(doel, Reeks):
        uitdatabank.beschikbaarheid_changed(reeks=doel)
    else:
        uitdatabank.beschikbaarheid_changed(activiteit=doel)


@_in_partner_scope
def wachtlijst_promote(*, activiteit: Doel) -> list[Inschrijving]:
    """Move waiting registrations up into the free places: in order of registration, first fit.

    Whole registrations only; one that does not fit is skipped for now and stays first in line (see the
    module docstring for why). Nothing moves once the activity has started or is cancelled. Without a
    capacity everyone waiting moves up.

    Side effects: locks the activity (joins the caller's transaction and lock if there is one);
    status → bevestigd, `doorgeschoven_op` set; after commit the "you moved up" mail of each is queued.
    """
    with transaction.atomic():
        activiteit = doel_lock(activiteit)
        if activiteit.geannuleerd or activiteit.wachtlijst_tot <= timezone.now():
            return []
        wachtend = list(
            Inschrijving.objects.select_for_update(of=("self",))
            .filter(**_doel_filter(activiteit), status=Inschrijving.Status.WACHTLIJST)
            .order_by(*WACHTLIJST_ORDER)
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
            inschrijving.doorgeschoven_op = now
            inschrijving.statusmail_verstuurd_op = None
            inschrijving.statusmail_geclaimd_op = None
            inschrijving.save(
                update_fields=[
                    "status",
                    "doorgeschoven_op",
                    "statusmail_verstuurd_op",
                    "statusmail_geclaimd_op",
                    "bijgewerkt_op",
                ]
            )
            status_mail_on_commit(inschrijving)
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
        activiteit = activiteit_lock(activiteit.pk)
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
        cancellation_fan_out(activiteit)
        uitdatabank.activiteit_changed(activiteit=activiteit)
    return activiteit


def reeks_cancel(*, reeks: Reeks, reden: str = "", user=None) -> Reeks:
    """Cancel a whole series: every meeting is cancelled and each registrant is told once.

    The meetings are marked cancelled and announced (their `annulering_gemeld_op` set) without a fan-out
    of their own; the series' claim (`Reeks.annulering_gemeld_op IS NULL`) makes one status mail due per
    registrant, which is the cancellation notice.

    Side effects: locks the series; the series and its meetings that have not started geannuleerd; after
    commit one status mail task per registrant; UiTdatabank is told of each meeting.
    """
    with transaction.atomic():
        reeks = reeks_lock(reeks.pk)
        now = timezone.now()
        if not reeks.geannuleerd:
            reeks.geannuleerd = True
            reeks.geannuleerd_op = now
            reeks.annulering_reden = reden[:250]
            reeks.save(update_fields=["geannuleerd", "geannuleerd_op", "annulering_reden", "bijgewerkt_op"])
            logger.info("reeks %s cancelled by user %s", reeks.pk, getattr(user, "pk", None) or "system")
        # Meetings that took place stay as they were (their attendance, the reach figures).
        meetings = list(Activiteit.objects.filter(reeks=reeks, geannuleerd=False, start__gt=now))
        Activiteit.objects.filter(pk__in=[m.pk for m in meetings]).update(
            geannuleerd=True,
            geannuleerd_op=now,
            annulering_reden=reeks.annulering_reden,
            annulering_gemeld_op=now,
        )
        claimed = Reeks.objects.filter(pk=reeks.pk, annulering_gemeld_op__isnull=True).update(
            annulering_gemeld_op=now
        )
        if claimed:
            _registrants_told(Inschrijving.objects.filter(reeks=reeks))
        for meeting in meetings:
            uitdatabank.activiteit_changed(activiteit=meeting)
    return reeks


def cancellation_recipients(registrations: QuerySet) -> QuerySet:
    """The registrations a cancellation mails: active, not erased, with an address (the portal's
    confirmation pages count them)."""
    return registrations.filter(status__in=ACTIEF, gewist_op__isnull=True).exclude(email="")


def _registrants_told(registrations: QuerySet) -> int:
    ids = list(cancellation_recipients(registrations).values_list("pk", flat=True))
    status_mail_reset(Inschrijving.objects.filter(pk__in=ids))
    if ids:
        status_mails_on_commit(ids)
    return len(ids)


def cancellation_fan_out(activiteit: Activiteit) -> int:
    """Within a transaction: claim the activity's cancellation notice and make each registrant's mail due.

    For a meeting of a series the registrants are the series': they are told once that this meeting
    does not take place (the status mail says so, see `mails._status_template`)."""
    claimed = Activiteit.objects.filter(
        pk=activiteit.pk, geannuleerd=True, annulering_gemeld_op__isnull=True
    ).update(annulering_gemeld_op=timezone.now())
    if not claimed:
        return 0
    if activiteit.reeks_id:
        return _registrants_told(Inschrijving.objects.filter(reeks_id=activiteit.reeks_id))
    registrants = Inschrijving.objects.filter(
        activiteit=activiteit, status__in=ACTIEF, gewist_op__isnull=True
    ).exclude(email="")
    ids = list(registrants.values_list("pk", flat=True))
    status_mail_reset(Inschrijving.objects.filter(pk__in=ids))
    if ids:
        status_mails_on_commit(ids)
    return len(ids)
