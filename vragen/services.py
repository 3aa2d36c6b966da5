"""Use cases of the vragen app that write: registering questions, conversations, signals.

Anonymity: nothing here stores a name, contact detail, IP address or user agent of a parent. A website
question's text lives in a Gesprek, reachable only with a pickup code whose keyed hash is stored
(vragen.codes), and deleted after settings.GESPREK_RETENTION_DAYS; its Vraag stays for the reports.
"""

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Thema
from huisvanhetkind.lib.mail import mail_send
from huisvanhetkind.lib.queue import enqueue_after_commit
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import COORDINATOR_GROUP, Gemeente, Partner, User

from . import codes
from .models import Bericht, Gesprek, Kanaal, Leeftijdsband, Signaal, Vraag, Vraagsteller, op_het_uur

logger = logging.getLogger(__name__)

# The only moves a signal makes, one step at a time.
SIGNAAL_VOLGENDE = {
    Signaal.Status.NIEUW: Signaal.Status.BESPROKEN,
    Signaal.Status.BESPROKEN: Signaal.Status.DOORGEGEVEN,
}


# --- Vragen ----------------------------------------------------------------------------------------


def vraag_register(
    *,
    user,
    gemeente: Gemeente,
    themas: list[Thema],
    kanaal: str,
    leeftijdsband: str = Leeftijdsband.ONBEKEND,
    vraagsteller: str = Vraagsteller.OUDER,
    datum: date | None = None,
    doorverwezen_naar: Partner | None = None,
    geregistreerd_bij: Partner | None = None,
) -> Vraag:
    """Register one anonymous question on behalf of `user` (a staff member). Creates a Vraag."""
    vraag = Vraag(
        gemeente=gemeente,
        leeftijdsband=leeftijdsband,
        vraagsteller=vraagsteller,
        kanaal=kanaal,
        datum=datum or timezone.localdate(),
        doorverwezen_naar=doorverwezen_naar,
        geregistreerd_door=user if getattr(user, "is_authenticated", False) else None,
        geregistreerd_bij=geregistreerd_bij,
    )
    vraag.full_clean(exclude=["themas"])
    with transaction.atomic():
        vraag.save()
        vraag.themas.set(themas)
    return vraag


def _check_may_correct(*, vraag: Vraag, user) -> None:
    if user.is_coordinator:
        return
    if vraag.geregistreerd_door_id != user.pk or not vraag.is_corrigeerbaar:
        raise PermissionDenied("This registration can no longer be changed.")


def vraag_update(*, vraag: Vraag, user, themas: list[Thema] | None = None, **fields) -> Vraag:
    """Correct a registration: its registrar within a day, a coordinator always. Saves the Vraag."""
    _check_may_correct(vraag=vraag, user=user)
    allowed = {
        "gemeente",
        "leeftijdsband",
        "vraagsteller",
        "kanaal",
        "datum",
        "doorverwezen_naar",
        "geregistreerd_bij",
    }
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"vraag_update() got an unexpected field {name!r}")
        setattr(vraag, name, value)
    vraag.full_clean(exclude=["themas"])
    with transaction.atomic():
        vraag.save(update_fields=sorted(fields) or None)
        if themas is not None:
            vraag.themas.set(themas)
    return vraag


def vraag_delete(*, vraag: Vraag, user) -> None:
    """Remove a registration made by mistake: its registrar within a day, a coordinator always."""
    _check_may_correct(vraag=vraag, user=user)
    vraag.delete()


# --- Gesprekken ------------------------------------------------------------------------------------


