import pytest
import requests
from django_scopes import scopes_disabled

from aanbod.uitwisseling import client as client_module
from tests.partners.portal_helpers import aanbod_a, activiteit_a, locatie_a  # noqa: F401 - fixtures
from tests.uitwisseling import fake_entry_api


@pytest.fixture(autouse=True)
def _all_scopes():
    """Until the scoping middleware and the suite-wide fixture land, these tests see every partner."""
    with scopes_disabled():
        yield


@pytest.fixture
def fake_uitdatabank(settings, monkeypatch):
    """The network's account is connected, and UiTdatabank is the fake (validating against entry.json)."""
    fake = fake_entry_api.FakeUitdatabank()
    settings.UITDATABANK_CLIENT_ID = fake_entry_api.CLIENT_ID
    settings.UITDATABANK_CLIENT_SECRET = fake_entry_api.CLIENT_SECRET
    settings.UITDATABANK_ENTRY_URL = fake_entry_api.ENTRY
    settings.UITDATABANK_SEARCH_URL = fake_entry_api.SEARCH
    settings.UITDATABANK_TOKEN_URL = fake_entry_api.TOKEN
    settings.SITE_URL = "https://portaal.example"

    def session():
        s = requests.Session()
        s.mount("https://", fake)
        return s

    monkeypatch.setattr(client_module, "new_session", session)
    yield fake
    assert fake.invalid == [], "payloads that break publiq's contract"
