"""Attendance per meeting of a series, the series' counts on the portal's lists, cancelling a whole series
from the portal, the parent's cancel page of a series registration, and the admin's view of it all."""

import csv
import datetime as dt
import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from aanbod.models import Aanwezigheid, Activiteit, Inschrijving, Reeks
from aanbod.services.portal import inschrijvingen_mark_attendance
from tests import factories
from tests.partners.portal_helpers import client_for

pytestmark = pytest.mark.django_db


def course(partner, *, bijeenkomsten=3, begonnen=0, capaciteit=10) -> Reeks:
    """A series of weekly meetings of which the first `begonnen` have started (the last one yesterday)."""
    reeks = factories.ReeksFactory(
        aanbod__partner=partner,
        bijeenkomsten=bijeenkomsten,
        capaciteit=capaciteit,
    )
    first = timezone.now().replace(microsecond=0) - dt.timedelta(days=1) - dt.timedelta(weeks=begonnen - 1)
    for nr, meeting in enumerate(reeks.bijeenkomsten):
        start = first + dt.timedelta(weeks=nr)
        Activiteit.objects.filter(pk=meeting.pk).update(start=start, einde=start + dt.timedelta(hours=2))
    return Reeks.objects.get(pk=reeks.pk)


def register(reeks, naam, status=Inschrijving.Status.BEVESTIGD, **kwargs) -> Inschrijving:
    return factories.InschrijvingFactory(activiteit=None, reeks=reeks, naam=naam, status=status, **kwargs)


def came(inschrijving, meeting):
    row = Aanwezigheid.objects.filter(inschrijving=inschrijving, activiteit=meeting).first()
    return None if row is None else row.aanwezig


# --- The service ---------------------------------------------------------------------------------------


def test_attendance_of_a_meeting_is_stored_per_meeting_and_updated_in_place(partner_a):
    reeks = course(partner_a, begonnen=2)
    sara, tom = register(reeks, "Sara"), register(reeks, "Tom")
    wachtend = register(reeks, "Wachtend", status=Inschrijving.Status.WACHTLIJST)
    first, second, _third = reeks.bijeenkomsten

    assert inschrijvingen_mark_attendance(activiteit=second, aanwezig_ids=[sara.pk, wachtend.pk]) == 1
    assert (came(sara, second), came(tom, second), came(wachtend, second)) == (True, False, None)
    assert (came(sara, first), came(tom, first)) == (None, None)  # another meeting is untouched

    assert inschrijvingen_mark_attendance(activiteit=second, aanwezig_ids=[tom.pk]) == 1
    assert (came(sara, second), came(tom, second)) == (False, True)
    assert Aanwezigheid.objects.filter(activiteit=second).count() == 2  # upserted, never doubled
    assert Inschrijving.objects.filter(aanwezig__isnull=False).count() == 0  # the single-activity field


def test_attendance_of_a_meeting_is_refused_before_it_starts_and_when_cancelled(partner_a):
    reeks = course(partner_a, begonnen=1)
    sara = register(reeks, "Sara")
    _first, second, third = reeks.bijeenkomsten
    with pytest.raises(ValidationError):
        inschrijvingen_mark_attendance(activiteit=second, aanwezig_ids=[sara.pk])
    Activiteit.objects.filter(pk=third.pk).update(
        start=timezone.now() - dt.timedelta(hours=3),
        einde=timezone.now() - dt.timedelta(hours=1),
        geannuleerd=True,
    )
    with pytest.raises(ValidationError):
        inschrijvingen_mark_attendance(activiteit=Activiteit.objects.get(pk=third.pk), aanwezig_ids=[sara.pk])
    assert not Aanwezigheid.objects.exists()


def test_attendance_ignores_registrations_of_another_series(partner_a, partner_b):
    reeks = course(partner_a, begonnen=1)
    other = course(partner_b, begonnen=1)
    theirs = register(other, "Van B")
    ours = register(reeks, "Van A")
    inschrijvingen_mark_attendance(activiteit=reeks.bijeenkomsten[0], aanwezig_ids=[theirs.pk, ours.pk])
    assert came(theirs, reeks.bijeenkomsten[0]) is None
    assert came(ours, reeks.bijeenkomsten[0]) is True
    assert not Aanwezigheid.objects.filter(inschrijving=theirs).exists()


