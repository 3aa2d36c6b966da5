"""Scoping fails closed (huisvanhetkind/lib/scoping.py, huisvanhetkind/scopes.py).

A partner-owned or gemeente-owned model can only be queried inside a scope: outside any, it raises. Inside
partner A's scope partner B's rows do not exist; the public scope sees only the published catalogue; a
municipality user's scope sees only their gemeenten's figures. The middleware picks the scope from the URL
space and the user. The tests that need the scopes on ask for `scopes_enabled` (last, so that the data
fixtures before it are built with the scopes disabled).
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie, Openingsuur
from huisvanhetkind.lib.scoping import (
    ALL,
    PUBLIC,
    ScopeError,
    get_scope,
    scope,
    scoped_manager,
    scopes_disabled,
)
from huisvanhetkind.scopes import request_scope, url_space
from partners.models import Lidmaatschap, Partner, Uitnodiging
from tests import factories
from vragen.models import Bericht, Gesprek, Signaal, Vraag
from vragen.services import gesprek_assign, gesprek_start

SCOPED = [
    Aanbod,
    Activiteit,
    Openingsuur,
    Locatie,
    Inschrijving,
    Lidmaatschap,
    Uitnodiging,
    Vraag,
    Gesprek,
    Bericht,
    Signaal,
]

# Models of the apps whose rows every visitor may read, or that are reached only through a scoped row.
UNSCOPED = {
    "partners.Gemeente": "reference data",
    "partners.Postcode": "reference data",
    "partners.Netwerk": "the network's public configuration",
    "partners.User": "accounts; the admin and allauth read them",
    "partners.Partner": "partners are public (/partners/); Partner.objects.in_scope() is the portal's own",
    "partners.Gemeentetoegang": "read by the middleware to compute a municipality user's scope",
    "aanbod.Taal": "reference data",
    "aanbod.Thema": "reference data",
    "vragen.VraagThema": "a Vraag's thema links with copies of its gemeente and date, for the report index",
    "uitwisseling.UitPlaats": "the UiTdatabank place id of a Locatie; locations are public addresses",
}


def _scoped(model) -> bool:
    return type(model._default_manager).__name__.startswith("Scoped")


@pytest.fixture
def world(partner_a, partner_b, alice, charlie, gemeente_a, gemeente_b):
    """The same things for partner A (in gemeente A) and partner B (in gemeente B)."""
    rows = {}
    for key, partner, member, gemeente in (
        ("a", partner_a, alice, gemeente_a),
        ("b", partner_b, charlie, gemeente_b),
    ):
        locatie = factories.LocatieFactory(partner=partner, gemeente=gemeente)
        aanbod = factories.AanbodFactory(partner=partner)
        concept = factories.AanbodFactory(partner=partner, status=Aanbod.Status.CONCEPT)
        activiteit = factories.ActiviteitFactory(aanbod=aanbod, locatie=locatie)
        gesprek, _code = gesprek_start(gemeente=gemeente, themas=[], leeftijdsband="1-3", tekst="Slapen?")
        rows[key] = {
            "partner": partner,
            "locatie": locatie,
            "aanbod": aanbod,
            "concept": concept,
            "openingsuur": factories.OpeningsuurFactory(aanbod=aanbod),
            "concept_openingsuur": factories.OpeningsuurFactory(aanbod=concept),
            "activiteit": activiteit,
            "concept_activiteit": factories.ActiviteitFactory(aanbod=concept, locatie=locatie),
            "inschrijving": factories.InschrijvingFactory(activiteit=activiteit),
            "lidmaatschap": Lidmaatschap.objects.get(partner=partner, user=member),
            "vraag": factories.VraagFactory(
                gemeente=gemeente, geregistreerd_bij=partner, geregistreerd_door=member
            ),
            "gesprek": gesprek_assign(gesprek=gesprek, partner=partner),
            "signaal": factories.SignaalFactory(gemeente=gemeente, bron_partner=partner),
        }
        rows[key]["bericht"] = rows[key]["gesprek"].berichten.get()
    rows["shared_locatie"] = factories.LocatieFactory(partner=None, naam="Gemeentehuis")
    return rows


# --- The primitive ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_scoped_queryset_outside_a_scope_raises(model, scopes_enabled):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()
    with pytest.raises(ScopeError):
        model.objects.count()
    # Whatever chains on, the query never reaches the database: not directly, not as a subquery.
    with pytest.raises(ScopeError):
        model.objects.exclude(pk=0).distinct().exists()
    with pytest.raises(ScopeError):
        list(model.objects.exclude(pk=0).iterator())
    with pytest.raises(ScopeError):
        Partner.objects.filter(pk__in=model.objects.exclude(pk=0).distinct()).count()


@pytest.mark.django_db
def test_custom_queryset_methods_outside_a_scope_raise(scopes_enabled):
    with pytest.raises(ScopeError):
        list(Aanbod.objects.gepubliceerd())
    with pytest.raises(ScopeError):
        Activiteit.objects.komend().met_bezetting().count()
    with pytest.raises(ScopeError):
        Inschrijving.objects.actief().exists()
    with pytest.raises(ScopeError):
        Partner.objects.in_scope().count()


def test_every_model_is_scoped_or_listed_as_unscoped_with_a_reason():
    """A new model of the apps (nested apps such as aanbod.spelotheek included) gets a scoped manager, or a
    line in UNSCOPED saying why it needs none."""
    found = {
        model._meta.label: _scoped(model)
        for config in apps.get_app_configs()
        if config.name.split(".")[0] in ("partners", "aanbod", "vragen")
        for model in config.get_models()
        if not model._meta.proxy
    }
    assert {label for label, scoped in found.items() if not scoped} == set(UNSCOPED)
    assert {model._meta.label for model in SCOPED} <= {label for label, scoped in found.items() if scoped}


def test_scoped_manager_needs_an_owner():
    with pytest.raises(ValueError):
        scoped_manager()


@pytest.mark.django_db
def test_partner_scope_hides_the_other_partners_rows(world, scopes_enabled):
    with scope(partner=[world["a"]["partner"].pk]):
        for name in (
            "aanbod",
            "activiteit",
            "openingsuur",
            "inschrijving",
            "lidmaatschap",
            "vraag",
            "gesprek",
        ):
            model = type(world["a"][name])
            assert model.objects.filter(pk=world["b"][name].pk).exists() is False, name
            assert model.objects.filter(pk=world["a"][name].pk).exists() is True, name
        assert set(Aanbod.objects.values_list("pk", flat=True)) == {
            world["a"]["aanbod"].pk,
            world["a"]["concept"].pk,
        }
        assert list(Signaal.objects.all()) == [world["a"]["signaal"]]
        assert list(Bericht.objects.all()) == [world["a"]["bericht"]]
        # Own locations and the shared ones (to pick for an activity); another partner's never.
        assert set(Locatie.objects.all()) == {world["a"]["locatie"], world["shared_locatie"]}
        assert list(Locatie.objects.beheerbaar()) == [world["a"]["locatie"]]
        assert list(Partner.objects.in_scope()) == [world["a"]["partner"]]


@pytest.mark.django_db
def test_partner_scope_of_nobody_sees_nothing(world, scopes_enabled):
    with scope(partner=[]):
        assert Aanbod.objects.count() == 0
        assert Inschrijving.objects.count() == 0
        assert list(Locatie.objects.all()) == [world["shared_locatie"]]


@pytest.mark.django_db
def test_following_a_foreign_key_from_a_held_row_needs_no_scope(world, scopes_enabled):
    inschrijving = world["b"]["inschrijving"]
    with scope(partner=PUBLIC):
        assert inschrijving.activiteit.aanbod.partner == world["b"]["partner"]


@pytest.mark.django_db
def test_public_scope_sees_only_the_published_catalogue(world, scopes_enabled):
    with scope(partner=PUBLIC):
        assert set(Aanbod.objects.all()) == {world["a"]["aanbod"], world["b"]["aanbod"]}
        assert set(Activiteit.objects.all()) == {world["a"]["activiteit"], world["b"]["activiteit"]}
        assert set(Openingsuur.objects.all()) == {world["a"]["openingsuur"], world["b"]["openingsuur"]}
        assert Locatie.objects.count() == 3  # addresses are public
        for model in (Inschrijving, Gesprek, Bericht, Signaal, Lidmaatschap, Uitnodiging, Vraag):
            assert model.objects.count() == 0, model.__name__
        assert Partner.objects.in_scope().count() == 0


@pytest.mark.django_db
def test_public_scope_hides_aanbod_of_an_inactive_partner(world, scopes_enabled):
    with scopes_disabled():
        Partner.objects.filter(pk=world["b"]["partner"].pk).update(actief=False)
    with scope(partner=PUBLIC):
        assert list(Aanbod.objects.all()) == [world["a"]["aanbod"]]
        assert list(Activiteit.objects.all()) == [world["a"]["activiteit"]]


@pytest.mark.django_db
def test_public_scope_still_counts_places_taken(world, scopes_enabled):
    """Places left are public: the count reaches past the scope, the registrations do not."""
    with scope(partner=PUBLIC):
        activiteit = Activiteit.objects.get(pk=world["a"]["activiteit"].pk)
        assert activiteit.plaatsen_bezet == 1
        assert activiteit.plaatsen_vrij == 19


@pytest.mark.django_db
def test_gemeente_scope_sees_only_those_gemeenten_figures(world, gemeente_a, scopes_enabled):
    with scope(partner=PUBLIC, gemeenten=[gemeente_a.pk]):
        assert set(Vraag.objects.all()) == {world["a"]["vraag"], world["a"]["gesprek"].vraag}
        # Every partner's signal about the gemeente, and no other gemeente's.
        assert list(Signaal.objects.all()) == [world["a"]["signaal"]]
        # The catalogue as the public sees it; no registrations or conversations.
        assert Aanbod.objects.count() == 2
        assert Inschrijving.objects.count() == 0
        assert Gesprek.objects.count() == 0


@pytest.mark.django_db
def test_all_scope_sees_every_partner(world, scopes_enabled):
    with scope(partner=ALL):
        assert Aanbod.objects.count() == 4
        assert Inschrijving.objects.count() == 2
        assert Partner.objects.in_scope().count() == 2
    with scope(partner=PUBLIC, gemeenten=ALL):
        assert Vraag.objects.count() == 4  # two registered, two asked on the website
        assert Signaal.objects.count() == 2


@pytest.mark.django_db
def test_a_scope_value_must_be_a_list(world, scopes_enabled):
    with scope(partner=world["a"]["partner"].pk), pytest.raises(ScopeError):
        Aanbod.objects.count()


@pytest.mark.django_db
def test_a_municipality_report_equals_the_coordinators(world, gemeente_a, scopes_enabled):
    """The report of a gemeente is the same inside its reader's scope as with every row visible: also an
    archived aanbod's past activity and another partner's signal about the gemeente count."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from vragen.rapporten import Periode, build_rapport

    periode = Periode.standaard()
    with scopes_disabled():
        archief = factories.AanbodFactory(partner=world["b"]["partner"], status=Aanbod.Status.GEARCHIVEERD)
        # In the quarter the report's aanbod table shows: the latest published one (the grid's rule).
        kwartaal = periode.gepubliceerde_kwartalen()[-1]
        start = timezone.make_aware(datetime(kwartaal.year, kwartaal.month, 15, 10))
        factories.ActiviteitFactory(
            aanbod=archief, locatie=world["a"]["locatie"], start=start, einde=start + timedelta(hours=2)
        )
        factories.SignaalFactory(gemeente=gemeente_a, bron_partner=world["b"]["partner"])
        coordinator_view = build_rapport(gemeente=gemeente_a, periode=periode)
    with scope(partner=PUBLIC, gemeenten=[gemeente_a.pk]):
        reader_view = build_rapport(gemeente=gemeente_a, periode=periode)

    def figures(rapport):
        return [(t.slug, t.rijen, t.totaal) for t in rapport.tabellen]

    assert figures(reader_view) == figures(coordinator_view)
    assert any(t.rijen for t in coordinator_view.tabellen if t.slug == "aanbod")


