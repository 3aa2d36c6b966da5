"""`gemeente` means "in or near": nearest first, each card says where; free text understands a gemeente
and an age; thema and age give relevance order (issue 16, points 1 and 3)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aanbod.models import Aanbod, Thema
from aanbod.search import understand_query
from partners.models import Gemeente, Netwerk
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def lokeren():
    return Gemeente.objects.get(naam="Lokeren")


@pytest.fixture
def lochristi():
    return Gemeente.objects.get(naam="Lochristi")


@pytest.fixture
def werkgebied(lokeren, lochristi):
    netwerk = Netwerk.load()
    netwerk.save()
    netwerk.werkgebied.set([lokeren, lochristi])
    return netwerk


def place(gemeente, lat, lon):
    return factories.LocatieFactory(
        gemeente=gemeente, postcode="9080", latitude=Decimal(lat), longitude=Decimal(lon)
    )


@pytest.fixture
def catalogue(werkgebied, lokeren, lochristi):
    in_lochristi = factories.AanbodFactory(titel="Babymassage")
    in_lochristi.locaties.set([place(lochristi, "51.096812", "3.833514")])
    in_lokeren = factories.AanbodFactory(titel="Zitdag in Lokeren")
    in_lokeren.locaties.set([place(lokeren, "51.104017", "3.992034")])
    nowhere = factories.AanbodFactory(titel="Telefonisch advies")
    only_gent = factories.AanbodFactory(titel="Alleen voor Gentenaars")
    only_gent.gemeenten.set([Gemeente.objects.get(nis="44021")])
    only_gent.locaties.set([place(Gemeente.objects.get(nis="44021"), "51.05", "3.72")])
    return {"lochristi": in_lochristi, "lokeren": in_lokeren, "nowhere": nowhere, "gent": only_gent}


def listed(client, **params):
    response = client.get(reverse("aanbod_list"), params)
    assert response.status_code == 200
    return response, [a.titel for a in factories.listed_aanbod(response)]


def test_gemeente_orders_what_is_in_it_first_then_by_distance(client, catalogue):
    response, titles = listed(client, gemeente="Lokeren")

    assert titles == ["Zitdag in Lokeren", "Babymassage", "Telefonisch advies"]
    html = response.content.decode()
    assert "in Lokeren, less than 1 km" in html
    assert "in Lochristi, 11 km" in html
    assert "In or near Lokeren" in html


def test_gemeente_by_postcode_orders_the_same(client, catalogue):
    _, titles = listed(client, gemeente="9160")

    assert titles[0] == "Zitdag in Lokeren"


def test_gemeente_shows_what_is_held_there_even_if_meant_for_others(client, catalogue):
    _, titles = listed(client, gemeente="Gent")

    assert titles[0] == "Alleen voor Gentenaars"


@pytest.mark.parametrize(("hours", "listed_there"), [(-1, False), (1, True), (-24, False)])
def test_an_activity_makes_aanbod_held_there_until_it_has_ended(
    client, catalogue, lokeren, hours, listed_there
):
    """Aanbod meant for Gentenaars turns up in Lokeren while an activity there has not ended yet."""
    einde = timezone.now() + timedelta(hours=hours)
    factories.ActiviteitFactory(
        aanbod=catalogue["gent"],
        start=einde - timedelta(hours=2),
        einde=einde,
        locatie=place(lokeren, "51.1", "3.99"),
    )
    _, titles = listed(client, gemeente="Lokeren")
    assert ("Alleen voor Gentenaars" in titles) is listed_there


def test_gemeente_without_located_places_still_lists_open_aanbod(client, catalogue):
    _, titles = listed(client, gemeente="Destelbergen")

    # Not in the werkgebied and nothing takes place there: only aanbod that names it would show.
    assert titles == []


def test_a_gemeente_without_places_is_not_searched_for_what_is_held_there(client, catalogue):
    """Nothing can take place where the network has no place: the list does not look for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.AanbodFactory(titel="Voor Destelbergen").gemeenten.set(
        [Gemeente.objects.get(naam="Destelbergen")]
    )
    client.get(reverse("aanbod_list"), {"gemeente": "Destelbergen"})  # the gemeente's facts, kept
    with CaptureQueriesContext(connection) as captured:
        _, titles = listed(client, gemeente="Destelbergen")
    assert titles == ["Voor Destelbergen"]
    assert not [
        q for q in captured.captured_queries if "aanbod_activiteit" in q["sql"] and "COUNT(" in q["sql"]
    ]
    _, titles = listed(client, gemeente="Lokeren")  # a gemeente with places still looks
    assert titles[0] == "Zitdag in Lokeren"


