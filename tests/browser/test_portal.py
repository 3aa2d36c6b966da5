"""In a real browser: a partner logs in and adds a date to an aanbod and submits it, a coordinator logs in
with a password and a TOTP code and publishes it in the admin, and a parent finds it in the wegwijzer."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _totp(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_partner_activity_published_by_coordinator_found_by_parent(browser, live_server, settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from aanbod.models import Aanbod, Activiteit

    settings.SITE_URL = live_server.url
    partner = factories.PartnerFactory(naam="Opvoedingswinkel Gent")
    bob = factories.UserFactory(email="bob@example.org", naam="Bob")
    factories.LidmaatschapFactory(user=bob, partner=partner)
    locatie = factories.LocatieFactory(partner=partner, naam="Zaal De Kring")
    aanbod = factories.AanbodFactory(
        partner=partner,
        titel="Peuterpraat over slapen",
        status=Aanbod.Status.CONCEPT,
        samenvatting="Een avond over slapen voor ouders van peuters.",
    )
    coordinator = factories.CoordinatorFactory(email="coordinator@example.org")
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    datum = timezone.localdate() + dt.timedelta(days=10)

    # The partner logs in and adds a date.
    page = _page(browser)
    page.goto(live_server.url + "/partner/")
    page.fill('input[name="login"]', "bob@example.org")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Aanmelden|Inloggen", re.I)).click()
    page.wait_for_url(re.compile(r"/partner/$"))
    page.goto(f"{live_server.url}/partner/aanbod/{aanbod.pk}/")
    page.locator(f'a[href="/partner/aanbod/{aanbod.pk}/activiteiten/nieuw/"]').first.click()
    page.fill('input[name="datum"]', datum.isoformat())
    page.fill('input[name="van"]', "19:30")
    page.fill('input[name="tot"]', "21:30")
    page.select_option('select[name="locatie"]', str(locatie.pk))
    page.fill('input[name="capaciteit"]', "15")
    page.locator('form.form button[type="submit"]').click()
    page.wait_for_url(re.compile(rf"/partner/aanbod/{aanbod.pk}/$"))
    activiteit = Activiteit.objects.get(aanbod=aanbod)
    assert timezone.localtime(activiteit.start).replace(tzinfo=None) == dt.datetime.combine(
        datum, dt.time(19, 30)
    )
    page.locator(f'form[action="/partner/aanbod/{aanbod.pk}/indienen/"] button').click()
    page.wait_for_url(re.compile(rf"/partner/aanbod/{aanbod.pk}/$"))
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.INGEDIEND
    page.context.close()

    # The coordinator logs in with password and TOTP code and publishes in the admin.
    page = _page(browser)
    page.goto(live_server.url + "/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill('input[name="login"]', "coordinator@example.org")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Aanmelden|Inloggen", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill('input[name="code"]', _totp(secret))
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/admin/"))
    page.goto(f"{live_server.url}/admin/aanbod/aanbod/{aanbod.pk}/modereren/")
    page.locator('form.moderation-publish input[type="submit"]').click()
    page.wait_for_load_state()
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    page.context.close()

    # A parent finds it in the wegwijzer, with the new date.
    page = _page(browser)
    page.goto(live_server.url + "/aanbod/?q=peuterpraat")
    link = page.get_by_role("link", name=re.compile("Peuterpraat over slapen"))
    assert link.count() >= 1
    link.first.click()
    page.wait_for_url(re.compile(rf"/aanbod/{aanbod.slug}/"))
    assert "Zaal De Kring" in page.content()
    assert f"{datum.day}" in page.locator("main").inner_text()
    page.context.close()
