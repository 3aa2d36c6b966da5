"""Arbitrary query strings at /aanbod/ and /agenda/: a 200 (or a 400), never a 500."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aanbod.models import Thema
from tests import factories

pytestmark = pytest.mark.django_db

NAMES = [
    "q",
    "gemeente",
    "leeftijd",
    "thema",
    "soort",
    "taal",
    "gratis",
    "kansentarief",
    "van",
    "tot",
    "sort",
    "page",
]
TRICKY = st.sampled_from(
    [
        "",
        "\x00",
        "9000",
        "gent",
        "0-3",
        "aanstaand",
        "-1",
        "1e9",
        "2026-02-30",
        "2026-01-01",
        "slapen",
        "'",
        "%",
        "a" * 5000,
        "🙂",
        "\u202e",
        "NaN",
        "[]",
        "{}",
        "nl",
        "on",
        "1",
        "soonest",
        "relevance",
    ]
)
VALUE = st.one_of(st.text(max_size=300), TRICKY)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), st.text(max_size=20)), st.lists(VALUE, max_size=3), max_size=6
)

EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def data(gemeente_a):
    aanbod = factories.AanbodFactory(titel="Slaapcafé", themas=[Thema.objects.get(slug="slapen")])
    aanbod.gemeenten.set([gemeente_a])
    factories.ActiviteitFactory(aanbod=aanbod)
    factories.AanbodFactory(titel="Spelotheek", leeftijd_van=None, leeftijd_tot=None)


def answered(response, path: str) -> bool:
    """A page, a 400, or a redirect to the same page with the query understood (a gemeente or an age
    typed in the search box becomes its filter)."""
    if response.status_code == 302:
        return response["Location"].startswith(path + "?")
    return response.status_code in (200, 400)


def query_string(params: dict) -> str:
    return "&".join(
        f"{quote(k, safe='')}={quote(v, safe='')}" for k, values in params.items() for v in values
    )


@EXAMPLES
@given(params=QUERIES)
def test_aanbod_list_never_fails(client, data, params):
    assert answered(client.get("/aanbod/?" + query_string(params)), "/aanbod/")


@EXAMPLES
@given(params=QUERIES)
def test_agenda_never_fails(client, data, params):
    assert answered(client.get("/agenda/?" + query_string(params)), "/agenda/")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(max_size=400))
def test_raw_query_strings_never_fail(client, data, raw):
    for url in ("/aanbod/", "/agenda/", "/agenda.ics"):
        assert answered(client.get(url + "?" + quote(raw, safe="=&%")), url)
