"""The coordinators' aanbod admin: moderation queue and actions, weekly copy, CSV export, places taken."""

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

from aanbod.models import Aanbod, Activiteit, Inschrijving, Thema
from aanbod.services.moderatie import aanbod_propose_change
from tests import factories

BRUSSEL = ZoneInfo("Europe/Brussels")
AANBOD_LIST = reverse("admin:aanbod_aanbod_changelist")
ACTIVITEIT_LIST = reverse("admin:aanbod_activiteit_changelist")


@pytest.fixture
def coordinator_client(client, coordinator):
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(coordinator)
    return client


@pytest.fixture
def ingediend(partner_a, alice):
    return factories.AanbodFactory(
        partner=partner_a, titel="Babymassage", slug="babymassage", status=Aanbod.Status.INGEDIEND
    )


@pytest.fixture
def met_wijziging(partner_a, alice):
    aanbod = factories.AanbodFactory(partner=partner_a, titel="Slaapavond", slug="slaapavond")
    aanbod.themas.set([Thema.objects.get(slug="slapen")])
    aanbod_propose_change(
        aanbod=aanbod,
        data={"titel": "Slaapavond voor papa's", "themas": Thema.objects.filter(slug="eten-en-drinken")},
        user=alice,
    )
    return aanbod


def titels(response) -> list[str]:
    return sorted(a.titel for a in response.context["cl"].result_list)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSEL)


# --- Moderation ----------------------------------------------------------------------------------------


def test_queue_shows_submitted_and_pending_changes(coordinator_client, ingediend, met_wijziging, partner_a):
    factories.AanbodFactory(partner=partner_a, titel="Al online")
    factories.AanbodFactory(partner=partner_a, titel="Klad", status=Aanbod.Status.CONCEPT)
    response = coordinator_client.get(AANBOD_LIST, {"moderatie": "te_modereren"})
    assert titels(response) == ["Babymassage", "Slaapavond"]
    assert reverse("admin:aanbod_aanbod_modereren", args=[ingediend.pk]).encode() in response.content
    response = coordinator_client.get(AANBOD_LIST, {"moderatie": "wijziging"})
    assert titels(response) == ["Slaapavond"]


def test_admin_index_counts_the_queue(coordinator_client, ingediend, met_wijziging):
    response = coordinator_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert b"?moderatie=te_modereren" in response.content
    assert response.context["request"].user.is_coordinator