# --- The middleware: one scope per request --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "space"),
    [
        ("/partner/aanbod/1/", "partner"),
        ("/en/partner/", "partner"),
        ("/fr/rapporten/gent/", "rapporten"),
        ("/rapporten/", "rapporten"),
        ("/admin/aanbod/aanbod/", "admin"),
        ("/", ""),
        ("/api/hsds/services", "api"),
        ("/en/", ""),
        ("/partners/", "partners"),
    ],
)
def test_url_space_ignores_the_language_prefix(path, space):
    assert url_space(path) == space


def _scope_for(path: str, user=None) -> dict | None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request_scope(request)


@pytest.mark.django_db
def test_middleware_scope_per_url_space_and_role(
    partner_a, partner_b, alice, bob, charlie, dora, gemeente_a, coordinator
):
    a, b = [partner_a.pk], [partner_b.pk]
    assert _scope_for("/partner/aanbod/", bob) == {"partner": a}
    assert _scope_for("/en/partner/vragen/", alice) == {"partner": a}
    assert _scope_for("/partner/signalen/", charlie) == {"partner": b}
    assert _scope_for("/partner/", dora) == {"partner": []}
    assert _scope_for("/partner/") == {"partner": []}
    assert _scope_for("/partner/aanbod/", coordinator) == {"partner": ALL}
    assert _scope_for("/rapporten/gent/", dora) == {"partner": PUBLIC, "gemeenten": [gemeente_a.pk]}
    assert _scope_for("/rapporten/", bob) == {"partner": PUBLIC, "gemeenten": []}
    assert _scope_for("/rapporten/") == {"partner": PUBLIC, "gemeenten": []}
    assert _scope_for("/rapporten/gent/", coordinator) == {"partner": PUBLIC, "gemeenten": ALL}
    assert _scope_for("/admin/", coordinator) is None
    assert _scope_for("/admin/", alice) == {"partner": PUBLIC}
    assert _scope_for("/admin/") == {"partner": PUBLIC}
    for path in (
        "/",
        "/aanbod/",
        "/agenda.ics",
        "/api/hsds/services",
        "/vraag/",
        "/inschrijving/x/",
        "/accounts/login/",
    ):
        assert _scope_for(path, alice) == {"partner": PUBLIC}, path
        assert _scope_for(path) == {"partner": PUBLIC}, path


