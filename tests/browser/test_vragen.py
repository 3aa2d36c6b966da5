"""In a real browser: quick registration with the keyboard alone, a parent's question and pickup without
JavaScript, and a municipality user's report (charts, tables, axe)."""

import re
import time
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, live_server, user):
    """Sign the browser in as `user` (the login pages are another app's; their tests cover them)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def focused(page) -> str:
    return page.evaluate(
        "() => document.activeElement && (document.activeElement.name || document.activeElement.id)"
    )


def test_quick_registration_with_the_keyboard_alone(page, live_server):
    from vragen.models import Vraag

    partner = factories.PartnerFactory(naam="Consultatiebureau Gent")
    bob = factories.UserFactory(email="bob@example.org", naam="Bob")
    factories.LidmaatschapFactory(user=bob, partner=partner)
    log_in(page, live_server, bob)

    page.goto(live_server.url + "/partner/vragen/nieuw/")
    assert focused(page) == "gemeente"  # nothing remembered yet: start at the gemeente
    keyboard = page.keyboard
    keyboard.type("9000")
    keyboard.press("Tab")
    assert focused(page) == "thema"
    keyboard.type("Slapen")
    keyboard.press("Tab")  # also about: nothing
    keyboard.press("Tab")
    assert focused(page) == "leeftijdsband"
    keyboard.type("0")  # "unknown" -> "0 to 1 year"
    keyboard.press("Tab")
    keyboard.press("Tab")
    assert focused(page) == "kanaal"
    keyboard.press("ArrowDown")  # in person -> phone
    keyboard.press("Tab")
    keyboard.press("Tab")
    assert focused(page) == "datum"
    with page.expect_navigation():
        keyboard.press("Enter")
    assert page.url.endswith("/partner/vragen/nieuw/")

    # The next one: the gemeente, age and channel are remembered; the cursor waits in the thema list.
    started = time.monotonic()
    assert focused(page) == "thema"
    keyboard.type("Eten")
    keyboard.press("Tab")
    keyboard.type("Slapen")
    keyboard.press("Tab")
    keyboard.press("Tab")
    keyboard.press("Tab")
    keyboard.press("Tab")
    keyboard.press("Tab")
    keyboard.press("Tab")
    assert focused(page) == "datum"
    with page.expect_navigation():
        keyboard.press("Enter")
    assert page.url.endswith("/partner/vragen/nieuw/")
    assert time.monotonic() - started < 15

    vragen = list(Vraag.objects.order_by("pk"))
    assert len(vragen) == 2
    for vraag in vragen:
        assert vraag.gemeente.naam == "Gent"
        assert vraag.leeftijdsband == "0-1"
        assert vraag.kanaal == "telefoon"
        assert vraag.geregistreerd_door_id == bob.pk
        assert vraag.geregistreerd_bij_id == partner.pk
    assert [t.slug for t in vragen[0].themas.all()] == ["slapen"]
    assert sorted(t.slug for t in vragen[1].themas.all()) == ["eten-en-drinken", "slapen"]
    # The latest registrations are listed below the form, with a link to correct them.
    assert page.locator("table.recent-list tbody tr").count() == 2


def test_parent_asks_and_reads_the_answer_without_javascript(page_without_js, live_server):
    from vragen.models import Gesprek
    from vragen.services import gesprek_answer

    page = page_without_js
    coordinator = factories.CoordinatorFactory(email="cora@example.org")
    page.goto(live_server.url + "/vraag/")
    page.fill("#id_gemeente", "Gent")
    page.select_option("#id_thema", label="Slapen")
    page.fill("#id_tekst", "Mijn dochter van twee slaapt pas om tien uur in. Is dat erg?")
    page.click("button[type=submit]")
    code = page.locator(".pickup-code strong").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    page.screenshot(path="/tmp/vragen-code.png", full_page=True)

    gesprek_answer(gesprek=Gesprek.objects.get(), user=coordinator, tekst="Een vast ritueel helpt vaak.")
    page.goto(live_server.url + "/vraag/antwoord/")
    page.fill("#id_code", code.lower())
    page.click("button[type=submit]")
    assert "Een vast ritueel helpt vaak." in page.content()
    assert code not in page.url
    page.screenshot(path="/tmp/vragen-antwoord.png", full_page=True)


def test_question_pages_pass_axe(page, live_server, axe):
    page.goto(live_server.url + "/vraag/")
    assert axe(page) == []
    page.goto(live_server.url + "/vraag/antwoord/")
    assert axe(page) == []
    page.fill("#id_code", "ZZZZ-ZZZZ-ZZZZ")
    page.click("button[type=submit]")
    assert axe(page) == []


def test_municipality_report_reads_well_without_javascript(page_without_js, page, live_server, axe):
    """Charts and tables without JavaScript, no sideways scrolling on a phone; axe (which needs JS) after."""
    from aanbod.models import Thema

    nojs = page_without_js
    gent = factories.gemeente("44021")
    dora = factories.UserFactory(email="dora@gent.example", naam="Dora")
    factories.GemeentetoegangFactory(user=dora, gemeente=gent)
    themas = list(Thema.objects.order_by("volgorde")[:6])
    partner = factories.PartnerFactory(naam="Opvoedingswinkel Gent")
    for i in range(160):
        factories.VraagFactory(
            gemeente=gent,
            datum=date(2025 if i % 5 else 2024, 1 + (i * 5) % 12, 1 + i % 28),
            themas=[themas[i % 6]] if i % 4 else [themas[i % 6], themas[(i + 1) % 6]],
            kanaal=["telefoon", "persoonlijk", "website", "email"][i % 4 if i % 9 else 2],
            leeftijdsband=["0-1", "1-3", "3-6", "6-12"][i % 4],
            doorverwezen_naar=partner if i % 3 == 0 else None,
        )
    # Families reached in 2025: a course (one registration each, four meetings) and an evening.
    cursus = factories.AanbodFactory(soort="oudercursus", themas=[themas[0]])
    reeks = factories.ReeksFactory(aanbod=cursus, bijeenkomsten=0)
    for week in range(4):
        start = timezone.make_aware(datetime(2025, 3, 3, 19)) + timedelta(weeks=week)
        factories.ActiviteitFactory(aanbod=cursus, reeks=reeks, start=start, einde=start + timedelta(hours=2))
    avond = factories.ActiviteitFactory(start=timezone.make_aware(datetime(2025, 5, 6, 19)))
    for i in range(14):
        doel = {"reeks": reeks, "activiteit": None} if i % 2 else {"activiteit": avond}
        factories.InschrijvingFactory(**doel, postcode=["9000", "9040", "2000", ""][i % 4])
    url = live_server.url + "/rapporten/gent/?jaar=2025"
    log_in(nojs, live_server, dora)
    nojs.goto(url)
    assert nojs.locator("svg.chart-svg").count() >= 6
    assert nojs.locator("table.report-table").count() >= 6
    assert nojs.locator("#cap-bereik_soort").is_visible()
    assert nojs.locator("#bereik_onbekend th[scope=row]").inner_text() == "Gemeente of residence unknown"
    nojs.screenshot(path="/tmp/vragen-rapport.png", full_page=True)
    nojs.emulate_media(media="print")
    nojs.screenshot(path="/tmp/vragen-rapport-print.png", full_page=True)

    log_in(page, live_server, dora)
    page.goto(url)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert axe(page) == []
