"""The filters of /aanbod/ (and, through the same FilterSet, /agenda/): each alone, and combined."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aanbod.models import Aanbod, Openingsuur, Taal, Thema
from partners.models import Gemeente
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """These tests look at the work a page does (and its context), not at the page cache."""
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0


def at_noon(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(12)))


@pytest.fixture
def aanbod(gemeente_a, gemeente_b):
    """Five aanbod that differ in every filtered property; one of them is a draft."""
    gent_0_3 = factories.AanbodFactory(
        titel="Slaapcafé voor ouders van peuters",
        soort=Aanbod.Soort.VORMINGSAVOND,
        leeftijd_van=0,
        leeftijd_tot=3,
        themas=[Thema.objects.get(slug="slapen")],
    )
    gent_0_3.gemeenten.set([gemeente_a])
    gent_0_3.talen.set([Taal.objects.get(code="nl")])
    factories.ActiviteitFactory(aanbod=gent_0_3, start=at_noon(8), einde=at_noon(8) + timedelta(hours=2))

    antwerpen_6_12 = factories.AanbodFactory(
        titel="Koken met kinderen",
        soort=Aanbod.Soort.WORKSHOP,
        leeftijd_van=6,
        leeftijd_tot=12,
        kosten=Aanbod.Kosten.BETALEND,
        prijs=Decimal("10"),
        kansentarief=True,
        themas=[Thema.objects.get(slug="eten-en-drinken")],
    )
    antwerpen_6_12.gemeenten.set([gemeente_b])
    antwerpen_6_12.talen.set([Taal.objects.get(code="fr")])
    factories.ActiviteitFactory(
        aanbod=antwerpen_6_12,
        start=at_noon(3),
        einde=at_noon(3) + timedelta(hours=2),
        locatie__gemeente=gemeente_b,
        locatie__postcode="2000",
    )

    overal = factories.AanbodFactory(
        titel="Spelotheek De Doos",
        soort=Aanbod.Soort.SPELOTHEEK,
        leeftijd_van=None,
        leeftijd_tot=None,
        kosten=Aanbod.Kosten.BETALEND,
        prijs=Decimal("5"),
    )
    factories.OpeningsuurFactory(aanbod=overal, weekdag=(timezone.localdate() + timedelta(days=3)).weekday())

    aanstaand = factories.AanbodFactory(
        titel="Zwangerschapscursus",
        soort=Aanbod.Soort.OUDERCURSUS,
        aanstaande_ouders=True,
        leeftijd_van=0,
        leeftijd_tot=1,
    )
    aanstaand.gemeenten.set([gemeente_a])

    concept = factories.AanbodFactory(titel="Nog niet klaar", status=Aanbod.Status.CONCEPT)
    concept.gemeenten.set([gemeente_a])
    return {
        "gent_0_3": gent_0_3,
        "antwerpen_6_12": antwerpen_6_12,
        "overal": overal,
        "aanstaand": aanstaand,
        "concept": concept,
    }


def titles(client, **params) -> set[str]:
    response = client.get("/aanbod/", params)
    assert response.status_code == 200
    return {a.titel for a in factories.listed_aanbod(response)}


def errors(client, **params) -> dict:
    return client.get("/aanbod/", params).context["form"].errors


ALL = {"Slaapcafé voor ouders van peuters", "Koken met kinderen", "Spelotheek De Doos", "Zwangerschapscursus"}


def test_list_without_filters_shows_all_published(client, aanbod):
    assert titles(client) == ALL


def test_gemeente_by_slug_includes_aanbod_for_the_whole_werkgebied(client, aanbod):
    assert titles(client, gemeente="gent") == {
        "Slaapcafé voor ouders van peuters",
        "Spelotheek De Doos",
        "Zwangerschapscursus",
    }


def test_gemeente_by_name_ignores_case(client, aanbod):
    assert titles(client, gemeente="ANTWERPEN") == {"Koken met kinderen", "Spelotheek De Doos"}


def test_gemeente_by_postcode_resolves_to_its_gemeente(client, aanbod):
    assert titles(client, gemeente="9000") == titles(client, gemeente="gent")
    assert titles(client, gemeente="B-2000") == {"Koken met kinderen", "Spelotheek De Doos"}


def test_postcode_of_two_gemeenten_matches_both(client, aanbod):
    brussel, etterbeek = Gemeente.objects.voor_postcode("1040").order_by("naam")
    aanbod["gent_0_3"].gemeenten.set([etterbeek])
    aanbod["antwerpen_6_12"].gemeenten.set([brussel])
    # Brussels is outside the (Flemish) werkgebied, so werkgebied-wide aanbod is not added.
    assert titles(client, gemeente="1040") == {"Slaapcafé voor ouders van peuters", "Koken met kinderen"}


def test_unknown_gemeente_is_a_form_error_and_ignored(client, aanbod):
    assert titles(client, gemeente="Atlantis") == ALL
    assert titles(client, gemeente="9999") == ALL
    assert "gemeente" in errors(client, gemeente="Atlantis")


def test_leeftijd_in_years_matches_ranges_containing_it(client, aanbod):
    assert titles(client, leeftijd="2") == {"Slaapcafé voor ouders van peuters", "Spelotheek De Doos"}
    assert titles(client, leeftijd="7") == {"Koken met kinderen", "Spelotheek De Doos"}


def test_leeftijd_as_life_stage_matches_overlapping_ranges(client, aanbod):
    assert titles(client, leeftijd="0-3") == {
        "Slaapcafé voor ouders van peuters",
        "Spelotheek De Doos",
        "Zwangerschapscursus",
    }
    assert titles(client, leeftijd="12-18") == {"Koken met kinderen", "Spelotheek De Doos"}


def test_leeftijd_aanstaand_matches_aanbod_for_parents_to_be(client, aanbod):
    assert titles(client, leeftijd="aanstaand") == {"Zwangerschapscursus"}


@pytest.mark.parametrize("value", ["-1", "200", "abc", "3.5", "0-99"])
def test_absurd_leeftijd_is_a_form_error_and_ignored(client, aanbod, value):
    assert titles(client, leeftijd=value) == ALL
    assert "leeftijd" in errors(client, leeftijd=value)


def test_thema_by_slug(client, aanbod):
    assert titles(client, thema="slapen") == {"Slaapcafé voor ouders van peuters"}


def test_unknown_thema_is_ignored(client, aanbod):
    assert titles(client, thema="bestaat-niet") == ALL


def test_soort(client, aanbod):
    assert titles(client, soort="workshop") == {"Koken met kinderen"}


def test_gratis(client, aanbod):
    assert titles(client, gratis="1") == {"Slaapcafé voor ouders van peuters", "Zwangerschapscursus"}
    assert titles(client, gratis="0") == ALL


def test_kansentarief_includes_free_aanbod(client, aanbod):
    assert titles(client, kansentarief="on") == {
        "Slaapcafé voor ouders van peuters",
        "Zwangerschapscursus",
        "Koken met kinderen",
    }


def test_taal_dutch_includes_aanbod_that_names_no_language(client, aanbod):
    assert titles(client, taal="fr") == {"Koken met kinderen"}
    assert titles(client, taal="nl") == ALL - {"Koken met kinderen"}


def test_van_tot_match_activities_and_opening_hours_in_the_period(client, aanbod):
    today = timezone.localdate()
    period = {"van": str(today + timedelta(days=2)), "tot": str(today + timedelta(days=4))}
    assert titles(client, **period) == {"Koken met kinderen", "Spelotheek De Doos"}
    later = {"van": str(today + timedelta(days=8)), "tot": str(today + timedelta(days=9))}
    assert titles(client, **later) == {"Slaapcafé voor ouders van peuters"}


def test_van_after_tot_is_a_form_error(client, aanbod):
    today = timezone.localdate()
    params = {"van": str(today + timedelta(days=8)), "tot": str(today + timedelta(days=2))}
    assert "tot" in errors(client, **params)
    # `van` alone still applies: only activities from day 8 on.
    assert titles(client, **params) == {"Slaapcafé voor ouders van peuters", "Spelotheek De Doos"}


def test_nonsense_dates_are_form_errors(client, aanbod):
    assert "van" in errors(client, van="gisteren")
    assert "tot" in errors(client, tot="99999-01-01")
    assert titles(client, van="31/02/2026") == ALL


def test_filters_combine(client, aanbod):
    assert titles(client, gemeente="9000", leeftijd="2", gratis="1") == {"Slaapcafé voor ouders van peuters"}
    assert titles(client, gemeente="antwerpen", kansentarief="1", leeftijd="6-12") == {"Koken met kinderen"}
    assert titles(client, gemeente="antwerpen", thema="slapen") == set()


def test_search_combines_with_filters(client, aanbod):
    assert titles(client, q="spelotheek", gemeente="gent") == {"Spelotheek De Doos"}
    assert titles(client, q="spelotheek", soort="workshop") == set()


def test_sort_by_soonest_activity(client, aanbod):
    response = client.get("/aanbod/", {"sort": "soonest"})
    order = [a.titel for a in factories.listed_aanbod(response)]
    assert order[:2] == ["Koken met kinderen", "Slaapcafé voor ouders van peuters"]


def test_sort_by_name_is_the_default_without_search(client, aanbod):
    response = client.get("/aanbod/")
    order = [a.titel for a in factories.listed_aanbod(response)]
    assert order == sorted(order)


def test_unpublished_aanbod_is_never_listed(client, aanbod):
    factories.AanbodFactory(titel="Afgewezen ding", status=Aanbod.Status.AFGEWEZEN)
    gestopt = factories.AanbodFactory(titel="Van een gestopte partner")
    gestopt.partner.actief = False
    gestopt.partner.save()
    for params in ({}, {"q": "ding"}, {"gemeente": "gent"}, {"sort": "soonest"}):
        assert not titles(client, **params) & {"Nog niet klaar", "Afgewezen ding", "Van een gestopte partner"}


def test_active_filters_link_to_the_list_without_them(client, aanbod):
    response = client.get("/aanbod/", {"gemeente": "9000", "gratis": "1", "page": "1"})
    assert response.context["active_filters"] == [("gemeente", "In or near Gent"), ("gratis", "Only free")]
    assert 'href="/aanbod/?gratis=1"' in response.content.decode()


def test_agenda_applies_the_same_filters_to_activities(client, aanbod):
    response = client.get("/agenda/", {"gemeente": "antwerpen"})
    assert [a.aanbod.titel for a in response.context["page"].object_list] == ["Koken met kinderen"]
    response = client.get("/agenda/", {"leeftijd": "0-3"})
    assert [a.aanbod.titel for a in response.context["page"].object_list] == [
        "Slaapcafé voor ouders van peuters"
    ]


def test_agenda_van_tot_limit_the_activities_themselves(client, aanbod):
    today = timezone.localdate()
    response = client.get("/agenda/", {"van": str(today + timedelta(days=5))})
    assert [a.aanbod.titel for a in response.context["page"].object_list] == [
        "Slaapcafé voor ouders van peuters"
    ]
    response = client.get("/agenda/", {"tot": str(today + timedelta(days=5))})
    assert [a.aanbod.titel for a in response.context["page"].object_list] == ["Koken met kinderen"]


def test_openingsuur_weekday_choice_is_stable(aanbod):
    assert aanbod["overal"].openingsuren.get().weekdag in Openingsuur.Weekdag.values


def test_gemeente_facts_are_kept_for_the_data_version_and_read_again_for_a_new_one(
    aanbod, gemeente_a, django_assert_num_queries
):
    """Whether a gemeente is in the werkgebied, and its centre, are queries a page view need not repeat
    while the data version holds; a new version (a write) reads them afresh."""
    from types import SimpleNamespace

    from django.core.cache import cache
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from aanbod.filters import AanbodFilter

    cache.clear()
    factories.LocatieFactory(gemeente=gemeente_a, latitude="51.05", longitude="3.72")

    def facts(version):
        filterset = AanbodFilter(QueryDict(), request=SimpleNamespace(data_version=version))
        return filterset.gemeente_facts([gemeente_a])

    with CaptureQueriesContext(connection) as first:
        assert facts(7) == {"in_werkgebied": True, "has_places": True, "centre": (51.05, 3.72)}
    assert len(first) >= 2
    with django_assert_num_queries(0):
        assert facts(7)["centre"] == (51.05, 3.72)
    factories.LocatieFactory(gemeente=gemeente_a, latitude="51.07", longitude="3.74")
    with CaptureQueriesContext(connection) as again:
        assert facts(8)["centre"] == pytest.approx((51.06, 3.73))
    assert len(again) >= 2