@pytest.mark.usefixtures("scopes_enabled")
def test_attendance_within_a_partner_scope_marks_only_that_partners_registrations(partner_a, partner_b):
    with scopes_disabled():
        reeks = course(partner_a, begonnen=1)
        ours = register(reeks, "Van A")
        meeting = reeks.bijeenkomsten[0]
    with scope(partner=[partner_b.pk]):
        assert inschrijvingen_mark_attendance(activiteit=meeting, aanwezig_ids=[ours.pk]) == 0
    with scopes_disabled():
        assert not Aanwezigheid.objects.exists()
    with scope(partner=[partner_a.pk]):
        assert inschrijvingen_mark_attendance(activiteit=meeting, aanwezig_ids=[ours.pk]) == 1


# --- The portal: ticking on a meeting's page -----------------------------------------------------------


def test_partner_ticks_who_came_to_meeting_two_on_its_page(bob, partner_a):
    reeks = course(partner_a, begonnen=2)
    sara, tom = register(reeks, "Sara Peeters"), register(reeks, "Tom Claes")
    second = reeks.bijeenkomsten[1]
    client = client_for(bob)
    page = client.get(reverse("portal_activiteit_detail", kwargs={"pk": second.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "part 2 of 3" in html
    assert reverse("portal_reeks_detail", kwargs={"pk": reeks.pk}) in html
    assert f'name="aanwezig" value="{sara.pk}"' in html and f'value="{tom.pk}"' in html

    response = client.post(
        reverse("portal_activiteit_aanwezigheid", kwargs={"pk": second.pk}), {"aanwezig": [tom.pk]}
    )
    assert response.status_code == 302
    assert (came(sara, second), came(tom, second)) == (False, True)
    # The page shows what was saved: Tom ticked, Sara not.
    html = client.get(reverse("portal_activiteit_detail", kwargs={"pk": second.pk})).content.decode()
    assert f'value="{tom.pk}" id="aanwezig-{tom.pk}" checked' in html
    assert f'value="{sara.pk}" id="aanwezig-{sara.pk}">' in html


def test_a_meeting_not_started_has_no_attendance_form(bob, partner_a):
    reeks = course(partner_a, begonnen=1)
    register(reeks, "Sara")
    html = client_for(bob).get(reverse("portal_activiteit_detail", kwargs={"pk": reeks.bijeenkomsten[1].pk}))
    assert 'name="aanwezig"' not in html.content.decode()
    response = client_for(bob).post(
        reverse("portal_activiteit_aanwezigheid", kwargs={"pk": reeks.bijeenkomsten[1].pk}), {"aanwezig": []}
    )
    assert response.status_code == 302
    assert not Aanwezigheid.objects.exists()


def test_another_partner_can_neither_see_nor_tick_a_meetings_registrations(charlie, partner_a):
    reeks = course(partner_a, begonnen=1)
    sara = register(reeks, "Sara Peeters")
    meeting = reeks.bijeenkomsten[0]
    client = client_for(charlie)
    assert client.get(reverse("portal_activiteit_detail", kwargs={"pk": meeting.pk})).status_code == 404
    assert client.get(reverse("portal_activiteit_csv", kwargs={"pk": meeting.pk})).status_code == 404
    response = client.post(
        reverse("portal_activiteit_aanwezigheid", kwargs={"pk": meeting.pk}), {"aanwezig": [sara.pk]}
    )
    assert response.status_code == 404
    assert not Aanwezigheid.objects.exists()


def test_a_partner_cannot_tick_another_partners_registration_on_its_own_meeting(bob, partner_a, partner_b):
    reeks = course(partner_a, begonnen=1)
    theirs = register(course(partner_b, begonnen=1), "Van B")
    client_for(bob).post(
        reverse("portal_activiteit_aanwezigheid", kwargs={"pk": reeks.bijeenkomsten[0].pk}),
        {"aanwezig": [theirs.pk]},
    )
    assert not Aanwezigheid.objects.filter(inschrijving=theirs).exists()


def test_meeting_csv_lists_the_series_registrations_with_this_meetings_attendance(bob, partner_a):
    reeks = course(partner_a, begonnen=1)
    sara = register(reeks, "Sara Peeters")
    meeting = reeks.bijeenkomsten[0]
    inschrijvingen_mark_attendance(activiteit=meeting, aanwezig_ids=[sara.pk])
    response = client_for(bob).get(reverse("portal_activiteit_csv", kwargs={"pk": meeting.pk}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "Sara Peeters" and rows[1][-1] == "yes"


# --- The series page: the grid and its CSV -------------------------------------------------------------


def test_series_page_shows_a_registrations_by_meetings_grid(bob, partner_a):
    reeks = course(partner_a, begonnen=2)
    sara, tom = register(reeks, "Sara Peeters"), register(reeks, "Tom Claes")
    register(reeks, "Wachtend", status=Inschrijving.Status.WACHTLIJST)
    first, second, _third = reeks.bijeenkomsten
    inschrijvingen_mark_attendance(activiteit=first, aanwezig_ids=[sara.pk, tom.pk])
    inschrijvingen_mark_attendance(activiteit=second, aanwezig_ids=[sara.pk])
    html = client_for(bob).get(reverse("portal_reeks_detail", kwargs={"pk": reeks.pk})).content.decode()
    grid = html[html.index('class="table-scroll attendance-grid"') :]
    grid = grid[: grid.index("</table>")]
    assert "<caption" in grid
    assert grid.count('<th scope="col"') == 4  # the name and three meetings
    assert '<th scope="row">Sara Peeters' in grid and '<th scope="row">Tom Claes' in grid
    assert "Wachtend" not in grid  # only who may come
    tom_row = grid[grid.index('<th scope="row">Tom Claes') :].split("</tr>")[0]
    cells = tom_row.split("<td")[1:]
    assert ["did not come" in c for c in cells] == [False, True, False]
    assert "not filled in" in cells[2] and ">came<" in cells[0]
    # From the series page to a started meeting's ticking, and to the cancellation of the whole series.
    assert reverse("portal_activiteit_detail", kwargs={"pk": second.pk}) + "#aanwezigheid" in html
    assert reverse("portal_reeks_annuleren", kwargs={"pk": reeks.pk}) in html


def test_series_csv_has_one_column_per_meeting(bob, partner_a):
    reeks = course(partner_a, begonnen=2)
    sara, tom = register(reeks, "Sara Peeters"), register(reeks, "Tom Claes")
    first, second, _third = reeks.bijeenkomsten
    inschrijvingen_mark_attendance(activiteit=first, aanwezig_ids=[sara.pk])
    inschrijvingen_mark_attendance(activiteit=second, aanwezig_ids=[sara.pk, tom.pk])
    response = client_for(bob).get(reverse("portal_reeks_csv", kwargs={"pk": reeks.pk}))
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[-3:] == [
        f"Meeting {nr} ({timezone.localtime(b.start):%d/%m/%Y})"
        for nr, b in enumerate(reeks.bijeenkomsten, 1)
    ]
    assert rows[1][0] == "Sara Peeters" and rows[1][-3:] == ["yes", "yes", ""]
    assert rows[2][0] == "Tom Claes" and rows[2][-3:] == ["no", "yes", ""]


# --- The dashboard: attendance still to fill in --------------------------------------------------------


def test_dashboard_lists_past_series_meetings_without_attendance(bob, partner_a):
    reeks = course(partner_a, begonnen=2)
    sara = register(reeks, "Sara")
    register(reeks, "Wachtend", status=Inschrijving.Status.WACHTLIJST)
    first, second, _third = reeks.bijeenkomsten
    client = client_for(bob)
    open_ = {a.pk: a.open_aanwezig for a in client.get(reverse("partner_dashboard")).context["aanwezigheid"]}
    assert open_ == {first.pk: 1, second.pk: 1}
    inschrijvingen_mark_attendance(activiteit=second, aanwezig_ids=[sara.pk])
    response = client.get(reverse("partner_dashboard"))
    assert [a.pk for a in response.context["aanwezigheid"]] == [first.pk]
    assert "(part 1 of 3)" in response.content.decode()
    assert (
        reverse("portal_activiteit_detail", kwargs={"pk": first.pk}) + "#aanwezigheid"
        in response.content.decode()
    )


def test_dashboard_shows_no_other_partners_series_meetings(charlie, partner_a):
    reeks = course(partner_a, begonnen=2)
    register(reeks, "Sara")
    assert list(client_for(charlie).get(reverse("partner_dashboard")).context["aanwezigheid"]) == []


# --- Counts on the activity list and the aanbod page ---------------------------------------------------


def test_activity_list_and_aanbod_page_show_the_series_counts_of_a_meeting(bob, partner_a):
    reeks = course(partner_a, begonnen=0, capaciteit=5)
    register(reeks, "Sara", aantal_personen=2)
    register(reeks, "Tom", aantal_personen=1)
    register(reeks, "Wachtend", status=Inschrijving.Status.WACHTLIJST, aantal_personen=2)
    client = client_for(bob)
    for url in (
        reverse("portal_activiteit_list"),
        reverse("portal_aanbod_detail", kwargs={"pk": reeks.aanbod_id}),
    ):
        html = client.get(url).content.decode()
        assert "part 1 of 3" in html and "part 3 of 3" in html
        assert html.count(reverse("portal_reeks_detail", kwargs={"pk": reeks.pk})) >= 3
        assert html.count("3 registered, 2 waiting") == 3
        assert html.count("2 places left") == 3
        assert "0 registered" not in html


def test_activity_list_query_count_does_not_grow_with_series(bob, partner_a):
    client = client_for(bob)

    def add(n):
        for _ in range(n):
            reeks = course(partner_a, bijeenkomsten=2)
            register(reeks, "Sara")

    add(1)
    url = reverse("portal_activiteit_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(5)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Cancelling the whole series -----------------------------------------------------------------------


def test_cancel_whole_series_confirms_dates_and_families_then_mails_each_once(
    bob, partner_a, django_capture_on_commit_callbacks
):
    reeks = course(partner_a, begonnen=1)
    register(reeks, "Sara", email="sara@example.org")
    register(reeks, "Tom", email="tom@example.org", status=Inschrijving.Status.WACHTLIJST)
    register(reeks, "Weg", email="weg@example.org", status=Inschrijving.Status.GEANNULEERD)
    url = reverse("portal_reeks_annuleren", kwargs={"pk": reeks.pk})
    client = client_for(bob)
    page = client.get(url)
    html = page.content.decode()
    assert page.context["aantal"] == 2
    assert "2 families" in html
    for meeting in reeks.bijeenkomsten:
        assert f"{timezone.localtime(meeting.start):%-d}" in html
        assert timezone.localtime(meeting.start).strftime("%H:%M") in html
    assert html.count("<li>") >= 3

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reden": "Lesgever ziek"}).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["sara@example.org", "tom@example.org"]
    reeks.refresh_from_db()
    assert reeks.geannuleerd and reeks.annulering_reden == "Lesgever ziek"
    first, second, third = (Activiteit.objects.get(pk=m.pk) for m in reeks.bijeenkomsten)
    assert not first.geannuleerd  # it took place; its attendance stays
    assert second.geannuleerd and third.geannuleerd
    # Once cancelled there is nothing left to cancel, and nobody is mailed twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reden": "Nog eens"}).status_code == 302
    assert mail.outbox == []
    assert (
        "portal_reeks_annuleren"
        not in client.get(reverse("portal_reeks_detail", kwargs={"pk": reeks.pk})).content.decode()
    )


def test_cancel_whole_series_outsider_gets_404(charlie, partner_a):
    reeks = course(partner_a)
    url = reverse("portal_reeks_annuleren", kwargs={"pk": reeks.pk})
    client = client_for(charlie)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reden": "x"}).status_code == 404
    reeks.refresh_from_db()
    assert not reeks.geannuleerd


def test_cancel_whole_series_with_a_too_long_reason_rerenders_with_the_error(bob, partner_a):
    reeks = course(partner_a)
    response = client_for(bob).post(
        reverse("portal_reeks_annuleren", kwargs={"pk": reeks.pk}), {"reden": "x" * 300}
    )
    assert response.status_code == 400
    reeks.refresh_from_db()
    assert not reeks.geannuleerd


# --- The parent's cancel page --------------------------------------------------------------------------


def test_parents_cancel_page_of_a_series_lists_every_meeting(client, partner_a):
    reeks = course(partner_a)
    sara = register(reeks, "Sara")
    html = client.get(reverse("inschrijving_annuleren", kwargs={"token": sara.token})).content.decode()
    for meeting in reeks.bijeenkomsten:
        assert (
            meeting.start.isoformat()[:16] in html
            or timezone.localtime(meeting.start).isoformat()[:16] in html
        )
    assert html.count("<time ") == 3


# --- The admin -----------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, coordinator):
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(coordinator)
    return client


def test_admin_shows_attendance_per_meeting_on_a_series_registration(admin_client, partner_a):
    reeks = course(partner_a, begonnen=2)
    sara = register(reeks, "Sara")
    inschrijvingen_mark_attendance(activiteit=reeks.bijeenkomsten[1], aanwezig_ids=[sara.pk])
    page = admin_client.get(reverse("admin:aanbod_inschrijving_change", args=[sara.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "aanwezigheden-TOTAL_FORMS" in html
    inline = html[html.index('id="aanwezigheden-heading"') :].split("</table>")[0]
    selected = inline.split("selected>")[1].split("<")[0]
    assert selected == str(reeks.bijeenkomsten[1])  # the meeting, not to be changed into another
    assert re.search(r'<input[^>]*name="aanwezigheden-0-aanwezig"[^>]*checked', inline)
    assert inline.count('class="form-row has_original') == 1  # one meeting filled in
    assert 'name="aanwezig"' not in html  # the single-activity field is not offered for a series


def test_admin_series_changelist_shows_meetings_registrations_and_places(admin_client, partner_a):
    reeks = course(partner_a, capaciteit=8)
    register(reeks, "Sara", aantal_personen=2)
    register(reeks, "Tom", aantal_personen=1)
    register(reeks, "Wachtend", status=Inschrijving.Status.WACHTLIJST)
    html = admin_client.get(reverse("admin:aanbod_reeks_changelist")).content.decode()
    row = html[html.index(f"/admin/aanbod/reeks/{reeks.pk}/change/") :].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split("<td")[1:]]
    assert cells[1:5] == ["3", "2", "3 / 8", "1"]


def test_admin_exports_a_series_registration_from_the_meeting_and_the_registration_lists(
    admin_client, partner_a
):
    reeks = course(partner_a)
    sara = register(reeks, "Sara Peeters")
    register(course(partner_a), "Van Een Andere Reeks")
    meeting = reeks.bijeenkomsten[1]
    for url, selected in (
        (reverse("admin:aanbod_activiteit_changelist"), {"action": "inschrijvingen_exporteren"}),
        (reverse("admin:aanbod_inschrijving_changelist"), {"action": "exporteren"}),
    ):
        pk = meeting.pk if selected["action"] == "inschrijvingen_exporteren" else sara.pk
        response = admin_client.post(url, {**selected, "_selected_action": [pk]})
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert [row[6] for row in rows[1:]] == ["Sara Peeters"]
        assert rows[1][0] == reeks.naam
        assert rows[1][2] == f"{timezone.localtime(reeks.start):%d/%m/%Y}"  # the series starts then


def _admin_post(admin_client, inschrijving, rows: list[dict], initial: int = 0):
    data = {
        "reeks": inschrijving.reeks_id,
        "naam": inschrijving.naam,
        "email": inschrijving.email,
        "telefoon": "",
        "aantal_personen": inschrijving.aantal_personen,
        "status": inschrijving.status,
        "taal": "nl-be",
        "aanwezigheden-TOTAL_FORMS": len(rows),
        "aanwezigheden-INITIAL_FORMS": initial,
        "aanwezigheden-MIN_NUM_FORMS": 0,
        "aanwezigheden-MAX_NUM_FORMS": 1000,
    }
    for n, row in enumerate(rows):
        data |= {f"aanwezigheden-{n}-{key}": value for key, value in row.items()}
        data[f"aanwezigheden-{n}-inschrijving"] = inschrijving.pk
    return admin_client.post(reverse("admin:aanbod_inschrijving_change", args=[inschrijving.pk]), data)


def test_admin_corrects_attendance_through_the_same_rules(admin_client, partner_a):
    reeks = course(partner_a, begonnen=2)
    sara = register(reeks, "Sara")
    first, second, third = reeks.bijeenkomsten

    # A meeting that has not started: the form says so and nothing is stored.
    response = _admin_post(admin_client, sara, [{"activiteit": third.pk, "aanwezig": "on"}])
    assert response.status_code == 200
    assert "You can mark who came once the activity has started." in response.content.decode()
    assert not Aanwezigheid.objects.exists()

    # A meeting of another series is not among the choices.
    other = course(partner_a, begonnen=1).bijeenkomsten[0]
    response = _admin_post(admin_client, sara, [{"activiteit": other.pk, "aanwezig": "on"}])
    assert response.status_code == 200
    assert not Aanwezigheid.objects.exists()

    assert _admin_post(admin_client, sara, [{"activiteit": first.pk, "aanwezig": "on"}]).status_code == 302
    assert came(sara, first) is True
    row = Aanwezigheid.objects.get()
    response = _admin_post(admin_client, sara, [{"id": row.pk, "activiteit": first.pk}], initial=1)
    assert response.status_code == 302
    assert came(sara, first) is False and Aanwezigheid.objects.count() == 1
    assert came(sara, second) is None


def test_cancelling_one_meeting_says_the_series_registrations_stay(bob, partner_a):
    reeks = course(partner_a)
    register(reeks, "Sara")
    html = (
        client_for(bob)
        .get(reverse("portal_activiteit_annuleren", kwargs={"pk": reeks.bijeenkomsten[1].pk}))
        .content.decode()
    )
    assert "Their registration for the other meetings stays." in html
    assert "will be cancelled" not in html
    assert reverse("portal_reeks_detail", kwargs={"pk": reeks.pk}) in html
