"""HTTP caching of the public pages for anonymous visitors.

Two layers, both keyed by the wegwijzer's data version (a PostgreSQL sequence that every write to a table
the public pages show advances; migration aanbod/0008):

- the page cache: the rendered page in Django's cache (Redis when REDIS_URL is set, so all workers share
  it), under the full path, the language and the data version. WEGWIJZER_PAGE_CACHE_SECONDS (default 60,
  0 turns it off) only bounds the tiny window between a write and its commit;
- validators for browsers and the TLS proxy: `ETag` and `Last-Modified` derived from the same version,
  so a conditional GET is answered 304 before anything is rendered, and `Cache-Control: public` with a
  short max-age.

The pages also change with the clock (an activity that has ended drops off the agenda without any write),
so the validators roll over every TIME_BUCKET_SECONDS as well.

Never for a logged-in user, never for a request that has messages to show, never for a response that set
a cookie or used the CSRF token (a form): those get `Cache-Control: private, no-cache` and are not stored.
Without a data version (SQLite) nothing is stored and the ETag is a hash of the rendered page.

A public form (`/vraag/`) cannot be shared as it is: it holds the visitor's CSRF token and a one-time
token, and must not come back from a browser's cache (its one-time token may have been used). Its view
stays `never_cache`; `form_for_visitors` only spares the server the render: the empty form is stored
under the same kind of key with both tokens taken out, and every request gets it with its own put in.
"""

import hashlib
import re
import secrets
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

