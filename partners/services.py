"""Use cases of the partners app that write: invitations, memberships, a partner's profile.

Invitations: the token is shown once (in the mail) and only its SHA-256 is stored, so a copy of the
database gives nobody a working link. An invitation works once, until `verloopt_op`, and only for the
e-mail address it was sent to.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from huisvanhetkind.lib.files import delete_replaced
from huisvanhetkind.lib.mail import mail_recipients, mail_send
from huisvanhetkind.lib.queue import send_task
from huisvanhetkind.lib.scoping import scopes_disabled

from .models import Gemeente, Gemeentetoegang, Lidmaatschap, Partner, Uitnodiging, User

logger = logging.getLogger(__name__)


class UitnodigingError(ValidationError):
    """The invitation cannot be used (unknown, expired, used, or for another address)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The invitation token is the capability: the invited person is nobody's member yet, so the lookup and
# the claim run with the scopes disabled.
@scopes_disabled()
def uitnodiging_for_token(token: str) -> Uitnodiging | None:
    """The invitation behind a token from a link, or None. Does not check whether it is still open."""
    if not token or len(token) > 100:
        return None
    return (
        Uitnodiging.objects.select_related("partner", "gemeente").filter(token_hash=token_hash(token)).first()
    )


def uitnodiging_url(token: str) -> str:
    return settings.SITE_URL + reverse("uitnodiging_accept", kwargs={"token": token})


def uitnodiging_validate(*, email: str, partner: Partner | None, gemeente: Gemeente | None) -> None:
    """ValidationError when `email` already has the access an invitation would give."""
    bestaand = User.objects.filter(email__iexact=(email or "").strip()).first()
    if bestaand is None:
        return
    if partner and Lidmaatschap.objects.filter(user=bestaand, partner=partner).exists():
        raise ValidationError(
            _("%(email)s already works for %(partner)s.") % {"email": bestaand.email, "partner": partner}
        )
    if gemeente and Gemeentetoegang.objects.filter(user=bestaand, gemeente=gemeente).exists():
        raise ValidationError(
            _("%(email)s can already read the reports of %(gemeente)s.")
            % {"email": bestaand.email, "gemeente": gemeente}
        )


def uitnodiging_create(
    *,
    email: str,
    partner: Partner | None = None,
    rol: str = Lidmaatschap.Rol.MEDEWERKER,
    gemeente: Gemeente | None = None,
    door: User | None,
    taal: str | None = None,
    send: bool = True,
) -> tuple[Uitnodiging, str]:
    """Invite `email` to work for `partner` (with `rol`) or to read `gemeente`'s reports.

    Creates an Uitnodiging valid for settings.INVITATION_DAYS days; an older open invitation for the same
    address and partner/gemeente stops working. Mails the link after commit (in `taal`, default the
    current language) unless `send` is false. Returns the invitation and the plain token, which is not
    stored anywhere. ValidationError when the address already has that access.
    """
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email:
        raise ValidationError(_("Enter an e-mail address."))
    if (partner is None) == (gemeente is None):
        raise ValidationError(_("Invite for a partner or for a gemeente."))
    if rol not in Lidmaatschap.Rol.values:
        raise ValidationError(_("Choose a role."))
    uitnodiging_validate(email=email, partner=partner, gemeente=gemeente)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        Uitnodiging.objects.filter(
            email__iexact=email, partner=partner, gemeente=gemeente, gebruikt_op__isnull=True
        ).filter(verloopt_op__gt=now).update(verloopt_op=now)
        uitnodiging = Uitnodiging(
            email=email,
            partner=partner,
            gemeente=gemeente,
            rol=rol if partner else Lidmaatschap.Rol.MEDEWERKER,
            token_hash=token_hash(token),
            aangemaakt_door=door if door is not None and door.pk else None,
            aangemaakt_op=now,
            verloopt_op=now + timedelta(days=settings.INVITATION_DAYS),
        )
        uitnodiging.full_clean(exclude=["token_hash"])
        uitnodiging.save()
        if send:
            taal = taal or translation.get_language() or settings.LANGUAGE_CODE
            _send_mail_after_commit(uitnodiging_id=uitnodiging.pk, token=token, taal=taal)
    logger.info(
        "invitation %s created by user %s", uitnodiging.pk, getattr(door, "pk", None)
    )  # never the token
    return uitnodiging, token


def _send_mail_after_commit(**kwargs) -> None:
    """Hand the mail to Celery after commit; when the broker is away, send it now instead.

    No periodic scan can resend an invitation (its token is not stored), so it must not be dropped.
    """
    from .tasks import send_uitnodiging

    def send() -> None:
        if not send_task(send_uitnodiging, **kwargs) and not send_uitnodiging.app.conf.task_always_eager:
            send_uitnodiging.run(**kwargs)

    transaction.on_commit(send)


def uitnodiging_revoke(*, uitnodiging: Uitnodiging, door: User | None = None) -> Uitnodiging:
    """Make an open invitation stop working now (its link then says it has expired). No mail."""
    if uitnodiging.is_open:
        uitnodiging.verloopt_op = timezone.now()
        uitnodiging.save(update_fields=["verloopt_op"])
        logger.info("invitation %s revoked by user %s", uitnodiging.pk, getattr(door, "pk", None))
    return uitnodiging


