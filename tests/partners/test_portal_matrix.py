"""Every /partner/ URL × every role, for GET and POST: who gets in, who gets a 404 or a 403.

Roles: anonymous, bob (medewerker of A), alice (beheerder of A), charlie (beheerder of B: the outsider),
dora (municipality staff, no partner), the coordinator. The vragen portal (/partner/vragen/…,
/partner/signalen/…) is in the matrix too; /rapporten/ per gemeente and role is
tests/vragen/test_rapporten.py::test_report_permission_matrix. Each request runs in a rolled-back
transaction so one POST (archive, cancel, remove) does not change what the next request sees.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from tests import factories
from tests.partners.portal_helpers import client_for

pytest_plugins = ["tests.partners.portal_helpers"]

ROLES = ["anon", "bob", "alice", "charlie", "dora", "coordinator"]

# Expected status per role (in ROLES order).
LIST = (302, 200, 200, 200, 403, 200)  # a page of one's own things
OBJ_A = (302, 200, 200, 404, 403, 200)  # an object of partner A, any member
BEHEER_A = (302, 403, 200, 404, 403, 200)  # partner A, beheerder only
NO_GET = (302, 405, 405, 405, 403, 405)  # POST-only URL
NO_POST = (302, 405, 405, 405, 403, 405)  # read-only URL
BOB_OWN = (302, 200, 404, 404, 403, 200)  # a question bob registered: his own to correct


def _all(code):
    return (302, code, code, code, 403, code)


def _a(code, bob=None):
    return (302, bob if bob is not None else code, code, 404, 403, code)


def _beheer(code):
    return (302, 403, code, 404, 403, code)


# name, kwargs (from the objects), GET expectation, POST expectation (POST sends no data)
MATRIX = [
    ("partner_dashboard", {}, (302, 200, 200, 200, 200, 200), (302, 405, 405, 405, 405, 405)),
    ("portal_aanbod_list", {}, LIST, NO_POST),
    ("portal_aanbod_nieuw", {}, LIST, _all(400)),
    ("portal_aanbod_detail", {"pk": "aanbod"}, OBJ_A, NO_POST),
    ("portal_aanbod_bewerken", {"pk": "aanbod"}, OBJ_A, _a(400)),
    ("portal_aanbod_indienen", {"pk": "aanbod"}, NO_GET, _a(302)),
    ("portal_aanbod_archiveren", {"pk": "aanbod"}, OBJ_A, _a(302)),
    ("portal_aanbod_nagekeken", {"pk": "aanbod"}, NO_GET, _a(302)),
    ("portal_aanbod_openingsuren", {"pk": "aanbod"}, OBJ_A, _a(400)),
    ("portal_activiteit_nieuw", {"aanbod_pk": "aanbod"}, OBJ_A, _a(400)),
    ("portal_activiteit_reeks", {"aanbod_pk": "aanbod"}, OBJ_A, _a(400)),
    ("portal_activiteit_list", {}, LIST, NO_POST),
    # Without ?aanbod= it sends every member back to the list; with another partner's aanbod a 404
    # (tests/ux/test_portal_friction.py).
    ("portal_activiteit_toevoegen", {}, (302, 302, 302, 302, 403, 302), NO_POST),
    ("portal_activiteit_detail", {"pk": "activiteit"}, OBJ_A, NO_POST),
    ("portal_activiteit_bewerken", {"pk": "activiteit"}, OBJ_A, _a(400)),
    ("portal_activiteit_annuleren", {"pk": "activiteit"}, OBJ_A, _a(302)),
    ("portal_activiteit_csv", {"pk": "activiteit"}, OBJ_A, NO_POST),
    ("portal_activiteit_aanwezigheid", {"pk": "activiteit"}, NO_GET, _a(302)),
    ("portal_reeks_detail", {"pk": "reeks"}, OBJ_A, NO_POST),
    ("portal_reeks_csv", {"pk": "reeks"}, OBJ_A, NO_POST),
    ("portal_reeks_annuleren", {"pk": "reeks"}, OBJ_A, _a(302)),
    # A meeting of a series: its page, CSV and attendance show the series' registrations.
    ("portal_activiteit_detail", {"pk": "bijeenkomst"}, OBJ_A, NO_POST),
    ("portal_activiteit_csv", {"pk": "bijeenkomst"}, OBJ_A, NO_POST),
    ("portal_activiteit_aanwezigheid", {"pk": "bijeenkomst"}, NO_GET, _a(302)),
    ("portal_locatie_list", {}, LIST, NO_POST),
    ("portal_locatie_nieuw", {}, LIST, _all(400)),
    ("portal_locatie_bewerken", {"pk": "locatie"}, OBJ_A, _a(400)),
    ("portal_organisatie", {}, (302, 302, 302, 302, 403, 200), NO_POST),
    ("portal_partner_profiel", {"slug": "partner"}, OBJ_A, _a(302, bob=403)),
    ("portal_leden", {"slug": "partner"}, BEHEER_A, NO_POST),
    ("portal_lid_uitnodigen", {"slug": "partner"}, BEHEER_A, _beheer(400)),
    ("portal_lid_verwijderen", {"slug": "partner", "pk": "lidmaatschap"}, BEHEER_A, _beheer(302)),
    (
        "portal_uitnodiging_intrekken",
        {"slug": "partner", "pk": "uitnodiging"},
        (302, 405, 405, 405, 403, 405),
        _beheer(302),
    ),
    # vragen: quick registration (a member corrects only their own: bob's), conversations, signals.
    ("portal_vragen", {}, LIST, NO_POST),
    ("portal_vraag_registreren", {}, LIST, _all(200)),
    ("portal_vraag_corrigeren", {"pk": "vraag"}, BOB_OWN, BOB_OWN),
    ("portal_vraag_verwijderen", {"pk": "vraag"}, BOB_OWN, (302, 302, 404, 404, 403, 302)),
    ("portal_gesprekken", {}, LIST, NO_POST),
    # (these forms re-render an invalid POST with 200, unlike the aanbod forms' 400)
    ("portal_gesprek", {"pk": "gesprek"}, OBJ_A, _a(200)),
    ("portal_signalen", {}, LIST, NO_POST),
    ("portal_signaal_nieuw", {}, LIST, _all(200)),
    ("portal_signaal", {"pk": "signaal"}, OBJ_A, _a(200)),
]


@pytest.fixture
def world(
    partner_a,
    aanbod_a,
    activiteit_a,
    inschrijving_a,
    locatie_a,
    uitnodiging_a,
    bob_lidmaatschap,
    vraag_a,
    gesprek_a,
    signaal_a,
):
    reeks = factories.ReeksFactory(aanbod=aanbod_a)
    factories.InschrijvingFactory(activiteit=None, reeks=reeks)
    return {
        "partner": partner_a.slug,
        "aanbod": aanbod_a.pk,
        "activiteit": activiteit_a.pk,
        "reeks": reeks.pk,
        "bijeenkomst": reeks.bijeenkomsten[0].pk,
        "locatie": locatie_a.pk,
        "uitnodiging": uitnodiging_a.pk,
        "lidmaatschap": bob_lidmaatschap.pk,
        "vraag": vraag_a.pk,
        "gesprek": gesprek_a.pk,
        "signaal": signaal_a.pk,
    }


@pytest.fixture
def people(bob, alice, charlie, dora, coordinator):
    return {
        "anon": None,
        "bob": bob,
        "alice": alice,
        "charlie": charlie,
        "dora": dora,
        "coordinator": coordinator,
    }


def _request(client, method: str, url: str) -> int:
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_portal_permission_matrix(role, world, people):
    client = client_for(people[role])
    index = ROLES.index(role)
    wrong = []
    for name, kwargs, get_expect, post_expect in MATRIX:
        url = reverse(name, kwargs={key: world[value] for key, value in kwargs.items()})
        for method, expect in (("GET", get_expect), ("POST", post_expect)):
            status = _request(client, method, url)
            if status != expect[index]:
                wrong.append(f"{method} {url} ({name}): {status}, expected {expect[index]}")
    assert "\n".join(wrong) == ""


def test_portal_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("portal_aanbod_detail", kwargs={"pk": world["aanbod"]}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_portal_matrix_covers_every_portal_url():
    """A new /partner/ URL of any app must be added to the matrix (the two public links are tested on
    their own)."""
    from aanbod.urls import portal as aanbod_portal
    from huisvanhetkind import portal_urls
    from partners.urls import portal as partners_portal
    from vragen.urls import portal as vragen_portal

    modules = (aanbod_portal, partners_portal, portal_urls, vragen_portal)
    names = {p.name for mod in modules for p in mod.urlpatterns}
    public = {"uitnodiging_accept", "portal_aanbod_nagekeken_link"}
    assert names - public == {row[0] for row in MATRIX}