TIME_BUCKET_SECONDS = 300
DEFAULT_MAX_AGE = 60
# How long past its WEGWIJZER_PAGE_CACHE_SECONDS a stored page may still be served while one request
# renders it anew (same data version and clock bucket: only the write-to-commit window can differ).
STALE_SECONDS = 30
_SEEN_SECONDS = 3600  # expiring only moves Last-Modified later: harmless
_STORED_HEADERS = ("Content-Type", "Content-Disposition")
# What a form view renders where a fresh one-time token belongs (form_for_visitors puts one in).
ONE_TIME_TOKEN = "hvhk-one-time-token-placeholder"
_ONE_TIME = ONE_TIME_TOKEN.encode()
_CSRF_HOLE = b"hvhk-csrf-token-placeholder"
# Django's {% csrf_token %} renders exactly this.
_CSRF_FIELD = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")([^"]+)(")')


def data_version() -> int | None:
    """The wegwijzer's data version (PostgreSQL, migration aanbod/0008), or None where there is none.

    With CONN_HEALTH_CHECKS Django sends `SELECT 1` before a request's first query on a kept connection.
    When the version is that first query (as for every page served from the cache) it is the check
    itself: a connection PostgreSQL dropped fails it, is closed, and the version is asked once more on a
    new one. One round trip instead of two for a stored page.
    """
    if connection.vendor != "postgresql":
        return None
    checking = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if checking:
        connection.health_check_done = True
    try:
        return _read_data_version()
    except DatabaseError:
        if not checking:
            return None
    connection.close()
    try:
        return _read_data_version()
    except DatabaseError:
        return None


def _read_data_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM hvhk_wegwijzer_versie")
        last_value, is_called = cursor.fetchone()
    return last_value if is_called else 0


def fragment_key(request: HttpRequest | None, name: str, *, per_language: bool = True) -> str | None:
    """A cache key prefix for a piece of a public page, valid while the data and the clock bucket hold.

    None when there is no data version (SQLite, or a page outside `cached_for_visitors`): do not cache.
    """
    version = getattr(request, "data_version", None)
    if version is None:
        return None
    bucket = int(time.time()) // TIME_BUCKET_SECONDS
    language = get_language() if per_language else "all"
    return f"wegwijzer:{name}:v1:{version}:{bucket}:{language}:"


def _is_private(request: HttpRequest) -> bool:
    return request.user.is_authenticated or bool(len(messages.get_messages(request)))


def _is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """A response any anonymous visitor may get: a plain 200 that set no cookie and holds no CSRF token."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _mark_private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _mark_public(response: HttpResponse, max_age: int, etag: str, last_modified: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def cached_for_visitors(view=None, *, max_age: int = DEFAULT_MAX_AGE, store: bool = True):
    """Serve a public page to anonymous visitors from the page cache, with validators for conditional GET.

    Use bare (`@cached_for_visitors`) or with options (`@cached_for_visitors(max_age=900)`); `store=False`
    keeps the validators and Cache-Control but does not keep the page itself.
    """
    if view is None:
        return lambda view: cached_for_visitors(view, max_age=max_age, store=store)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _is_private(request):
            return _mark_private(view(request, *args, **kwargs))
        version = data_version()
        request.data_version = version  # for fragment caches in the page (aanbod cards)
        if version is None:
            return _by_content(request, view(request, *args, **kwargs), max_age)

        bucket = int(time.time()) // TIME_BUCKET_SECONDS
        digest = _digest(request, version, bucket)
        etag = f'"{digest[:32]}"'
        page_key = f"wegwijzer:page:v3:{digest}"
        seen_key = f"wegwijzer:version-seen:{version}"
        seconds = getattr(settings, "WEGWIJZER_PAGE_CACHE_SECONDS", 60)
        # One round trip to the cache for the page and the moment this version was first seen.
        found = cache.get_many([page_key, seen_key] if store and seconds else [seen_key])
        seen = found.get(seen_key)
        if seen is None:
            seen = int(time.time())
            if not cache.add(seen_key, seen, _SEEN_SECONDS):
                seen = cache.get(seen_key, seen)
        last_modified = max(seen, bucket * TIME_BUCKET_SECONDS)

        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return _mark_public(not_modified, max_age, etag, last_modified)

        stored = found.get(page_key)
        # Past its seconds a stored page is renewed by one request (the one that takes the render lock);
        # the others keep getting it meanwhile, instead of all rendering the same page at once.
        if stored is not None and (stored[2] > time.time() or not cache.add(f"{page_key}:render", 1, 10)):
            content, headers, _fresh_until = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return _mark_public(response, max_age, etag, last_modified)

        response = view(request, *args, **kwargs)
        if not _is_shareable(request, response):
            return _mark_private(response) if response.status_code == 200 else response
        if store and seconds:
            headers = {name: response[name] for name in _STORED_HEADERS if response.has_header(name)}
            stored = (response.content, headers, time.time() + seconds)
            cache.set(page_key, stored, seconds + STALE_SECONDS)
            cache.delete(f"{page_key}:render")
        return _mark_public(response, max_age, etag, last_modified)

    return wrapper


def _digest(request: HttpRequest, version: int, bucket: int) -> str:
    """What a page depends on: the data, the clock bucket, the language and the full path."""
    return hashlib.sha256(
        f"{version}|{bucket}|{get_language()}|{request.get_full_path()}".encode()
    ).hexdigest()


def form_for_visitors(view):
    """Render an anonymous visitor's empty form once; fill in each request's CSRF and one-time tokens.

    The view renders `ONE_TIME_TOKEN` where a fresh one-time token belongs (every response gets one
    token of its own in its place, stored or not). GET requests of anonymous visitors without messages
    are kept for WEGWIJZER_PAGE_CACHE_SECONDS under the data version, the clock bucket, the language and
    the full path, with the CSRF token taken out; a stored page gets the request's own CSRF token (which
    sets the cookie as rendering would). Nothing is stored without a data version, for a response other
    than a plain 200, or when the page used the CSP nonce. The view keeps its own Cache-Control
    (`never_cache`): neither browsers nor proxies may keep a page with tokens.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or _is_private(request):
            return _fill_tokens(request, view(request, *args, **kwargs))
        seconds = getattr(settings, "WEGWIJZER_PAGE_CACHE_SECONDS", 60)
        version = data_version() if seconds else None
        if version is None:
            return _fill_tokens(request, view(request, *args, **kwargs))
        key = f"wegwijzer:form:v1:{_digest(request, version, int(time.time()) // TIME_BUCKET_SECONDS)}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return _fill_tokens(request, response)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(request, "_csp_nonce", None)  # a LazyNonce is true once it was used
        ):
            # One CSRF token per render (the template context's), in Django's own markup.
            content = _CSRF_FIELD.sub(rb"\1" + _CSRF_HOLE + rb"\3", response.content)
            headers = {name: response[name] for name in _STORED_HEADERS if response.has_header(name)}
            cache.set(key, (content, headers), seconds)
        return _fill_tokens(request, response)

    return wrapper


def _fill_tokens(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.streaming:
        return response
    content = filled = response.content
    if _ONE_TIME in filled:
        filled = filled.replace(_ONE_TIME, secrets.token_urlsafe(16).encode())
    if _CSRF_HOLE in filled:
        filled = filled.replace(_CSRF_HOLE, get_token(request).encode())
    if filled is not content:
        response.content = filled
    return response


def _by_content(request: HttpRequest, response: HttpResponse, max_age: int) -> HttpResponse:
    """No data version: an ETag from the rendered page still spares the visitor the download."""
    if not _is_shareable(request, response):
        return _mark_private(response) if response.status_code == 200 else response
    content = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:  # a fresh CSP nonce in every render (the JSON-LD block) must not change the ETag
        content = content.replace(str(nonce).encode(), b"")
    response["ETag"] = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    patch_cache_control(response, public=True, max_age=max_age)
    return get_conditional_response(request, etag=response["ETag"], response=response) or response
