"""In a real browser at phone size: a course with priority for residents and an age check, registered for
from its aanbod page; after the online cancellation deadline the manage page says whom to phone. Every
page passes axe (WCAG 2.1 AA)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from aanbod.models import Inschrijving
from partners.models import Gemeente, Netwerk
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def t(msgid: str, **params) -> str:
    with translation.override("nl-be"):
        text = translation.gettext(msgid)
    return text % params if params else text


def test_parent_registers_as_a_resident_and_phones_after_the_deadline(live_server, page, axe):
    netwerk = Netwerk.load()
    netwerk.save()
    netwerk.werkgebied.set(Gemeente.objects.filter(naam__in=["Lochristi", "Lokeren"]))
    nu = timezone.now()
    reeks = factories.ReeksFactory(
        aanbod__titel="Praatgroep",
        aanbod__leeftijd_van=8,
        aanbod__leeftijd_tot=12,
        aanbod__partner__telefoon="09 355 12 34",
        aanbod__contact_telefoon="",
        inschrijven_inwoners_vanaf=nu - timedelta(hours=1),
        inschrijven_vanaf=nu + timedelta(days=2),
        annuleren_tot=nu + timedelta(days=3),
        leeftijd_controleren=True,
        bijeenkomsten=4,
    )
    page.goto(f"{live_server.url}{reeks.aanbod.get_absolute_url()}")
    assert "Residents of Lochristi en Lokeren can register from" in page.content()
    assert axe(page) == []

    page.get_by_role("link", name=t("Register for the whole series")).click()
    page.wait_for_url("**/reeksen/**")
    assert axe(page) == []
    page.get_by_label(t("Your name")).fill("Sara Peeters")
    page.get_by_label(t("Your e-mail address")).fill("sara@example.org")
    page.get_by_label(t("Your postcode"), exact=True).fill("9000")
    page.get_by_label(t("Your child's age (in years)")).fill("13")
    page.get_by_role("button", name=t("Register"), exact=True).click()
    assert "Everyone else can register from" in page.content()
    assert "This is for children from 8 to 12 years old." in page.content()
    assert page.get_by_label(t("Your name")).input_value() == "Sara Peeters"  # nothing lost
    assert axe(page) == []
    page.get_by_label(t("Your postcode"), exact=True).fill("9080")
    page.get_by_label(t("Your child's age (in years)")).fill("9")
    page.get_by_role("button", name=t("Register"), exact=True).click()
    page.wait_for_url("**/inschrijven/verstuurd/")
    inschrijving = Inschrijving.objects.get()
    assert (inschrijving.reeks_id, inschrijving.postcode) == (reeks.pk, "9080")

    reeks.annuleren_tot = timezone.now() - timedelta(minutes=1)
    reeks.save(update_fields=["annuleren_tot"])
    manage = re.search(r"/inschrijving/[A-Za-z0-9_-]+/", mail.outbox[0].body).group(0)
    page.goto(live_server.url + manage)
    assert page.locator('a[href="tel:093551234"]').count() >= 1
    assert page.get_by_role("link", name=t("Cancel my registration")).count() == 0
    assert axe(page) == []
