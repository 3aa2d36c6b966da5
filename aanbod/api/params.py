"""Reading the query parameters of the HSDS API. Anything malformed raises ApiError (a 400), never a 500."""

import datetime
import uuid

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_SEARCH_LENGTH = 200
FORMATS = {"json"}

TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}


class ApiError(Exception):
    """An answer other than 200, rendered as a JSON error body."""

    def __init__(self, status: int, message: str, *, parameter: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter

    @property
    def code(self) -> str:
        return {
            400: "bad_request",
            404: "not_found",
            405: "method_not_allowed",
            429: "too_many_requests",
        }.get(self.status, "error")

    def as_dict(self) -> dict:
        body = {"status": self.status, "error": self.code, "message": self.message}
        if self.parameter:
            body["parameter"] = self.parameter
        return body


def single(query: QueryDict, name: str) -> str | None:
    values = query.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError(400, f"Give '{name}' only once.", parameter=name)
    value = values[0]
    if "\x00" in value:
        raise ApiError(400, f"'{name}' contains a NUL character.", parameter=name)
    return value


def integer(query: QueryDict, name: str, *, default: int, minimum: int = 1) -> int:
    raw = single(query, name)
    if raw is None or raw == "":
        return default
    raw = raw.strip()
    if not raw.lstrip("+-").isdigit() or len(raw) > 18:
        raise ApiError(400, f"'{name}' must be a whole number.", parameter=name)
    value = int(raw)
    if value < minimum:
        raise ApiError(400, f"'{name}' must be at least {minimum}.", parameter=name)
    return value


def page(query: QueryDict) -> tuple[int, int]:
    """(page_number, per_page); per_page above the cap is lowered to the cap."""
    number = integer(query, "page", default=1)
    per_page = min(integer(query, "per_page", default=DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return number, per_page


def uuid_value(query: QueryDict, name: str) -> uuid.UUID | None:
    raw = single(query, name)
    if raw is None or raw == "":
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise ApiError(400, f"'{name}' must be a UUID.", parameter=name) from None


def boolean(query: QueryDict, name: str) -> bool:
    raw = single(query, name)
    if raw is None or raw == "":
        return False
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ApiError(400, f"'{name}' must be true or false.", parameter=name)


def search(query: QueryDict) -> str:
    raw = single(query, "search") or ""
    value = " ".join(raw.split())
    if len(value) > MAX_SEARCH_LENGTH:
        raise ApiError(400, f"'search' may be at most {MAX_SEARCH_LENGTH} characters.", parameter="search")
    return value


def moment(query: QueryDict, name: str) -> datetime.datetime | None:
    """An ISO 8601 date-time (or date, read as midnight in the portal's time zone)."""
    raw = single(query, name)
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is None:
                raise ValueError
            value = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        raise ApiError(
            400, f"'{name}' must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z.", parameter=name
        ) from None
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise ApiError(400, f"'{name}' is out of range.", parameter=name) from None


def output_format(query: QueryDict) -> str:
    value = (single(query, "format") or "json").strip().lower()
    if value not in FORMATS:
        raise ApiError(400, "Only format=json is offered.", parameter="format")
    return value
