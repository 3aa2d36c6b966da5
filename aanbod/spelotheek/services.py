"""The spelotheek's rules, one function per rule: members, loans, returns, renewals, reservations.

Every write that touches a toy locks its row first (`select_for_update`), so two volunteers lending the
last copy at the same moment, or a return racing a reservation, queue on that lock: the second sees what
the first did. The partial unique constraint `uitlening_one_open_per_speelgoed` is the last line: one toy
never goes to two families, whatever a caller forgets.

Mails that a change makes due (a reservation is ready) are queued after commit; the periodic scan in
`aanbod.spelotheek.mails` delivers whatever a lost message left behind.
"""

import logging
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Openingsuur
from huisvanhetkind.lib.queue import enqueue_after_commit
from partners.models import Gemeente, Partner

from .models import (
    Lid,
    LidBetaling,
    LidToegang,
    Reservatie,
    Speelgoed,
    Spelotheekregels,
    UitleenTelling,
    Uitlening,
    token_hash,
)

logger = logging.getLogger(__name__)

LIDMAATSCHAP_DAGEN = 365


# --- Helpers -------------------------------------------------------------------------------------------


def _lock(speelgoed_id: int) -> Speelgoed:
    """The toy, locked until the end of the transaction."""
    if db_connection.vendor == "sqlite":
        # SQLite ignores FOR UPDATE; a write first takes its single write lock, so the next one waits.
        Speelgoed.objects.filter(pk=speelgoed_id).update(status=F("status"))
    return Speelgoed.objects.select_for_update(of=("self",)).get(pk=speelgoed_id)


def _ready_mail_on_commit(reservatie: Reservatie) -> None:
    from .tasks import send_reservatie_klaar

    enqueue_after_commit(send_reservatie_klaar, reservatie_id=reservatie.pk)


def volgend_openingsuur(partner: Partner, *, na: datetime | None = None) -> tuple[datetime, datetime] | None:
    """Start and end of the spelotheek's next opening hour after `na` (its aanbod of soort spelotheek)."""
    na = timezone.localtime(na or timezone.now())
    uren = list(
        Openingsuur.objects.filter(
            aanbod__partner=partner,
            aanbod__soort=Aanbod.Soort.SPELOTHEEK,
            aanbod__status=Aanbod.Status.GEPUBLICEERD,
        ).order_by("weekdag", "van")
    )
    beste = None
    for uur in uren:
        dagen = (uur.weekdag - na.weekday()) % 7
        dag = na.date() + timedelta(days=dagen)
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(dag, uur.van), tz)
        einde = timezone.make_aware(datetime.combine(dag, uur.tot), tz)
        if einde <= na:
            start, einde = start + timedelta(days=7), einde + timedelta(days=7)
        if beste is None or start < beste[0]:
            beste = (start, einde)
    return beste


def _ophalen_tot(partner: Partner) -> datetime:
    """A ready reservation waits SPELOTHEEK_OPHAALDAGEN, and at least until the next opening hour ends."""
    tot = timezone.now() + timedelta(days=settings.SPELOTHEEK_OPHAALDAGEN)
    volgend = volgend_openingsuur(partner)
    if volgend and volgend[1] > tot:
        tot = volgend[1]
    return tot


def regels(partner_id: int) -> dict[str, int]:
    """This spelotheek's loan period, renewals and items at a time: its own rules, else the settings'."""
    eigen = Spelotheekregels.objects.filter(partner_id=partner_id).first()
    defaults = {
        "uitleendagen": settings.SPELOTHEEK_UITLEENDAGEN,
        "max_verlengingen": settings.SPELOTHEEK_MAX_VERLENGINGEN,
        "max_uitleningen": settings.SPELOTHEEK_MAX_UITLENINGEN,
    }
    if eigen is None:
        return defaults
    return {
        key: value if getattr(eigen, key) is None else getattr(eigen, key) for key, value in defaults.items()
    }