@pytest.mark.django_db
def test_a_member_of_two_partners_gets_both(partner_a, partner_b, alice):
    factories.LidmaatschapFactory(user=alice, partner=partner_b)
    assert sorted(_scope_for("/partner/", alice)["partner"]) == sorted([partner_a.pk, partner_b.pk])


@pytest.mark.django_db
def test_requests_run_inside_their_scope(client, world, charlie, scopes_enabled):
    """With the scopes on and none entered by the test, pages work: the middleware entered one."""
    assert client.get(reverse("aanbod_list")).status_code == 200
    assert client.get(world["a"]["aanbod"].get_absolute_url()).status_code == 200
    assert client.get(world["a"]["concept"].get_absolute_url()).status_code == 404
    client.force_login(charlie)
    assert (
        client.get(reverse("portal_aanbod_detail", kwargs={"pk": world["b"]["aanbod"].pk})).status_code == 200
    )
    assert (
        client.get(reverse("portal_aanbod_detail", kwargs={"pk": world["a"]["aanbod"].pk})).status_code == 404
    )
    assert client.get(reverse("portal_gesprek", kwargs={"pk": world["a"]["gesprek"].pk})).status_code == 404
    assert get_scope() == {"_enabled": True}  # and left it again


@pytest.mark.django_db
def test_registering_counts_the_registrations_the_visitor_cannot_see(client, world, scopes_enabled):
    """A parent's request has the public scope; the capacity rule acts in the activity's partner's scope."""
    activiteit = world["a"]["activiteit"]
    with scopes_disabled():
        Activiteit.objects.filter(pk=activiteit.pk).update(capaciteit=1)
    data = {"naam": "Ouder", "email": "ouder@example.org", "aantal_personen": 1, "akkoord": "on"}
    response = client.post(reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk}), data)
    assert response.status_code == 302
    with scopes_disabled():
        assert Inschrijving.objects.get(email="ouder@example.org").status == Inschrijving.Status.WACHTLIJST


