"""Rate limiting per client, kept in the cache only, never in the database.

Why this exists: public forms (an anonymous question, a pickup code, a registration) must resist a
script hammering them, without a third-party captcha and without storing anyone's IP address.

How a client is recognised
    By its IP address (REMOTE_ADDR; an IPv6 address is reduced to its /64 network, which is what one
    household gets), or by any other string a `key` function returns. That identity is never stored:
    the cache key is ``rl:<hmac>:<window>`` where ``<hmac>`` is an HMAC-SHA256 of the purpose and the
    identity keyed with SECRET_KEY. Entries expire with their window. Behind a reverse proxy set
    ``RATELIMIT_TRUSTED_PROXIES`` (the number of proxies in front of Django, default 0) and the client
    is taken from ``X-Forwarded-For``, counting that many addresses from the right.

Windows
    fixed (default): at most ``limit`` hits per calendar window of ``period`` seconds (the key holds the
        window number). Cheap: one INCR. A client may burst up to 2x the limit around a boundary.
    sliding: the count of the current window plus the previous window's count weighted by the part of
        it that still overlaps the last ``period`` seconds (the approximation nginx and Cloudflare use).
        Smooth, two keys per check.

Failing open
    If the cache is unreachable (Redis down), every function allows the request and logs a warning
    ``ratelimit: cache unavailable``. A broken limiter must never take a public form down with it.

Rates are written ``"<limit>/<period>"``: ``"5/h"``, ``"10/m"``, ``"100/d"``, ``"3/10m"``, ``"1/30s"``.

Using it

    Block a view (answers 429 with templates/429.html and a Retry-After header)::

        from huisvanhetkind.lib.ratelimit import ratelimit

        @ratelimit("vraag-stellen", "5/h", methods=["POST"])
        def vraag_stellen(request): ...

    Count only failures (wrong codes, failed logins) with a `RateLimit` object::

        codes = RateLimit("ophaalcode", "10/h", sliding=True)

        def view(request):
            if codes.peek(request).limited:
                return too_many_requests(request, codes.peek(request))
            if not found:
                codes.hit(request)

    ``ratelimit(..., block=False)`` lets the view decide: it sets ``request.ratelimit`` to the `Usage`.

Settings (all optional): ``RATELIMIT_ENABLED`` (default True), ``RATELIMIT_CACHE`` (cache alias,
default "default"), ``RATELIMIT_TRUSTED_PROXIES`` (default 0).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_KEY_SALT = "partners.ratelimit"


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/h"`` -> ``(5, 3600)``; ``"3/10m"`` -> ``(3, 600)``. Raises ValueError on anything else."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"Not a rate: {rate!r}. Write it like '5/h', '10/m' or '3/10m'.")
    limit, multiplier, unit = match.groups()
    period = int(multiplier or 1) * _PERIODS[unit]
    if int(limit) < 1 or period < 1:
        raise ValueError(f"A rate needs a limit and a period of at least 1: {rate!r}.")
    return int(limit), period


def client_ip(request) -> str:
    """The client's address as Django sees it, proxies accounted for; IPv6 reduced to its /64."""
    proxies = getattr(settings, "RATELIMIT_TRUSTED_PROXIES", 0)
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Usage:
    """Where a client stands in its window: `count` includes this hit (estimated when sliding)."""

    count: float
    limit: int
    period: int
    retry_after: int
    limited: bool

    @property
    def remaining(self) -> int:
        return max(self.limit - math.ceil(self.count), 0)


def _open_usage(limit: int, period: int) -> Usage:
    return Usage(count=0, limit=limit, period=period, retry_after=0, limited=False)


