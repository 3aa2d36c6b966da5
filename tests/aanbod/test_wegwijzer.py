"""The wegwijzer's pages: what a parent sees, bad input, unpublished aanbod, query counts.

Tests that read UI text use the English pages (/en/…): msgids are English, so they do not change when
the Dutch catalogue is filled in.
"""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aanbod.models import Aanbod, Inschrijving, Taal, Thema
from aanbod.views import wegwijzer
from huisvanhetkind.lib import pagecache
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """These tests look at the work a page does (and its context), not at the page cache."""
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def slaapcafe(gemeente_a):
    aanbod = factories.AanbodFactory(
        titel="Slaapcafé",
        samenvatting="Praten over slapen, met koffie.",
        beschrijving="Een verpleegkundige van Kind en Gezin is er ook.",
        leeftijd_van=0,
        leeftijd_tot=3,
        kansentarief=True,
        contact_telefoon="09 123 45 67",
        themas=[Thema.objects.get(slug="slapen")],
    )
    aanbod.gemeenten.set([gemeente_a])
    aanbod.talen.set([Taal.objects.get(code="nl"), Taal.objects.get(code="ar")])
    locatie = factories.LocatieFactory(
        naam="Huis van het Kind Gent", straat="Kerkstraat 1", gemeente=gemeente_a
    )
    aanbod.locaties.set([locatie])
    return aanbod


def activiteit(aanbod, days=2, **kwargs):
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    kwargs.setdefault("locatie", aanbod.locaties.first() or factories.LocatieFactory())
    return factories.ActiviteitFactory(aanbod=aanbod, start=start, einde=start + timedelta(hours=2), **kwargs)


# ---- /aanbod/<slug>/ ----------------------------------------------------------------------------
def test_detail_shows_what_a_parent_needs(client, slaapcafe):
    eerste = activiteit(slaapcafe, days=2, capaciteit=10)
    factories.InschrijvingFactory(activiteit=eerste, aantal_personen=3)
    response = client.get(f"/en/aanbod/{slaapcafe.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Slaapcafé" in html
    assert "Children 0 to 3 years" in html
    assert "7 places left" in html
    assert f'href="/en/activiteiten/{eerste.pk}/inschrijven/"' in html
    assert f'href="/en/activiteiten/{eerste.pk}.ics"' in html
    assert "openstreetmap.org" in html
    assert 'href="tel:091234567"' in html
    assert "Arabic" in html


def test_detail_full_activity_offers_the_waiting_list(client, slaapcafe):
    vol = activiteit(slaapcafe, capaciteit=2)
    factories.InschrijvingFactory(activiteit=vol, aantal_personen=2)
    factories.InschrijvingFactory(activiteit=vol, status=Inschrijving.Status.WACHTLIJST)
    html = client.get(f"/en/aanbod/{slaapcafe.slug}/").content.decode()
    assert "Full — waiting list" in html
    assert "Join the waiting list" in html


def test_detail_cancelled_activity_says_so_and_offers_no_registration(client, slaapcafe):
    weg = activiteit(slaapcafe, geannuleerd=True, annulering_reden="De spreker is ziek.")
    html = client.get(f"/en/aanbod/{slaapcafe.slug}/").content.decode()
    assert "This activity does not take place. De spreker is ziek." in html
    assert f"/activiteiten/{weg.pk}/inschrijven/" not in html


def test_detail_carries_schema_org_events_with_the_csp_nonce(client, slaapcafe):
    eerste = activiteit(slaapcafe)
    activiteit(slaapcafe, days=3, geannuleerd=True)
    response = client.get(slaapcafe.get_absolute_url())
    html = response.content.decode()
    match = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', html, re.S)
    assert match
    assert f"'nonce-{match.group(1)}'" in response["Content-Security-Policy"]
    events = json.loads(match.group(2))
    assert [e["@type"] for e in events] == ["Event", "Event"]
    assert events[0]["name"] == "Slaapcafé"
    assert events[0]["startDate"] == timezone.localtime(eerste.start).isoformat()
    assert events[0]["location"]["address"]["addressLocality"] == "Gent"
    assert events[0]["eventStatus"] == "https://schema.org/EventScheduled"
    assert events[1]["eventStatus"] == "https://schema.org/EventCancelled"


def test_detail_json_ld_cannot_close_its_script(client, slaapcafe):
    slaapcafe.samenvatting = "</script><script>alert(1)</script>"
    slaapcafe.save()
    activiteit(slaapcafe)
    html = client.get(f"/en/aanbod/{slaapcafe.slug}/").content.decode()
    assert "<script>alert(1)" not in html


def test_detail_past_activities_are_not_listed(client, slaapcafe):
    voorbij = activiteit(slaapcafe, days=-3)
    html = client.get(f"/en/aanbod/{slaapcafe.slug}/").content.decode()
    assert f"activiteit-{voorbij.pk}" not in html
    assert "No dates are planned at the moment" in html


@pytest.mark.parametrize(
    "status",
    [Aanbod.Status.CONCEPT, Aanbod.Status.INGEDIEND, Aanbod.Status.AFGEWEZEN, Aanbod.Status.GEARCHIVEERD],
)
def test_detail_of_unpublished_aanbod_is_404(client, slaapcafe, status):
    slaapcafe.status = status
    slaapcafe.save()
    assert client.get(slaapcafe.get_absolute_url()).status_code == 404


def test_detail_is_404_for_its_own_partner_too(client, alice, partner_a):
    """The wegwijzer is public: no preview through it, not even for the aanbod's own partner."""
    concept = factories.AanbodFactory(partner=partner_a, status=Aanbod.Status.CONCEPT)
    client.force_login(alice)
    assert client.get(concept.get_absolute_url()).status_code == 404


def test_detail_of_unknown_slug_is_404(client, db):
    assert client.get("/aanbod/bestaat-niet/").status_code == 404


# ---- /aanbod/ -----------------------------------------------------------------------------------
def test_list_shows_count_and_next_activity(client, slaapcafe):
    activiteit(slaapcafe, days=2)
    response = client.get("/en/aanbod/")
    html = response.content.decode()
    assert "1 result" in html
    assert "Next:" in html


def test_list_empty_state_helps_further(client, slaapcafe):
    html = client.get("/en/aanbod/", {"q": "xylofoon", "gratis": "1", "leeftijd": "12"}).content.decode()
    assert "0 results" in html
    assert "We found nothing that fits all of this" in html
    assert 'href="/en/vraag/"' in html


def test_list_page_past_the_end_shows_the_last_page(client, db, monkeypatch):
    monkeypatch.setattr(wegwijzer, "PAGE_SIZE", 2)
    factories.AanbodFactory.create_batch(5)
    for page, expected in (("999", 3), ("abc", 1), ("-1", 3), ("0", 3), ("1" * 400, 3)):
        response = client.get("/aanbod/", {"page": page})
        assert response.status_code == 200
        assert response.context["page"].number == expected


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "sla\x00pen"},
        {"q": "\u202e\u200b👶🏽 Ça ثلاثة"},
        {"gemeente": "\x00"},
        {"gemeente": "9" * 300},
        {"leeftijd": "9" * 50},
        {"van": "2026-13-45", "tot": "\x00"},
        {"van": "0001-01-01"},
        {"sort": "DROP TABLE"},
        {"thema": "'"},
        {"taal": "x" * 100},
        {"soort": "\x00"},
        {"gratis": "\x00"},
    ],
)
def test_bad_input_never_gives_a_500(client, slaapcafe, params):
    for url in ("/aanbod/", "/agenda/", "/agenda.ics", "/agenda/afdruk/"):
        assert client.get(url, params).status_code == 200