@pytest.mark.django_db
def test_a_registration_token_is_the_capability(client, world, scopes_enabled):
    """The manage page works for the holder of the token, also when the aanbod is no longer public."""
    inschrijving = world["a"]["inschrijving"]
    with scopes_disabled():
        Aanbod.objects.filter(pk=world["a"]["aanbod"].pk).update(status=Aanbod.Status.GEARCHIVEERD)
    response = client.get(inschrijving.get_absolute_url())
    assert response.status_code == 200
    assert inschrijving.naam in response.content.decode()
    assert client.get(reverse("inschrijving_manage", kwargs={"token": "x" * 43})).status_code == 404


@pytest.mark.django_db
def test_a_new_aanbod_gets_a_slug_no_other_partner_has(client, world, alice, scopes_enabled):
    """Inside partner A's scope partner B's aanbod is invisible, but its slug is still taken."""
    with scopes_disabled():
        Aanbod.objects.filter(pk=world["b"]["aanbod"].pk).update(titel="Slaapworkshop", slug="slaapworkshop")
    client.force_login(alice)
    data = {
        "titel": "Slaapworkshop",
        "soort": Aanbod.Soort.WORKSHOP,
        "samenvatting": "Rustig slapen.",
        "kosten": Aanbod.Kosten.GRATIS,
        "doelgroepen": ["ouders"],
    }
    response = client.post(reverse("portal_aanbod_nieuw"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    with scopes_disabled():
        assert (
            Aanbod.objects.get(partner=world["a"]["partner"], titel="Slaapworkshop").slug == "slaapworkshop-2"
        )


@pytest.mark.django_db
def test_services_refuse_rows_outside_the_callers_scope(world, charlie, gemeente_b, scopes_enabled):
    """The rules that used for_user() now rely on the scope: partner B's member cannot answer A's
    conversation or name A as a signal's source."""
    from django.core.exceptions import PermissionDenied

    from vragen.services import gesprek_answer, signaal_create

    with scope(partner=[world["b"]["partner"].pk]):
        with pytest.raises(PermissionDenied):
            gesprek_answer(gesprek=world["a"]["gesprek"], user=charlie, tekst="Antwoord")
        with pytest.raises(PermissionDenied):
            signaal_create(
                user=charlie,
                gemeente=gemeente_b,
                thema=world["b"]["signaal"].thema,
                titel="Wachtlijst",
                tekst="Lang",
                bron_partner=world["a"]["partner"],
            )
        gesprek_answer(gesprek=world["b"]["gesprek"], user=charlie, tekst="Antwoord")
        assert Bericht.objects.filter(gesprek=world["b"]["gesprek"]).count() == 2


# --- Background work --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_task_runs_with_scopes_disabled_even_when_called_inside_a_scope(scopes_enabled):
    from huisvanhetkind.celery import app

    @app.task(name="tests.scope_probe")
    def scope_probe():
        return dict(get_scope())

    with scope(partner=PUBLIC):
        assert scope_probe.delay().get()["_enabled"] is False


@pytest.mark.django_db
def test_a_management_command_runs_with_scopes_disabled(world, scopes_enabled):
    call_command("send_reminders", verbosity=0)
    call_command("erase_expired_inschrijvingen", verbosity=0)
    call_command("delete_expired_gesprekken", verbosity=0)
