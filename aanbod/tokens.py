"""Registration manage tokens: the secret in a parent's manage link, never stored in clear.

The link `/inschrijving/<token>/` is the only key to a registration (no account). The database keeps:
- `token_hash`: HMAC-SHA256 of the token keyed with SECRET_KEY (`salted_hmac`, as the pickup codes of
  questions in `vragen/codes.py`), behind a unique index; a link is looked up by it;
- `token_seal`: the token encrypted with a key derived from SECRET_KEY, because the link must go out
  again after the registration was made: the reminder, "you moved up from the waiting list", "the
  activity is cancelled" and a re-sent link are mailed by the worker, days later, and each carries the
  same link as the confirmation (an older mail's link keeps working).

A stolen database alone therefore yields no working link; with SECRET_KEY too it would (as it would
forge sessions). The seal is AES-256-GCM from `cryptography` (the reviewed library the passkeys already
depend on, through fido2), with a key derived from SECRET_KEY and a random 96-bit nonce: `v2.` followed by
URL-safe base64 of nonce || ciphertext || tag. An unsealed token also counts only when its hash is the
stored one. Seals of the first format (no prefix: a home-made HMAC keystream, written before 2026-12)
are still read, never written. Hashes and seals made under a key in SECRET_KEY_FALLBACKS keep working.

The migration `aanbod.0011_inschrijving_token_hash` imports this module: keep these functions stable
(the salts and the formats) or existing links stop working.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.crypto import salted_hmac

_HASH_SALT = "aanbod.Inschrijving.token"
_SEAL_SALT = "aanbod.Inschrijving.token_seal"
_NONCE_BYTES = 16  # the first format's nonce
_GCM_NONCE_BYTES = 12
_V2 = "v2."  # not in the URL-safe base64 alphabet, so no first-format seal starts with it
TOKEN_BYTES = 32  # 256 random bits; 43 characters in the URL


def new_token() -> str:
    """A fresh token for a manage link (URL-safe base64, 43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def token_hash(token: str, *, secret: str | None = None) -> str:
    """The stored, looked-up form of a token (64 hex characters)."""
    return salted_hmac(_HASH_SALT, token, secret=secret, algorithm="sha256").hexdigest()


def candidate_hashes(token: str) -> list[str]:
    """The hashes a token from a link may be stored under: the current key and the fallbacks."""
    return [token_hash(token, secret=secret) for secret in _secrets()]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None


def _aead(secret: str) -> AESGCM:
    return AESGCM(salted_hmac(_SEAL_SALT, "aes-256-gcm", secret=secret, algorithm="sha256").digest())


def token_seal(token: str, *, secret: str | None = None) -> str:
    """The token encrypted for storage: `v2.` and URL-safe base64 of nonce, ciphertext and tag."""
    nonce = secrets.token_bytes(_GCM_NONCE_BYTES)
    sealed = _aead(secret or settings.SECRET_KEY).encrypt(nonce, token.encode(), _SEAL_SALT.encode())
    return _V2 + _b64(nonce + sealed)


def _unseal_v2(raw: bytes, secret: str) -> str | None:
    nonce, sealed = raw[:_GCM_NONCE_BYTES], raw[_GCM_NONCE_BYTES:]
    try:
        return _aead(secret).decrypt(nonce, sealed, _SEAL_SALT.encode()).decode()
    except (InvalidTag, ValueError, UnicodeDecodeError):
        return None


def _keystream(nonce: bytes, length: int, secret: str) -> bytes:
    key = salted_hmac(_SEAL_SALT, "key", secret=secret, algorithm="sha256").digest()
    blocks = (length + 31) // 32
    stream = b"".join(
        hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        for counter in range(blocks)
    )
    return stream[:length]


def _unseal_v1(raw: bytes, secret: str) -> str | None:
    """The first format, read only: the token XOR an HMAC-SHA256 keystream."""
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    try:
        return bytes(
            a ^ b for a, b in zip(sealed, _keystream(nonce, len(sealed), secret), strict=True)
        ).decode()
    except UnicodeDecodeError:
        return None


def token_unseal(seal: str, stored_hash: str) -> str:
    """The token behind a seal, or "" when it cannot be recovered (no seal, or a key no longer known)."""
    if not seal:
        return ""
    v2 = seal.startswith(_V2)
    raw = _unb64(seal.removeprefix(_V2))
    if raw is None:
        return ""
    for secret in _secrets():
        token = _unseal_v2(raw, secret) if v2 else _unseal_v1(raw, secret)
        if token is not None and hmac.compare_digest(token_hash(token, secret=secret), stored_hash):
            return token
    return ""


def token_stored_forms(token: str) -> tuple[str, str]:
    """(token_hash, token_seal) of a token, under the current key."""
    return token_hash(token), token_seal(token)
