"""In a real browser at phone size: a parent registers, changes the number of persons and cancels with the
confirm step; a full activity offers the waiting list. Every page passes axe (WCAG 2.1 AA)."""

import pytest
from django.core import mail

from aanbod.models import Inschrijving
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fill(page, naam="Sara Peeters", email="sara@example.org"):
    page.get_by_label("Your name").fill(naam)
    page.get_by_label("Your e-mail address").fill(email)


def test_parent_registers_changes_and_cancels(live_server, page, axe):
    activiteit = factories.ActiviteitFactory(aanbod__titel="Slapen zonder tranen", capaciteit=10)
    page.goto(f"{live_server.url}/activiteiten/{activiteit.pk}/inschrijven/")
    assert "10 places left" in page.content()
    assert axe(page) == []

    page.get_by_role("button", name="Register").click()  # empty: errors, no registration
    assert page.locator(".errorlist").count() >= 2
    assert axe(page) == []

    fill(page)
    page.get_by_label("How many persons are coming?").select_option("2")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/inschrijving/**")
    assert "You are registered" in page.content()
    assert axe(page) == []
    inschrijving = Inschrijving.objects.get()
    assert inschrijving.aantal_personen == 2
    assert len(mail.outbox) == 1

    # The manage page is sent with Referrer-Policy: no-referrer: its forms must still post.
    page.get_by_label("Number of persons", exact=True).select_option("3")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert "now for 3 persons" in page.content()

    page.get_by_role("link", name="Cancel my registration").click()
    assert axe(page) == []
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.wait_for_load_state()
    assert "Your registration is cancelled" in page.content()
    inschrijving.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.GEANNULEERD


def test_full_activity_offers_the_waiting_list(live_server, page, axe):
    activiteit = factories.ActiviteitFactory(capaciteit=2)
    factories.InschrijvingFactory(activiteit=activiteit, aantal_personen=2)
    page.goto(f"{live_server.url}/activiteiten/{activiteit.pk}/inschrijven/")
    assert axe(page) == []
    fill(page, email="tom@example.org")
    page.get_by_role("button", name="Join the waiting list").click()
    page.wait_for_url("**/inschrijving/**")
    assert "number 1 on the waiting list" in page.content()
    assert axe(page) == []