def _check_lid(lid: Lid, speelgoed: Speelgoed) -> None:
    if lid.partner_id != speelgoed.partner_id:
        raise ValidationError(_("This member belongs to another spelotheek."), code="other_partner")
    if not lid.is_actief():
        raise ValidationError(_("The membership has ended. Record a payment first."), code="expired")


def _release(speelgoed: Speelgoed) -> Reservatie | None:
    """A locked toy is back on the shelf: the first in its queue gets it (ready to collect), or it is free.

    Side effects: saves the toy's status; may mark one reservation ready and queue its mail.
    """
    volgende = (
        Reservatie.objects.select_for_update()
        .filter(speelgoed=speelgoed, status=Reservatie.Status.WACHTEND)
        .order_by("aangemaakt_op", "pk")
        .first()
    )
    speelgoed.terug_verwacht_op = None
    if volgende is None:
        speelgoed.status = Speelgoed.Status.BESCHIKBAAR
    else:
        volgende.status = Reservatie.Status.KLAAR
        volgende.klaar_op = timezone.now()
        volgende.ophalen_tot = _ophalen_tot(speelgoed.partner)
        volgende.save(update_fields=["status", "klaar_op", "ophalen_tot"])
        speelgoed.status = Speelgoed.Status.GERESERVEERD
        _ready_mail_on_commit(volgende)
    speelgoed.save(update_fields=["status", "terug_verwacht_op"])
    return volgende


# --- Members -------------------------------------------------------------------------------------------


def _next_lidnummer(partner: Partner) -> str:
    """One more than the highest numeric member number (the caller holds the partner's row lock)."""
    numbers = Lid.objects.filter(partner=partner, lidnummer__regex=r"^[0-9]{1,9}$").values_list(
        "lidnummer", flat=True
    )
    return str(max((int(n) for n in numbers), default=0) + 1)


def lid_create(
    *,
    partner: Partner,
    naam: str,
    email: str = "",
    telefoon: str = "",
    postcode: str = "",
    taal: str = "nl-be",
    lidnummer: str = "",
    bijdrage: Decimal = Decimal(0),
    kansentarief: bool = False,
    user=None,
) -> Lid:
    """A new member household for a year from today, with the fee taken now recorded as a payment.

    Side effects: locks the partner row (for the next member number), saves a Lid and a LidBetaling.
    """
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        vandaag = timezone.localdate()
        lid = Lid(
            partner=partner,
            lidnummer=lidnummer.strip() or _next_lidnummer(partner),
            naam=naam.strip(),
            email=email.strip().lower(),
            telefoon=telefoon.strip(),
            postcode=postcode.strip(),
            taal=taal,
            lid_van=vandaag,
            lid_tot=vandaag + timedelta(days=LIDMAATSCHAP_DAGEN - 1),
            bijdrage=bijdrage,
            kansentarief=kansentarief,
        )
        lid.full_clean()
        lid.save()
        LidBetaling.objects.create(
            lid=lid, bedrag=bijdrage, kansentarief=kansentarief, lid_tot=lid.lid_tot, geregistreerd_door=user
        )
    return lid


def lid_payment_record(*, lid: Lid, bedrag: Decimal, kansentarief: bool = False, user=None) -> LidBetaling:
    """A membership fee taken at the counter (recorded, not processed): the membership runs a year more.

    Side effects: extends `lid_tot` from today or from its current end, whichever is later; resets the
    expiry reminder; saves a LidBetaling.
    """
    if bedrag < 0:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    with transaction.atomic():
        lid = Lid.objects.select_for_update().get(pk=lid.pk)
        vandaag = timezone.localdate()
        start = max(vandaag, lid.lid_tot + timedelta(days=1))
        if lid.lid_tot < vandaag:
            lid.lid_van = vandaag
        lid.lid_tot = start + timedelta(days=LIDMAATSCHAP_DAGEN - 1)
        lid.bijdrage = bedrag
        lid.kansentarief = kansentarief
        lid.verloopt_verstuurd_op = None
        lid.save(update_fields=["lid_van", "lid_tot", "bijdrage", "kansentarief", "verloopt_verstuurd_op"])
        return LidBetaling.objects.create(
            lid=lid, bedrag=bedrag, kansentarief=kansentarief, lid_tot=lid.lid_tot, geregistreerd_door=user
        )


