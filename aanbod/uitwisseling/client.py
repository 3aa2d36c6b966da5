"""A small client for publiq's UiTdatabank Entry API and Search API (docs: cultuurnet/apidocs).

Authentication is an OAuth2 client-credentials token from publiq's authorization server. The token is
cached (Django's cache, a few minutes short of its lifetime) and reused; a 401 fetches a new one once
and repeats the request, as the docs ask. Timeouts, connection errors, 429 and 5xx raise a retryable
`UitdatabankError`; other 4xx a permanent one (the payload itself is wrong, sending it again will not help).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

TOKEN_MARGIN_SECONDS = 300


class UitdatabankError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class NotConfigured(UitdatabankError):
    def __init__(self):
        super().__init__("UiTdatabank is not connected (no UITDATABANK_CLIENT_ID)", retryable=True)


def new_session() -> requests.Session:
    """The HTTP session; the test suite mounts its fake Entry API here."""
    return requests.Session()


@dataclass
class Created:
    id: str
    url: str


class UitdatabankClient:
    def __init__(
        self,
        *,
        entry_url: str,
        search_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        timeout: float = 10,
        session: requests.Session | None = None,
    ):
        self.entry_url = entry_url.rstrip("/")
        self.search_url = search_url.rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        self.session = session or new_session()

    @classmethod
    def from_settings(cls) -> UitdatabankClient:
        if not settings.UITDATABANK_CLIENT_ID:
            raise NotConfigured()
        return cls(
            entry_url=settings.UITDATABANK_ENTRY_URL,
            search_url=settings.UITDATABANK_SEARCH_URL,
            token_url=settings.UITDATABANK_TOKEN_URL,
            client_id=settings.UITDATABANK_CLIENT_ID,
            client_secret=settings.UITDATABANK_CLIENT_SECRET,
            timeout=settings.UITDATABANK_TIMEOUT,
        )

    # --- transport ------------------------------------------------------------------------------------

    @property
    def _token_key(self) -> str:
        return f"uitdatabank:token:{self.token_url}:{self.client_id}"

    def token(self, *, fresh: bool = False) -> str:
        """The cached client access token, or a new one from the authorization server."""
        if not fresh:
            cached = cache.get(self._token_key)
            if cached:
                return cached
        try:
            response = self.session.post(
                self.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise UitdatabankError(f"token: {type(error).__name__}", retryable=True) from None
        if response.status_code != 200:
            raise UitdatabankError(
                f"token: HTTP {response.status_code}", retryable=True, status=response.status_code
            )
        body = response.json()
        token = body["access_token"]
        lifetime = int(body.get("expires_in") or 3600)
        cache.set(self._token_key, token, max(lifetime - TOKEN_MARGIN_SECONDS, 60))
        return token

    def _send(self, method: str, url: str, *, token: str, **kwargs) -> requests.Response:
        try:
            return self.session.request(
                method,
                url,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                timeout=self.timeout,
                **kwargs,
            )
        except requests.RequestException as error:
            raise UitdatabankError(f"{method} {url}: {type(error).__name__}", retryable=True) from None

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """Send with the cached token; on a 401 fetch a new token once and send again."""
        response = self._send(method, url, token=self.token(), **kwargs)
        if response.status_code == 401:
            logger.info("UiTdatabank answered 401; fetching a new token")
            response = self._send(method, url, token=self.token(fresh=True), **kwargs)
        if response.status_code >= 400:
            retryable = response.status_code in (401, 408, 429) or response.status_code >= 500
            detail = response.text[:300] if not retryable else ""
            raise UitdatabankError(
                f"{method} {url}: HTTP {response.status_code} {detail}".strip(),
                retryable=retryable,
                status=response.status_code,
            )
        return response

    # --- Entry API ------------------------------------------------------------------------------------

    def event_url(self, uit_id: str) -> str:
        return f"{self.entry_url}/events/{uit_id}"

    def create_event(self, payload: dict) -> Created:
        body = self.request("POST", f"{self.entry_url}/events", json=payload).json()
        return Created(id=body["id"], url=body.get("url") or self.event_url(body["id"]))

    def update_event(self, uit_id: str, payload: dict) -> None:
        self.request("PUT", self.event_url(uit_id), json=payload)

    def update_status(self, uit_id: str, status: dict) -> None:
        """Cancel (`Unavailable`), postpone or reinstate; UiTdatabank events are never deleted."""
        self.request("PUT", f"{self.event_url(uit_id)}/status", json=status)

    def update_sub_events(self, uit_id: str, changes: list[dict]) -> None:
        """Per date: booking availability with capacity and places left."""
        self.request("PATCH", f"{self.event_url(uit_id)}/sub-events", json=changes)

    def update_booking_info(self, uit_id: str, booking_info: dict) -> None:
        self.request("PUT", f"{self.event_url(uit_id)}/booking-info", json=booking_info)

    def create_organizer(self, payload: dict) -> Created:
        body = self.request("POST", f"{self.entry_url}/organizers", json=payload).json()
        return Created(id=body["id"], url=body.get("url") or f"{self.entry_url}/organizers/{body['id']}")

    def create_place(self, payload: dict) -> Created:
        body = self.request("POST", f"{self.entry_url}/places", json=payload).json()
        return Created(id=body["id"], url=body.get("url") or f"{self.entry_url}/places/{body['id']}")

    # --- Search API (finding what exists, so that nothing is created twice) --------------------------

    def _search(self, kind: str, params: dict) -> list[dict]:
        # Drafts and past items count too: a duplicate is a duplicate whatever its state.
        params = {"workflowStatus": "*", "availableFrom": "*", "availableTo": "*", **params}
        if kind == "organizers":
            params = {k: v for k, v in params.items() if k not in ("availableFrom", "availableTo")}
        body = self.request("GET", f"{self.search_url}/{kind}/", params=params).json()
        return body.get("member") or []

    def find_organizers(self, *, website: str = "", name: str = "") -> list[dict]:
        if website:
            found = self._search("organizers", {"website": website})
            if found:
                return found
        if name:
            return self._search("organizers", {"q": f'name.\\*:"{_quoted(name)}"'})
        return []

    def find_places(self, *, name: str, postcode: str) -> list[dict]:
        return self._search(
            "places", {"q": f'name.\\*:"{_quoted(name)}" AND address.\\*.postalCode:{postcode}'}
        )

    def find_events(self, *, name: str) -> list[dict]:
        """Events with this name, embedded, so the caller can recognise its own by the booking URL."""
        return self._search("events", {"q": f'name.\\*:"{_quoted(name)}"', "embed": "true"})


def _quoted(text: str) -> str:
    return text.replace("\\", " ").replace('"', " ").strip()


def uit_id_from_url(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]
