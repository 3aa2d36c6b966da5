"""A fake of publiq's authorization server, UiTdatabank Entry API and Search API, as a `requests`
transport adapter: no network. Every request body sent to the Entry API is validated against the
request schema of its operation in the official `entry.json` (tests/uitwisseling/official/), so the
portal's payloads are checked against publiq's own contract.

Faults for the outbox tests: `fail(method, path, kind, times)` with kind 500/503/400 (an HTTP answer),
"timeout" (nothing reached the server), or "lost" (the server did the work, the answer was lost);
`expire_tokens()` makes every issued token answer 401.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import requests
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from requests.adapters import BaseAdapter

OFFICIAL = Path(__file__).parent / "official"
BASE = "https://contract.test/official/"
ENTRY = "https://io-test.fake"
SEARCH = "https://search-test.fake"
TOKEN = "https://account-test.fake/realms/uitid/protocol/openid-connect/token"
CLIENT_ID = "hvhk-test-client"
CLIENT_SECRET = "hvhk-test-secret"


def _registry() -> tuple[Registry, dict]:
    resources = []
    entry = json.loads((OFFICIAL / "reference" / "entry.json").read_text())
    resources.append((BASE + "reference/entry.json", Resource(contents=entry, specification=DRAFT202012)))
    for path in sorted((OFFICIAL / "models").glob("*.json")):
        contents = json.loads(path.read_text())
        resources.append(
            (BASE + "models/" + path.name, Resource(contents=contents, specification=DRAFT202012))
        )
    return Registry().with_resources(resources), entry


REGISTRY, ENTRY_SPEC = _registry()


def _operation(method: str, path: str) -> tuple[str, str] | None:
    """The path template of entry.json that matches, and its method."""
    for template, operations in ENTRY_SPEC["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "/?$"
        if re.match(pattern, path) and method.lower() in operations:
            return template, method.lower()
    return None


def validate_request(method: str, path: str, body) -> None:
    """Raise jsonschema.ValidationError when the body breaks the official request schema."""
    found = _operation(method, path)
    assert found, f"{method} {path} is not an operation of the official entry.json"
    template, verb = found
    request_body = ENTRY_SPEC["paths"][template][verb].get("requestBody")
    if request_body is None:
        return
    pointer = "/".join(
        part.replace("~", "~0").replace("/", "~1")
        for part in ["paths", template, verb, "requestBody", "content", "application/json", "schema"]
    )
    schema = {"$ref": f"{BASE}reference/entry.json#/{pointer}"}
    validator = jsonschema.Draft202012Validator(
        schema, registry=REGISTRY, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(body)
    if template in ("/events", "/events/{eventId}") and verb in ("post", "put"):
        # Not the deprecated short schema that `anyOf` also allows: the current event model.
        jsonschema.Draft202012Validator(
            {"$ref": f"{BASE}models/event.json"},
            registry=REGISTRY,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        ).validate(body)


def _response(request, status: int, body=None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.request = request
    response.url = request.url
    response.headers["Content-Type"] = "application/json"
    response._content = json.dumps(body).encode() if body is not None else b""
    response.encoding = "utf-8"
    return response


class FakeUitdatabank(BaseAdapter):
    def __init__(self):
        super().__init__()
        self.events: dict[str, dict] = {}
        self.organizers: dict[str, dict] = {}
        self.places: dict[str, dict] = {}
        self.log: list[tuple[str, str, object]] = []
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.faults: list[dict] = []
        self.invalid: list[str] = []

    # --- test controls -------------------------------------------------------------------------------

    def fail(self, method: str, path: str, kind, *, times: int = 1) -> None:
        self.faults.append({"method": method, "path": path, "kind": kind, "times": times})

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def add_organizer(self, *, name: str, url: str) -> str:
        oid = str(uuid.uuid4())
        self.organizers[oid] = {"name": {"nl": name}, "url": url}
        return f"{ENTRY}/organizers/{oid}"

    def add_place(self, *, name: str, postcode: str) -> str:
        pid = str(uuid.uuid4())
        self.places[pid] = {"name": {"nl": name}, "address": {"nl": {"postalCode": postcode}}}
        return f"{ENTRY}/places/{pid}"

    def calls(self, method: str | None = None, prefix: str = "") -> list[tuple[str, str, object]]:
        return [c for c in self.log if (method is None or c[0] == method) and c[1].startswith(prefix)]

    # --- transport -----------------------------------------------------------------------------------

    def close(self):
        pass

    def _fault(self, method: str, path: str):
        for fault in self.faults:
            if fault["times"] and fault["method"] == method and path.startswith(fault["path"]):
                fault["times"] -= 1
                return fault["kind"]
        return None

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if request.url.split("?")[0] == TOKEN:
            return self._token(request)
        if origin not in (ENTRY, SEARCH):
            raise AssertionError(f"unexpected request to {request.url}")
        auth = request.headers.get("Authorization", "")
        path = parts.path
        fault = self._fault(request.method, path)
        if fault == "timeout":
            raise requests.Timeout("fake timeout")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            return _response(request, 401, {"title": "Unauthorized"})
        if isinstance(fault, int):
            return _response(request, fault, {"title": "fake error"})
        body = json.loads(request.body) if request.body else None
        self.log.append((request.method, path, body))
        if origin == SEARCH:
            return self._search(request, path, parse_qs(parts.query))
        try:
            validate_request(request.method, path, body)
        except jsonschema.ValidationError as error:
            self.invalid.append(f"{request.method} {path}: {error.message}")
            return _response(request, 400, {"title": "Invalid", "detail": error.message})
        response = self._entry(request, path, body)
        if fault == "lost":
            raise requests.ReadTimeout("fake: the answer was lost")
        return response

    def _token(self, request):
        self.token_requests += 1
        form = parse_qs(request.body if isinstance(request.body, str) else request.body.decode())
        if (
            form.get("grant_type") != ["client_credentials"]
            or form.get("client_id") != [CLIENT_ID]
            or form.get("client_secret") != [CLIENT_SECRET]
        ):
            return _response(request, 401, {"error": "invalid_client"})
        token = f"token-{uuid.uuid4()}"
        self.tokens.add(token)
        return _response(request, 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def _entry(self, request, path: str, body):
        method = request.method
        if method == "POST" and path == "/events":
            eid = str(uuid.uuid4())
            self.events[eid] = {**body, "@id": f"{ENTRY}/events/{eid}"}
            url = f"{ENTRY}/events/{eid}"
            return _response(request, 201, {"id": eid, "eventId": eid, "url": url, "commandId": "0"})
        if method == "POST" and path in ("/organizers", "/places"):
            oid = str(uuid.uuid4())
            store = self.organizers if path == "/organizers" else self.places
            store[oid] = body
            key = "organizerId" if path == "/organizers" else "placeId"
            return _response(request, 201, {"id": oid, key: oid, "url": f"{ENTRY}{path}/{oid}"})
        match = re.match(r"^/events/([^/]+)(/.*)?$", path)
        if match:
            eid, rest = match.group(1), match.group(2) or ""
            if eid not in self.events:
                return _response(request, 404, {"title": "Not found"})
            event = self.events[eid]
            if method == "DELETE":
                raise AssertionError("the portal must never delete an event")
            if method == "PUT" and not rest:
                self.events[eid] = {**body, "@id": event["@id"]}
                return _response(request, 200, {"id": eid})
            if method == "PUT" and rest == "/status":
                event["status"] = body
                for sub in event.get("subEvent", []):
                    sub["status"] = body
                return _response(request, 204)
            if method == "PUT" and rest == "/booking-availability":
                event["bookingAvailability"] = body
                return _response(request, 204)
            if method == "PUT" and rest == "/booking-info":
                event["bookingInfo"] = body
                return _response(request, 204)
            if method == "PATCH" and rest == "/sub-events":
                for change in body:
                    availability = change.get("bookingAvailability")
                    if availability and "remainingCapacity" in availability:
                        # As documented: 0 places left is Unavailable, more is Available.
                        remaining = availability["remainingCapacity"]
                        availability["type"] = "Unavailable" if remaining == 0 else "Available"
                    event["subEvent"][change["id"]].update({k: v for k, v in change.items() if k != "id"})
                return _response(request, 204)
        raise AssertionError(f"the fake does not implement {method} {path}")

    def _search(self, request, path: str, query: dict):
        q = (query.get("q") or [""])[0]
        name = re.search(r'name\.\\\*:"([^"]*)"', q)
        postcode = re.search(r"postalCode:(\d+)", q)
        members = []
        if path.startswith("/organizers"):
            website = (query.get("website") or [""])[0]
            for oid, org in self.organizers.items():
                if (website and org.get("url", "").rstrip("/") == website.rstrip("/")) or (
                    name and org["name"].get("nl") == name.group(1)
                ):
                    members.append({"@id": f"{ENTRY}/organizers/{oid}", "@type": "Organizer"})
        elif path.startswith("/places"):
            for pid, place in self.places.items():
                if (
                    name
                    and place["name"].get("nl") == name.group(1)
                    and postcode
                    and place["address"]["nl"]["postalCode"] == postcode.group(1)
                ):
                    members.append({"@id": f"{ENTRY}/places/{pid}", "@type": "Place"})
        elif path.startswith("/events"):
            for event in self.events.values():
                if name and event["name"].get("nl") == name.group(1):
                    members.append(event)
        return _response(request, 200, {"totalItems": len(members), "member": members})