def lid_link_create(*, lid: Lid, speelgoed: Speelgoed | None = None) -> str:
    """A new sign-in link token for a member (returned once; only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    LidToegang.objects.filter(lid=lid, vervalt_op__lt=timezone.now()).delete()
    LidToegang.objects.create(
        lid=lid,
        token_hash=token_hash(token),
        speelgoed=speelgoed,
        vervalt_op=timezone.now() + timedelta(hours=settings.SPELOTHEEK_LINK_UREN),
    )
    return token


def lid_link_request(*, partner: Partner, lidnummer: str, speelgoed: Speelgoed | None = None) -> bool:
    """Mail a sign-in link to the member with this number, if there is one with an e-mail address.

    Says nothing about whether the number exists (the caller shows the same page either way). The mail
    goes after commit, straight from this process, so the token never sits in the broker.
    Side effects: saves a LidToegang (hashed token) and sends one mail. Returns whether it did.
    """
    from huisvanhetkind.lib.mail import mail_send

    lid = Lid.objects.filter(partner=partner, lidnummer=lidnummer.strip()).exclude(email="").first()
    if lid is None:
        return False
    token = lid_link_create(lid=lid, speelgoed=speelgoed)

    def send() -> None:
        from django.urls import reverse
        from django.utils import translation

        with translation.override(lid.taal):
            url = settings.SITE_URL + reverse("spelotheek_lid_link", kwargs={"token": token})
        try:
            mail_send(
                template="spelotheek/emails/lid_link",
                to=[lid.email],
                taal=lid.taal,
                context={"lid": lid, "partner": partner, "speelgoed": speelgoed, "url": url},
            )
        except OSError as error:  # smtplib errors are OSErrors; the member can ask again
            logger.warning("member link not sent (%s)", type(error).__name__)

    transaction.on_commit(send)
    return True


def lid_from_token(token: str) -> LidToegang | None:
    """The valid link for this token, with its member, or None. Looked up by the secret itself."""
    return (
        LidToegang.objects.select_related("lid__partner", "speelgoed")
        .filter(token_hash=token_hash(token), vervalt_op__gt=timezone.now())
        .first()
    )


def leden_erase_idle(*, vandaag: date | None = None) -> int:
    """Erase the members who have not borrowed for SPELOTHEEK_LID_BEWAARDAGEN and whose membership ended.

    Their loans are already anonymous counts (a member with an open loan or follow-up is kept).
    Side effects: deletes the Lid with its reservations, payments and links (and every expired link);
    blanks its name in the admin log. Returns how many were erased.
    """
    vandaag = vandaag or timezone.localdate()
    LidToegang.objects.filter(vervalt_op__lt=timezone.now()).delete()  # expired sign-in links
    grens = timezone.now() - timedelta(days=settings.SPELOTHEEK_LID_BEWAARDAGEN)
    idle = (
        Lid.objects.filter(lid_tot__lt=vandaag)
        .filter(Q(laatst_geleend_op__lt=grens) | Q(laatst_geleend_op__isnull=True, aangemaakt_op__lt=grens))
        .exclude(uitleningen__isnull=False)
    )
    pks = list(idle.values_list("pk", flat=True))
    if not pks:
        return 0
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(Lid)
        LogEntry.objects.filter(content_type=content_type, object_id__in=[str(pk) for pk in pks]).update(
            object_repr="", change_message=""
        )
        Lid.objects.filter(pk__in=pks).delete()
    return len(pks)


# --- Loans ---------------------------------------------------------------------------------------------


def uitlening_create(*, speelgoed: Speelgoed, lid: Lid, user=None) -> Uitlening:
    """Lend a toy to a member, due back after the spelotheek's loan period (`regels`).

    Refused (ValidationError) when the toy is out, in repair, or ready for another member; when the
    membership ended; or when the member already has the spelotheek's cap of toys at home (`regels`).
    Side effects: locks the toy; saves the loan; marks a ready reservation of this member collected;
    sets the toy's status and due date and the member's last loan.
    """
    with transaction.atomic():
        speelgoed = _lock(speelgoed.pk)
        _check_lid(lid, speelgoed)
        if speelgoed.status == Speelgoed.Status.GERESERVEERD:
            klaar = Reservatie.objects.select_for_update().get(
                speelgoed=speelgoed, status=Reservatie.Status.KLAAR
            )
            if klaar.lid_id != lid.pk:
                raise ValidationError(_("This item is reserved for another member."), code="reserved")
            klaar.status = Reservatie.Status.OPGEHAALD
            klaar.save(update_fields=["status"])
        elif speelgoed.status == Speelgoed.Status.UITGELEEND:
            raise ValidationError(_("This item is already lent out."), code="lent")
        elif speelgoed.status != Speelgoed.Status.BESCHIKBAAR:
            raise ValidationError(
                _("This item cannot be lent: it is in repair or withdrawn."), code="unavailable"
            )
        rules = regels(speelgoed.partner_id)
        if (
            Uitlening.objects.filter(lid=lid, teruggebracht_op__isnull=True).count()
            >= rules["max_uitleningen"]
        ):
            raise ValidationError(
                _("This member already has %(n)s items at home.") % {"n": rules["max_uitleningen"]},
                code="cap",
            )
        uitlening = Uitlening(
            speelgoed=speelgoed,
            lid=lid,
            terug_op=timezone.localdate() + timedelta(days=rules["uitleendagen"]),
        )
        try:
            with transaction.atomic():
                uitlening.save()
        except IntegrityError as error:  # the constraint, should a caller have skipped the lock
            raise ValidationError(_("This item is already lent out."), code="lent") from error
        speelgoed.status = Speelgoed.Status.UITGELEEND
        speelgoed.terug_verwacht_op = uitlening.terug_op
        speelgoed.save(update_fields=["status", "terug_verwacht_op"])
        Lid.objects.filter(pk=lid.pk).update(laatst_geleend_op=uitlening.uitgeleend_op)
    return uitlening


def uitlening_return(
    *,
    uitlening: Uitlening,
    controle: str,
    ontbrekende_stukken: int = 0,
    opmerking: str = "",
) -> Uitlening:
    """Take a toy back with its pieces check.

    Complete: the toy goes to the first in its queue (ready, mailed once) or back on the shelf.
    Pieces missing or damaged: the toy is flagged for repair (out of the catalogue); missing pieces keep
    a follow-up open on the loan until `uitlening_follow_up_close`.
    Side effects: locks the toy; closes the loan; without a follow-up the loan becomes an anonymous count
    (`uitlening_anonymise`) and the row is deleted.
    """
    if controle not in Uitlening.Controle.values:
        raise ValidationError(_("Choose the result of the pieces check."), code="controle")
    if controle == Uitlening.Controle.ONTBREKEN and ontbrekende_stukken < 1:
        raise ValidationError(_("Say how many pieces are missing."), code="stukken")
    with transaction.atomic():
        speelgoed = _lock(uitlening.speelgoed_id)
        uitlening = Uitlening.objects.select_for_update().get(pk=uitlening.pk)
        if not uitlening.is_open:
            raise ValidationError(_("This loan was already returned."), code="returned")
        uitlening.teruggebracht_op = timezone.now()
        uitlening.controle = controle
        uitlening.ontbrekende_stukken = ontbrekende_stukken if controle == Uitlening.Controle.ONTBREKEN else 0
        uitlening.opvolging_open = controle == Uitlening.Controle.ONTBREKEN
        uitlening.opmerking = opmerking[:250]
        uitlening.save()
        if controle == Uitlening.Controle.COMPLEET:
            _release(speelgoed)
        else:
            speelgoed.status = Speelgoed.Status.IN_HERSTEL
            speelgoed.terug_verwacht_op = None
            if opmerking:
                speelgoed.opmerking = opmerking[:250]
            speelgoed.save(update_fields=["status", "terug_verwacht_op", "opmerking"])
        if not uitlening.opvolging_open:
            uitlening_anonymise(uitlening=uitlening)
    return uitlening


def uitlening_follow_up_close(*, uitlening: Uitlening) -> None:
    """The missing pieces came back or were written off: the loan becomes an anonymous count.

    Side effects: deletes the loan after counting it (the toy stays in repair until `speelgoed_repaired`).
    """
    with transaction.atomic():
        _lock(uitlening.speelgoed_id)
        uitlening = Uitlening.objects.select_for_update().get(pk=uitlening.pk)
        if uitlening.is_open or not uitlening.opvolging_open:
            raise ValidationError(_("This loan has no open follow-up."), code="no_follow_up")
        uitlening_anonymise(uitlening=uitlening)


def uitlening_renew(*, uitlening: Uitlening) -> Uitlening:
    """Another loan period from today or from the due date, whichever is later.

    Refused after the spelotheek's number of renewals or when another member is waiting for the toy.
    Side effects: locks the toy; saves the new due date on the loan and the toy; the due-soon and overdue
    reminders become due again for the new date.
    """
    with transaction.atomic():
        speelgoed = _lock(uitlening.speelgoed_id)
        uitlening = Uitlening.objects.select_for_update().get(pk=uitlening.pk)
        if not uitlening.is_open:
            raise ValidationError(_("This loan was already returned."), code="returned")
        rules = regels(speelgoed.partner_id)
        if uitlening.verlengingen >= rules["max_verlengingen"]:
            raise ValidationError(_("This loan cannot be renewed again."), code="max_renewals")
        if Reservatie.objects.filter(speelgoed=speelgoed, status=Reservatie.Status.WACHTEND).exists():
            raise ValidationError(_("Another family is waiting for this item."), code="queue")
        start = max(uitlening.terug_op, timezone.localdate())
        uitlening.terug_op = start + timedelta(days=rules["uitleendagen"])
        uitlening.verlengingen += 1
        uitlening.herinnering_verstuurd_op = None
        uitlening.te_laat_verstuurd_op = None
        uitlening.save(
            update_fields=["terug_op", "verlengingen", "herinnering_verstuurd_op", "te_laat_verstuurd_op"]
        )
        speelgoed.terug_verwacht_op = uitlening.terug_op
        speelgoed.save(update_fields=["terug_verwacht_op"])
    return uitlening


def uitlening_anonymise(*, uitlening: Uitlening) -> UitleenTelling:
    """Count a closed loan (month, toy, age band, gemeente of the member's postcode) and delete it.

    Runs under the toy's lock (callers hold it), so two counts of the same toy never race.
    """
    speelgoed = uitlening.speelgoed
    postcode = uitlening.lid.postcode
    gemeente = Gemeente.objects.voor_postcode(postcode).order_by("nis").first() if postcode else None
    key = {
        "partner_id": speelgoed.partner_id,
        "maand": timezone.localtime(uitlening.uitgeleend_op).date().replace(day=1),
        "speelgoed": speelgoed,
        "leeftijdsband": speelgoed.leeftijdsband,
        "gemeente": gemeente,
    }
    telling = UitleenTelling.objects.filter(**key).first()
    if telling is None:
        telling = UitleenTelling.objects.create(**key, aantal=1)
    else:
        UitleenTelling.objects.filter(pk=telling.pk).update(aantal=F("aantal") + 1)
    uitlening.delete()
    return telling


def speelgoed_repaired(*, speelgoed: Speelgoed, aantal_stukken: int | None = None) -> Speelgoed:
    """A toy in repair is complete again: back in the catalogue (or to the first in its queue).

    Side effects: locks the toy; may change its number of pieces; may mark a reservation ready.
    """
    with transaction.atomic():
        speelgoed = _lock(speelgoed.pk)
        if speelgoed.status != Speelgoed.Status.IN_HERSTEL:
            raise ValidationError(_("This item is not in repair."), code="not_in_repair")
        if aantal_stukken:
            speelgoed.aantal_stukken = aantal_stukken
            speelgoed.save(update_fields=["aantal_stukken"])
        _release(speelgoed)
    return speelgoed


# --- Reservations --------------------------------------------------------------------------------------


def reservatie_create(*, speelgoed: Speelgoed, lid: Lid) -> Reservatie:
    """Reserve a toy: an available one is ready to collect at once (until the next opening hour has
    passed, at least SPELOTHEEK_OPHAALDAGEN); one that is out puts the member in its queue.

    Side effects: locks the toy; saves the reservation; an available toy becomes reserved and its
    ready mail is queued after commit.
    """
    with transaction.atomic():
        speelgoed = _lock(speelgoed.pk)
        _check_lid(lid, speelgoed)
        if speelgoed.status not in Speelgoed.IN_CATALOGUS:
            raise ValidationError(_("This item cannot be reserved right now."), code="unavailable")
        if Uitlening.objects.filter(speelgoed=speelgoed, lid=lid, teruggebracht_op__isnull=True).exists():
            raise ValidationError(_("You have this item at home."), code="has_it")
        if Reservatie.objects.filter(speelgoed=speelgoed, lid=lid, status__in=Reservatie.ACTIEF).exists():
            raise ValidationError(_("You have already reserved this item."), code="duplicate")
        reservatie = Reservatie(speelgoed=speelgoed, lid=lid)
        if speelgoed.status == Speelgoed.Status.BESCHIKBAAR:
            reservatie.status = Reservatie.Status.KLAAR
            reservatie.klaar_op = timezone.now()
            reservatie.ophalen_tot = _ophalen_tot(speelgoed.partner)
            speelgoed.status = Speelgoed.Status.GERESERVEERD
            speelgoed.save(update_fields=["status"])
        reservatie.save()
        if reservatie.status == Reservatie.Status.KLAAR:
            _ready_mail_on_commit(reservatie)
    return reservatie


def _reservatie_end(reservatie: Reservatie, status: str) -> Reservatie:
    with transaction.atomic():
        speelgoed = _lock(reservatie.speelgoed_id)
        reservatie = Reservatie.objects.select_for_update().get(pk=reservatie.pk)
        if reservatie.status not in Reservatie.ACTIEF:
            return reservatie
        was_klaar = reservatie.status == Reservatie.Status.KLAAR
        reservatie.status = status
        reservatie.save(update_fields=["status"])
        if was_klaar:
            _release(speelgoed)
    return reservatie


def reservatie_cancel(*, reservatie: Reservatie) -> Reservatie:
    """The member (or the counter) cancels a reservation; a ready toy goes to the next in line.

    Side effects: locks the toy; may mark the next reservation ready and queue its mail.
    """
    return _reservatie_end(reservatie, Reservatie.Status.GEANNULEERD)


def reservatie_lapse(*, reservatie: Reservatie) -> Reservatie:
    """A ready reservation not collected in time lapses; the toy goes to the next in line.

    Side effects: as `reservatie_cancel`; does nothing to a reservation not ready or not yet overdue.
    """
    if reservatie.status != Reservatie.Status.KLAAR or reservatie.ophalen_tot > timezone.now():
        return reservatie
    return _reservatie_end(reservatie, Reservatie.Status.VERVALLEN)


def reservaties_lapse_due() -> int:
    """Lapse every ready reservation past its collection time; returns how many lapsed."""
    due = Reservatie.objects.filter(status=Reservatie.Status.KLAAR, ophalen_tot__lte=timezone.now())
    lapsed = 0
    for reservatie in due.only("pk", "speelgoed_id", "status", "ophalen_tot"):
        if reservatie_lapse(reservatie=reservatie).status == Reservatie.Status.VERVALLEN:
            lapsed += 1
    return lapsed
