"""In a real browser at phone size: a parent registers, changes the number of persons and cancels with the
confirm step; a full activity offers the waiting list. Every page passes axe (WCAG 2.1 AA)."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.html import escape

from aanbod.models import Inschrijving
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def t(msgid: str, **params) -> str:
    """The words the Dutch (default) pages use for `msgid`."""
    with translation.override("nl-be"):
        text = translation.gettext(msgid)
    return text % params if params else text


def nt(singular: str, plural: str, n: int) -> str:
    with translation.override("nl-be"):
        return translation.ngettext(singular, plural, n) % {"n": n}


def fill(page, naam="Sara Peeters", email="sara@example.org"):
    page.get_by_label(t("Your name")).fill(naam)
    page.get_by_label(t("Your e-mail address")).fill(email)


def mailed_path(message) -> str:
    """The manage link's path in a mail (the mail's host is SITE_URL, not the live server)."""
    return re.search(r"/inschrijving/[A-Za-z0-9_-]+/", message.body).group(0)


def test_parent_registers_changes_and_cancels(live_server, page, axe):
    activiteit = factories.ActiviteitFactory(aanbod__titel="Slapen zonder tranen", capaciteit=10)
    page.goto(f"{live_server.url}/activiteiten/{activiteit.pk}/inschrijven/")
    assert escape(nt("%(n)s place left", "%(n)s places left", 10)) in page.content()
    assert axe(page) == []

    page.get_by_role("button", name=t("Register"), exact=True).click()  # empty: errors, nothing saved
    assert page.locator(".errorlist").count() >= 2
    assert axe(page) == []

    fill(page)
    page.get_by_label(t("How many persons are coming?")).select_option("2")
    page.get_by_role("button", name=t("Register"), exact=True).click()
    page.wait_for_url("**/inschrijven/verstuurd/")  # the same page for a new and a known address
    assert escape(t("Check your mailbox")) in page.content()
    assert "Sara Peeters" not in page.content()
    assert axe(page) == []
    inschrijving = Inschrijving.objects.get()
    assert inschrijving.aantal_personen == 2
    assert len(mail.outbox) == 1

    # The parent opens the link in the confirmation mail.
    page.goto(live_server.url + mailed_path(mail.outbox[0]))
    assert escape(t("Registered")) in page.content()
    assert axe(page) == []

    # The manage page is sent with Referrer-Policy: no-referrer: its forms must still post.
    page.get_by_label(t("Number of persons"), exact=True).select_option("3")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    saved = nt(
        "Saved: your registration is now for %(n)d person.",
        "Saved: your registration is now for %(n)d persons.",
        3,
    )
    assert escape(saved) in page.content()

    page.get_by_role("link", name=t("Cancel my registration")).click()
    assert axe(page) == []
    page.get_by_role("button", name=t("Yes, cancel my registration")).click()
    page.wait_for_load_state()
    assert escape(t("Your registration is cancelled. Thank you for letting us know.")) in page.content()
    inschrijving.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.GEANNULEERD


def test_full_activity_offers_the_waiting_list(live_server, page, axe):
    activiteit = factories.ActiviteitFactory(capaciteit=2)
    factories.InschrijvingFactory(activiteit=activiteit, aantal_personen=2)
    page.goto(f"{live_server.url}/activiteiten/{activiteit.pk}/inschrijven/")
    assert axe(page) == []
    fill(page, email="tom@example.org")
    page.get_by_role("button", name=t("Join the waiting list")).click()
    page.wait_for_url("**/inschrijven/verstuurd/")
    assert escape(t("Check your mailbox")) in page.content()
    assert escape(t("On the waiting list")) not in page.content()
    assert Inschrijving.objects.get(email="tom@example.org").status == Inschrijving.Status.WACHTLIJST
    page.goto(live_server.url + mailed_path(mail.outbox[-1]))
    assert escape(t("On the waiting list")) in page.content()
    assert axe(page) == []
