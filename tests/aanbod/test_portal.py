"""The partners' portal for aanbod and activities: the moderation flow end to end, weekly series across
DST, cancelling, registrations (CSV, attendance), locations, opening hours, and the outsider."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie, Openingsuur
from aanbod.services.activiteiten import activiteit_create_series, weekly_dates
from partners.models import Lidmaatschap
from tests import factories
from tests.partners.portal_helpers import client_for

pytest_plugins = ["tests.partners.portal_helpers"]

BRUSSEL = ZoneInfo("Europe/Brussels")


def aanbod_data(**extra) -> dict:
    data = {
        "titel": "Slapen zonder tranen",
        "soort": "vormingsavond",
        "samenvatting": "Een avond over slapen voor ouders van jonge kinderen.",
        "beschrijving": "We delen tips en ervaringen.",
        "leeftijd_van": "0",
        "leeftijd_tot": "3",
        "kosten": "gratis",
        "inschrijving_nodig": "on",
    }
    data.update(extra)
    return data


@pytest.fixture
def coordinator_client(coordinator):
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    return client_for(coordinator)


def test_moderation_flow_end_to_end(bob, partner_a, coordinator_client, django_capture_on_commit_callbacks):
    partner_a.email = "info@a.example"
    partner_a.save()
    client = client_for(bob)
    # A medewerker writes an aanbod and submits it.
    response = client.post(reverse("portal_aanbod_nieuw"), aanbod_data(indienen="1"))
    assert response.status_code == 302
    aanbod = Aanbod.objects.get()
    assert (aanbod.partner, aanbod.status, aanbod.slug) == (
        partner_a,
        Aanbod.Status.INGEDIEND,
        "slapen-zonder-tranen",
    )
    assert client.get(reverse("aanbod_detail", kwargs={"slug": aanbod.slug})).status_code == 404
    dashboard = client.get(reverse("partner_dashboard")).content.decode()
    assert "Slapen zonder tranen" in dashboard

    # The coordinator rejects it with a reason; the partner sees the reason on the dashboard.
    moderate = reverse("admin:aanbod_aanbod_modereren", args=[aanbod.pk])
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            moderate, {"besluit": "afwijzen", "reden": "Vermeld de leeftijd in de titel."}
        )
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.AFGEWEZEN
    assert "Vermeld de leeftijd in de titel." in client.get(reverse("partner_dashboard")).content.decode()
    assert mail.outbox[-1].to == ["info@a.example"]

    # The partner fixes it and submits again; the coordinator publishes.
    response = client.post(
        reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod.pk}),
        aanbod_data(titel="Slapen zonder tranen (0-3 jaar)", indienen="1"),
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(moderate, {"besluit": "publiceren"})
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    assert client.get(reverse("aanbod_detail", kwargs={"slug": aanbod.slug})).status_code == 200

    # An edit of the published aanbod waits for moderation; the published version stays online.
    response = client.post(
        reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod.pk}),
        aanbod_data(titel="Slapen zonder tranen (0-3 jaar)", samenvatting="Nieuwe samenvatting."),
    )
    assert response.status_code == 302
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    assert aanbod.samenvatting == "Een avond over slapen voor ouders van jonge kinderen."
    assert aanbod.voorgestelde_wijziging == {"samenvatting": "Nieuwe samenvatting."}
    # The edit form continues from the proposal.
    form = client.get(reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod.pk})).context["form"]
    assert form["samenvatting"].value() == "Nieuwe samenvatting."
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(moderate, {"besluit": "publiceren"})
    aanbod.refresh_from_db()
    assert (aanbod.samenvatting, aanbod.voorgestelde_wijziging) == ("Nieuwe samenvatting.", None)


def test_trusted_partner_publishes_directly(bob, partner_a):
    partner_a.vertrouwd = True
    partner_a.save()
    client_for(bob).post(reverse("portal_aanbod_nieuw"), aanbod_data(indienen="1"))
    aanbod = Aanbod.objects.get()
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
    client_for(bob).post(
        reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod.pk}), aanbod_data(titel="Nieuw")
    )
    aanbod.refresh_from_db()
    assert (aanbod.titel, aanbod.voorgestelde_wijziging) == ("Nieuw", None)


def test_draft_then_submit_then_archive(bob, partner_a):
    client = client_for(bob)
    client.post(reverse("portal_aanbod_nieuw"), aanbod_data())
    aanbod = Aanbod.objects.get()
    assert aanbod.status == Aanbod.Status.CONCEPT
    client.post(reverse("portal_aanbod_indienen", kwargs={"pk": aanbod.pk}))
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.INGEDIEND
    client.post(reverse("portal_aanbod_archiveren", kwargs={"pk": aanbod.pk}))
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.GEARCHIVEERD


def test_aanbod_form_errors_are_400(bob):
    response = client_for(bob).post(
        reverse("portal_aanbod_nieuw"), aanbod_data(kosten="betalend", leeftijd_tot="")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"prijs", "leeftijd_tot"}
    assert Aanbod.objects.count() == 0


def test_multi_partner_user_chooses_the_partner(bob, partner_a, partner_b):
    factories.LidmaatschapFactory(user=bob, partner=partner_b)
    client = client_for(bob)
    assert "partner" in client.get(reverse("portal_aanbod_nieuw")).context["form"].fields
    client.post(reverse("portal_aanbod_nieuw"), aanbod_data(partner=partner_b.pk))
    assert Aanbod.objects.get().partner == partner_b
    other = factories.PartnerFactory(naam="Not mine")
    response = client.post(reverse("portal_aanbod_nieuw"), aanbod_data(titel="X", partner=other.pk))
    assert response.status_code == 400
    # Choosing one partner narrows the lists; an empty choice shows all again.
    factories.AanbodFactory(partner=partner_a, titel="Van A")
    page = client.get(reverse("portal_aanbod_list") + f"?partner={partner_b.slug}").content.decode()
    assert "Van A" not in page
    page = client.get(reverse("portal_aanbod_list") + "?partner=").content.decode()
    assert "Van A" in page


def test_outsider_cannot_read_or_change_by_guessing(
    charlie, aanbod_a, activiteit_a, inschrijving_a, locatie_a, aanbod_b
):
    client = client_for(charlie)
    for name, kwargs in [
        ("portal_aanbod_detail", {"pk": aanbod_a.pk}),
        ("portal_aanbod_bewerken", {"pk": aanbod_a.pk}),
        ("portal_activiteit_detail", {"pk": activiteit_a.pk}),
        ("portal_activiteit_csv", {"pk": activiteit_a.pk}),
        ("portal_locatie_bewerken", {"pk": locatie_a.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    assert (
        client.post(
            reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod_a.pk}), aanbod_data(titel="Gehackt")
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("portal_activiteit_annuleren", kwargs={"pk": activiteit_a.pk}), {}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("portal_activiteit_aanwezigheid", kwargs={"pk": activiteit_a.pk}),
            {"aanwezig": [inschrijving_a.pk]},
        ).status_code
        == 404
    )
    # A's location cannot be attached to B's aanbod or activity.
    response = client.post(
        reverse("portal_activiteit_nieuw", kwargs={"aanbod_pk": aanbod_b.pk}),
        {
            "datum": "2030-01-09",
            "van": "19:00",
            "tot": "21:00",
            "locatie": locatie_a.pk,
            "max_personen_per_inschrijving": 2,
        },
    )
    assert response.status_code == 400
    assert "locatie" in response.context["form"].errors
    # Nothing of A leaks into charlie's lists.
    for name in ("portal_aanbod_list", "portal_activiteit_list", "portal_locatie_list", "partner_dashboard"):
        page = client.get(reverse(name)).content.decode()
        assert aanbod_a.titel not in page and locatie_a.naam not in page and "Ouder A" not in page
    aanbod_a.refresh_from_db()
    activiteit_a.refresh_from_db()
    assert (aanbod_a.titel, activiteit_a.geannuleerd) == ("Slaapworkshop A", False)


# --- Activities -------------------------------------------------------------------------------------


def test_activity_create_in_local_time(bob, aanbod_a, locatie_a):
    response = client_for(bob).post(
        reverse("portal_activiteit_nieuw", kwargs={"aanbod_pk": aanbod_a.pk}),
        {
            "datum": "2030-07-03",
            "van": "19:30",
            "tot": "21:30",
            "locatie": locatie_a.pk,
            "capaciteit": 12,
            "max_personen_per_inschrijving": 2,
            "inschrijving_nodig": "on",
            "inschrijven_tot_datum": "2030-07-01",
        },
    )
    assert response.status_code == 302
    activiteit = Activiteit.objects.get()
    assert activiteit.start == dt.datetime(2030, 7, 3, 19, 30, tzinfo=BRUSSEL)
    assert activiteit.einde == dt.datetime(2030, 7, 3, 21, 30, tzinfo=BRUSSEL)
    assert activiteit.inschrijven_tot == dt.datetime(2030, 7, 1, 23, 59, tzinfo=BRUSSEL)


def test_activity_time_that_does_not_exist_is_a_form_error(bob, aanbod_a, locatie_a):
    # 2027-03-28 02:30 does not exist in Brussels: clocks jump from 02:00 to 03:00.
    response = client_for(bob).post(
        reverse("portal_activiteit_nieuw", kwargs={"aanbod_pk": aanbod_a.pk}),
        {
            "datum": "2027-03-28",
            "van": "02:30",
            "tot": "04:00",
            "locatie": locatie_a.pk,
            "max_personen_per_inschrijving": 2,
        },
    )
    assert response.status_code == 400
    assert "van" in response.context["form"].errors


def test_activity_end_before_start_is_a_form_error(bob, aanbod_a, locatie_a):
    response = client_for(bob).post(
        reverse("portal_activiteit_nieuw", kwargs={"aanbod_pk": aanbod_a.pk}),
        {
            "datum": "2030-07-03",
            "van": "19:30",
            "tot": "18:00",
            "locatie": locatie_a.pk,
            "max_personen_per_inschrijving": 2,
        },
    )
    assert response.status_code == 400
    assert Activiteit.objects.count() == 0


def test_reeks_datums_weekly_with_skips():
    datums = weekly_dates(
        weekdag=2,
        vanaf=dt.date(2026, 9, 1),
        tot_en_met=dt.date(2026, 9, 30),
        overslaan=[dt.date(2026, 9, 16)],
    )
    assert datums == [dt.date(2026, 9, 2), dt.date(2026, 9, 9), dt.date(2026, 9, 23), dt.date(2026, 9, 30)]
    assert weekly_dates(weekdag=0, vanaf=dt.date(2026, 9, 2), tot_en_met=dt.date(2026, 9, 6)) == []


@pytest.mark.parametrize(
    "vanaf, tot_en_met, utc_hours",
    [
        # Spring: 2026-03-29 is the Sunday the clocks go forward (CET → CEST).
        (dt.date(2026, 3, 22), dt.date(2026, 4, 5), [9, 8, 8]),
        # Autumn: 2026-10-25 is the Sunday the clocks go back (CEST → CET).
        (dt.date(2026, 10, 18), dt.date(2026, 11, 1), [8, 9, 9]),
    ],
)
def test_series_keeps_local_time_across_dst(aanbod_a, locatie_a, vanaf, tot_en_met, utc_hours):
    datums = weekly_dates(weekdag=6, vanaf=vanaf, tot_en_met=tot_en_met)
    assert len(datums) == 3
    nieuw = activiteit_create_series(
        aanbod=aanbod_a,
        datums=datums,
        van=dt.time(10, 0),
        tot=dt.time(12, 0),
        locatie=locatie_a,
        sluit_uren_voor=24,
    )
    for activiteit, hour in zip(nieuw, utc_hours, strict=True):
        assert timezone.localtime(activiteit.start, BRUSSEL).time() == dt.time(10, 0)
        assert timezone.localtime(activiteit.einde, BRUSSEL).time() == dt.time(12, 0)
        assert activiteit.start.astimezone(dt.UTC).hour == hour
        assert activiteit.einde - activiteit.start == dt.timedelta(hours=2)
        assert timezone.localtime(activiteit.inschrijven_tot, BRUSSEL).time() == dt.time(10, 0)
    # Running it again adds nothing: the same starts already exist.
    assert (
        activiteit_create_series(
            aanbod=aanbod_a, datums=datums, van=dt.time(10, 0), tot=dt.time(12, 0), locatie=locatie_a
        )
        == []
    )


def test_series_through_the_portal_across_dst_with_skipped_date(bob, aanbod_a, locatie_a):
    # Wednesdays 19:00–21:00 from 13 October to 10 November 2027 (clocks go back on 31 October), one skipped.
    response = client_for(bob).post(
        reverse("portal_activiteit_reeks", kwargs={"aanbod_pk": aanbod_a.pk}),
        {
            "weekdag": 2,
            "van": "19:00",
            "tot": "21:00",
            "vanaf": "2027-10-13",
            "tot_en_met": "2027-11-10",
            "overslaan": "3/11/2027",
            "locatie": locatie_a.pk,
            "capaciteit": 10,
            "max_personen_per_inschrijving": 2,
        },
    )
    assert response.status_code == 302
    starts = [timezone.localtime(a.start, BRUSSEL) for a in Activiteit.objects.order_by("start")]
    assert [s.date() for s in starts] == [
        dt.date(2027, 10, 13),
        dt.date(2027, 10, 20),
        dt.date(2027, 10, 27),
        dt.date(2027, 11, 10),
    ]
    assert {s.time() for s in starts} == {dt.time(19, 0)}


def test_series_form_errors(bob, aanbod_a, locatie_a):
    url = reverse("portal_activiteit_reeks", kwargs={"aanbod_pk": aanbod_a.pk})
    base = {
        "weekdag": 2,
        "van": "19:00",
        "tot": "21:00",
        "locatie": locatie_a.pk,
        "max_personen_per_inschrijving": 2,
    }
    cases = [
        {"vanaf": "2027-10-13", "tot_en_met": "2029-10-13"},  # more than 52
        {"vanaf": "2027-10-13", "tot_en_met": "2027-10-01"},  # backwards
        {"vanaf": "2020-01-01", "tot_en_met": "2020-02-01"},  # in the past
        {"vanaf": "2027-10-13", "tot_en_met": "2027-10-20", "overslaan": "gisteren"},  # not a date
    ]
    client = client_for(bob)
    for case in cases:
        assert client.post(url, {**base, **case}).status_code == 400
    assert Activiteit.objects.count() == 0


def test_cancel_mails_registrants_once(bob, activiteit_a, django_capture_on_commit_callbacks):
    factories.InschrijvingFactory(activiteit=activiteit_a, email="een@example.org")
    factories.InschrijvingFactory(activiteit=activiteit_a, email="twee@example.org")
    url = reverse("portal_activiteit_annuleren", kwargs={"pk": activiteit_a.pk})
    client = client_for(bob)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reden": "De spreker is ziek."}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reden": "Nog eens"})
    activiteit_a.refresh_from_db()
    assert (activiteit_a.geannuleerd, activiteit_a.annulering_reden) == (True, "De spreker is ziek.")
    assert sorted(m.to[0] for m in mail.outbox) == ["een@example.org", "twee@example.org"]


def test_registrations_csv_export(alice, activiteit_a):
    factories.InschrijvingFactory(
        activiteit=activiteit_a, naam='=HYPERLINK("http://x")', email="a@example.org", aantal_personen=3
    )
    factories.InschrijvingFactory(
        activiteit=activiteit_a,
        naam="Ann Peeters",
        email="b@example.org",
        status=Inschrijving.Status.WACHTLIJST,
    )
    response = client_for(alice).get(reverse("portal_activiteit_csv", kwargs={"pk": activiteit_a.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    assert rows[1][0] == '\'=HYPERLINK("http://x")'  # a formula is defused
    assert rows[1][3] == "3"
    assert rows[2][:2] == ["Ann Peeters", "b@example.org"]


def test_attendance_only_after_start(bob, activiteit_a, inschrijving_a):
    url = reverse("portal_activiteit_aanwezigheid", kwargs={"pk": activiteit_a.pk})
    client = client_for(bob)
    client.post(url, {"aanwezig": [inschrijving_a.pk]})
    inschrijving_a.refresh_from_db()
    assert inschrijving_a.aanwezig is None  # not started yet
    other = factories.InschrijvingFactory(activiteit=activiteit_a, email="c@example.org")
    Activiteit.objects.filter(pk=activiteit_a.pk).update(
        start=timezone.now() - dt.timedelta(hours=3), einde=timezone.now() - dt.timedelta(hours=1)
    )
    assert client.post(url, {"aanwezig": [inschrijving_a.pk, "x"]}).status_code == 302
    inschrijving_a.refresh_from_db()
    other.refresh_from_db()
    assert (inschrijving_a.aanwezig, other.aanwezig) == (True, False)
    page = client.get(reverse("portal_activiteit_detail", kwargs={"pk": activiteit_a.pk})).content.decode()
    assert 'name="aanwezig"' in page


def test_attendance_ignores_another_activitys_registrations(bob, activiteit_a, activiteit_b):
    theirs = factories.InschrijvingFactory(activiteit=activiteit_b)
    Activiteit.objects.filter(pk=activiteit_a.pk).update(
        start=timezone.now() - dt.timedelta(hours=3), einde=timezone.now() - dt.timedelta(hours=1)
    )
    client_for(bob).post(
        reverse("portal_activiteit_aanwezigheid", kwargs={"pk": activiteit_a.pk}), {"aanwezig": [theirs.pk]}
    )
    theirs.refresh_from_db()
    assert theirs.aanwezig is None


def test_opening_hours_formset(bob, aanbod_a, locatie_a):
    url = reverse("portal_aanbod_openingsuren", kwargs={"pk": aanbod_a.pk})
    assert client_for(bob).get(url).status_code == 200
    data = {
        "uren-TOTAL_FORMS": "1",
        "uren-INITIAL_FORMS": "0",
        "uren-MIN_NUM_FORMS": "0",
        "uren-MAX_NUM_FORMS": "21",
        "uren-0-weekdag": "2",
        "uren-0-van": "14:00",
        "uren-0-tot": "17:00",
        "uren-0-locatie": locatie_a.pk,
    }
    assert client_for(bob).post(url, data).status_code == 302
    uur = Openingsuur.objects.get()
    assert (uur.aanbod, uur.weekdag, uur.van, uur.tot) == (aanbod_a, 2, dt.time(14), dt.time(17))
    data.update({"uren-0-van": "18:00"})
    assert client_for(bob).post(url, data).status_code == 400


def test_location_from_postcode(bob, partner_a, gemeente_a):
    response = client_for(bob).post(
        reverse("portal_locatie_nieuw"),
        {"naam": "Huis van het Kind Gent", "straat": "Kerkstraat 1", "postcode": "9000"},
    )
    assert response.status_code == 302
    locatie = Locatie.objects.get()
    assert (locatie.partner, locatie.gemeente) == (partner_a, gemeente_a)
    response = client_for(bob).post(
        reverse("portal_locatie_nieuw"),
        {"naam": "X", "straat": "Y 1", "postcode": "2000", "gemeente": gemeente_a.pk},
    )
    assert response.status_code == 400


def test_medewerker_sees_profile_read_only(bob, partner_a):
    url = reverse("portal_partner_profiel", kwargs={"slug": partner_a.slug})
    response = client_for(bob).get(url)
    assert response.status_code == 200
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert client_for(bob).post(url, {"korte_beschrijving": "Gewijzigd"}).status_code == 403


def test_municipality_user_gets_a_friendly_page(dora):
    response = client_for(dora).get(reverse("partner_dashboard"))
    assert response.status_code == 200
    assert "/rapporten/" in response.content.decode()


# --- Query counts (N+1 guard): the same number of queries for 2 and for 12 rows -------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name", ["partner_dashboard", "portal_aanbod_list", "portal_activiteit_list", "portal_locatie_list"]
)
def test_list_query_count_does_not_grow(bob, partner_a, name):
    client = client_for(bob)

    def add(n):
        for _ in range(n):
            aanbod = factories.AanbodFactory(
                partner=partner_a, status=Aanbod.Status.INGEDIEND, nagekeken_op=None
            )
            activiteit = factories.ActiviteitFactory(
                aanbod=aanbod, locatie=factories.LocatieFactory(partner=partner_a)
            )
            factories.InschrijvingFactory(activiteit=activiteit)

    add(2)
    _queries(client, reverse(name))  # warm up: caches of the network record and the session
    small = _queries(client, reverse(name))
    add(10)
    assert _queries(client, reverse(name)) == small


def test_membership_role_does_not_matter_for_aanbod(alice, bob, aanbod_a):
    assert Lidmaatschap.objects.filter(partner=aanbod_a.partner).count() == 2
    for user in (alice, bob):
        assert (
            client_for(user).get(reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod_a.pk})).status_code
            == 200
        )


def test_dashboard_shows_a_rejected_change_of_a_published_aanbod(client, alice, aanbod_a, coordinator):
    from aanbod.services.moderatie import aanbod_propose_change, aanbod_reject

    aanbod_a.partner.vertrouwd = False
    aanbod_a.partner.save(update_fields=["vertrouwd"])
    aanbod_propose_change(aanbod=aanbod_a, data={"titel": "Nieuwe titel"}, user=alice)
    aanbod_reject(aanbod=aanbod_a, user=coordinator, reden="De titel zegt niet voor wie het is.")
    aanbod_a.refresh_from_db()
    assert aanbod_a.status == "gepubliceerd"
    client.force_login(alice)
    html = client.get("/partner/").content.decode()
    assert "De titel zegt niet voor wie het is." in html


def test_new_picture_replaces_the_old_file_after_commit(
    bob, partner_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def png() -> SimpleUploadedFile:
        out = io.BytesIO()
        Image.new("RGB", (60, 40), "teal").save(out, "PNG")
        return SimpleUploadedFile("beeld.png", out.getvalue(), content_type="image/png")

    settings.MEDIA_ROOT = tmp_path
    client = client_for(bob)
    client.post(reverse("portal_aanbod_nieuw"), aanbod_data())
    aanbod = Aanbod.objects.get()
    url = reverse("portal_aanbod_bewerken", kwargs={"pk": aanbod.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, aanbod_data(afbeelding=png())).status_code == 302
    aanbod.refresh_from_db()
    eerste = aanbod.afbeelding.name
    assert (tmp_path / eerste).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, aanbod_data(afbeelding=png(), indienen="1")).status_code == 302
    aanbod.refresh_from_db()
    assert aanbod.afbeelding.name != eerste
    assert (tmp_path / aanbod.afbeelding.name).exists()
    assert not (tmp_path / eerste).exists()
    assert aanbod.status == Aanbod.Status.INGEDIEND
