"""In a real browser at phone size (390 px): a volunteer of a partner logs in (password and code), opens a
course's page in the portal, goes to its second meeting, ticks who came, and sees it in the series'
attendance grid. Every page passes axe (WCAG 2.1 AA) and none is wider than the phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from aanbod.models import Aanwezigheid, Activiteit, Inschrijving
from partners.models import Lidmaatschap
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _totp(secret: str) -> str:
    return factories.totp_code(secret)


def _fits_the_phone(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_volunteer_ticks_who_came_to_meeting_two_of_a_course(live_server, page, axe):
    partner = factories.PartnerFactory(naam="Opvoedingswinkel Gent")
    vrijwilliger = factories.UserFactory(email="vrijwilliger@example.org", naam="Vera")
    factories.LidmaatschapFactory(user=vrijwilliger, partner=partner, rol=Lidmaatschap.Rol.MEDEWERKER)
    reeks = factories.ReeksFactory(
        aanbod__partner=partner, aanbod__titel="Positief opvoeden", bijeenkomsten=3
    )
    # Meeting 1 a week ago, meeting 2 began an hour ago, meeting 3 next week.
    begin = timezone.now().replace(microsecond=0) - dt.timedelta(weeks=1, hours=1)
    for nr, meeting in enumerate(reeks.bijeenkomsten):
        start = begin + dt.timedelta(weeks=nr)
        Activiteit.objects.filter(pk=meeting.pk).update(start=start, einde=start + dt.timedelta(hours=2))
    first, second, _third = reeks.bijeenkomsten
    sara = factories.InschrijvingFactory(activiteit=None, reeks=reeks, naam="Sara Peeters")
    tom = factories.InschrijvingFactory(activiteit=None, reeks=reeks, naam="Tom Claes")
    factories.InschrijvingFactory(
        activiteit=None, reeks=reeks, naam="Wachtende Ouder", status=Inschrijving.Status.WACHTLIJST
    )
    # Another partner's course: never shown to this volunteer.
    factories.InschrijvingFactory(activiteit=None, reeks=factories.ReeksFactory(), naam="Iemand Anders")

    page.goto(live_server.url + "/partner/")
    page.fill('input[name="login"]', "vrijwilliger@example.org")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill('input[name="code"]', _totp(factories.TOTP_SECRET))
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/partner/$"))
    # The dashboard asks for both meetings' attendance.
    assert page.locator(f'a[href="/partner/activiteiten/{second.pk}/#aanwezigheid"]').count() == 1

    page.goto(f"{live_server.url}/partner/reeksen/{reeks.pk}/")
    assert page.locator(".attendance-grid caption").count() == 1
    assert "Iemand Anders" not in page.content()
    assert axe(page) == []
    assert _fits_the_phone(page)

    page.locator(f'a[href="/partner/activiteiten/{second.pk}/#aanwezigheid"]').first.click()
    page.wait_for_url(re.compile(rf"/partner/activiteiten/{second.pk}/"))
    assert page.locator('input[name="aanwezig"]').count() == 2  # the two confirmed families
    assert axe(page) == []
    assert _fits_the_phone(page)
    page.check(f"#aanwezig-{sara.pk}")
    page.locator('#aanwezigheid button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/partner/activiteiten/{second.pk}/$"))
    assert page.locator(f"#aanwezig-{sara.pk}").is_checked()
    assert not page.locator(f"#aanwezig-{tom.pk}").is_checked()

    saved = dict(Aanwezigheid.objects.filter(activiteit=second).values_list("inschrijving_id", "aanwezig"))
    assert saved == {sara.pk: True, tom.pk: False}
    assert not Aanwezigheid.objects.filter(activiteit=first).exists()

    page.goto(f"{live_server.url}/partner/reeksen/{reeks.pk}/")
    sara_row = page.locator(".attendance-grid tbody tr", has_text="Sara Peeters")
    cells = sara_row.locator("td")
    assert cells.count() == 3
    assert cells.nth(1).inner_text().startswith("✓")
    assert cells.nth(0).inner_text().startswith("·")
    assert axe(page) == []


def test_parent_confirms_cancelling_a_series_registration_seeing_every_date(live_server, page, axe):
    reeks = factories.ReeksFactory(aanbod__titel="Babymassage in vier lessen", bijeenkomsten=4)
    inschrijving = factories.InschrijvingFactory(activiteit=None, reeks=reeks, naam="Sara Peeters")
    page.goto(f"{live_server.url}/inschrijving/{inschrijving.token}/annuleren/")
    assert page.locator(".reeks-bijeenkomsten li").count() == 4
    assert axe(page) == []
    assert _fits_the_phone(page)
    page.locator('form button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/inschrijving/{inschrijving.token}/$"))
    inschrijving.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.GEANNULEERD
