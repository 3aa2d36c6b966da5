"""Two-step verification: who needs it, and the proof of the mailbox before a first authenticator.

Who needs it: every account that can see personal data, question texts or reports: coordinators,
staff and superusers (the admin), every partner member (beheerders and medewerkers both read their
partner's registrations and conversations), and municipality staff (their reports are built from
questions, and signals describe families' situations in a small place). In short: every account,
since accounts exist only for these roles. `partners.middleware.RequiresMFAMiddleware` keeps an account
without an authenticator on the set-up pages.

Why a mailbox proof: with a stolen password alone, an attacker could otherwise enrol *their own*
authenticator and from then on pass the second step. So a first authenticator (app or passkey) can be
added only in a session that has proven access to the account's mailbox: the invitation link (which
was mailed), or a one-time code mailed to the account's address. The proof is kept in the session for
`PROOF_SECONDS`; allauth's "confirm your password again" is then not asked a second time.
"""

import hashlib
import hmac
import logging
import secrets
import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils import translation

from huisvanhetkind.lib.mail import mail_send
from huisvanhetkind.lib.scoping import scopes_disabled

logger = logging.getLogger(__name__)

PROOF_KEY = "tweestaps_mailbox_bewezen"
CODE_KEY = "tweestaps_mailcode"
PROOF_SECONDS = 30 * 60
CODE_SECONDS = 15 * 60
CODE_ATTEMPTS = 5
CODE_DIGITS = 8

# The kinds of authenticator that count as a second step (recovery codes only back them up).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required(user) -> bool:
    """Does this account need two-step verification before it reaches anything but the set-up?"""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # About the account itself, whatever partner scope the request is in.
    with scopes_disabled():
        return user.lidmaatschappen.exists() or user.gemeentetoegangen.exists()


def mfa_enrolled(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def _code_hash(user_id: int, code: str) -> str:
    message = f"tweestaps:{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def mailbox_proof_record(request) -> None:
    """Remember in the session that this person just proved they read the account's mailbox."""
    request.session[PROOF_KEY] = {"user": request.user.pk, "at": time.time()}
    request.session.pop(CODE_KEY, None)


def mailbox_proven(request) -> bool:
    proof = request.session.get(PROOF_KEY) or {}
    return proof.get("user") == request.user.pk and time.time() - proof.get("at", 0) < PROOF_SECONDS


def mailbox_code_send(*, request) -> None:
    """Mail a one-time code to the logged-in account's address; only its HMAC stays, in the session.

    A new code replaces the previous one. Sends the mail at once (the person is waiting for it).
    """
    user = request.user
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    request.session[CODE_KEY] = {
        "user": user.pk,
        "hash": _code_hash(user.pk, code),
        "until": time.time() + CODE_SECONDS,
        "attempts": 0,
    }
    mail_send(
        template="partners/emails/tweestaps_code",
        to=[user.email],
        taal=translation.get_language(),
        context={"code": f"{code[:4]} {code[4:]}", "minuten": CODE_SECONDS // 60},
    )
    logger.info("two-step set-up code mailed to user %s", user.pk)  # never the code


def mailbox_code_pending(request) -> bool:
    pending = request.session.get(CODE_KEY) or {}
    return pending.get("user") == request.user.pk and pending.get("until", 0) > time.time()


def mailbox_code_verify(*, request, code: str) -> bool:
    """Check a code typed in; True records the mailbox proof. After CODE_ATTEMPTS wrong tries (or
    CODE_SECONDS) the code stops working and a new one must be sent."""
    pending = request.session.get(CODE_KEY) or {}
    if pending.get("user") != request.user.pk or pending.get("until", 0) <= time.time():
        return False
    if pending.get("attempts", 0) >= CODE_ATTEMPTS:
        return False
    pending["attempts"] = pending.get("attempts", 0) + 1
    request.session[CODE_KEY] = pending
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(typed) != CODE_DIGITS or not hmac.compare_digest(
        pending.get("hash", ""), _code_hash(request.user.pk, typed)
    ):
        return False
    mailbox_proof_record(request)
    return True