def uitnodiging_mail(*, uitnodiging: Uitnodiging, token: str, taal: str | None = None) -> int:
    """Send the invitation mail with the link for `token`. Returns the number of mails sent."""
    if uitnodiging.token_hash != token_hash(token):
        raise ValueError("token does not belong to this invitation")
    taal = taal or settings.LANGUAGE_CODE
    with translation.override(taal):
        url = uitnodiging_url(token)  # with the language prefix of the mail's language
    context = {
        "uitnodiging": uitnodiging,
        "url": url,
        "door": uitnodiging.aangemaakt_door,
        "dagen": settings.INVITATION_DAYS,
    }
    return mail_send(
        template="partners/emails/uitnodiging", to=[uitnodiging.email], context=context, taal=taal
    )


def uitnodiging_check_open(uitnodiging: Uitnodiging | None) -> Uitnodiging:
    if uitnodiging is None:
        raise UitnodigingError(_("This invitation link is not valid."), code="unknown")
    if uitnodiging.gebruikt_op is not None:
        raise UitnodigingError(_("This invitation has already been used."), code="used")
    if uitnodiging.verloopt_op <= timezone.now():
        raise UitnodigingError(_("This invitation has expired."), code="expired")
    return uitnodiging


@scopes_disabled()
def uitnodiging_accept(
    *, token: str, user: User | None = None, naam: str = "", password: str | None = None
) -> User:
    """Use an invitation: give the invited person their access and mark the invitation used.

    With `user` (someone logged in) the invitation must be for that user's address. Without, an account
    is created for the invited address with `naam` and `password` (validated by the password
    validators); if that address already has an account, ValidationError (they must log in first).
    Creates a Lidmaatschap or a Gemeentetoegang. Raises UitnodigingError when the invitation is unknown,
    used, expired, or for another e-mail address. The claim is atomic: used once, even when two requests
    race.
    """
    uitnodiging = uitnodiging_check_open(uitnodiging_for_token(token))
    if user is not None and user.email.lower() != uitnodiging.email.lower():
        raise UitnodigingError(
            _("This invitation is for another e-mail address. Log out and open the link again."),
            code="other_email",
        )
    with transaction.atomic():
        claimed = Uitnodiging.objects.filter(
            pk=uitnodiging.pk, gebruikt_op__isnull=True, verloopt_op__gt=timezone.now()
        ).update(gebruikt_op=timezone.now())
        if claimed != 1:
            raise UitnodigingError(_("This invitation has already been used."), code="used")
        if user is None:
            if User.objects.filter(email__iexact=uitnodiging.email).exists():
                raise ValidationError(
                    _("There is already an account for this e-mail address. Log in to accept."),
                    code="account_exists",
                )
            user = User(email=uitnodiging.email.lower(), naam=(naam or "").strip()[:150])
            from django.contrib.auth.password_validation import validate_password

            validate_password(password or "", user)
            user.set_password(password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                raise ValidationError(
                    _("There is already an account for this e-mail address. Log in to accept."),
                    code="account_exists",
                ) from None
        elif naam and not user.naam:
            user.naam = naam.strip()[:150]
            user.save(update_fields=["naam"])
        if uitnodiging.partner_id:
            Lidmaatschap.objects.get_or_create(
                user=user, partner_id=uitnodiging.partner_id, defaults={"rol": uitnodiging.rol}
            )
        if uitnodiging.gemeente_id:
            Gemeentetoegang.objects.get_or_create(user=user, gemeente_id=uitnodiging.gemeente_id)
        _mark_email_verified(user)
    logger.info("invitation %s accepted by user %s", uitnodiging.pk, user.pk)
    return user


def _mark_email_verified(user: User) -> None:
    """The person proved they read mail at this address by opening the invitation."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )


def lidmaatschap_remove(*, lidmaatschap: Lidmaatschap, door: User) -> None:
    """Remove a medewerker from a partner (by a beheerder of that partner or a coordinator).

    The account stays (it may work for other partners) but loses all access to this partner at once.
    ValidationError when someone tries to remove a beheerder or themselves in the portal.
    """
    if not door.is_coordinator:
        if lidmaatschap.user_id == door.pk:
            raise ValidationError(_("You cannot remove yourself."))
        if lidmaatschap.rol == Lidmaatschap.Rol.BEHEERDER:
            raise ValidationError(_("Only a coordinator can remove a manager."))
    pk = lidmaatschap.pk
    lidmaatschap.delete()
    logger.info("membership %s removed by user %s", pk, door.pk)


def partner_ontvangers(partner: Partner) -> list[str]:
    """Who gets mail for `partner`: its general address and its active beheerders', without doubles."""
    beheerders = Lidmaatschap.objects.filter(
        partner=partner, rol=Lidmaatschap.Rol.BEHEERDER, user__is_active=True
    ).values_list("user__email", flat=True)
    return mail_recipients([partner.email, *beheerders])


def partner_logo_stored(*, partner: Partner, oud: str = "") -> None:
    """After a profile form saved a logo (already cleaned by huisvanhetkind.lib.images.clean_image): delete
    the replaced or cleared file. Thumbnails are made once, on first use, by the pages that show them
    (huisvanhetkind.lib.images.thumbnail); a new logo has a new random name, so it never shows a stale
    thumbnail."""
    delete_replaced(partner.logo.storage, oud, partner.logo.name if partner.logo else "")
