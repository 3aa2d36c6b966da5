"""The spelotheek in a real browser at 390 px: a volunteer lends a toy at the counter in three taps or
fewer, and a family finds a toy, proves its membership with the mailed link and reserves it. Every page
passes axe (WCAG 2.1 AA)."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation

from aanbod.spelotheek.models import Reservatie, Uitlening
from huisvanhetkind.lib.scoping import scopes_disabled
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _all_scope():
    with scopes_disabled():
        yield


def log_in(page, live_server, email: str) -> None:
    """Password, then the code of the authenticator every factory user has (two-step is required)."""
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.locator('form.form button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill('input[name="code"]', factories.totp_code())
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/partner/$"))


def t(msgid: str) -> str:
    with translation.override("nl-be"):
        return translation.gettext(msgid)


@pytest.fixture
def spelotheek():
    partner = factories.PartnerFactory(naam="Spelotheek De Wip")
    speelgoed = factories.SpeelgoedFactory(
        partner=partner, code="WIP-042", naam="Houten knikkerbaan", leeftijd_van=4
    )
    factories.SpeelgoedFactory.create_batch(5, partner=partner)
    lid = factories.LidFactory(partner=partner, lidnummer="77", naam="Gezin Maes", email="maes@example.org")
    return partner, speelgoed, lid


def test_volunteer_lends_a_toy_at_the_counter_on_a_phone(live_server, page, axe, spelotheek):
    partner, speelgoed, lid = spelotheek
    factories.LidmaatschapFactory(
        user=factories.UserFactory(email="vrijwilliger@example.org"), partner=partner
    )
    log_in(page, live_server, "vrijwilliger@example.org")

    taps = 0
    page.locator(".portal-nav").get_by_role("link", name=t("Toy library"), exact=True).click()
    taps += 1
    page.wait_for_url(re.compile(rf"/partner/spelotheek/{partner.slug}/$"))
    assert axe(page) == []
    page.get_by_label(t("Member number")).first.fill("77")
    page.get_by_label(t("Item code")).first.fill("wip-042")
    page.get_by_role("button", name=t("Lend"), exact=True).click()
    taps += 1
    page.wait_for_load_state()
    assert "Houten knikkerbaan" in page.locator(".messages").inner_text()
    assert taps <= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert axe(page) == []
    assert Uitlening.objects.get().lid == lid

    # Taking it back: code, then the pieces check.
    page.locator("#terug_code").fill("WIP-042")
    page.get_by_role("button", name=t("Take back"), exact=True).click()
    page.wait_for_url(re.compile(r"/terugbrengen/$"))
    assert axe(page) == []
    page.get_by_role("button", name=t("Take back"), exact=True).click()
    page.wait_for_url(re.compile(rf"/partner/spelotheek/{partner.slug}/$"))
    assert not Uitlening.objects.exists()


def test_family_finds_and_reserves_a_toy(live_server, page, axe, spelotheek):
    partner, speelgoed, lid = spelotheek
    page.goto(live_server.url + "/spelotheek/")
    assert axe(page) == []
    page.get_by_label(t("Search words")).fill("knikker")
    page.get_by_role("button", name=t("Show results")).click()
    page.get_by_role("link", name="Houten knikkerbaan").click()
    page.wait_for_url(re.compile(rf"/spelotheek/{speelgoed.pk}/$"))
    assert axe(page) == []

    page.get_by_label(t("Member number")).fill("77")
    page.get_by_role("button", name=t("Reserve"), exact=True).click()
    page.wait_for_load_state()
    assert t("Check your mailbox") in page.content()
    assert axe(page) == []
    link = re.search(r"https?://\S+/spelotheek/lid/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.wait_for_url(re.compile(rf"/spelotheek/{speelgoed.pk}/$"))
    page.get_by_role("button", name=t("Reserve"), exact=True).click()
    page.wait_for_url(re.compile(r"/spelotheek/mijn/$"))
    assert "Houten knikkerbaan" in page.content()
    assert axe(page) == []
    assert Reservatie.objects.get().status == Reservatie.Status.KLAAR


def test_catalogue_pages_pass_axe_without_results_and_with_filters(live_server, page, axe, spelotheek):
    for path in (
        "/spelotheek/?q=niets",
        "/spelotheek/?leeftijd=3&categorie=puzzels&beschikbaar=on",
        "/en/spelotheek/",
    ):
        page.goto(live_server.url + path)
        assert axe(page) == [], path


def test_spelotheek_pages_have_no_csp_violations_and_pass_axe(live_server, page, axe, spelotheek):
    from tests.browser.test_csp import WATCH_CSP

    partner, speelgoed, lid = spelotheek
    factories.LidmaatschapFactory(user=factories.UserFactory(email="balie@example.org"), partner=partner)
    page.add_init_script(WATCH_CSP)
    log_in(page, live_server, "balie@example.org")
    urls = [
        "/spelotheek/",
        f"/spelotheek/{speelgoed.pk}/",
        f"/partner/spelotheek/{partner.slug}/",
        f"/partner/spelotheek/{partner.slug}/leden/{lid.pk}/",
        f"/partner/spelotheek/{partner.slug}/speelgoed/",
        f"/partner/spelotheek/{partner.slug}/labels/",
    ]
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], url
        assert axe(page) == [], url
