"""A parent on a phone finds support: with and without JavaScript, in three languages, accessibly."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from aanbod.models import Thema
from partners.models import Gemeente
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def wegwijzer():
    gent, antwerpen = Gemeente.objects.get(nis="44021"), Gemeente.objects.get(nis="11002")
    slapen = Thema.objects.get(slug="slapen")
    cafe = factories.AanbodFactory(
        titel="Slaapcafé voor ouders",
        samenvatting="Praten over slapen en doorslapen, met koffie.",
        leeftijd_van=0,
        leeftijd_tot=3,
        themas=[slapen],
    )
    cafe.gemeenten.set([gent])
    tieners = factories.AanbodFactory(
        titel="Slapen als tiener",
        samenvatting="Over slapen in de puberteit.",
        leeftijd_van=12,
        leeftijd_tot=18,
    )
    tieners.gemeenten.set([gent])
    elders = factories.AanbodFactory(titel="Slaaptips in Antwerpen", samenvatting="Slapen kan je leren.")
    elders.gemeenten.set([antwerpen])
    locatie = factories.LocatieFactory(naam="Huis van het Kind Gent", gemeente=gent)
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=19, minute=30, second=0, microsecond=0)
    volgende = factories.ActiviteitFactory(
        aanbod=cafe, start=start, einde=start + timedelta(hours=2), locatie=locatie
    )
    factories.ActiviteitFactory(
        aanbod=elders,
        start=start,
        einde=start + timedelta(hours=1),
        locatie__gemeente=antwerpen,
        locatie__postcode="2000",
    )
    return {"cafe": cafe, "volgende": volgende}


def find_sleep_support(page, base: str, volgende) -> None:
    """From the front page: search 'slapen', narrow to Gent (a postcode) and a two-year-old, open it."""
    page.goto(base + "/")
    page.fill("#home-q", "slapen")
    page.press("#home-q", "Enter")
    page.wait_for_url(re.compile(r"/aanbod/\?q=slapen"))
    assert page.locator(".results .aanbod-card").count() == 3

    page.click("details.filters > summary")
    page.fill("#id_gemeente", "9000")
    page.select_option("#id_leeftijd", "2")
    page.click("#filters .form-actions button[type=submit]")
    page.wait_for_url(re.compile(r"gemeente=9000"))
    assert "leeftijd=2" in page.url
    cards = page.locator(".results .aanbod-card h2")
    assert cards.all_inner_texts() == ["Slaapcafé voor ouders"]

    cards.first.locator("a").click()
    page.wait_for_url(re.compile(r"/aanbod/slaapcafe-voor-ouders/"))
    activiteit = page.locator(f"#activiteit-{volgende.pk}")
    assert activiteit.is_visible()
    expected_day = str(timezone.localtime(volgende.start).day)
    assert activiteit.locator(".date-tile .day").inner_text() == expected_day
    assert activiteit.locator(f'a[href$="/activiteiten/{volgende.pk}/inschrijven/"]').is_visible()


def test_parent_finds_the_next_activity_with_javascript(live_server, page, wegwijzer):
    find_sleep_support(page, live_server.url, wegwijzer["volgende"])


def test_parent_finds_the_next_activity_without_javascript(live_server, page_without_js, wegwijzer):
    find_sleep_support(page_without_js, live_server.url, wegwijzer["volgende"])


def test_my_children_stay_in_the_browser_and_preselect_the_age(live_server, page, wegwijzer):
    sent = []
    page.on("request", lambda request: sent.append(request.url + (request.post_data or "")))
    page.goto(live_server.url + "/")
    page.click(".my-kids summary")
    two_years_ago = timezone.localdate().replace(day=1) - timedelta(days=730)
    page.select_option(".kid-form select[name=maand]", str(two_years_ago.month))
    page.select_option(".kid-form select[name=jaar]", str(two_years_ago.year))
    page.click(".kid-form button")
    assert page.locator("[data-kids-list] li").count() == 1
    assert page.locator('a.is-mine[data-stage="0-3"]').count() == 1

    page.goto(live_server.url + "/aanbod/?q=slapen")
    assert page.eval_on_selector("#id_leeftijd", "el => el.value") in ("1", "2")
    assert not [url for url in sent if f"{two_years_ago.year}" in url.split("?", 1)[-1]]


def test_language_switcher_keeps_the_page(live_server, page, wegwijzer):
    page.goto(live_server.url + "/aanbod/?q=slapen")
    page.click('.language-switcher a[hreflang="en"]')
    page.wait_for_url(live_server.url + "/en/aanbod/?q=slapen")
    assert page.get_attribute("html", "lang") == "en"
    page.click('.language-switcher a[hreflang="fr"]')
    page.wait_for_url(live_server.url + "/fr/aanbod/?q=slapen")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.input_value("#id_q") == "slapen"
    page.click('.language-switcher a[hreflang="nl-be"]')
    page.wait_for_url(live_server.url + "/aanbod/?q=slapen")
    assert page.get_attribute("html", "lang") == "nl"


def test_axe_finds_no_violations(live_server, page, axe, wegwijzer):
    cafe = wegwijzer["cafe"]
    urls = [
        "/",
        "/aanbod/",
        "/aanbod/?q=slapen&gemeente=Atlantis",
        f"/aanbod/{cafe.slug}/",
        "/agenda/",
        "/partners/",
        f"/partners/{cafe.partner.slug}/",
        "/en/",
    ]
    found = {}
    for url in urls:
        page.goto(live_server.url + url)
        for details in page.locator("details").all():
            details.evaluate("el => el.open = true")
        violations = axe(page, ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
        if violations:
            found[url] = violations
    assert found == {}
