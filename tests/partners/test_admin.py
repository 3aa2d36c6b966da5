"""Every admin page answers a coordinator, refuses everyone else; the partners' admin keeps its limits."""

import datetime as dt
import hashlib

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import COORDINATOR_GROUP, Gemeente, Lidmaatschap, Netwerk, User
from tests import factories

OUR_APPS = {"partners", "aanbod", "spelotheek", "uitwisseling", "vragen"}
REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def with_mfa(user):
    """Admin users need an authenticator (partners.middleware.AdminRequiresMFAMiddleware)."""
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(with_mfa(coordinator))
    return client


def build(model):
    """One object of each registered model, for its change page."""
    label = model._meta.label
    activiteit = lambda: factories.ActiviteitFactory()  # noqa: E731
    builders = {
        "partners.Gemeente": lambda: Gemeente.objects.get(nis="44021"),
        "partners.Netwerk": lambda: Netwerk.objects.get_or_create(pk=1)[0],
        "partners.User": lambda: factories.UserFactory(),
        "partners.Partner": lambda: factories.PartnerFactory(),
        "partners.Lidmaatschap": lambda: factories.LidmaatschapFactory(),
        "partners.Gemeentetoegang": lambda: factories.GemeentetoegangFactory(),
        "partners.Uitnodiging": lambda: model.objects.create(
            email="nieuw@example.org",
            partner=factories.PartnerFactory(),
            token_hash=hashlib.sha256(b"x").hexdigest(),
            verloopt_op=timezone.now() + dt.timedelta(days=7),
        ),
        "aanbod.Taal": lambda: model.objects.get(code="nl"),
        "aanbod.Thema": lambda: model.objects.get(slug="slapen"),
        "aanbod.Locatie": lambda: factories.LocatieFactory(),
        "aanbod.Aanbod": lambda: factories.AanbodFactory(),
        "aanbod.Openingsuur": lambda: factories.OpeningsuurFactory(),
        "aanbod.Activiteit": activiteit,
        "aanbod.Inschrijving": lambda: factories.InschrijvingFactory(),
        "aanbod.Reeks": lambda: factories.ReeksFactory(),
        "vragen.Vraag": lambda: factories.VraagFactory(),
        "vragen.Signaal": lambda: factories.SignaalFactory(),
        **spelotheek_builders(model),
    }
    if label in builders:
        return builders[label]()
    if model._meta.proxy:
        return model.objects.get(pk=build(model._meta.concrete_model).pk)
    if label == "vragen.Gesprek":
        return model.objects.create(vraag=factories.VraagFactory(), code_hash="h" * 64)
    if label == "vragen.Bericht":
        gesprek = build(model._meta.get_field("gesprek").related_model)
        return model.objects.create(
            gesprek=gesprek, van="vraagsteller", tekst="Hoe leer ik mijn kind slapen?"
        )
    if model._meta.app_label == "uitwisseling":
        return build_uitwisseling(model)
    if model._meta.app_label in OUR_APPS:
        pytest.fail(f"tests/partners/test_admin.py does not know how to build a {label}: add a builder")
    return None


def build_uitwisseling(model):
    from django_scopes import scopes_disabled

    from aanbod.uitwisseling.models import UitEvent, UitOutbox

    with scopes_disabled():
        if model is UitOutbox:
            return model.objects.create(event=build_uitwisseling(UitEvent), actie="bijwerken")
        if model is UitEvent:
            activiteit = factories.ActiviteitFactory()
            return model.objects.create(aanbod=activiteit.aanbod, activiteit=activiteit, soort="activiteit")
        if model._meta.model_name == "uitpublicatie":
            return model.objects.create(aanbod=factories.AanbodFactory())
        field = "partner" if model._meta.model_name == "uitorganisator" else "locatie"
        target = factories.PartnerFactory() if field == "partner" else factories.LocatieFactory()
        return model.objects.create(**{field: target}, uit_id="x", url="https://io-test.uitdatabank.be/x/x")