def test_search_text_with_gemeente_becomes_a_filter(client, catalogue):
    response = client.get(reverse("aanbod_list"), {"q": "zitdag lokeren"})

    assert response.status_code == 302
    assert response.url == "/aanbod/?q=zitdag&gemeente=Lokeren"
    _, titles = listed(client, q="zitdag", gemeente="Lokeren")
    assert titles == ["Zitdag in Lokeren"]


def test_search_text_with_age_becomes_a_filter(client):
    response = client.get(reverse("agenda"), {"q": "slapen 2 jaar"})

    assert response.status_code == 302
    assert response.url == "/agenda/?q=slapen&leeftijd=2"


def test_search_text_only_a_postcode(client):
    response = client.get(reverse("aanbod_list"), {"q": "9160"})

    assert response.url == "/aanbod/?gemeente=9160"


def test_search_text_keeps_a_given_gemeente(client):
    response = client.get(reverse("aanbod_list"), {"q": "lokeren", "gemeente": "Gent"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "text", "gemeente", "leeftijd"),
    [
        ("cursus lokeren", "cursus", "Lokeren", None),
        ("slapen 2 jaar", "slapen", "", 2),
        ("Sint Niklaas peuters 3-jarige", "peuters", "Sint-Niklaas", 3),
        ("boom en peer", "boom en peer", "", None),  # everyday words, not Boom or Peer
        ("spelotheek Boom", "spelotheek", "Boom", None),
        ("sleep 4 years", "sleep", "", 4),
        ("dormir 5 ans", "dormir", "", 5),
        ("2000 kinderen", "kinderen", "2000", None),
        ("", "", "", None),
    ],
)
def test_understand_query(query, text, gemeente, leeftijd):
    understood = understand_query(query)

    assert (understood.text, understood.gemeente, understood.leeftijd) == (text, gemeente, leeftijd)


def test_thema_puts_what_is_most_about_it_first(client):
    slapen = Thema.objects.get(slug="slapen")
    eten = Thema.objects.get(slug="eten-en-drinken")
    factories.AanbodFactory(titel="Consultatie", themas=[slapen, eten])
    factories.AanbodFactory(titel="Avond over eten en slapen", themas=[eten, slapen])
    factories.AanbodFactory(titel="Slapen: tips voor rustige nachten", themas=[slapen, eten])
    factories.AanbodFactory(titel="Alles over slaap", themas=[slapen])

    _, titles = listed(client, thema="slapen")

    assert titles[0] == "Slapen: tips voor rustige nachten"
    assert titles[1] == "Avond over eten en slapen"
    assert titles[2] == "Alles over slaap"


def test_age_leaves_out_aanbod_only_for_parents_to_be(client):
    factories.AanbodFactory(
        titel="Infoavond zwangerschap", aanstaande_ouders=True, leeftijd_van=None, leeftijd_tot=None
    )
    factories.AanbodFactory(titel="Peuterturnen", leeftijd_van=2, leeftijd_tot=3)
    factories.AanbodFactory(titel="Voor alle gezinnen", leeftijd_van=None, leeftijd_tot=None)
    factories.AanbodFactory(titel="Opvoedingswinkel", leeftijd_van=0, leeftijd_tot=18)

    _, titles = listed(client, leeftijd="2")

    assert titles == ["Peuterturnen", "Opvoedingswinkel", "Voor alle gezinnen"]


def test_gemeente_list_query_count_does_not_grow(client, catalogue, django_assert_max_num_queries):
    client.get(reverse("aanbod_list"), {"gemeente": "Lokeren"})
    for n in range(5):
        factories.AanbodFactory(titel=f"Extra {n}").locaties.set(
            [place(Gemeente.objects.get(naam="Lokeren"), "51.1", "3.99")]
        )
    with django_assert_max_num_queries(20):
        response = client.get(reverse("aanbod_list"), {"gemeente": "Lokeren"})
    assert response.status_code == 200
    assert Aanbod.objects.count() == 9