def gesprek_start(
    *, gemeente: Gemeente, themas: list[Thema], leeftijdsband: str, tekst: str
) -> tuple[Gesprek, str]:
    """A parent asks a question on the website.

    Registers a Vraag (channel: website) at once, and a Gesprek holding `tekst` as its first Bericht.
    Returns the Gesprek and the plain pickup code, which is stored nowhere: show it once. After commit,
    the coordinators get a mail that a question is waiting (without its text).
    """
    tekst = _clean_text(tekst)
    now = op_het_uur(timezone.now())
    for _attempt in range(5):
        code = codes.new_code()
        try:
            with transaction.atomic():
                vraag = vraag_register(
                    user=None,
                    gemeente=gemeente,
                    themas=themas,
                    kanaal=Kanaal.WEBSITE,
                    leeftijdsband=leeftijdsband,
                    vraagsteller=Vraagsteller.OUDER,
                    datum=timezone.localdate(now),
                )
                gesprek = Gesprek.objects.create(
                    vraag=vraag, code_hash=codes.code_hash(code), aangemaakt_op=now, laatste_bericht_op=now
                )
                Bericht.objects.create(
                    gesprek=gesprek, van=Bericht.Van.VRAAGSTELLER, tekst=tekst, aangemaakt_op=now
                )
        except IntegrityError:  # a code hash collision: 2**-60 per pair, but never a 500
            continue
        _notify_after_commit(gesprek.pk, "nieuw")
        return gesprek, code
    raise RuntimeError("Could not find a free pickup code.")


def gesprek_find(*, code: str) -> Gesprek | None:
    """The conversation behind a typed pickup code, or None; its messages come prefetched."""
    hashes = codes.candidate_hashes(code)
    if not hashes:
        return None
    # The pickup code is the capability: the asker reads their conversation with scopes disabled.
    with scopes_disabled():
        qs = Gesprek.objects.select_related("vraag__gemeente").prefetch_related("berichten")
        return qs.filter(code_hash__in=hashes).first()


def _clean_text(tekst: str) -> str:
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError(_("Write your message."))
    if len(tekst) > 4000:
        raise ValidationError(_("Keep your message under 4000 characters."))
    return tekst


def gesprek_follow_up(*, gesprek: Gesprek, tekst: str) -> Bericht:
    """The parent adds a message. Reopens the conversation, restarts its retention, notifies staff."""
    tekst = _clean_text(tekst)
    # The caller holds the conversation by its pickup code (gesprek_find), the capability.
    with scopes_disabled(), transaction.atomic():
        gesprek = Gesprek.objects.select_for_update().get(pk=gesprek.pk)
        if not gesprek.is_open_voor_vervolg:
            raise ValidationError(_("This conversation is closed."))
        now = op_het_uur(timezone.now())
        bericht = Bericht.objects.create(
            gesprek=gesprek, van=Bericht.Van.VRAAGSTELLER, tekst=tekst, aangemaakt_op=now
        )
        Gesprek.objects.filter(pk=gesprek.pk).update(status=Gesprek.Status.OPEN, laatste_bericht_op=now)
    _notify_after_commit(gesprek.pk, "vervolg")
    return bericht


def gesprek_answer(*, gesprek: Gesprek, user, tekst: str, sluiten: bool = False) -> Bericht:
    """A coordinator or a member of the assigned partner answers. Restarts the retention period.

    PermissionDenied for anyone else (a conversation outside the current scope). With `sluiten` the
    conversation is closed to follow-ups.
    """
    if not Gesprek.objects.filter(pk=gesprek.pk).exists():
        raise PermissionDenied("Not your conversation.")
    tekst = _clean_text(tekst)
    with transaction.atomic():
        gesprek = Gesprek.objects.select_for_update().get(pk=gesprek.pk)
        now = op_het_uur(timezone.now())
        bericht = Bericht.objects.create(
            gesprek=gesprek, van=Bericht.Van.NETWERK, tekst=tekst, auteur=user, aangemaakt_op=now
        )
        status = Gesprek.Status.GESLOTEN if sluiten else Gesprek.Status.BEANTWOORD
        Gesprek.objects.filter(pk=gesprek.pk).update(status=status, laatste_bericht_op=now)
    return bericht


def gesprek_assign(*, gesprek: Gesprek, partner: Partner | None) -> Gesprek:
    """Hand a conversation to a partner (or back to the coordinators). Mails that partner's members."""
    changed = gesprek.toegewezen_aan_id != (partner.pk if partner else None)
    gesprek.toegewezen_aan = partner
    gesprek.save(update_fields=["toegewezen_aan"])
    if changed and partner is not None:
        _notify_after_commit(gesprek.pk, "toegewezen")
    return gesprek


