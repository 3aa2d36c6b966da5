"""The coordinators' admin for vragen: quick registration, answering, moving signals."""

from django.utils import timezone

from tests import factories
from vragen.models import Gesprek, Signaal, Vraag


def test_quick_registration_in_the_admin_remembers_the_previous(
    admin_client, coordinator, gemeente_a, slapen
):
    data = {
        "gemeente": "9000",
        "thema": slapen.pk,
        "ook_thema": "",
        "leeftijdsband": "3-6",
        "vraagsteller": "ouder",
        "kanaal": "telefoon",
        "doorverwezen_naar": "",
        "datum": timezone.localdate().isoformat(),
        "geregistreerd_bij": "",
        "_addanother": "1",
    }
    response = admin_client.post("/admin/vragen/vraag/add/", data)
    assert response.status_code == 302
    assert response["Location"] == "/admin/vragen/vraag/add/"
    vraag = Vraag.objects.get()
    assert vraag.gemeente == gemeente_a
    assert list(vraag.themas.all()) == [slapen]
    assert vraag.geregistreerd_door == coordinator
    form = admin_client.get("/admin/vragen/vraag/add/").context["adminform"].form
    assert form["kanaal"].value() == "telefoon"
    assert form["leeftijdsband"].value() == "3-6"
    assert form["gemeente"].value() == "Gent"
    assert 'list="gemeenten-gemeente"' in admin_client.get("/admin/vragen/vraag/add/").content.decode()


def test_vraag_changelist_filters_search_and_dates(admin_client, slapen):
    factories.VraagFactory(themas=[slapen])
    for query in (
        "",
        "?q=Gent",
        "?q=9000",
        "?kanaal__exact=telefoon",
        f"?datum__year={timezone.localdate().year}",
    ):
        response = admin_client.get(f"/admin/vragen/vraag/{query}")
        assert response.status_code == 200, query
        assert response.context["cl"].result_count == 1, query


def test_signal_actions_move_one_step_at_a_time(admin_client):
    nieuw = factories.SignaalFactory(titel="Nieuw")
    besproken = factories.SignaalFactory(titel="Besproken", status=Signaal.Status.BESPROKEN)
    url = "/admin/vragen/signaal/"
    admin_client.post(url, {"action": "mark_doorgegeven", "_selected_action": [nieuw.pk, besproken.pk]})
    nieuw.refresh_from_db()
    besproken.refresh_from_db()
    assert nieuw.status == Signaal.Status.NIEUW
    assert besproken.status == Signaal.Status.DOORGEGEVEN
    assert besproken.doorgegeven_op == timezone.localdate()
    admin_client.post(url, {"action": "mark_besproken", "_selected_action": [nieuw.pk]})
    nieuw.refresh_from_db()
    assert nieuw.status == Signaal.Status.BESPROKEN


def test_signal_added_in_admin_records_its_author(admin_client, coordinator, slapen, gemeente_a):
    data = {
        "gemeente": "Gent",
        "thema": slapen.pk,
        "titel": "Lange wachtlijst",
        "tekst": "x",
        "bron_partner": "",
    }
    assert admin_client.post("/admin/vragen/signaal/add/", data).status_code == 302
    signaal = Signaal.objects.get()
    assert (signaal.aangemaakt_door, signaal.gemeente) == (coordinator, gemeente_a)


def test_coordinator_answers_and_assigns_in_the_admin(
    admin_client, gesprek_en_code, partner_a, bob, mailoutbox
):
    gesprek, _code = gesprek_en_code
    page = admin_client.get(f"/admin/vragen/gesprek/{gesprek.pk}/change/")
    assert "Hoe leer ik slapen?" in page.content.decode()
    assert gesprek.code_hash not in page.content.decode()
    data = {"toegewezen_aan": partner_a.pk, "antwoord": "Een vast ritueel helpt.", "sluiten": ""}
    assert admin_client.post(f"/admin/vragen/gesprek/{gesprek.pk}/change/", data).status_code == 302
    gesprek.refresh_from_db()
    assert gesprek.toegewezen_aan == partner_a
    assert gesprek.status == Gesprek.Status.BEANTWOORD
    assert gesprek.berichten.last().tekst == "Een vast ritueel helpt."


def test_gesprekken_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get("/admin/vragen/gesprek/add/").status_code == 403
