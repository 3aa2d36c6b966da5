"""Pickup codes: what a parent writes down to read the answer to an anonymous question.

A code is 12 characters in three groups of four from Crockford's base-32 alphabet (digits and capitals
without I, L, O and U), e.g. ``7KQ2-M9XD-4T0B``: 60 random bits, easy to read aloud and to copy by
hand. Typing is forgiven: lower case, spaces, dots or dashes anywhere, O for 0 and I or L for 1.

Only a hash is stored: HMAC-SHA256 of the normalised code, keyed with SECRET_KEY (via `salted_hmac`).
Why a keyed fast hash and not a slow password hash:
- The code must find its Gesprek by itself (there is no user name), so the hash must be deterministic
  to be looked up through a unique index; a salted slow hash would need a second identifier to write
  down.
- Slow hashing protects low-entropy secrets such as passwords. A code has 60 random bits: guessing
  online is throttled by the rate limit (a client gets a handful of wrong tries an hour), and offline a
  stolen database is useless without SECRET_KEY; even with it, finding one of n live codes takes on
  the order of 2**60 / n HMAC computations.
Codes keep working across a key rotation as long as the old key is in SECRET_KEY_FALLBACKS.
"""

import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 3
GROUP_LENGTH = 4
LENGTH = GROUPS * GROUP_LENGTH
BITS = LENGTH * 5  # 60
_KEY_SALT = "vragen.Gesprek.code"
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s.\-_/]+")


def new_code() -> str:
    """A fresh code, formatted for display: ``XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return format_code(raw)


def format_code(normalised: str) -> str:
    return "-".join(normalised[i : i + GROUP_LENGTH] for i in range(0, LENGTH, GROUP_LENGTH))


def normalise(typed: str) -> str | None:
    """The 12 characters of a typed code, or None if it cannot be a code."""
    raw = _SEPARATORS.sub("", typed or "").upper().translate(_TYPOS)
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return raw


def code_hash(code: str, *, secret: str | None = None) -> str:
    """The stored form of a code (normalised first)."""
    raw = normalise(code)
    if raw is None:
        raise ValueError("Not a pickup code.")
    return salted_hmac(_KEY_SALT, raw, secret=secret, algorithm="sha256").hexdigest()


def candidate_hashes(typed: str) -> list[str]:
    """The hashes a typed code may be stored under (current key and fallbacks); [] if not a code."""
    if normalise(typed) is None:
        return []
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [code_hash(typed, secret=secret) for secret in secrets_]