def test_invalid_utf8_in_the_query_string_is_no_500(client, slaapcafe):
    for url in ("/aanbod/", "/agenda/", "/agenda.ics", "/agenda/afdruk/"):
        assert client.get(url + "?q=%ED%A0%80%FF&gemeente=%C0%AF").status_code == 200


def test_long_query_is_cut_and_still_searches(client, slaapcafe):
    response = client.get("/aanbod/", {"q": "slaapcafé " + "x" * 5000})
    assert response.context["filter"].search_text.startswith("slaapcafé x")
    assert len(response.context["filter"].search_text) == 200


def test_unknown_gemeente_shows_a_clear_message(client, slaapcafe):
    html = client.get("/en/aanbod/", {"gemeente": "Atlantis"}).content.decode()
    assert "We do not know “Atlantis”" in html
    assert 'aria-invalid="true"' in html


def test_post_is_not_allowed(client, db):
    assert client.post("/aanbod/").status_code == 405


# ---- /agenda/ -----------------------------------------------------------------------------------
def test_agenda_groups_activities_by_day(client, slaapcafe):
    vandaag = activiteit(slaapcafe, days=1)
    activiteit(slaapcafe, days=1)
    activiteit(slaapcafe, days=4)
    response = client.get("/agenda/")
    days = response.context["days"]
    assert [len(items) for _, items in days] == [2, 1]
    assert days[0][0] == timezone.localtime(vandaag.start).date()


def test_agenda_leaves_out_ended_and_unpublished_activities(client, slaapcafe):
    activiteit(slaapcafe, days=-2)
    concept = factories.AanbodFactory(status=Aanbod.Status.CONCEPT)
    activiteit(concept, days=2)
    komend = activiteit(slaapcafe, days=2)
    response = client.get("/agenda/")
    assert list(response.context["page"].object_list) == [komend]


def test_agenda_empty_state(client, db):
    html = client.get("/en/agenda/").content.decode()
    assert "No activities found" in html


# ---- /agenda/afdruk/ ----------------------------------------------------------------------------
def test_poster_has_the_week_and_a_qr_code_to_the_same_agenda(client, slaapcafe, settings):
    settings.SITE_URL = "https://hvhk.example"
    deze_week = activiteit(slaapcafe, days=2)
    activiteit(slaapcafe, days=12)
    response = client.get("/agenda/afdruk/", {"gemeente": "gent", "page": "3"})
    html = response.content.decode()
    assert [a for _, items in response.context["days"] for a in items] == [deze_week]
    assert response.context["online_url"] == "https://hvhk.example/agenda/?gemeente=gent"
    assert 'src="data:image/svg+xml' in html


