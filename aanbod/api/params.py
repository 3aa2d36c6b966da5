"""Reading the query parameters of the HSDS API. Anything malformed raises ApiError (a 400), never a 500."""

import datetime
import re
import uuid
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_INTEGER = 1_000_000
MAX_SEARCH_LENGTH = 200
FORMATS = {"json"}

# The patterns the OpenAPI document declares (openapi.py uses these same strings), so that the API
# accepts exactly the requests the document calls valid: no more, no less.
INTEGER_PATTERN = r"^[0-9]+$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
POSTCODE_PATTERN = r"^[1-9][0-9]{3}$"
METRES = r"(?P<metres>[0-9]{1,7}(\.[0-9]{1,3})?)"
LATITUDE = r"(?P<lat>-?(90(\.0{1,8})?|[1-8]?[0-9](\.[0-9]{1,8})?))"
LONGITUDE = r"(?P<lng>-?(180(\.0{1,8})?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]{1,8})?))"
PROXIMITY_DISTANCE_PATTERN = rf"^{METRES}$"
PROXIMITY_POINT_PATTERN = rf"^{LATITUDE},{LONGITUDE},{METRES}$"

INTEGER = re.compile(INTEGER_PATTERN)
UUID = re.compile(UUID_PATTERN)
POSTCODE = re.compile(POSTCODE_PATTERN)
PROXIMITY_DISTANCE = re.compile(PROXIMITY_DISTANCE_PATTERN)
PROXIMITY_POINT = re.compile(PROXIMITY_POINT_PATTERN)
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


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


def _required_value(query: QueryDict, name: str) -> str | None:
    """The one value of `name`, or None when absent; an empty value is an error, not "absent"."""
    raw = single(query, name)
    if raw == "":
        raise ApiError(400, f"'{name}' is empty; leave it out or give a value.", parameter=name)
    return raw


def integer(
    query: QueryDict, name: str, *, default: int, minimum: int = 1, maximum: int = MAX_INTEGER
) -> int:
    raw = _required_value(query, name)
    if raw is None:
        return default
    if not INTEGER.match(raw) or len(raw) > 18:
        raise ApiError(400, f"'{name}' must be a whole number.", parameter=name)
    value = int(raw)
    if value < minimum:
        raise ApiError(400, f"'{name}' must be at least {minimum}.", parameter=name)
    if value > maximum:
        raise ApiError(400, f"'{name}' may be at most {maximum}.", parameter=name)
    return value


def page(query: QueryDict) -> tuple[int, int]:
    """(page_number, per_page); both as the OpenAPI document declares them (per_page 1 to 100)."""
    number = integer(query, "page", default=1)
    per_page = integer(query, "per_page", default=DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    return number, per_page


def uuid_value(query: QueryDict, name: str) -> uuid.UUID | None:
    """A UUID in its canonical hyphenated form (as JSON Schema's `format: uuid` reads it)."""
    raw = _required_value(query, name)
    if raw is None:
        return None
    if not UUID.match(raw):
        raise ApiError(400, f"'{name}' must be a UUID.", parameter=name)
    return uuid.UUID(raw)


def boolean(query: QueryDict, name: str) -> bool:
    raw = _required_value(query, name)
    if raw is None:
        return False
    if raw in ("true", "false"):
        return raw == "true"
    raise ApiError(400, f"'{name}' must be true or false.", parameter=name)


def search(query: QueryDict) -> str:
    raw = single(query, "search") or ""
    if len(raw) > MAX_SEARCH_LENGTH:
        raise ApiError(400, f"'search' may be at most {MAX_SEARCH_LENGTH} characters.", parameter="search")
    return " ".join(raw.split())


def moment(query: QueryDict, name: str) -> datetime.datetime | None:
    """An RFC 3339 date-time with its offset, or a date (read as midnight in the portal's time zone)."""
    raw = _required_value(query, name)
    if raw is None:
        return None
    message = f"'{name}' must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z, or a date."
    try:
        if DATE_TIME.match(raw):
            value = datetime.datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))
        elif DATE.match(raw):
            value = timezone.make_aware(
                datetime.datetime.combine(datetime.date.fromisoformat(raw), datetime.time())
            )
        else:
            raise ValueError
    except ValueError:
        raise ApiError(400, message, parameter=name) from None
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        # Within a day of year 1 or 9999: before or after anything this portal has seen.
        return (
            datetime.datetime.min.replace(tzinfo=datetime.UTC)
            if value.year < 2
            else datetime.datetime.max.replace(tzinfo=datetime.UTC)
        )


def output_format(query: QueryDict) -> str:
    value = _required_value(query, "format") or "json"
    if value not in FORMATS:
        raise ApiError(400, "Only format=json is offered.", parameter="format")
    return value


def postcode(query: QueryDict) -> str | None:
    raw = _required_value(query, "postcode")
    if raw is not None and not POSTCODE.match(raw):
        raise ApiError(400, "'postcode' must be a Belgian postcode of four digits.", parameter="postcode")
    return raw


@dataclass(frozen=True)
class Proximity:
    """Within `metres` of a point: given (lat,lng) or, when None, the centroid of the postcode."""

    metres: float
    latitude: float | None = None
    longitude: float | None = None


def proximity(query: QueryDict) -> Proximity | None:
    """`proximity`: a distance in metres from the postcode's centroid (as HSDS defines it), or
    "latitude,longitude,metres" for a point of the client's own."""
    raw = _required_value(query, "proximity")
    if raw is None:
        return None
    if match := PROXIMITY_DISTANCE.match(raw):
        return Proximity(metres=float(match["metres"]))
    if match := PROXIMITY_POINT.match(raw):
        return Proximity(
            metres=float(match["metres"]), latitude=float(match["lat"]), longitude=float(match["lng"])
        )
    raise ApiError(
        400,
        "'proximity' must be a distance in metres (from the centroid of 'postcode') or "
        "latitude,longitude,metres, e.g. 51.05,3.72,5000.",
        parameter="proximity",
    )
