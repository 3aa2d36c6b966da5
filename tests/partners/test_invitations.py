"""Invitations: made by a beheerder (portal) or a coordinator (admin), work once, expire, only for the
invited address; the public sign-up gives no account."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import Gemeentetoegang, Lidmaatschap, Uitnodiging, User
from tests.partners.portal_helpers import client_for

pytest_plugins = ["tests.partners.portal_helpers"]

PASSWORD = "a-long-enough-passphrase-42"


def _link_from_mail(message) -> str:
    match = re.search(r"https?://\S+/partner/uitnodiging/(\S+?)/", message.body)
    assert match is not None
    return reverse("uitnodiging_accept", kwargs={"token": match.group(1)})


def _accept(client, url, naam="Nina Nieuw", password=PASSWORD):
    return client.post(url, {"naam": naam, "password1": password, "password2": password})


def test_invitation_by_beheerder_mails_a_link_and_stores_only_a_hash(
    alice, partner_a, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal_lid_uitnodigen", kwargs={"slug": partner_a.slug}), {"email": "Nina@Example.org"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.org"]
    url = _link_from_mail(mail.outbox[0])
    token = url.rstrip("/").rsplit("/", 1)[-1]
    uitnodiging = Uitnodiging.objects.get()
    assert uitnodiging.token_hash == services.token_hash(token)
    assert token not in str(Uitnodiging.objects.values().get())
    assert uitnodiging.rol == Lidmaatschap.Rol.MEDEWERKER


def test_invitation_accept_creates_account_membership_and_logs_in(
    client, alice, partner_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    url = _link_from_mail(mail.outbox[0])
    assert client.get(url).status_code == 200
    response = _accept(client, url)
    assert response.status_code == 302
    assert response["Location"] == reverse("tweestaps_instellen")  # two-step verification first
    nina = User.objects.get(email="nina@example.org")
    assert nina.naam == "Nina Nieuw"
    assert nina.check_password(PASSWORD)
    assert Lidmaatschap.objects.get(user=nina).partner == partner_a
    assert client.get(reverse("partner_dashboard"))["Location"] == reverse("tweestaps_instellen")


def test_invitation_works_once(client, alice, partner_a):
    _uitnodiging, token = services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    url = reverse("uitnodiging_accept", kwargs={"token": token})
    assert _accept(client, url).status_code == 302
    client.logout()
    assert client.get(url).status_code == 410
    response = _accept(client, url, naam="Someone else", password="another-long-passphrase-7")
    assert response.status_code == 410
    assert User.objects.filter(email="nina@example.org").count() == 1
    assert User.objects.get(email="nina@example.org").naam == "Nina Nieuw"


def test_invitation_expires(client, alice, partner_a, settings):
    uitnodiging, token = services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    assert uitnodiging.verloopt_op - uitnodiging.aangemaakt_op == timedelta(days=settings.INVITATION_DAYS)
    Uitnodiging.objects.filter(pk=uitnodiging.pk).update(verloopt_op=timezone.now() - timedelta(seconds=1))
    url = reverse("uitnodiging_accept", kwargs={"token": token})
    assert client.get(url).status_code == 410
    assert _accept(client, url).status_code == 410
    assert not User.objects.filter(email="nina@example.org").exists()


def test_invitation_unknown_token_is_gone(client, db):
    assert client.get(reverse("uitnodiging_accept", kwargs={"token": "made-up"})).status_code == 410


def test_invitation_cannot_be_used_for_another_email(alice, bob, charlie, partner_a):
    _uitnodiging, token = services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    url = reverse("uitnodiging_accept", kwargs={"token": token})
    # Logged in as someone else: refused, nothing changes.
    client = client_for(charlie)
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert not Lidmaatschap.objects.filter(user=charlie, partner=partner_a).exists()
    with pytest.raises(services.UitnodigingError):
        services.uitnodiging_accept(token=token, user=charlie)
    # The form has no e-mail field: whatever is posted, the account gets the invited address.
    response = client_for(None).post(
        url, {"naam": "X", "email": "evil@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert not User.objects.filter(email="evil@example.org").exists()
    assert User.objects.filter(email="nina@example.org").exists()


def test_invitation_for_existing_account_needs_login(client, alice, charlie, partner_a):
    _uitnodiging, token = services.uitnodiging_create(email=charlie.email, partner=partner_a, door=alice)
    url = reverse("uitnodiging_accept", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("account_login") in response.content.decode()
    assert _accept(client, url).status_code == 200  # the "log in first" page again
    assert User.objects.filter(email=charlie.email).count() == 1
    client.force_login(charlie)
    assert client.post(url, {}).status_code == 302
    assert Lidmaatschap.objects.filter(user=charlie, partner=partner_a).exists()


def test_invitation_weak_password_is_a_form_error(client, alice, partner_a):
    _uitnodiging, token = services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    url = reverse("uitnodiging_accept", kwargs={"token": token})
    response = _accept(client, url, password="12345")
    assert response.status_code == 400
    assert not User.objects.filter(email="nina@example.org").exists()
    assert Uitnodiging.objects.get().gebruikt_op is None


def test_invitation_for_gemeente_gives_report_access(client, coordinator, gemeente_a):
    _uitnodiging, token = services.uitnodiging_create(
        email="ambtenaar@gent.example", gemeente=gemeente_a, door=coordinator
    )
    response = _accept(client, reverse("uitnodiging_accept", kwargs={"token": token}))
    assert response.status_code == 302
    user = User.objects.get(email="ambtenaar@gent.example")
    assert list(Gemeentetoegang.objects.filter(user=user).values_list("gemeente", flat=True)) == [
        gemeente_a.pk
    ]
    assert not user.lidmaatschappen.exists()


def test_invitation_new_one_replaces_the_open_one(alice, partner_a):
    _first, old = services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    _second, new = services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    assert services.uitnodiging_for_token(old).is_open is False
    assert services.uitnodiging_for_token(new).is_open is True


def test_invitation_of_an_existing_member_is_a_form_error(alice, bob, partner_a):
    client = client_for(alice)
    response = client.post(
        reverse("portal_lid_uitnodigen", kwargs={"slug": partner_a.slug}), {"email": bob.email}
    )
    assert response.status_code == 400
    assert Uitnodiging.objects.count() == 0
    assert mail.outbox == []


def test_invitation_withdrawn_no_longer_works(client, alice, partner_a):
    uitnodiging, token = services.uitnodiging_create(email="nina@example.org", partner=partner_a, door=alice)
    response = client_for(alice).post(
        reverse("portal_uitnodiging_intrekken", kwargs={"slug": partner_a.slug, "pk": uitnodiging.pk})
    )
    assert response.status_code == 302
    assert client.get(reverse("uitnodiging_accept", kwargs={"token": token})).status_code == 410


def test_invitation_by_coordinator_in_admin(coordinator, gemeente_b, django_capture_on_commit_callbacks):
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client = client_for(coordinator)
    url = reverse("admin:partners_uitnodiging_add")
    assert client.get(url).status_code == 200
    data = {"email": "schepen@antwerpen.example", "rol": "medewerker", "gemeente": gemeente_b.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    uitnodiging = Uitnodiging.objects.get()
    assert (uitnodiging.gemeente, uitnodiging.aangemaakt_door) == (gemeente_b, coordinator)
    assert mail.outbox[0].to == ["schepen@antwerpen.example"]
    assert client.get(reverse("admin:partners_uitnodiging_changelist")).status_code == 200


def test_invitation_in_admin_needs_partner_or_gemeente(coordinator, partner_a, gemeente_b):
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client = client_for(coordinator)
    url = reverse("admin:partners_uitnodiging_add")
    both = {"email": "x@example.org", "rol": "medewerker", "partner": partner_a.pk, "gemeente": gemeente_b.pk}
    assert client.post(url, both).status_code == 200
    assert client.post(url, {"email": "x@example.org", "rol": "medewerker"}).status_code == 200
    assert Uitnodiging.objects.count() == 0


def test_member_removed_loses_access(alice, bob, bob_lidmaatschap, aanbod_a, partner_a):
    response = client_for(alice).post(
        reverse("portal_lid_verwijderen", kwargs={"slug": partner_a.slug, "pk": bob_lidmaatschap.pk})
    )
    assert response.status_code == 302
    assert client_for(bob).get(reverse("portal_aanbod_detail", kwargs={"pk": aanbod_a.pk})).status_code == 403


def test_beheerder_cannot_remove_a_beheerder_or_themselves(alice, partner_a, coordinator):
    own = Lidmaatschap.objects.get(user=alice, partner=partner_a)
    url = reverse("portal_lid_verwijderen", kwargs={"slug": partner_a.slug, "pk": own.pk})
    assert client_for(alice).post(url).status_code == 400
    assert Lidmaatschap.objects.filter(pk=own.pk).exists()


def test_outsider_cannot_remove_or_see_members_by_guessing(charlie, bob_lidmaatschap, partner_a):
    client = client_for(charlie)
    assert client.get(reverse("portal_leden", kwargs={"slug": partner_a.slug})).status_code == 404
    url = reverse("portal_lid_verwijderen", kwargs={"slug": partner_a.slug, "pk": bob_lidmaatschap.pk})
    assert client.post(url).status_code == 404
    # Charlie's own partner slug with A's membership id: still not found.
    url = reverse(
        "portal_lid_verwijderen",
        kwargs={"slug": charlie.lidmaatschappen.get().partner.slug, "pk": bob_lidmaatschap.pk},
    )
    assert client.post(url).status_code == 404
    assert Lidmaatschap.objects.filter(pk=bob_lidmaatschap.pk).exists()


def test_signup_gives_no_account(client, db):
    url = reverse("account_signup")
    response = client.get(url)
    assert response.status_code == 200
    assert "invitation" in response.content.decode()
    client.post(url, {"email": "self@example.org", "password1": PASSWORD, "password2": PASSWORD})
    assert not User.objects.filter(email="self@example.org").exists()
    assert client.get("/accounts/signup/").status_code == 200


def test_account_pages_render_in_the_site_layout(bob):
    client = client_for(bob)
    for name in ("account_change_password", "account_email", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b"portal.css" in response.content
        assert b'class="site-header"' in response.content


def test_password_reset_mails_a_link(client, bob):
    response = client.post(reverse("account_reset_password"), {"email": bob.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_logout_needs_post(bob):
    client = client_for(bob)
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("partner_dashboard")).status_code == 302