def test_moderation_page_shows_readable_diff(coordinator_client, met_wijziging):
    response = coordinator_client.get(reverse("admin:aanbod_aanbod_modereren", args=[met_wijziging.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Slaapavond voor papa&#x27;s" in content
    assert '<td class="oud">Slapen</td>' in content
    assert '<td class="nieuw"><strong>Eten en drinken</strong></td>' in content


def test_change_form_shows_diff_and_moderation_link(coordinator_client, met_wijziging):
    response = coordinator_client.get(reverse("admin:aanbod_aanbod_change", args=[met_wijziging.pk]))
    content = response.content.decode()
    assert "<strong>Eten en drinken</strong>" in content
    assert reverse("admin:aanbod_aanbod_modereren", args=[met_wijziging.pk]) in content


def test_moderation_page_publishes(coordinator_client, met_wijziging, django_capture_on_commit_callbacks):
    url = reverse("admin:aanbod_aanbod_modereren", args=[met_wijziging.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, {"besluit": "publiceren"})
    assert response.status_code == 302
    aanbod = Aanbod.objects.get(pk=met_wijziging.pk)
    assert aanbod.titel == "Slaapavond voor papa's"
    assert [t.slug for t in aanbod.themas.all()] == ["eten-en-drinken"]
    assert aanbod.voorgestelde_wijziging is None
    assert len(mail.outbox) == 1


def test_moderation_page_reject_needs_a_reason(coordinator_client, ingediend):
    url = reverse("admin:aanbod_aanbod_modereren", args=[ingediend.pk])
    response = coordinator_client.post(url, {"besluit": "afwijzen", "reden": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reden"]
    assert Aanbod.objects.get(pk=ingediend.pk).status == Aanbod.Status.INGEDIEND


def test_moderation_page_rejects_with_reason(
    coordinator_client, ingediend, django_capture_on_commit_callbacks
):
    url = reverse("admin:aanbod_aanbod_modereren", args=[ingediend.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, {"besluit": "afwijzen", "reden": "Vermeld de leeftijd."})
    assert response.status_code == 302
    aanbod = Aanbod.objects.get(pk=ingediend.pk)
    assert aanbod.status == Aanbod.Status.AFGEWEZEN
    assert aanbod.afwijsreden == "Vermeld de leeftijd."
    assert "Vermeld de leeftijd." in mail.outbox[0].body


def test_moderation_page_refuses_non_staff(client, alice, ingediend):
    client.force_login(alice)
    response = client.get(reverse("admin:aanbod_aanbod_modereren", args=[ingediend.pk]))
    assert response.status_code == 302
    assert Aanbod.objects.get(pk=ingediend.pk).status == Aanbod.Status.INGEDIEND


def test_publish_action(coordinator_client, ingediend, met_wijziging, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            AANBOD_LIST, {"action": "publiceren", "_selected_action": [ingediend.pk, met_wijziging.pk]}
        )
    assert response.status_code == 302
    assert set(Aanbod.objects.values_list("status", flat=True)) == {Aanbod.Status.GEPUBLICEERD}
    assert Aanbod.objects.get(pk=met_wijziging.pk).titel == "Slaapavond voor papa's"
    assert len(mail.outbox) == 2


def test_reject_action_asks_for_reason_first(coordinator_client, ingediend, met_wijziging):
    response = coordinator_client.post(
        AANBOD_LIST, {"action": "afwijzen", "_selected_action": [ingediend.pk, met_wijziging.pk]}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "admin/aanbod/aanbod/modereren.html"
    assert b'name="reden"' in response.content
    assert Aanbod.objects.get(pk=ingediend.pk).status == Aanbod.Status.INGEDIEND


def test_reject_action_with_reason(
    coordinator_client, ingediend, met_wijziging, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            AANBOD_LIST,
            {
                "action": "afwijzen",
                "_selected_action": [ingediend.pk, met_wijziging.pk],
                "reden": "Nog niet duidelijk genoeg.",
            },
        )
    assert response.status_code == 302
    assert Aanbod.objects.get(pk=ingediend.pk).status == Aanbod.Status.AFGEWEZEN
    gewijzigd = Aanbod.objects.get(pk=met_wijziging.pk)
    assert gewijzigd.status == Aanbod.Status.GEPUBLICEERD
    assert gewijzigd.titel == "Slaapavond"
    assert gewijzigd.voorgestelde_wijziging is None
    assert len(mail.outbox) == 2


def test_nakijken_and_archive_actions(coordinator_client, partner_a):
    aanbod = factories.AanbodFactory(partner=partner_a, nagekeken_op=dt.date(2020, 1, 1))
    response = coordinator_client.get(AANBOD_LIST, {"nagekeken": "jaar"})
    assert titels(response) == [aanbod.titel]
    coordinator_client.post(AANBOD_LIST, {"action": "nakijken", "_selected_action": [aanbod.pk]})
    assert Aanbod.objects.get(pk=aanbod.pk).nagekeken_op == timezone.localdate()
    coordinator_client.post(AANBOD_LIST, {"action": "archiveren", "_selected_action": [aanbod.pk]})
    assert Aanbod.objects.get(pk=aanbod.pk).status == Aanbod.Status.GEARCHIVEERD


def test_aanbod_add_with_target_groups(coordinator_client, partner_a):
    response = coordinator_client.post(
        reverse("admin:aanbod_aanbod_add"),
        {
            "partner": partner_a.pk,
            "titel": "Papa-café",
            "slug": "papa-cafe",
            "soort": "ontmoetingsmoment",
            "samenvatting": "Papa's ontmoeten elkaar bij een koffie.",
            "doelgroepen": ["ouders", "grootouders"],
            "kosten": "gratis",
            "inschrijving_nodig": "on",
            "openingsuren-TOTAL_FORMS": "1",
            "openingsuren-INITIAL_FORMS": "0",
            "openingsuren-0-weekdag": "5",
            "openingsuren-0-van": "10:00",
            "openingsuren-0-tot": "12:00",
            "activiteiten-TOTAL_FORMS": "0",
            "activiteiten-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    aanbod = Aanbod.objects.get(slug="papa-cafe")
    assert aanbod.doelgroepen == ["ouders", "grootouders"]
    assert aanbod.status == Aanbod.Status.CONCEPT
    assert aanbod.openingsuren.get().van == dt.time(10, 0)


# --- Activities ----------------------------------------------------------------------------------------


def test_activity_list_shows_places_taken_left_and_waiting(coordinator_client):
    activiteit = factories.ActiviteitFactory(capaciteit=5)
    factories.InschrijvingFactory(activiteit=activiteit, aantal_personen=3)
    factories.InschrijvingFactory(
        activiteit=activiteit, aantal_personen=2, status=Inschrijving.Status.WACHTLIJST
    )
    factories.InschrijvingFactory(
        activiteit=activiteit, aantal_personen=1, status=Inschrijving.Status.GEANNULEERD
    )
    response = coordinator_client.get(ACTIVITEIT_LIST)
    row = response.context["cl"].result_list[0]
    model_admin = response.context["cl"].model_admin
    assert model_admin.plaatsen_bezet_kolom(row) == 3
    assert model_admin.plaatsen_vrij_kolom(row) == "2"
    assert model_admin.wachtlijst_kolom(row) == 2


def test_activity_change_shows_waiting_list_order(coordinator_client):
    activiteit = factories.ActiviteitFactory(capaciteit=1)
    nu = timezone.now()
    factories.InschrijvingFactory(
        activiteit=activiteit, naam="Eerste", aangemaakt_op=nu - dt.timedelta(hours=3)
    )
    factories.InschrijvingFactory(
        activiteit=activiteit, naam="Later", status="wachtlijst", aangemaakt_op=nu - dt.timedelta(hours=1)
    )
    factories.InschrijvingFactory(
        activiteit=activiteit, naam="Vroeger", status="wachtlijst", aangemaakt_op=nu - dt.timedelta(hours=2)
    )
    response = coordinator_client.get(reverse("admin:aanbod_activiteit_change", args=[activiteit.pk]))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Inschrijving)
    rows = [
        (form.instance.naam, getattr(form.instance, "volgnummer", None)) for form in formset.formset.forms
    ]
    assert rows == [("Eerste", 1), ("Vroeger", 1), ("Later", 2)]


def test_copy_weekly_action_asks_first(coordinator_client):
    activiteit = factories.ActiviteitFactory()
    response = coordinator_client.post(
        ACTIVITEIT_LIST, {"action": "wekelijks_kopieren", "_selected_action": [activiteit.pk]}
    )
    assert response.status_code == 200
    assert b'name="weken"' in response.content
    assert Activiteit.objects.count() == 1


def test_copy_weekly_action_across_dst(coordinator_client):
    activiteit = factories.ActiviteitFactory(
        start=local(2026, 10, 14, 19, 0), einde=local(2026, 10, 14, 21, 0)
    )
    response = coordinator_client.post(
        ACTIVITEIT_LIST + "?wanneer=alle",  # the list shows upcoming activities by default
        {
            "action": "wekelijks_kopieren",
            "_selected_action": [activiteit.pk],
            "weken": "3",
            "overslaan": "28/10/2026",
        },
    )
    assert response.status_code == 302
    starts = [
        timezone.localtime(a.start, BRUSSEL)
        for a in Activiteit.objects.filter(aanbod=activiteit.aanbod).exclude(pk=activiteit.pk)
    ]
    assert starts == [local(2026, 10, 21, 19, 0), local(2026, 11, 4, 19, 0)]
    assert all(s.hour == 19 for s in starts)


def test_copy_weekly_action_rejects_bad_input(coordinator_client):
    activiteit = factories.ActiviteitFactory()
    response = coordinator_client.post(
        ACTIVITEIT_LIST,
        {
            "action": "wekelijks_kopieren",
            "_selected_action": [activiteit.pk],
            "weken": "99",
            "overslaan": "morgen",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"weken", "overslaan"}
    assert Activiteit.objects.count() == 1


def test_csv_export_of_registrations(coordinator_client):
    activiteit = factories.ActiviteitFactory(
        start=local(2026, 12, 2, 19, 30), einde=local(2026, 12, 2, 21, 0), capaciteit=2
    )
    activiteit.locatie.naam = "Bib Gent"
    activiteit.locatie.save()
    andere = factories.ActiviteitFactory()
    factories.InschrijvingFactory(activiteit=andere, naam="Niet deze")
    nu = timezone.now()
    factories.InschrijvingFactory(
        activiteit=activiteit, naam="Élise Dupont", email="elise@example.org", telefoon="0470 12 34 56",
        aantal_personen=2, aangemaakt_op=nu - dt.timedelta(hours=2),
    )  # fmt: skip
    factories.InschrijvingFactory(
        activiteit=activiteit, naam="=HYPERLINK(1)", email="x@example.org", status="wachtlijst",
        aangemaakt_op=nu - dt.timedelta(hours=1),
    )  # fmt: skip
    response = coordinator_client.post(
        ACTIVITEIT_LIST, {"action": "inschrijvingen_exporteren", "_selected_action": [activiteit.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="inschrijvingen-')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert len(rows) == 3
    assert rows[1][2:10] == ["02/12/2026", "19:30", "21:00", "Bib Gent", "Élise Dupont", "elise@example.org",
                             "0470 12 34 56", "2"]  # fmt: skip
    assert rows[2][6] == "'=HYPERLINK(1)"  # never a formula in Excel
    assert rows[2][11] == "1"  # first on the waiting list
    assert rows[1][11] == ""


def test_inschrijving_search_and_export(coordinator_client):
    eerste = factories.InschrijvingFactory(email="zoek.mij@example.org", naam="Zoek Mij")
    factories.InschrijvingFactory(email="ander@example.org")
    url = reverse("admin:aanbod_inschrijving_changelist")
    response = coordinator_client.get(url, {"q": "zoek.mij"})
    assert [i.pk for i in response.context["cl"].result_list] == [eerste.pk]
    response = coordinator_client.post(url, {"action": "exporteren", "_selected_action": [eerste.pk]})
    assert "zoek.mij@example.org" in response.content.decode()
    assert "ander@example.org" not in response.content.decode()


def test_inschrijving_export_refused_for_non_staff(client, alice):
    inschrijving = factories.InschrijvingFactory()
    client.force_login(alice)
    response = client.post(
        reverse("admin:aanbod_inschrijving_changelist"),
        {"action": "exporteren", "_selected_action": [inschrijving.pk]},
    )
    assert response.status_code == 302
    assert inschrijving.email.encode() not in response.content


# --- No N+1 --------------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_changelists_have_no_n_plus_one(coordinator_client, partner_a):
    urls = [
        AANBOD_LIST,
        ACTIVITEIT_LIST,
        reverse("admin:aanbod_inschrijving_changelist"),
        reverse("admin:aanbod_locatie_changelist"),
        reverse("admin:aanbod_thema_changelist"),
    ]

    def add_some():
        activiteit = factories.ActiviteitFactory(
            aanbod=factories.AanbodFactory(partner=factories.PartnerFactory())
        )
        factories.InschrijvingFactory(activiteit=activiteit)

    add_some()
    [count_queries(coordinator_client, url) for url in urls]  # warm caches
    before = [count_queries(coordinator_client, url) for url in urls]
    for _i in range(8):
        add_some()
    after = [count_queries(coordinator_client, url) for url in urls]
    assert after == before


def test_activity_change_page_queries_do_not_grow_with_registrations(coordinator_client):
    activiteit = factories.ActiviteitFactory(capaciteit=100)
    factories.InschrijvingFactory(activiteit=activiteit)
    url = reverse("admin:aanbod_activiteit_change", args=[activiteit.pk])
    count_queries(coordinator_client, url)
    before = count_queries(coordinator_client, url)
    for _i in range(10):
        factories.InschrijvingFactory(activiteit=activiteit)
    assert count_queries(coordinator_client, url) == before


class _ChangedForm:
    def __init__(self, *changed: str):
        self.changed_data = list(changed)


def test_cancelling_in_the_admin_tells_every_registrant_once(
    rf, coordinator, django_capture_on_commit_callbacks
):
    from django.contrib import admin as django_admin

    activiteit = factories.ActiviteitFactory(capaciteit=5)
    factories.InschrijvingFactory.create_batch(
        2, activiteit=activiteit, statusmail_verstuurd_op=timezone.now()
    )
    model_admin = django_admin.site._registry[Activiteit]
    request = rf.post("/")
    request.user = coordinator
    activiteit.geannuleerd, activiteit.annulering_reden = True, "De spreker is ziek."
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(
            request, activiteit, _ChangedForm("geannuleerd", "annulering_reden"), change=True
        )
    activiteit.refresh_from_db()
    assert activiteit.geannuleerd and activiteit.geannuleerd_op and activiteit.annulering_gemeld_op
    assert len(mail.outbox) == 2


def test_more_places_in_the_admin_move_the_waiting_list_up(rf, coordinator):
    from django.contrib import admin as django_admin

    activiteit = factories.ActiviteitFactory(capaciteit=1)
    factories.InschrijvingFactory(activiteit=activiteit, status="bevestigd")
    wachtend = factories.InschrijvingFactory(activiteit=activiteit, status="wachtlijst")
    model_admin = django_admin.site._registry[Activiteit]
    request = rf.post("/")
    request.user = coordinator
    activiteit.capaciteit = 2
    model_admin.save_model(request, activiteit, _ChangedForm("capaciteit"), change=True)
    wachtend.refresh_from_db()
    assert wachtend.status == "bevestigd"
