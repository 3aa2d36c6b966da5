"""The HTTP side of the HSDS API: one decorator gives every endpoint the same behaviour.

- CORS: any origin may GET/HEAD the open data; an OPTIONS preflight is answered here. Eleven read-only
  endpoints with a fixed header set do not need django-cors-headers and its settings.
- Only GET, HEAD and OPTIONS; anything else is a 405 with a JSON body.
- A per-client rate limit (huisvanhetkind.lib.ratelimit: cache-backed, fails open), 429 as JSON.
- The rendered body is cached for HSDS_CACHE_SECONDS and served conditionally: a strong ETag over the
  body and a Last-Modified that moves only when the body of that URL changes, through Django's
  `condition` decorator, so If-None-Match / If-Modified-Since give a 304.
- Errors (ApiError) become JSON: 400 for bad parameters, 404 for unknown ids. They are not cached.
"""

import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition

from huisvanhetkind.lib.ratelimit import RateLimit, Usage

from .params import ApiError

logger = logging.getLogger("aanbod.api")

CACHE_PREFIX = "hsds:v1"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
JSON = "application/json"


def cache_seconds() -> int:
    return getattr(settings, "HSDS_CACHE_SECONDS", 60)


def rate_per_minute() -> int:
    return getattr(settings, "HSDS_RATE_PER_MINUTE", 300)


def with_cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    return response


def json_response(data: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(render(data), status=status, content_type=JSON)


def error_response(error: ApiError) -> HttpResponse:
    response = json_response(error.as_dict(), status=error.status)
    if error.status == 405:
        response["Allow"] = ALLOWED_METHODS
    return with_cors(response)


def render(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def rate_limit_usage(request: HttpRequest) -> Usage:
    """Count this request against the client's budget (lib.ratelimit: cache-backed, fails open).

    The rate is read on each request so that a test or an operator can change HSDS_RATE_PER_MINUTE.
    """
    return RateLimit("hsds-api", f"{rate_per_minute()}/m").hit(request)


@dataclass
class Entry:
    body: bytes
    etag: str
    last_modified: datetime


def _cache_key(request: HttpRequest) -> str:
    query = "&".join(sorted(f"{key}={value}" for key, values in request.GET.lists() for value in values))
    # The HSDS version served is part of the answer: switching it must not serve the other's bodies.
    version = getattr(settings, "HSDS_VERSION", "3.0")
    digest = hashlib.sha256(f"{version}:{request.path}?{query}".encode()).hexdigest()
    return f"{CACHE_PREFIX}:body:{digest}"


def cached_entry(request: HttpRequest, build, kwargs: dict) -> Entry:
    """The rendered answer for this URL, from the cache or freshly built (ApiError passes through)."""
    key = _cache_key(request)
    entry = cache.get(key)
    if entry is not None:
        return entry
    # The open data is in the portal's own language, whatever the client's Accept-Language says.
    with translation.override(settings.LANGUAGE_CODE):
        body = render(build(request, **kwargs))
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # Last-Modified: the moment this URL's answer was first seen with this body. A change to anything
    # in it (a location, an opening hour) changes the ETag and so moves Last-Modified.
    seen_key = f"{key}:seen"
    seen = cache.get(seen_key)
    if seen and seen[0] == etag:
        last_modified = seen[1]
    else:
        last_modified = datetime.now(UTC).replace(microsecond=0)
        cache.set(seen_key, (etag, last_modified), 30 * 86400)
    entry = Entry(body=body, etag=etag, last_modified=last_modified)
    cache.set(key, entry, cache_seconds())
    return entry


@condition(
    etag_func=lambda request, **kwargs: request.hsds_entry.etag,
    last_modified_func=lambda request, **kwargs: request.hsds_entry.last_modified,
)
def _conditional(request: HttpRequest, **kwargs) -> HttpResponse:
    response = HttpResponse(request.hsds_entry.body, content_type=JSON)
    response["Cache-Control"] = f"public, max-age={cache_seconds()}"
    return response


def hsds_endpoint(build):
    """Turn `build(request, **kwargs) -> dict` into a public, cached, conditional JSON endpoint."""

    @csrf_exempt
    @functools.wraps(build)
    def view(request: HttpRequest, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = with_cors(HttpResponse(status=204))
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
            return response
        if request.method not in ("GET", "HEAD"):
            return error_response(ApiError(405, f"{request.method} is not allowed here; use GET."))
        usage = rate_limit_usage(request)
        if usage.limited:
            response = error_response(ApiError(429, "Too many requests; wait a minute and try again."))
            response["Retry-After"] = str(usage.retry_after)
            return response
        try:
            request.hsds_entry = cached_entry(request, build, kwargs)
        except ApiError as error:
            return error_response(error)
        response = _conditional(request, **kwargs)
        response["Vary"] = "Accept-Encoding"
        return with_cors(response)

    return view
