"""In a real browser: a partner logs in and adds a date to an aanbod and submits it, a coordinator logs in
with a password and a TOTP code and publishes it in the admin, and a parent finds it in the wegwijzer."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _page(browser):
    """A fresh context per person (partner, coordinator, parent), like the shared `page` fixture."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-BE", timezone_id="Europe/Brussels"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _totp(secret: str) -> str:
    return factories.totp_code(secret)


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
    coordinator = factories.CoordinatorFactory(email="coordinator@example.org", mfa=False)
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    datum = timezone.localdate() + dt.timedelta(days=10)

    # The partner logs in and adds a date.
    page = _page(browser)
    page.goto(live_server.url + "/partner/")
    page.fill('input[name="login"]', "bob@example.org")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))  # every account: two steps
    page.fill('input[name="code"]', _totp(factories.TOTP_SECRET))
    page.locator('form.form button[type="submit"]').first.click()
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
    page.locator('form.form button[type="submit"]').first.click()
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


def test_portal_pages_pass_axe(live_server, page, axe):
    from aanbod.models import Aanbod

    partner = factories.PartnerFactory(naam="Opvoedingswinkel Gent")
    alice = factories.UserFactory(email="alice@example.org", naam="Alice")
    factories.LidmaatschapFactory(user=alice, partner=partner, rol="beheerder")
    locatie = factories.LocatieFactory(partner=partner)
    aanbod = factories.AanbodFactory(partner=partner, status=Aanbod.Status.AFGEWEZEN, afwijsreden="Te vaag.")
    activiteit = factories.ActiviteitFactory(aanbod=aanbod, locatie=locatie)
    factories.InschrijvingFactory(activiteit=activiteit)
    gepubliceerd = factories.AanbodFactory(partner=partner, titel="Babymassage")

    page.goto(live_server.url + "/accounts/login/")
    assert axe(page) == []
    page.fill('input[name="login"]', "alice@example.org")
    page.fill('input[name="password"]', factories.PASSWORD)
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert axe(page) == []
    page.fill('input[name="code"]', _totp(factories.TOTP_SECRET))
    page.locator('form.form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/partner/$"))
    paths = [
        "/partner/",
        "/partner/aanbod/nieuw/",
        f"/partner/aanbod/{aanbod.pk}/",
        f"/partner/aanbod/{aanbod.pk}/activiteiten/reeks/",
        f"/partner/activiteiten/{activiteit.pk}/",
        f"/partner/organisatie/{partner.slug}/",
        f"/partner/organisatie/{partner.slug}/leden/",
        "/partner/activiteiten/",
        f"/partner/aanbod/{gepubliceerd.pk}/activiteiten/nieuw/",
        "/en/partner/activiteiten/",
        "/fr/partner/",
    ]
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        violations = axe(page)
        if violations:
            found[path] = violations
    # A form sent empty shows its errors accessibly too.
    page.goto(live_server.url + "/partner/aanbod/nieuw/")
    page.locator('button[name="indienen"]').click()
    if violations := axe(page):
        found["/partner/aanbod/nieuw/ (errors)"] = violations
    # No portal page scrolls sideways on a 320 px phone either (issue 16).
    page.set_viewport_size({"width": 320, "height": 700})
    for path in paths:
        page.goto(live_server.url + path)
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            found[f"{path} at 320 px"] = f"{scroll} px wide"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/partner/aanbod/{gepubliceerd.pk}/activiteiten/nieuw/")
    page.locator('form.form button[type="submit"]').click()
    page.wait_for_load_state()
    assert page.locator("[data-error-summary]").is_visible()
    if violations := axe(page):
        found["activiteit nieuw (errors)"] = violations
    assert found == {}