def spelotheek_builders(model) -> dict:
    lid = lambda speelgoed: factories.LidFactory(partner=speelgoed.partner)  # noqa: E731
    return {
        "spelotheek.Speelgoed": lambda: factories.SpeelgoedFactory(),
        "spelotheek.Lid": lambda: factories.LidFactory(),
        "spelotheek.Uitlening": lambda: model.objects.create(
            speelgoed=(s := factories.SpeelgoedFactory()), lid=lid(s), terug_op=timezone.localdate()
        ),
        "spelotheek.Reservatie": lambda: model.objects.create(
            speelgoed=(s := factories.SpeelgoedFactory()), lid=lid(s)
        ),
        "spelotheek.UitleenTelling": lambda: model.objects.create(
            partner=factories.PartnerFactory(), maand=timezone.localdate().replace(day=1), leeftijdsband="0-3"
        ),
        "spelotheek.Spelotheekregels": lambda: model.objects.create(partner=factories.PartnerFactory()),
    }


def pk_of(model) -> object:
    """The pk of a fresh object; other apps' models are refused before the lookup, so any pk does."""
    with scopes_disabled():  # the spelotheek's models are scoped; the admin itself is all-scope
        obj = build(model)
    return obj.pk if obj is not None else 1


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_coordinator_may_view_every_model_of_our_apps(coordinator):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OUR_APPS:
            assert model_admin.has_view_permission(admin_request(coordinator)), model._meta.label


