"""Issue 16 in a real browser at 390 px: gemeente "in or near" with distances and free text, the error
summary, thema and "My children" relevance, no sideways scrolling at 320 px, the urgent numbers on
/vraag/; axe stays at 0 on every page touched."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aanbod.models import Thema
from partners.models import Gemeente, Netwerk
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def lochristi_network():
    lokeren, lochristi = Gemeente.objects.get(naam="Lokeren"), Gemeente.objects.get(naam="Lochristi")
    netwerk = Netwerk.load()
    netwerk.naam = "Huis van het Kind Lochristi"
    netwerk.save()
    netwerk.werkgebied.set([lokeren, lochristi])
    slapen = Thema.objects.get(slug="slapen")

    def place(gemeente, lat, lon):
        return factories.LocatieFactory(
            gemeente=gemeente, postcode="9080", latitude=Decimal(lat), longitude=Decimal(lon)
        )

    cursus = factories.AanbodFactory(titel="Oudercursus in Lochristi", leeftijd_van=0, leeftijd_tot=6)
    cursus.locaties.set([place(lochristi, "51.096812", "3.833514")])
    caw = factories.AanbodFactory(titel="Oudercursus in Lokeren", leeftijd_van=0, leeftijd_tot=12)
    caw.locaties.set([place(lokeren, "51.104017", "3.992034")])
    slaapavond = factories.AanbodFactory(
        titel="Slapen: tips voor rustige nachten", leeftijd_van=0, leeftijd_tot=6, themas=[slapen]
    )
    slaapavond.locaties.set([place(lochristi, "51.0962", "3.8290")])
    factories.AanbodFactory(
        titel="Consultatie",
        leeftijd_van=0,
        leeftijd_tot=3,
        themas=[slapen, Thema.objects.get(slug="gezondheid")],
    )
    factories.AanbodFactory(
        titel="Infoavond zwangerschap",
        aanstaande_ouders=True,
        leeftijd_van=None,
        leeftijd_tot=None,
        themas=[slapen, Thema.objects.get(slug="zwangerschap-en-geboorte")],
    )
    activiteit = factories.ActiviteitFactory(aanbod=cursus, locatie=cursus.locaties.first())
    return {"activiteit": activiteit}


def test_gemeente_in_the_search_text_orders_nearest_first(live_server, page, axe, lochristi_network):
    page.goto(live_server.url + "/aanbod/")
    page.fill("#id_q", "oudercursus lokeren")
    page.press("#id_q", "Enter")
    page.wait_for_url(re.compile(r"gemeente=Lokeren"))

    titles = page.locator(".results .aanbod-card h2").all_inner_texts()
    assert titles == ["Oudercursus in Lokeren", "Oudercursus in Lochristi"]
    places = page.locator(".results .aanbod-card .place").all_inner_texts()
    assert places[0].startswith("in Lokeren")
    assert re.fullmatch(r"in Lochristi, 1\d km", places[1])
    chip = page.locator(".active-filters a.chip", has_text="Lokeren")
    assert chip.is_visible()
    assert axe(page) == []

    chip.click()  # removing the gemeente leaves the words
    page.wait_for_url(lambda url: "gemeente" not in url and "q=oudercursus" in url)
    assert page.locator(".results .aanbod-card").count() == 2


def test_thema_chip_puts_the_best_match_first(live_server, page, lochristi_network):
    page.goto(live_server.url + "/aanbod/?thema=slapen")

    titles = page.locator(".results .aanbod-card h2").all_inner_texts()
    assert titles[0] == "Slapen: tips voor rustige nachten"

    page.goto(live_server.url + "/aanbod/?thema=slapen&leeftijd=2")
    assert "Infoavond zwangerschap" not in page.locator(".results").inner_text()


def test_my_child_filters_the_list(live_server, page, lochristi_network):
    page.goto(live_server.url + "/")
    page.click(".my-kids summary")
    two_years_ago = timezone.localdate().replace(day=1) - timedelta(days=730)
    page.select_option(".kid-form select[name=maand]", str(two_years_ago.month))
    page.select_option(".kid-form select[name=jaar]", str(two_years_ago.year))
    page.click(".kid-form button")

    page.goto(live_server.url + "/aanbod/?thema=slapen")
    page.wait_for_url(re.compile(r"leeftijd=[12]"))
    assert "Infoavond zwangerschap" not in page.locator(".results").inner_text()
    age_chip = page.locator(".active-filters a.chip", has_text=re.compile("jaar|year"))
    age_chip.click()  # a removed age stays removed during this visit
    page.wait_for_url(lambda url: "leeftijd" not in url)
    page.wait_for_timeout(300)
    assert "leeftijd" not in page.url


def test_failed_registration_focuses_the_error_summary(live_server, page, axe, lochristi_network):
    activiteit = lochristi_network["activiteit"]
    page.goto(f"{live_server.url}/activiteiten/{activiteit.pk}/inschrijven/")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()

    assert re.match(r"(Fout|Error): ", page.title())
    focused = page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert focused
    assert page.locator("[data-error-summary]").is_visible()
    assert page.get_attribute("#id_naam", "aria-invalid") == "true"
    assert "id_naam_error" in page.get_attribute("#id_naam", "aria-describedby")
    assert axe(page) == []

    page.locator('[data-error-summary] a[href="#id_naam"]').click()
    assert page.evaluate("() => document.activeElement.id") == "id_naam"


def test_error_summary_without_javascript_is_at_the_top(live_server, page_without_js, lochristi_network):
    activiteit = lochristi_network["activiteit"]
    page = page_without_js
    page.goto(f"{live_server.url}/activiteiten/{activiteit.pk}/inschrijven/")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]").bounding_box()
    form = page.locator("form.form").bounding_box()
    assert summary["y"] < form["y"]
    assert summary["y"] < 844  # on the first screen of a phone


def test_nothing_scrolls_sideways_at_320_px(live_server, page, lochristi_network):
    activiteit = lochristi_network["activiteit"]
    inschrijving = factories.InschrijvingFactory(
        activiteit=activiteit,
        email="een.heel.lange.naam.van.een.ouder@een-lange-domeinnaam-van-een-school.example.org",
    )
    page.set_viewport_size({"width": 320, "height": 700})
    for path in (
        inschrijving.get_absolute_url(),
        "/",
        "/aanbod/?gemeente=Lokeren",
        "/agenda/",
        "/partners/",
        "/vraag/",
        "/toegankelijkheid/",
        "/fr/agenda/",
        "/fr/vraag/",
    ):
        page.goto(live_server.url + path)
        width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width[0] <= width[1], path


def test_urgent_numbers_come_first_as_phone_links(live_server, page, axe, lochristi_network):
    page.goto(live_server.url + "/vraag/")

    for number in ("112", "101", "102", "106", "1712", "+3278150100"):
        assert page.locator(f'.urgent a[href="tel:{number}"]').count() == 1, number
    urgent = page.locator(".urgent").bounding_box()
    form = page.locator("form.form").bounding_box()
    assert urgent["y"] < form["y"]
    assert axe(page) == []


def test_accessibility_statement_and_translation_note(live_server, page, axe, lochristi_network):
    page.goto(live_server.url + "/")
    page.locator('.site-footer a[href="/toegankelijkheid/"]').click()
    page.wait_for_url(re.compile(r"/toegankelijkheid/$"))
    assert page.locator("h1").inner_text() in ("Toegankelijkheidsverklaring", "Accessibility statement")
    assert axe(page) == []

    page.goto(live_server.url + "/fr/toegankelijkheid/")
    assert page.locator(".translation-note").is_visible()
    assert page.locator('.translation-note a[lang="nl"]').get_attribute("href") == "/toegankelijkheid/"
    assert axe(page) == []
