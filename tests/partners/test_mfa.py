"""Two-step verification: available to everyone, required for coordinators and superusers in the admin."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD
from tests.partners.portal_helpers import client_for


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_mfa_coordinator_without_totp_cannot_reach_admin(coordinator):
    client = client_for(coordinator)
    for url in (reverse("admin:index"), reverse("admin:partners_partner_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_mfa_superuser_without_totp_cannot_reach_admin(superuser):
    response = client_for(superuser).get(reverse("admin:index"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_mfa_coordinator_with_totp_reaches_admin(coordinator):
    TOTP.activate(coordinator, generate_totp_secret())
    assert client_for(coordinator).get(reverse("admin:index")).status_code == 200


def _login(client, user):
    """Log in through allauth and confirm the password once more, as allauth asks before MFA changes."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


def test_mfa_setup_page_shows_a_qr_code(client, coordinator):
    response = _login(client, coordinator).get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in response.content


def test_mfa_admin_login_form_is_replaced_by_allauth(client, db):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_mfa_partner_staff_do_not_need_it(bob):
    assert client_for(bob).get(reverse("partner_dashboard")).status_code == 200


def test_mfa_login_asks_for_the_code_then_lets_coordinator_in(client, coordinator):
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    response = client.post(reverse("account_login"), {"login": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in yet
    response = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if _code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 200  # wrong code: the form again
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_mfa_available_to_partner_staff(client, bob):
    _login(client, bob)
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=bob, type=Authenticator.Type.TOTP).exists()


def test_login_is_rate_limited(client, bob):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": bob.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": bob.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