class RateLimit:
    """A named limit: `purpose` keeps counters of different forms apart."""

    def __init__(
        self,
        purpose: str,
        rate: str,
        *,
        sliding: bool = False,
        key: Callable[[object], str | None] | None = None,
    ) -> None:
        self.purpose = purpose
        self.rate = rate
        self.limit, self.period = parse_rate(rate)
        self.sliding = sliding
        self.key = key or client_ip

    def __repr__(self) -> str:
        kind = "sliding" if self.sliding else "fixed"
        return f"RateLimit({self.purpose!r}, {self.rate!r}, {kind})"

    # --- public API -------------------------------------------------------------------------------
    def hit(self, request) -> Usage:
        """Count one hit for this client and say whether it is over the limit."""
        return self._check(request, increment=True)

    def peek(self, request) -> Usage:
        """Where this client stands, without counting a hit."""
        return self._check(request, increment=False)

    def reset(self, request) -> None:
        """Forget this client's counts (e.g. after a successful login)."""
        digest = self._digest(request)
        if digest is None:
            return
        window = self._window(time.time())
        try:
            keys = [self._key(digest, window), self._key(digest, window - 1)]
            caches[self._cache_alias()].delete_many(keys)
        except Exception:
            logger.warning("ratelimit: cache unavailable, could not reset %s", self.purpose, exc_info=True)

    # --- internals --------------------------------------------------------------------------------
    @staticmethod
    def _cache_alias() -> str:
        return getattr(settings, "RATELIMIT_CACHE", "default")

    def _digest(self, request) -> str | None:
        identity = self.key(request)
        if identity is None:
            return None
        return salted_hmac(_KEY_SALT, f"{self.purpose}\x00{identity}", algorithm="sha256").hexdigest()[:32]

    def _window(self, now: float) -> int:
        return int(now // self.period)

    def _key(self, digest: str, window: int) -> str:
        return f"rl:{digest}:{window}"

    def _check(self, request, *, increment: bool) -> Usage:
        if not getattr(settings, "RATELIMIT_ENABLED", True):
            return _open_usage(self.limit, self.period)
        digest = self._digest(request)
        if digest is None:
            return _open_usage(self.limit, self.period)
        now = time.time()
        window = self._window(now)
        elapsed = now - window * self.period
        retry_after = max(math.ceil(self.period - elapsed), 1)
        try:
            current = self._count(self._key(digest, window), increment=increment)
            count: float = current
            if self.sliding:
                previous = caches[self._cache_alias()].get(self._key(digest, window - 1)) or 0
                count = previous * (1 - elapsed / self.period) + current
        except Exception:
            logger.warning("ratelimit: cache unavailable, allowing %s", self.purpose, exc_info=True)
            return _open_usage(self.limit, self.period)
        # A peek asks "would one more hit be allowed?"; a hit asks "was this one allowed?".
        limited = count >= self.limit if not increment else count > self.limit
        if limited:
            logger.info("ratelimit: %s limited (%.1f of %s)", self.purpose, count, self.limit)
        return Usage(
            count=count, limit=self.limit, period=self.period, retry_after=retry_after, limited=limited
        )

    def _count(self, key: str, *, increment: bool) -> int:
        cache = caches[self._cache_alias()]
        # Keep the key a little longer than its window, so a sliding check can read the previous one.
        timeout = self.period * (2 if self.sliding else 1) + 1
        if not increment:
            return int(cache.get(key) or 0)
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            return 1


def too_many_requests(request, usage: Usage | None = None):
    """The friendly 429 page, with a Retry-After header when the wait is known."""
    retry_after = usage.retry_after if usage else None
    minutes = math.ceil(retry_after / 60) if retry_after else None
    response = render(request, "429.html", {"retry_after_minutes": minutes}, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def ratelimit(
    purpose: str,
    rate: str,
    *,
    methods: Iterable[str] = ("POST",),
    sliding: bool = False,
    key: Callable[[object], str | None] | None = None,
    block: bool = True,
):
    """Decorate a view: count each request with one of `methods` against `rate` for this client.

    Over the limit, answer 429 (``block=True``) or let the view decide from ``request.ratelimit``.
    Requests with other methods pass through uncounted (``request.ratelimit`` is then None).
    """
    limiter = RateLimit(purpose, rate, sliding=sliding, key=key)
    counted = {method.upper() for method in methods}

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            request.ratelimit = None
            if request.method in counted:
                usage = limiter.hit(request)
                request.ratelimit = usage
                if usage.limited and block:
                    return too_many_requests(request, usage)
            return view(request, *args, **kwargs)

        wrapped.limiter = limiter
        return wrapped

    return decorator
