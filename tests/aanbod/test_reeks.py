"""Series (Reeks): one registration for every meeting, with the series' capacity and waiting list."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from aanbod.models import Activiteit, Inschrijving
from aanbod.services import inschrijvingen
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reeks(partner_a):
    return factories.ReeksFactory(
        aanbod__partner=partner_a, aanbod__titel="Positief opvoeden", capaciteit=2, bijeenkomsten=3
    )


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(path, payload=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, payload or {})

    return send


def register(reeks, email, n=1):
    return inschrijvingen.inschrijving_create(
        activiteit=reeks, naam="Ouder", email=email, aantal_personen=n, taal="nl-be"
    )[0]


def test_reeks_meetings_are_in_date_order_with_part_numbers(reeks):
    meetings = reeks.bijeenkomsten
    assert [m.start for m in meetings] == sorted(m.start for m in meetings)
    assert [m.deel for m in meetings] == [(1, 3), (2, 3), (3, 3)]
    assert reeks.start == meetings[0].start
    assert reeks.einde == meetings[-1].einde
    assert factories.ActiviteitFactory().deel is None


def test_inschrijving_needs_exactly_one_of_activiteit_or_reeks(reeks):
    activiteit = reeks.bijeenkomsten[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Inschrijving.objects.create(activiteit=activiteit, reeks=reeks, naam="X", email="x@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Inschrijving.objects.create(naam="X", email="y@example.org")


def test_reeks_registration_fills_the_series_then_the_waiting_list(reeks):
    first = register(reeks, "a@example.org", 2)
    second = register(reeks, "b@example.org", 1)
    assert first.reeks == reeks and first.activiteit is None
    assert first.status == Inschrijving.Status.BEVESTIGD
    assert second.status == Inschrijving.Status.WACHTLIJST
    assert inschrijvingen.wachtlijst_positie(second) == 1
    assert reeks.plaatsen_vrij == 0


def test_reeks_same_address_registers_once(reeks):
    first = register(reeks, "a@example.org")
    again, created = inschrijvingen.inschrijving_create(
        activiteit=reeks, naam="Ouder", email="A@example.org", aantal_personen=1, taal="nl-be"
    )
    assert not created and again.pk == first.pk


def test_reeks_cancel_moves_the_waiting_list_up(reeks):
    first = register(reeks, "a@example.org", 2)
    second = register(reeks, "b@example.org", 1)
    inschrijvingen.inschrijving_cancel(inschrijving=first)
    second.refresh_from_db()
    assert second.status == Inschrijving.Status.BEVESTIGD
    assert second.doorgeschoven_op is not None


def test_reeks_change_beyond_places_left_is_refused(reeks):
    first = register(reeks, "a@example.org", 1)
    register(reeks, "b@example.org", 1)
    with pytest.raises(ValidationError) as error:
        inschrijvingen.inschrijving_change(inschrijving=first, aantal_personen=2)
    assert error.value.code == "volzet"


def test_reeks_closed_after_the_first_meeting_without_late_joining(reeks):
    first = reeks.bijeenkomsten[0]
    Activiteit.objects.filter(pk=first.pk).update(
        start=first.start.replace(year=first.start.year - 1),
        einde=first.einde.replace(year=first.einde.year - 1),
    )
    reeks = type(reeks).objects.get(pk=reeks.pk)
    assert inschrijvingen.inschrijving_closed_reason(reeks) == "gesloten"


def test_reeks_late_joining_until_a_given_meeting(reeks):
    first, second, _third = reeks.bijeenkomsten
    Activiteit.objects.filter(pk=first.pk).update(
        start=first.start.replace(year=first.start.year - 1),
        einde=first.einde.replace(year=first.einde.year - 1),
    )
    reeks.laat_instappen_tot = second
    reeks.save()
    reeks = type(reeks).objects.get(pk=reeks.pk)
    assert inschrijvingen.inschrijving_closed_reason(reeks) == ""
    assert reeks.deadline == second.start


def test_reeks_register_page_lists_every_meeting_and_registers_once(client, post, reeks):
    path = reverse("reeks_inschrijven", kwargs={"pk": reeks.pk})
    page = client.get(path)
    assert page.status_code == 200
    assert b"reeks-bijeenkomsten" in page.content
    response = post(
        path, {"naam": "Sara", "email": "sara@example.org", "telefoon": "", "aantal_personen": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reeks_inschrijving_verstuurd", kwargs={"pk": reeks.pk})
    assert client.get(response["Location"]).status_code == 200
    inschrijving = Inschrijving.objects.get(reeks=reeks)
    manage = client.get(reverse("inschrijving_manage", kwargs={"token": inschrijving.token}))
    assert manage.status_code == 200
    assert manage.content.count(b"<time datetime=") >= 3
    assert len(mail.outbox) == 1
    ics = [a for a in mail.outbox[0].attachments if a[0].endswith(".ics")][0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert ics.count("BEGIN:VEVENT") == 3
    calendar = client.get(reverse("inschrijving_ics", kwargs={"token": inschrijving.token}))
    assert calendar.content.decode().count("BEGIN:VEVENT") == 3


def test_reeks_register_unpublished_is_404(client, reeks):
    reeks.aanbod.status = "concept"
    reeks.aanbod.save()
    assert client.get(reverse("reeks_inschrijven", kwargs={"pk": reeks.pk})).status_code == 404


def test_reeks_registrations_are_scoped_to_their_partner(reeks, partner_a, partner_b):
    from huisvanhetkind.lib.scoping import scope

    register(reeks, "a@example.org")
    with scope(partner=[partner_a.pk]):
        assert Inschrijving.objects.filter(reeks=reeks).count() == 1
    with scope(partner=[partner_b.pk]):
        assert Inschrijving.objects.filter(reeks=reeks).count() == 0


# --- The aanbod page and the agenda ---------------------------------------------------------------------


def test_aanbod_page_shows_one_registration_block_per_series_with_every_date(client, reeks):
    single = factories.ActiviteitFactory(aanbod=reeks.aanbod)
    page = client.get(reeks.aanbod.get_absolute_url())
    content = page.content.decode()
    assert page.status_code == 200
    assert content.count(reverse("reeks_inschrijven", kwargs={"pk": reeks.pk})) == 1
    assert "You register for the whole series." in content
    assert "part 1 of 3" in content and "part 3 of 3" in content
    for meeting in reeks.bijeenkomsten:
        assert reverse("activiteit_inschrijven", kwargs={"pk": meeting.pk}) not in content
    assert reverse("activiteit_inschrijven", kwargs={"pk": single.pk}) in content
    assert "A single activity: you register for this date." in content


def test_aanbod_page_of_a_drop_in_says_just_come_along(client):
    activiteit = factories.ActiviteitFactory(inschrijving_nodig=False)
    content = client.get(activiteit.aanbod.get_absolute_url()).content.decode()
    assert "No need to register: just come along." in content


def test_aanbod_page_by_appointment_says_how_to_get_in(client):
    aanbod = factories.AanbodFactory(soort="consultatie", contact_telefoon="09 123 45 67")
    content = client.get(aanbod.get_absolute_url()).content.decode()
    assert "This runs by appointment: there are no fixed dates." in content
    assert "09 123 45 67" in content


def test_agenda_marks_series_meetings_part_n_of_m(client, reeks):
    content = client.get(reverse("agenda")).content.decode()
    assert "part 1 of 3" in content and "part 2 of 3" in content and "part 3 of 3" in content


def test_aanbod_page_structured_data_has_every_meeting_of_a_series(client, reeks):
    content = client.get(reeks.aanbod.get_absolute_url()).content.decode()
    for meeting in reeks.bijeenkomsten:
        assert f"#activiteit-{meeting.pk}" in content.split("application/ld+json")[-1]
