"""In a real browser at phone size (390 px): a parent registers for a whole course in one go from its
aanbod page; the manage page lists every meeting. Every page passes axe (WCAG 2.1 AA)."""

import re

import pytest
from django.core import mail
from django.utils import translation

from aanbod.models import Inschrijving
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def t(msgid: str, **params) -> str:
    with translation.override("nl-be"):
        text = translation.gettext(msgid)
    return text % params if params else text


def test_parent_registers_for_a_whole_course_from_its_page(live_server, page, axe):
    reeks = factories.ReeksFactory(aanbod__titel="Positief opvoeden", capaciteit=12, bijeenkomsten=6)
    page.goto(f"{live_server.url}{reeks.aanbod.get_absolute_url()}")
    assert t("You register for the whole series.") in page.content()
    assert page.locator(f"#reeks-{reeks.pk} .reeks-bijeenkomsten li").count() == 6
    assert axe(page) == []

    page.get_by_role("link", name=t("Register for the whole series")).click()
    page.wait_for_url("**/reeksen/**")
    assert page.locator(".reeks-bijeenkomsten li").count() == 6
    assert axe(page) == []
    page.get_by_label(t("Your name")).fill("Sara Peeters")
    page.get_by_label(t("Your e-mail address")).fill("sara@example.org")
    page.get_by_role("button", name=t("Register"), exact=True).click()
    page.wait_for_url("**/inschrijven/verstuurd/")  # the same page for a new and a known address
    assert axe(page) == []
    assert len(mail.outbox) == 1
    manage = re.search(r"/inschrijving/[A-Za-z0-9_-]+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + manage)  # the mailed link
    assert page.locator(".reeks-bijeenkomsten li").count() == 6
    assert axe(page) == []
    inschrijving = Inschrijving.objects.get()
    assert inschrijving.reeks_id == reeks.pk and inschrijving.activiteit_id is None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("taal", ["nl", "en", "fr"])
@pytest.mark.parametrize("breedte", [320, 390])
def test_a_series_registration_page_fits_a_phone_in_each_language(live_server, page, taal, breedte):
    """The long "When (you register for the whole series)" term once squeezed its dates into a column a
    few pixels wide in French, and the page scrolled sideways."""
    reeks = factories.ReeksFactory(capaciteit=12, bijeenkomsten=3)
    page.set_viewport_size({"width": breedte, "height": 800})
    prefix = "" if taal == "nl" else f"/{taal}"
    page.goto(f"{live_server.url}{prefix}/reeksen/{reeks.pk}/inschrijven/")
    assert page.locator(".reeks-bijeenkomsten li").count() == 3
    assert page.evaluate("() => document.documentElement.scrollWidth") <= breedte
    dates = page.locator(".reeks-bijeenkomsten").bounding_box()
    assert dates["width"] >= breedte / 3