def gesprekken_delete_expired(*, now=None) -> int:
    """Delete every conversation past retention: its messages and code hash go, its Vraag stays.

    Each row is claimed with a conditional delete, so a follow-up arriving meanwhile (which moves
    `laatste_bericht_op`) saves it, and two workers never trip over each other. Returns the number deleted.
    """
    deleted = 0
    for pk in list(Gesprek.objects.verlopen(now).values_list("pk", flat=True)):
        with transaction.atomic():
            gesprek = Gesprek.objects.verlopen(now).select_for_update(skip_locked=True).filter(pk=pk).first()
            if gesprek is None:
                continue
            gesprek.delete()  # cascades to its Berichten; the Vraag is the parent and stays
            deleted += 1
    if deleted:
        logger.info("deleted %s conversations past retention", deleted)
    return deleted


def _notify_after_commit(gesprek_id: int, reden: str) -> None:
    from .tasks import notify_gesprek

    # The broker may be away: a notice is not worth a 500 (huisvanhetkind.lib.queue logs it and moves on).
    enqueue_after_commit(notify_gesprek, gesprek_id=gesprek_id, reden=reden)


def gesprek_notify(*, gesprek: Gesprek, reden: str) -> int:
    """Mail staff that a conversation waits: the assigned partner's members, else the coordinators.

    The mail holds no question text, only a link. Returns the number of mails sent.
    """
    if gesprek.toegewezen_aan_id:
        recipients = User.objects.filter(
            is_active=True, lidmaatschappen__partner_id=gesprek.toegewezen_aan_id
        )
        path = reverse("portal_gesprek", kwargs={"pk": gesprek.pk})
    else:
        recipients = User.objects.filter(is_active=True, is_staff=True, groups__name=COORDINATOR_GROUP)
        path = reverse("admin:vragen_gesprek_change", args=[gesprek.pk])
    context = {"reden": reden, "url": settings.SITE_URL + path, "gesprek": gesprek}
    # Blind copies: staff of one partner need not see each other's addresses.
    return mail_send(
        template="vragen/emails/gesprek",
        bcc=sorted(recipients.values_list("email", flat=True)),
        context=context,
    )


# --- Signalen --------------------------------------------------------------------------------------


def signaal_create(
    *,
    user,
    gemeente: Gemeente,
    thema: Thema,
    titel: str,
    tekst: str,
    bron_partner: Partner | None = None,
) -> Signaal:
    """Record a signal. A partner member may only name a partner of their scope as its source."""
    if not user.is_coordinator and (
        bron_partner is None or not Partner.objects.in_scope().filter(pk=bron_partner.pk).exists()
    ):
        raise PermissionDenied("Choose one of your own organisations as the source.")
    signaal = Signaal(
        gemeente=gemeente,
        thema=thema,
        titel=titel,
        tekst=tekst,
        bron_partner=bron_partner,
        aangemaakt_door=user,
    )
    signaal.full_clean()
    signaal.save()
    return signaal


def signaal_update(*, signaal: Signaal, user, **fields) -> Signaal:
    """A partner may edit its own signal while it is new; a coordinator always."""
    if not user.is_coordinator and (
        signaal.status != Signaal.Status.NIEUW or not Signaal.objects.filter(pk=signaal.pk).exists()
    ):
        raise PermissionDenied("This signal can no longer be changed.")
    for name, value in fields.items():
        if name not in {"gemeente", "thema", "titel", "tekst", "bron_partner"}:
            raise TypeError(f"signaal_update() got an unexpected field {name!r}")
        setattr(signaal, name, value)
    signaal.full_clean()
    signaal.save()
    return signaal


def signaal_move(*, signaal: Signaal, naar: str) -> bool:
    """Move a signal one step on (nieuw -> besproken -> doorgegeven). False if it is not that step.

    The move is an atomic conditional update, so two coordinators clicking at once move it only once.
    Passing on stamps `doorgegeven_op` with today's date.
    """
    van = next((status for status, volgende in SIGNAAL_VOLGENDE.items() if volgende == naar), None)
    if van is None:
        return False
    updates = {"status": naar, "bijgewerkt_op": timezone.now()}
    if naar == Signaal.Status.DOORGEGEVEN:
        updates["doorgegeven_op"] = timezone.localdate()
    moved = Signaal.objects.filter(pk=signaal.pk, status=van).update(**updates) == 1
    if moved:
        signaal.refresh_from_db()
    return moved