# ---- / ------------------------------------------------------------------------------------------
def test_home_shows_this_week_and_ways_in(client, slaapcafe):
    activiteit(slaapcafe, days=2)
    later = activiteit(slaapcafe, days=20)
    html = client.get("/").content.decode()
    assert 'action="/aanbod/"' in html
    assert 'href="/aanbod/?leeftijd=0-3"' in html
    assert 'href="/aanbod/?thema=slapen"' in html
    assert 'href="/aanbod/?thema=pesten"' not in html  # no aanbod: no dead end
    assert 'href="/vraag/"' in html
    assert html.count(slaapcafe.get_absolute_url() + "#activiteit-") == 1
    assert f"#activiteit-{later.pk}" not in html


def test_home_asks_nothing_of_a_logged_in_partner(client, alice, slaapcafe):
    client.force_login(alice)
    assert client.get("/").status_code == 200


# ---- Query counts: bounded, the same at 10 and at 100 items on a page --------------------------
def fill(n: int, gemeente):
    thema = Thema.objects.get(slug="slapen")
    for i in range(n):
        aanbod = factories.AanbodFactory(titel=f"Aanbod {i:03}", themas=[thema])
        aanbod.gemeenten.set([gemeente])
        aanbod.talen.set([Taal.objects.get(code="nl")])
        factories.OpeningsuurFactory(aanbod=aanbod)
        act = activiteit(aanbod, days=1 + i % 5, capaciteit=5)
        factories.InschrijvingFactory(activiteit=act)
    return aanbod


@pytest.mark.parametrize("n", [10, 100])
def test_query_count_does_not_grow_with_the_page(
    client, gemeente_a, monkeypatch, django_assert_max_num_queries, n
):
    monkeypatch.setattr(wegwijzer, "PAGE_SIZE", n)
    monkeypatch.setattr(wegwijzer, "AGENDA_PAGE_SIZE", n)
    monkeypatch.setattr(wegwijzer, "DETAIL_ACTIVITIES", n)
    laatste = fill(n, gemeente_a)
    for _ in range(n - 1):
        activiteit(laatste, days=3)
    client.get("/")  # warm the Netwerk cache and the session-free paths
    urls = [
        "/",
        "/aanbod/",
        "/aanbod/?q=aanbod&gemeente=9000&leeftijd=2&thema=slapen&taal=nl&sort=soonest",
        laatste.get_absolute_url(),
        "/agenda/",
        "/agenda/?gemeente=gent&leeftijd=0-3",
        "/agenda.ics",
        "/partners/",
        f"/partners/{laatste.partner.slug}/",
    ]
    for url in urls:
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, url
    response = client.get("/aanbod/")
    assert len(response.context["page"].object_list) == n


# ---- The page cache (PostgreSQL) ----------------------------------------------------------------
@pytest.fixture
def page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 60


def test_list_is_served_from_cache_until_the_data_changes(
    postgres, page_cache, client, slaapcafe, django_assert_max_num_queries
):
    first = client.get("/aanbod/").content
    with django_assert_max_num_queries(1):  # only the data version
        assert client.get("/aanbod/").content == first
    Aanbod.objects.filter(pk=slaapcafe.pk).update(status=Aanbod.Status.GEARCHIVEERD)
    assert b"Slaapcaf" not in client.get("/aanbod/").content


def test_cache_keys_hold_language_and_filters(postgres, page_cache, client, slaapcafe):
    assert client.get("/aanbod/", {"q": "slaapcafé"}).context["page"].paginator.count == 1
    assert client.get("/aanbod/", {"q": "xylofoon"}).context["page"].paginator.count == 0
    assert b'lang="fr"' in client.get("/fr/aanbod/").content
    assert b'lang="nl"' in client.get("/aanbod/").content


def test_a_new_registration_refreshes_the_agenda(postgres, page_cache, client, slaapcafe):
    vol = activiteit(slaapcafe, capaciteit=1)
    assert b"badge full" not in client.get("/agenda/").content
    factories.InschrijvingFactory(activiteit=vol)
    assert b"badge full" in client.get("/agenda/").content


def test_logged_in_users_are_never_served_from_the_cache(postgres, page_cache, client, alice, slaapcafe):
    client.get("/aanbod/")
    client.force_login(alice)
    assert 'href="/partner/"' in client.get("/aanbod/").content.decode()


def test_without_a_data_version_nothing_is_cached(page_cache, client, slaapcafe, monkeypatch):
    monkeypatch.setattr(pagecache, "data_version", lambda: None)
    client.get("/aanbod/")
    Aanbod.objects.filter(pk=slaapcafe.pk).update(titel="Nieuwe titel")
    assert b"Nieuwe titel" in client.get("/aanbod/").content
