"""The vragen pages of the partners' portal: registration, correction, answering, signals."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from vragen.models import Gesprek, Signaal, Vraag
from vragen.services import gesprek_assign


@pytest.fixture
def registratie(slapen, eten):
    return {
        "gemeente": "Gent",
        "thema": str(slapen.pk),
        "ook_thema": str(eten.pk),
        "leeftijdsband": "0-1",
        "vraagsteller": "grootouder",
        "kanaal": "telefoon",
        "doorverwezen_naar": "",
        "datum": timezone.localdate().isoformat(),
        "volgende": "",
    }


def login(client, user):
    client.force_login(user)
    return client


# --- who may come in -----------------------------------------------------------------------------

PORTAL_URLS = [
    "/partner/vragen/",
    "/partner/vragen/nieuw/",
    "/partner/vragen/gesprekken/",
    "/partner/signalen/",
    "/partner/signalen/nieuw/",
]


@pytest.mark.parametrize("url", PORTAL_URLS)
def test_anonymous_goes_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", PORTAL_URLS)
@pytest.mark.parametrize("role", ["alice", "bob", "charlie", "coordinator"])
def test_partner_staff_and_coordinators_come_in(db, client, request, url, role):
    assert login(client, request.getfixturevalue(role)).get(url).status_code == 200


@pytest.mark.parametrize("url", PORTAL_URLS)
@pytest.mark.parametrize("role", ["dora", "dora_b"])
def test_municipality_staff_is_refused(db, client, request, url, role):
    assert login(client, request.getfixturevalue(role)).get(url).status_code == 403


# --- quick registration --------------------------------------------------------------------------


def test_registration_saves_and_offers_the_next(
    client, bob, partner_a, registratie, gemeente_a, slapen, eten
):
    login(client, bob)
    response = client.post("/partner/vragen/nieuw/", registratie)
    assert response.status_code == 302
    assert response["Location"] == "/partner/vragen/nieuw/"
    vraag = Vraag.objects.get()
    assert vraag.gemeente == gemeente_a
    assert set(vraag.themas.all()) == {slapen, eten}
    assert (vraag.leeftijdsband, vraag.vraagsteller, vraag.kanaal) == ("0-1", "grootouder", "telefoon")
    assert vraag.geregistreerd_door == bob
    assert vraag.geregistreerd_bij == partner_a


def test_next_registration_starts_from_the_previous_choices(client, bob, registratie, gemeente_a):
    login(client, bob)
    client.post("/partner/vragen/nieuw/", registratie)
    form = client.get("/partner/vragen/nieuw/").context["form"]
    assert form["gemeente"].value() == "Gent"
    assert form["kanaal"].value() == "telefoon"
    assert form["vraagsteller"].value() == "grootouder"
    assert form["leeftijdsband"].value() == "0-1"
    assert form["thema"].value() is None
    assert form.fields["thema"].widget.attrs.get("autofocus")


def test_save_alone_goes_to_the_list(client, bob, registratie):
    registratie.pop("volgende")
    registratie["opslaan"] = ""
    response = login(client, bob).post("/partner/vragen/nieuw/", registratie)
    assert response["Location"] == "/partner/vragen/"


def test_gemeente_by_postcode_and_bad_input(client, bob, registratie):
    login(client, bob)
    registratie["gemeente"] = "9000"
    assert client.post("/partner/vragen/nieuw/", registratie).status_code == 302
    registratie["gemeente"] = "Nergensdorp"
    response = client.post("/partner/vragen/nieuw/", registratie)
    assert response.status_code == 200
    assert "gemeente" in response.context["form"].errors


def test_future_date_is_refused(client, bob, registratie):
    registratie["datum"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = login(client, bob).post("/partner/vragen/nieuw/", registratie)
    assert "datum" in response.context["form"].errors
    assert Vraag.objects.count() == 0


def test_member_of_two_partners_chooses_where(client, bob, partner_b, registratie):
    factories.LidmaatschapFactory(user=bob, partner=partner_b)
    login(client, bob)
    response = client.post("/partner/vragen/nieuw/", registratie)
    assert "geregistreerd_bij" in response.context["form"].errors
    registratie["geregistreerd_bij"] = str(partner_b.pk)
    assert client.post("/partner/vragen/nieuw/", registratie).status_code == 302
    assert Vraag.objects.get().geregistreerd_bij == partner_b


def test_cannot_register_for_another_partner(client, bob, partner_b, registratie):
    registratie["geregistreerd_bij"] = str(partner_b.pk)
    response = login(client, bob).post("/partner/vragen/nieuw/", registratie)
    assert "geregistreerd_bij" in response.context["form"].errors
    assert Vraag.objects.count() == 0


# --- correcting ----------------------------------------------------------------------------------


def test_own_registration_can_be_corrected_for_a_day(client, bob, registratie):
    login(client, bob)
    client.post("/partner/vragen/nieuw/", registratie)
    vraag = Vraag.objects.get()
    registratie["kanaal"] = "persoonlijk"
    registratie["ook_thema"] = ""
    response = client.post(f"/partner/vragen/{vraag.pk}/", registratie)
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert vraag.kanaal == "persoonlijk"
    assert vraag.themas.count() == 1


def test_correction_window_closes_after_a_day(client, bob, registratie):
    login(client, bob)
    client.post("/partner/vragen/nieuw/", registratie)
    vraag = Vraag.objects.get()
    Vraag.objects.filter(pk=vraag.pk).update(aangemaakt_op=timezone.now() - timedelta(hours=25))
    assert client.get(f"/partner/vragen/{vraag.pk}/").status_code == 404
    assert client.post(f"/partner/vragen/{vraag.pk}/verwijderen/").status_code == 404
    assert Vraag.objects.count() == 1


def test_others_cannot_correct_or_remove_a_registration(client, bob, alice, charlie, registratie):
    login(client, bob).post("/partner/vragen/nieuw/", registratie)
    vraag = Vraag.objects.get()
    for outsider in (alice, charlie):
        login(client, outsider)
        assert client.get(f"/partner/vragen/{vraag.pk}/").status_code == 404
        assert client.post(f"/partner/vragen/{vraag.pk}/verwijderen/").status_code == 404
    assert Vraag.objects.count() == 1


def test_registration_made_by_mistake_can_be_removed(client, bob, registratie):
    login(client, bob).post("/partner/vragen/nieuw/", registratie)
    vraag = Vraag.objects.get()
    assert client.get(f"/partner/vragen/{vraag.pk}/verwijderen/").status_code == 200
    assert client.post(f"/partner/vragen/{vraag.pk}/verwijderen/").status_code == 302
    assert Vraag.objects.count() == 0


def test_list_shows_only_own_registrations(client, bob, alice, registratie):
    login(client, alice).post("/partner/vragen/nieuw/", registratie)
    response = login(client, bob).get("/partner/vragen/")
    assert list(response.context["vragen"]) == []


def test_list_query_count_does_not_grow(client, bob, gemeente_a, slapen):
    login(client, bob)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/partner/vragen/").status_code == 200
        return len(captured)

    factories.VraagFactory(geregistreerd_door=bob, themas=[slapen])
    queries()  # warm the caches (the network's settings)
    few = queries()
    for _ in range(10):
        factories.VraagFactory(geregistreerd_door=bob, themas=[slapen])
    assert queries() == few


# --- website questions ---------------------------------------------------------------------------


def test_assigned_partner_answers(client, bob, partner_a, gesprek_en_code):
    gesprek, _code = gesprek_en_code
    gesprek_assign(gesprek=gesprek, partner=partner_a)
    login(client, bob)
    assert [g.pk for g in client.get("/partner/vragen/gesprekken/").context["gesprekken"]] == [gesprek.pk]
    response = client.post(
        f"/partner/vragen/gesprekken/{gesprek.pk}/", {"tekst": "Probeer een vast ritueel."}
    )
    assert response.status_code == 302
    gesprek.refresh_from_db()
    assert gesprek.status == Gesprek.Status.BEANTWOORD
    assert gesprek.berichten.last().auteur == bob


def test_other_partner_cannot_see_or_answer(client, charlie, partner_a, gesprek_en_code):
    gesprek, _code = gesprek_en_code
    gesprek_assign(gesprek=gesprek, partner=partner_a)
    login(client, charlie)
    assert list(client.get("/partner/vragen/gesprekken/").context["gesprekken"]) == []
    assert client.get(f"/partner/vragen/gesprekken/{gesprek.pk}/").status_code == 404
    assert client.post(f"/partner/vragen/gesprekken/{gesprek.pk}/", {"tekst": "x"}).status_code == 404
    assert gesprek.berichten.count() == 1


def test_unassigned_gesprek_is_for_coordinators_only(client, bob, coordinator, gesprek_en_code):
    gesprek, _code = gesprek_en_code
    assert login(client, bob).get(f"/partner/vragen/gesprekken/{gesprek.pk}/").status_code == 404
    assert login(client, coordinator).get(f"/partner/vragen/gesprekken/{gesprek.pk}/").status_code == 200


def test_assignment_mails_the_partner(
    partner_a, bob, gesprek_en_code, mailoutbox, django_capture_on_commit_callbacks
):
    gesprek, _code = gesprek_en_code
    with django_capture_on_commit_callbacks(execute=True):
        gesprek_assign(gesprek=gesprek, partner=partner_a)
    assert [m.bcc for m in mailoutbox] == [[bob.email]]
    assert f"/partner/vragen/gesprekken/{gesprek.pk}/" in mailoutbox[0].body
    assert "Hoe leer ik slapen?" not in mailoutbox[0].body


# --- signals -------------------------------------------------------------------------------------


def test_partner_records_a_signal(client, bob, partner_a, slapen, gemeente_a):
    login(client, bob)
    response = client.post(
        "/partner/signalen/nieuw/",
        {
            "gemeente": "9000",
            "thema": slapen.pk,
            "titel": "Wachtlijst",
            "tekst": "Drie maanden.",
            "bron_partner": partner_a.pk,
        },
    )
    assert response.status_code == 302
    signaal = Signaal.objects.get()
    assert (signaal.gemeente, signaal.bron_partner, signaal.aangemaakt_door) == (gemeente_a, partner_a, bob)
    assert signaal.status == Signaal.Status.NIEUW


def test_partner_cannot_name_another_partner_as_source(client, bob, partner_b, slapen):
    response = login(client, bob).post(
        "/partner/signalen/nieuw/",
        {"gemeente": "9000", "thema": slapen.pk, "titel": "T", "tekst": "x", "bron_partner": partner_b.pk},
    )
    assert response.status_code == 200
    assert Signaal.objects.count() == 0


def test_signals_of_another_partner_are_hidden(client, charlie, partner_a):
    signaal = factories.SignaalFactory(bron_partner=partner_a)
    login(client, charlie)
    assert list(client.get("/partner/signalen/").context["signalen"]) == []
    assert client.get(f"/partner/signalen/{signaal.pk}/").status_code == 404


def test_signal_can_be_edited_only_while_new(client, bob, partner_a, slapen):
    signaal = factories.SignaalFactory(bron_partner=partner_a)
    login(client, bob)
    data = {
        "gemeente": "Gent",
        "thema": slapen.pk,
        "titel": "Nieuwe titel",
        "tekst": "x",
        "bron_partner": partner_a.pk,
    }
    assert client.post(f"/partner/signalen/{signaal.pk}/", data).status_code == 302
    signaal.refresh_from_db()
    assert signaal.titel == "Nieuwe titel"
    Signaal.objects.filter(pk=signaal.pk).update(status=Signaal.Status.BESPROKEN)
    data["titel"] = "Nog anders"
    assert client.post(f"/partner/signalen/{signaal.pk}/", data).status_code == 403
    signaal.refresh_from_db()
    assert signaal.titel == "Nieuwe titel"


def test_first_registration_starts_in_the_partners_gemeente(client, bob, partner_a, gemeente_a):
    partner_a.werkgebied.set([gemeente_a])
    form = login(client, bob).get("/partner/vragen/nieuw/").context["form"]
    assert form["gemeente"].value() == "Gent"
    assert form["leeftijdsband"].value() == "onbekend"
    assert form.fields["thema"].widget.attrs.get("autofocus")
