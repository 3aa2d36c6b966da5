"""Two-step verification: required for every account, and a first authenticator only with proof of the
mailbox (partners.mfa, partners.middleware.RequiresMFAMiddleware)."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse

from partners.models import Lidmaatschap
from tests import factories
from tests.factories import PASSWORD, TOTP_SECRET
from tests.partners.portal_helpers import client_for

pytest_plugins = ["tests.partners.portal_helpers"]


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _password_login(client, user):
    """What someone with only the password gets: allauth's login form, nothing more."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def beheerder_zonder_app(partner_a):
    user = factories.UserFactory(email="nieuw.beheer@example.org", mfa=False)
    factories.LidmaatschapFactory(user=user, partner=partner_a, rol=Lidmaatschap.Rol.BEHEERDER)
    return user


@pytest.fixture
def coordinator_zonder_app(db):
    return factories.CoordinatorFactory(email="nieuwe.coordinator@example.org", mfa=False)


@pytest.mark.parametrize("who", ["beheerder_zonder_app", "coordinator_zonder_app"])
def test_mfa_password_alone_reaches_nothing_with_personal_data(
    client, request, who, activiteit_a, inschrijving_a, gemeente_a
):
    user = request.getfixturevalue(who)
    _password_login(client, user)
    urls = [
        reverse("portal_activiteit_csv", kwargs={"pk": activiteit_a.pk}),
        reverse("portal_gesprek", kwargs={"pk": 1}),
        reverse("rapport", kwargs={"slug": gemeente_a.slug}),
        reverse("rapporten"),
        reverse("partner_dashboard"),
        reverse("admin:index"),
        reverse("admin:aanbod_inschrijving_changelist"),
        reverse("mfa_activate_totp"),
        reverse("mfa_add_webauthn"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        # /admin/ sends a non-staff account home first; home then sends it to the set-up.
        assert response["Location"] in (reverse("tweestaps_instellen"), reverse("partner_dashboard")), url
        assert b"Ouder A" not in response.content


def test_mfa_password_alone_cannot_enrol_an_authenticator(client, beheerder_zonder_app):
    _password_login(client, beheerder_zonder_app)
    # Even after confirming the password again, the enrolment pages stay closed without the mailed code.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"] == reverse("tweestaps_instellen")
    response = client.post(reverse("mfa_activate_totp"), {"code": "123456"})
    assert response["Location"] == reverse("tweestaps_instellen")
    assert not Authenticator.objects.filter(user=beheerder_zonder_app).exists()
    # A guessed code does not count as the mailbox proof either.
    client.post(reverse("tweestaps_instellen"), {"versturen": "1"})
    response = client.post(reverse("tweestaps_instellen"), {"code": "00000000"})
    assert response.status_code == 400
    assert client.get(reverse("mfa_activate_totp"))["Location"] == reverse("tweestaps_instellen")


def _mailed_code() -> str:
    body = mail.outbox[-1].body
    return re.search(r"\b(\d{4} \d{4})\b", body).group(1)


def test_mfa_first_app_with_the_mailed_code_then_everything_opens(
    client, beheerder_zonder_app, inschrijving_a
):
    _password_login(client, beheerder_zonder_app)
    page = client.get(reverse("tweestaps_instellen"))
    assert page.status_code == 200
    assert b"Step 1 of 3" in page.content
    client.post(reverse("tweestaps_instellen"), {"versturen": "1"})
    assert mail.outbox[-1].to == [beheerder_zonder_app.email]
    code = _mailed_code()
    assert code.replace(" ", "") not in str(dict(client.session))  # only its HMAC is kept
    response = client.post(reverse("tweestaps_instellen"), {"code": code})
    assert response.status_code == 302
    page = client.get(reverse("tweestaps_instellen"))
    assert b"Step 2 of 3" in page.content
    # No second password prompt: the mailed code was the proof.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert b"Authenticator secret" not in response.content
    assert b"The 6 digits from the app" in response.content  # plain words, one step at a time
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert reverse("tweestaps_klaar").encode() in codes.content
    assert client.get(reverse("tweestaps_klaar"))["Location"] == reverse("partner_dashboard")
    assert client.get(reverse("partner_dashboard")).status_code == 200


def test_mfa_code_stops_after_five_wrong_tries(client, beheerder_zonder_app):
    _password_login(client, beheerder_zonder_app)
    client.post(reverse("tweestaps_instellen"), {"versturen": "1"})
    code = _mailed_code()
    for _ in range(5):
        client.post(
            reverse("tweestaps_instellen"), {"code": "1111 1111" if code != "1111 1111" else "2222 2222"}
        )
    response = client.post(reverse("tweestaps_instellen"), {"code": code})
    assert response.status_code == 400


def test_mfa_invitation_link_is_the_mailbox_proof(client, partner_a, alice):
    from partners.services import uitnodiging_create

    _uitnodiging, token = uitnodiging_create(
        email="nieuw@example.org", partner=partner_a, door=alice, send=False
    )
    response = client.post(
        reverse("uitnodiging_accept", kwargs={"token": token}),
        {"naam": "Nieuw", "password1": "een-lang-wachtwoord-2026", "password2": "een-lang-wachtwoord-2026"},
    )
    assert response["Location"] == reverse("tweestaps_instellen")
    assert b"Step 2 of 3" in client.get(reverse("tweestaps_instellen")).content
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_mfa_login_asks_for_the_code_then_lets_coordinator_in(client, coordinator):
    response = client.post(reverse("account_login"), {"login": coordinator.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in yet
    wrong = "000000" if _code(TOTP_SECRET) != "000000" else "111111"
    assert client.post(reverse("mfa_authenticate"), {"code": wrong}).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": _code(TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_mfa_passkeys_are_offered(client, beheerder_zonder_app, settings):
    assert "webauthn" in settings.MFA_SUPPORTED_TYPES
    _password_login(client, beheerder_zonder_app)
    client.post(reverse("tweestaps_instellen"), {"versturen": "1"})
    client.post(reverse("tweestaps_instellen"), {"code": _mailed_code()})
    page = client.get(reverse("tweestaps_instellen"))
    assert reverse("mfa_add_webauthn").encode() in page.content
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200


def test_mfa_login_page_offers_a_passkey(client, db):
    assert b"passkey_login" in client.get(reverse("account_login")).content


def test_mfa_admin_login_form_is_replaced_by_allauth(client, db):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_mfa_admin_sends_partner_staff_home_without_a_loop(bob):
    client = client_for(bob)
    for url in (reverse("admin:index"), reverse("admin:login") + "?next=/admin/"):
        response = client.get(url)
        assert response["Location"] == reverse("partner_dashboard")
    assert b"administration is for the network" in client.get(reverse("partner_dashboard")).content


def test_mfa_admin_sends_municipality_staff_to_their_report(dora, gemeente_a):
    response = client_for(dora).get(reverse("admin:index"))
    assert response["Location"] == reverse("rapport", kwargs={"slug": gemeente_a.slug})


def test_mfa_municipality_staff_land_on_their_report_after_login(client, dora, gemeente_a):
    client.post(reverse("account_login"), {"login": dora.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": _code(TOTP_SECRET)})
    assert response["Location"] == reverse("rapport", kwargs={"slug": gemeente_a.slug})


def test_mfa_available_to_enrolled_partner_staff(bob):
    assert client_for(bob).get(reverse("mfa_index")).status_code == 200


def test_mfa_public_visitor_is_not_affected(client, db):
    assert client.get(reverse("home")).status_code == 200


def test_login_is_rate_limited(client, bob):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": bob.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": bob.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