def test_coordinator_may_not_reach_groups_or_other_apps(coordinator):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            assert not model_admin.has_view_permission(admin_request(coordinator)), model._meta.label


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_admin_pages_answer_coordinator(coordinator_client, coordinator, model):
    model_admin = admin.site._registry[model]
    opts = model._meta
    ours = opts.app_label in OUR_APPS
    request = admin_request(coordinator)

    # A list may lead straight to its one page (Netwerk, the import): follow it, stay in the admin.
    response = coordinator_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), follow=True
    )
    assert response.status_code == (200 if ours else 403)
    assert response.request["PATH_INFO"].startswith("/admin/")

    response = coordinator_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert response.status_code == (200 if ours and model_admin.has_add_permission(request) else 403)

    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk_of(model)])
    response = coordinator_client.get(url)
    assert response.status_code == (200 if ours else 403)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_admin_pages_refuse_non_staff(client, alice, model):
    client.force_login(alice)
    opts = model._meta
    pk = pk_of(model)
    for url in (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("partner_dashboard")  # their own start page, no loop


def test_admin_refuses_staff_outside_the_group(client, db):
    staff = with_mfa(factories.UserFactory(is_staff=True))
    client.force_login(staff)
    assert client.get(reverse("admin:aanbod_aanbod_changelist")).status_code == 403
    assert client.get(reverse("admin:partners_partner_changelist")).status_code == 403


def test_admin_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("admin:aanbod_aanbod_changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- Netwerk singleton ---------------------------------------------------------------------------------


def test_netwerk_changelist_creates_and_opens_the_one_record(coordinator_client):
    assert not Netwerk.objects.exists()
    response = coordinator_client.get(reverse("admin:partners_netwerk_changelist"))
    assert response.status_code == 302
    assert Netwerk.objects.count() == 1
    response = coordinator_client.get(response["Location"])
    assert response.status_code == 200
    assert b'type="color"' in response.content


def test_netwerk_cannot_be_added_twice_or_deleted(coordinator_client):
    Netwerk.objects.get_or_create(pk=1)
    assert coordinator_client.get(reverse("admin:partners_netwerk_add")).status_code == 403
    assert coordinator_client.get(reverse("admin:partners_netwerk_delete", args=[1])).status_code == 403


def test_netwerk_edit_saves(coordinator_client, gemeente_a):
    Netwerk.objects.get_or_create(pk=1)
    response = coordinator_client.post(
        reverse("admin:partners_netwerk_change", args=[1]),
        {
            "naam": "Huis van het Kind Gent",
            "kleur_primair": "#123456",
            "kleur_accent": "#abcdef",
            "werkgebied": [gemeente_a.pk],
        },
    )
    assert response.status_code == 302
    netwerk = Netwerk.load()
    assert netwerk.naam == "Huis van het Kind Gent"
    assert list(netwerk.werkgebied.all()) == [gemeente_a]


# --- Gemeenten are reference data ----------------------------------------------------------------------


def test_gemeente_cannot_be_added_or_deleted(coordinator_client, gemeente_a):
    assert coordinator_client.get(reverse("admin:partners_gemeente_add")).status_code == 403
    response = coordinator_client.get(reverse("admin:partners_gemeente_delete", args=[gemeente_a.pk]))
    assert response.status_code == 403


def test_gemeente_search_by_postcode(coordinator_client):
    response = coordinator_client.get(reverse("admin:partners_gemeente_changelist"), {"q": "9840"})
    assert response.status_code == 200
    assert [g.naam for g in response.context["cl"].result_list] == ["Nazareth-De Pinte"]


NO_INLINES = {
    "lidmaatschappen-TOTAL_FORMS": "0",
    "lidmaatschappen-INITIAL_FORMS": "0",
    "gemeentetoegangen-TOTAL_FORMS": "0",
    "gemeentetoegangen-INITIAL_FORMS": "0",
}

# --- Users ---------------------------------------------------------------------------------------------


def test_user_add_by_email_without_password(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:partners_user_add"),
        {"email": "Nieuw@Example.org", "naam": "Nieuw", "usable_password": "false", **NO_INLINES},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nieuw@example.org")
    assert not user.has_usable_password()


def test_user_add_refuses_existing_email_in_other_case(coordinator_client, alice):
    response = coordinator_client.post(
        reverse("admin:partners_user_add"),
        {"email": "ALICE@example.org", "usable_password": "false", **NO_INLINES},
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors


def test_user_change_shows_memberships(coordinator_client, alice):
    response = coordinator_client.get(reverse("admin:partners_user_change", args=[alice.pk]))
    assert response.status_code == 200
    assert b"Opvoedingswinkel A" in response.content


def test_coordinator_cannot_make_a_superuser_or_grant_permissions(coordinator_client, bob):
    group = Group.objects.get(name=COORDINATOR_GROUP)
    response = coordinator_client.post(
        reverse("admin:partners_user_change", args=[bob.pk]),
        {
            "email": bob.email,
            "naam": bob.naam,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk],
            "user_permissions": [1, 2, 3],
            **NO_INLINES,
        },
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.is_superuser is False
    assert bob.user_permissions.count() == 0
    # Making a colleague coordinator is part of the job.
    assert bob.is_staff is True
    assert list(bob.groups.all()) == [group]


def test_coordinator_may_only_hand_out_groups_within_own_rights(coordinator_client, bob):
    Group.objects.create(name="Beheerders van alles").permissions.set(
        __import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.all()
    )
    response = coordinator_client.get(reverse("admin:partners_user_change", args=[bob.pk]))
    choices = [str(label) for _value, label in response.context["adminform"].form.fields["groups"].choices]
    assert choices == [COORDINATOR_GROUP]


def test_coordinator_cannot_change_a_superuser(coordinator_client, superuser):
    response = coordinator_client.post(
        reverse("admin:partners_user_change", args=[superuser.pk]), {"email": "mine@example.org"}
    )
    assert response.status_code == 403
    response = coordinator_client.get(reverse("admin:auth_user_password_change", args=[superuser.pk]))
    assert response.status_code in (403, 404)
    superuser.refresh_from_db()
    assert superuser.email == "root@example.org"


def test_coordinator_cannot_delete_users(coordinator_client, bob):
    response = coordinator_client.get(reverse("admin:partners_user_delete", args=[bob.pk]))
    assert response.status_code == 403


def test_user_filters(coordinator_client, alice, dora, coordinator):
    url = reverse("admin:partners_user_changelist")
    emails = lambda r: sorted(u.email for u in r.context["cl"].result_list)  # noqa: E731
    assert emails(coordinator_client.get(url, {"coordinator": "ja"})) == [coordinator.email]
    assert emails(coordinator_client.get(url, {"werkt_voor": "partner"})) == ["alice@example.org"]
    assert emails(coordinator_client.get(url, {"werkt_voor": "gemeente"})) == ["dora@gent.example"]


# --- Partners ------------------------------------------------------------------------------------------


def test_partner_changelist_counts_and_filters(coordinator_client, partner_a, partner_b, alice, bob):
    partner_b.vertrouwd = True
    partner_b.save()
    factories.AanbodFactory(partner=partner_a)
    response = coordinator_client.get(reverse("admin:partners_partner_changelist"), {"vertrouwd__exact": "1"})
    assert [p.naam for p in response.context["cl"].result_list] == ["Spelotheek B"]
    response = coordinator_client.get(reverse("admin:partners_partner_changelist"))
    rows = {p.naam: (p._leden, p._aanbod) for p in response.context["cl"].result_list}
    assert rows["Opvoedingswinkel A"] == (2, 1)


def test_partner_trust_action(coordinator_client, partner_a):
    coordinator_client.post(
        reverse("admin:partners_partner_changelist"),
        {"action": "markeer_vertrouwd", "_selected_action": [partner_a.pk]},
    )
    partner_a.refresh_from_db()
    assert partner_a.vertrouwd is True


def test_partner_inline_adds_member(coordinator_client, partner_a, bob):
    nieuw = factories.UserFactory(email="nieuw@example.org")
    data = {
        "naam": partner_a.naam,
        "slug": partner_a.slug,
        "soort": partner_a.soort,
        "actief": "on",
        "lidmaatschappen-TOTAL_FORMS": "2",
        "lidmaatschappen-INITIAL_FORMS": "1",
        "lidmaatschappen-0-id": Lidmaatschap.objects.get(user=bob).pk,
        "lidmaatschappen-0-partner": partner_a.pk,
        "lidmaatschappen-0-user": bob.pk,
        "lidmaatschappen-0-rol": "medewerker",
        "lidmaatschappen-1-partner": partner_a.pk,
        "lidmaatschappen-1-user": nieuw.pk,
        "lidmaatschappen-1-rol": "beheerder",
    }
    response = coordinator_client.post(reverse("admin:partners_partner_change", args=[partner_a.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Lidmaatschap.objects.get(user=nieuw).rol == "beheerder"


def test_changelists_have_no_n_plus_one(coordinator_client, partner_a):
    """Ten more rows must not mean ten more queries (list_select_related, annotations)."""

    def queries(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert coordinator_client.get(url).status_code == 200
        return len(ctx)

    urls = [
        reverse("admin:partners_partner_changelist"),
        reverse("admin:partners_lidmaatschap_changelist"),
        reverse("admin:partners_user_changelist"),
        reverse("admin:partners_gemeentetoegang_changelist"),
    ]
    factories.LidmaatschapFactory(partner=partner_a)
    factories.GemeentetoegangFactory()
    [queries(url) for url in urls]  # warm up the session and content type caches
    before = [queries(url) for url in urls]
    for _i in range(10):
        factories.LidmaatschapFactory()
        factories.GemeentetoegangFactory()
    after = [queries(url) for url in urls]
    assert after == before


def test_deactivate_action_spares_self_and_superusers(coordinator_client, coordinator, bob, superuser):
    coordinator_client.post(
        reverse("admin:partners_user_changelist"),
        {"action": "deactiveren", "_selected_action": [bob.pk, coordinator.pk, superuser.pk]},
    )
    assert User.objects.get(pk=bob.pk).is_active is False
    assert User.objects.get(pk=coordinator.pk).is_active is True
    assert User.objects.get(pk=superuser.pk).is_active is True


def test_admin_header_carries_the_networks_name(client, coordinator):
    from partners.models import Netwerk

    netwerk = Netwerk.load()
    netwerk.naam = "Huis van het Kind Zottegem"
    netwerk.save()
    client.force_login(with_mfa(coordinator))
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "| Huis van het Kind Zottegem</title>" in html  # site_title
    assert html.count("Huis van het Kind Zottegem") >= 2  # and site_header
