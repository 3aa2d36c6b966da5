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

Each worker process keeps a little to itself in front of those round trips (`_LocalCopies`), so that a
hot page costs no network round trip at all: the data version, read at most once a
WEGWIJZER_LOCAL_VERSION_SECONDS (default 1; a write made by this process forgets it at once, one made by
another process is seen within that bound), the moment the shared cache first saw it, and the most
recently used stored pages of that version and clock bucket, up to WEGWIJZER_LOCAL_PAGES_BYTES (default
8 MiB a worker; 0 turns the copies off). A copy is only served while its page is fresh; past its seconds
the shared cache (and its render lock) decides as before. Clearing the cache clears the copies too
(`forget_local`, called by the project's cache backends).

A public form (`/vraag/`) cannot be shared as it is: it holds the visitor's CSRF token and a one-time
token, and must not come back from a browser's cache (its one-time token may have been used). Its view
stays `never_cache`; `form_for_visitors` only spares the server the render: the empty form is stored
under the same kind of key with both tokens taken out, and every request gets it with its own put in.
"""

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError, connection, connections
from django.db.backends.signals import connection_created
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
DEFAULT_LOCAL_VERSION_SECONDS = 1.0
DEFAULT_LOCAL_PAGES_BYTES = 8 * 1024 * 1024
_ENTRY_OVERHEAD = 200  # bytes of a kept page besides its content: the key, the headers, the tuples


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


# ---- A worker's own copies, in front of the round trips -------------------------------------------
class _LocalCopies:
    """What one process keeps to itself: the data version for a moment, the moment the shared cache first
    saw it, and the most recently used stored pages of one data version and clock bucket (a generation).

    Thread-safe (a lock around every change), though production's sync workers serve one request at a time.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._writes = 0  # statements other than SELECT run by this process (`_forget_on_write`)
        self.forget()

    def forget(self) -> None:
        with self._lock:
            self._writes += 1
            self._version = None
            self._version_until = 0.0  # time.monotonic()
            self._seen = (None, None)  # (version, seen)
            self._generation = None  # (version, clock bucket) of the pages
            self._pages = OrderedDict()  # key -> (entry, size), least recently used first
            self._size = 0
            self._facts = (None, {})  # (version, {key: value}): `for_version`

    # The data version
    def version(self) -> int | None:
        if time.monotonic() < self._version_until:
            return self._version
        return None

    def writes(self) -> int:
        return self._writes

    def remember_version(self, version: int, seconds: float, writes: int) -> None:
        with self._lock:
            if writes == self._writes:  # no write since it was read: it may be kept
                self._version, self._version_until = version, time.monotonic() + seconds

    def wrote(self) -> None:
        with self._lock:
            self._writes += 1
            self._version_until = 0.0

    # The moment the shared cache first saw a version
    def seen(self, version: int):
        kept_version, seen = self._seen
        return seen if kept_version == version else None

    def remember_seen(self, version: int, seen) -> None:
        self._seen = (version, seen)

    # Pages (and forms)
    def page(self, key: str, generation: tuple):
        with self._lock:
            if generation != self._generation:
                return None
            kept = self._pages.get(key)
            if kept is None:
                return None
            self._pages.move_to_end(key)
            return kept[0]

    def keep(self, key: str, generation: tuple, entry: tuple, content: bytes, limit: int) -> None:
        size = len(content) + len(key) + _ENTRY_OVERHEAD
        if size > limit // 4:  # a page that would push out a quarter of the others stays in the shared cache
            return
        with self._lock:
            if generation != self._generation:  # another version or clock bucket: every copy is outdated
                self._pages.clear()
                self._size = 0
                self._generation = generation
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._pages[key] = (entry, size)
            self._size += size
            while self._size > limit:
                _key, (_entry, dropped) = self._pages.popitem(last=False)
                self._size -= dropped

    # Facts read from the database, valid for one data version
    def fact(self, version: int, key):
        kept_version, facts = self._facts
        return facts.get(key, _MISSING) if kept_version == version else _MISSING

    def keep_fact(self, version: int, key, value) -> None:
        with self._lock:
            kept_version, facts = self._facts
            if kept_version != version or len(facts) >= _FACTS:
                facts = {}
                self._facts = (version, facts)
            facts[key] = value

    def size(self) -> tuple[int, int]:
        """(pages, bytes) kept."""
        with self._lock:
            return len(self._pages), self._size


_MISSING = object()
_FACTS = 2048  # distinct facts a process keeps for one version (a flood of new keys starts afresh)
_local = _LocalCopies()


def for_version(request: HttpRequest | None, key, compute):
    """`compute()`, kept by this process while the data version of the request holds (reference data a
    page looks up on every view: a thema by its slug, a gemeente by what a visitor typed).

    Every table those lookups read advances the version when written (aanbod/0008), so a kept value is
    never stale; without a version (SQLite, or no `request.data_version`) it is computed every time. The
    value is shared by the requests of this process: treat it as read-only.
    """
    version = getattr(request, "data_version", None)
    if version is None:
        return compute()
    value = _local.fact(version, key)
    if value is _MISSING:
        value = compute()
        _local.keep_fact(version, key, value)
    return value


def forget_local() -> None:
    """Drop this process's copies (the version, pages, forms): the shared cache was cleared."""
    _local.forget()


def _local_pages_limit() -> int:
    return int(getattr(settings, "WEGWIJZER_LOCAL_PAGES_BYTES", DEFAULT_LOCAL_PAGES_BYTES))


def current_data_version() -> int | None:
    """The data version, read from PostgreSQL at most once a WEGWIJZER_LOCAL_VERSION_SECONDS per process.

    A write made by this process (any statement other than a SELECT, on any of its connections:
    `watch_writes`) forgets the kept version at once, so the process sees its own writes; another
    process's writes are seen within those seconds.
    """
    seconds = float(getattr(settings, "WEGWIJZER_LOCAL_VERSION_SECONDS", DEFAULT_LOCAL_VERSION_SECONDS))
    if seconds > 0:
        version = _local.version()
        if version is not None:
            return version
    if not _watching:
        watch_writes()
    writes = _local.writes()
    version = data_version()
    if version is not None and seconds > 0:
        _local.remember_version(version, seconds, writes)
    return version


def _forget_on_write(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    finally:
        # After the statement: the data version's trigger has advanced the sequence by then.
        if not (isinstance(sql, str) and sql[:6].upper() == "SELECT"):
            _local.wrote()


_watching = False


def _watch(conn) -> None:
    if _forget_on_write not in conn.execute_wrappers:
        # First in the list: a caller's `with connection.execute_wrapper(...)` pops the last one.
        conn.execute_wrappers.insert(0, _forget_on_write)


def _on_connection_created(sender, connection, **kwargs) -> None:
    _watch(connection)


def watch_writes() -> None:
    """Let every database connection of this process forget the kept data version when it writes.

    Called when the apps are ready (aanbod's AppConfig), before the first connection; idempotent.
    """
    global _watching
    connection_created.connect(_on_connection_created, dispatch_uid="pagecache-forget-on-write")
    for conn in connections.all(initialized_only=True):
        _watch(conn)
    _watching = True


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
        version = current_data_version()
        request.data_version = version  # for fragment caches in the page (aanbod cards)
        if version is None:
            return _by_content(request, view(request, *args, **kwargs), max_age)

        now = time.time()
        bucket = int(now) // TIME_BUCKET_SECONDS
        generation = (version, bucket)
        digest = _digest(request, version, bucket)
        etag = f'"{digest[:32]}"'
        page_key = f"wegwijzer:page:v3:{digest}"
        seen_key = f"wegwijzer:version-seen:{version}"
        seconds = getattr(settings, "WEGWIJZER_PAGE_CACHE_SECONDS", 60)
        keeping = bool(store and seconds)
        limit = _local_pages_limit() if keeping else 0
        # This worker's copy while the page is fresh; else the shared cache decides (see below).
        stored = _local.page(page_key, generation) if limit else None
        if stored is not None and stored[2] <= now:
            stored = None
        seen = _local.seen(version)
        if seen is None or (keeping and stored is None):
            # One round trip to the cache for the page and the moment this version was first seen.
            found = cache.get_many([page_key, seen_key] if keeping else [seen_key])
            if seen is None:
                seen = found.get(seen_key)
                if seen is None:
                    seen = int(now)
                    if not cache.add(seen_key, seen, _SEEN_SECONDS):
                        seen = cache.get(seen_key, seen)
                _local.remember_seen(version, seen)
            if keeping and stored is None:
                stored = found.get(page_key)
                if stored is not None and limit and stored[2] > now:
                    _local.keep(page_key, generation, stored, stored[0], limit)
        last_modified = max(seen, bucket * TIME_BUCKET_SECONDS)

        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return _mark_public(not_modified, max_age, etag, last_modified)

        # Past its seconds a stored page is renewed by one request (the one that takes the render lock);
        # the others keep getting it meanwhile, instead of all rendering the same page at once.
        if stored is not None and (stored[2] > now or not cache.add(f"{page_key}:render", 1, 10)):
            return _mark_public(_stored_response(stored), max_age, etag, last_modified)

        if stored is None and keeping and not cache.add(f"{page_key}:render", 1, 10):
            # A new clock bucket starts every page of this version anew at the same moment: while one
            # request renders a page, the others get the previous bucket's page of the same data (a few
            # seconds older, marked private so that nobody keeps it), instead of all rendering it at once
            # (a run of wrk across a bucket's start: p99 365 ms, 63 ms within one bucket).
            previous = cache.get(f"wegwijzer:page:v3:{_digest(request, version, bucket - 1)}")
            if previous is not None:
                return _mark_private(_stored_response(previous))

        response = view(request, *args, **kwargs)
        if not _is_shareable(request, response):
            return _mark_private(response) if response.status_code == 200 else response
        if keeping:
            headers = {name: response[name] for name in _STORED_HEADERS if response.has_header(name)}
            stored = (response.content, headers, time.time() + seconds)
            cache.set(page_key, stored, seconds + STALE_SECONDS)
            cache.delete(f"{page_key}:render")
            if limit:
                _local.keep(page_key, generation, stored, stored[0], limit)
        return _mark_public(response, max_age, etag, last_modified)

    return wrapper


def _stored_response(stored: tuple) -> HttpResponse:
    """The response of a stored (content, headers, fresh until) entry."""
    content, headers, _fresh_until = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


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
    (`never_cache`): neither browsers nor proxies may keep a page with tokens. The stored form (never a
    token in it) is copied into the worker's own memory like a page (`_LocalCopies`).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or _is_private(request):
            return _fill_tokens(request, view(request, *args, **kwargs))
        seconds = getattr(settings, "WEGWIJZER_PAGE_CACHE_SECONDS", 60)
        version = current_data_version() if seconds else None
        if version is None:
            return _fill_tokens(request, view(request, *args, **kwargs))
        now = time.time()
        bucket = int(now) // TIME_BUCKET_SECONDS
        generation = (version, bucket)
        key = f"wegwijzer:form:v2:{_digest(request, version, bucket)}"
        limit = _local_pages_limit()
        stored = _local.page(key, generation) if limit else None
        if stored is None or stored[2] <= now:
            stored = cache.get(key)
            if stored is not None and limit and stored[2] > now:
                _local.keep(key, generation, stored, stored[0], limit)
        if stored is not None and stored[2] > now:
            return _fill_tokens(request, _stored_response(stored))
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
            stored = (content, headers, now + seconds)
            cache.set(key, stored, seconds)
            if limit:
                _local.keep(key, generation, stored, content, limit)
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
