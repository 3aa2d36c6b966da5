"""In a real browser at 390 px: a new partner member sets up two-step verification one step at a time
(mailed code, app, recovery codes, onward), and /admin/ sends partner and municipality staff home
instead of a redirect loop."""

import re

import pytest
from django.core import mail

from partners.models import Lidmaatschap
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _totp(secret: str) -> str:
    return factories.totp_code(secret)


def _log_in(page, live_server, email: str, code_secret: str | None = None) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', factories.PASSWORD)
    page.locator('form.form button[type="submit"]').first.click()
    if code_secret:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.fill('input[name="code"]', _totp(code_secret))
        page.locator('form.form button[type="submit"]').first.click()


def test_tweestaps_set_up_one_step_at_a_time(live_server, page, axe):
    partner = factories.PartnerFactory(naam="Opvoedingswinkel Gent")
    user = factories.UserFactory(email="nieuw@example.org", mfa=False)
    factories.LidmaatschapFactory(user=user, partner=partner, rol=Lidmaatschap.Rol.MEDEWERKER)

    _log_in(page, live_server, "nieuw@example.org")
    page.wait_for_url(re.compile(r"/accounts/tweestaps/$"))
    page.goto(live_server.url + "/partner/")  # the portal stays closed
    page.wait_for_url(re.compile(r"/accounts/tweestaps/$"))
    assert axe(page) == []
    page.locator('button[name="versturen"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/tweestaps/$"))
    code = re.search(r"\b(\d{4} \d{4})\b", mail.outbox[-1].body).group(1)
    page.fill('input[name="code"]', code)
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/tweestaps/$"))
    assert axe(page) == []
    page.screenshot(path="/tmp/tweestaps-stap2.png", full_page=True)
    page.locator('a[href*="/accounts/2fa/totp/activate"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate"))
    assert "password" not in page.content().lower() or page.locator('input[name="password"]').count() == 0
    assert axe(page) == []
    page.locator("details summary").click()
    secret = page.locator("details code").inner_text().strip()
    page.fill('input[name="code"]', _totp(secret))
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert axe(page) == []
    page.screenshot(path="/tmp/tweestaps-herstelcodes.png", full_page=True)
    page.locator('a[href$="/accounts/tweestaps/klaar/"]').click()
    page.wait_for_url(re.compile(r"/partner/$"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_tweestaps_admin_sends_partner_and_municipality_staff_home(live_server, page, gemeente_a):
    partner = factories.PartnerFactory(naam="Opvoedingswinkel Gent")
    bob = factories.UserFactory(email="bob@example.org")
    factories.LidmaatschapFactory(user=bob, partner=partner)
    _log_in(page, live_server, "bob@example.org", factories.TOTP_SECRET)
    page.wait_for_url(re.compile(r"/partner/$"))
    page.goto(live_server.url + "/admin/")
    page.wait_for_url(re.compile(r"/partner/$"))
    assert "administration is for the network" in page.content()
    page.screenshot(path="/tmp/tweestaps-admin-partner.png", full_page=True)
    page.context.clear_cookies()

    dora = factories.UserFactory(email="dora@gent.example")
    factories.GemeentetoegangFactory(user=dora, gemeente=gemeente_a)
    _log_in(page, live_server, "dora@gent.example", factories.TOTP_SECRET)
    page.wait_for_url(re.compile(rf"/rapporten/{gemeente_a.slug}/$"))  # straight to the report
    page.goto(live_server.url + "/admin/")
    page.wait_for_url(re.compile(rf"/rapporten/{gemeente_a.slug}/$"))
