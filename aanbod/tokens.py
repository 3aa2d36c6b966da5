"""Registration manage tokens: the secret in a parent's manage link, never stored in clear.

The link `/inschrijving/<token>/` is the only key to a registration (no account). The database keeps:
- `token_hash`: HMAC-SHA256 of the token keyed with SECRET_KEY (`salted_hmac`, as the pickup codes of
  questions in `vragen/codes.py`), behind a unique index; a link is looked up by it;
- `token_seal`: the token encrypted with a key derived from SECRET_KEY, because the link must go out
  again after the registration was made: the reminder, "you moved up from the waiting list", "the
  activity is cancelled" and a re-sent link are mailed by the worker, days later, and each carries the
  same link as the confirmation (an older mail's link keeps working).

A stolen database alone therefore yields no working link; with SECRET_KEY too it would (as it would
forge sessions). The seal is a one-block stream cipher: a random 16-byte nonce and the token XOR
HMAC-SHA256(key, nonce || counter); the hash authenticates it (an unsealed token counts only when its
hash is the stored one). Hashes and seals made under a key in SECRET_KEY_FALLBACKS keep working.

The migration `aanbod.0011_inschrijving_token_hash` imports this module: keep these functions stable
(the salts and the formats) or existing links stop working.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

_HASH_SALT = "aanbod.Inschrijving.token"
_SEAL_SALT = "aanbod.Inschrijving.token_seal"
_NONCE_BYTES = 16
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


def _keystream(nonce: bytes, length: int, secret: str) -> bytes:
    key = salted_hmac(_SEAL_SALT, "key", secret=secret, algorithm="sha256").digest()
    blocks = (length + 31) // 32
    stream = b"".join(
        hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        for counter in range(blocks)
    )
    return stream[:length]


def token_seal(token: str, *, secret: str | None = None) -> str:
    """The token encrypted for storage (URL-safe base64 of nonce and ciphertext)."""
    data = token.encode()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    stream = _keystream(nonce, len(data), secret or settings.SECRET_KEY)
    sealed = bytes(a ^ b for a, b in zip(data, stream, strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def token_unseal(seal: str, stored_hash: str) -> str:
    """The token behind a seal, or "" when it cannot be recovered (no seal, or a key no longer known)."""
    if not seal:
        return ""
    try:
        raw = base64.urlsafe_b64decode(seal + "=" * (-len(seal) % 4))
    except ValueError:
        return ""
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    for secret in _secrets():
        stream = _keystream(nonce, len(sealed), secret)
        try:
            token = bytes(a ^ b for a, b in zip(sealed, stream, strict=True)).decode()
        except UnicodeDecodeError:
            continue
        if hmac.compare_digest(token_hash(token, secret=secret), stored_hash):
            return token
    return ""


def token_stored_forms(token: str) -> tuple[str, str]:
    """(token_hash, token_seal) of a token, under the current key."""
    return token_hash(token), token_seal(token)
