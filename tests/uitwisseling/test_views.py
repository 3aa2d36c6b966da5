"""The partner's tick and state on the aanbod page, tried by the member, the outsider and a stranger;
the coordinators' admin pages."""

import importlib

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from aanbod.models import Aanbod
from aanbod.uitwisseling.models import UitEvent, UitOutbox, UitPublicatie
from tests import factories
from tests.partners.portal_helpers import client_for

pytestmark = pytest.mark.django_db


def toggle_url(aanbod) -> str:
    return reverse("portal_aanbod_uitdatabank", kwargs={"pk": aanbod.pk})


def test_the_aanbod_page_offers_the_tick(bob, activiteit_a):
    response = client_for(bob).get(reverse("portal_aanbod_detail", kwargs={"pk": activiteit_a.aanbod.pk}))
    assert response.status_code == 200
    assert "Also publish in UiTdatabank" in response.text
    assert toggle_url(activiteit_a.aanbod) in response.text


def test_a_member_ticks_and_sees_the_state(
    bob, activiteit_a, fake_uitdatabank, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(toggle_url(activiteit_a.aanbod), {"actief": "1"})
    assert response.status_code == 302
    assert UitPublicatie.objects.get(aanbod=activiteit_a.aanbod).actief
    assert len(fake_uitdatabank.events) == 1

    page = client.get(reverse("portal_aanbod_detail", kwargs={"pk": activiteit_a.aanbod.pk})).text
    assert "In UiTdatabank since" in page
    assert "Stop publishing in UiTdatabank" in page
    assert UitEvent.objects.get().url in page


def test_the_page_says_when_a_retry_is_waiting(
    bob, activiteit_a, fake_uitdatabank, django_capture_on_commit_callbacks
):
    fake_uitdatabank.fail("POST", "/events", 502)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(bob).post(toggle_url(activiteit_a.aanbod), {"actief": "1"})
    page = client_for(bob).get(reverse("portal_aanbod_detail", kwargs={"pk": activiteit_a.aanbod.pk})).text
    assert "Waiting to retry" in page
    assert UitOutbox.objects.get().pogingen == 1


def test_the_outsider_cannot_tick_another_partners_aanbod(charlie, activiteit_a):
    response = client_for(charlie).post(toggle_url(activiteit_a.aanbod), {"actief": "1"})
    assert response.status_code == 404
    assert not UitPublicatie.objects.exists()


def test_a_stranger_is_sent_to_login(client, activiteit_a):
    response = client.post(toggle_url(activiteit_a.aanbod), {"actief": "1"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not UitPublicatie.objects.exists()


def test_the_tick_is_post_only(bob, activiteit_a):
    assert client_for(bob).get(toggle_url(activiteit_a.aanbod)).status_code == 405


def test_aanbod_that_is_never_sent_says_why(bob, partner_a):
    aanbod = factories.AanbodFactory(partner=partner_a, soort=Aanbod.Soort.CONSULTATIE)
    client = client_for(bob)
    page = client.get(reverse("portal_aanbod_detail", kwargs={"pk": aanbod.pk})).text
    assert "Not sent to UiTdatabank:" in page
    assert "not individual consultations" in page
    assert "Also publish in UiTdatabank" not in page
    response = client.post(toggle_url(aanbod), {"actief": "1"}, follow=True)
    assert "not individual consultations" in response.text
    assert not UitPublicatie.objects.exists()


@pytest.fixture
def coordinator_client(client, coordinator):
    grant = importlib.import_module("aanbod.uitwisseling.migrations.0002_coordinator_permissions").grant
    grant(Group, Permission)  # a transactional test before this one may have flushed the group
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(coordinator)
    return client


@pytest.mark.parametrize("model", ["uitpublicatie", "uitevent", "uitoutbox", "uitorganisator", "uitplaats"])
def test_coordinators_see_the_admin_pages(
    coordinator_client, activiteit_a, fake_uitdatabank, model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        from aanbod.uitwisseling.services import uitpublicatie_set

        uitpublicatie_set(aanbod=activiteit_a.aanbod, actief=True)
    response = coordinator_client.get(reverse(f"admin:uitwisseling_{model}_changelist"))
    assert response.status_code == 200
    if model == "uitevent":
        assert "In UiTdatabank since" in response.text


def test_coordinators_tick_in_the_admin(
    coordinator_client, activiteit_a, fake_uitdatabank, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:uitwisseling_uitpublicatie_add"),
            {"aanbod": activiteit_a.aanbod.pk, "actief": "on"},
        )
    assert response.status_code == 302
    assert len(fake_uitdatabank.events) == 1


def test_partner_members_have_no_admin(bob):
    client = client_for(bob)
    response = client.get(reverse("admin:uitwisseling_uitevent_changelist"))
    assert response.status_code == 302


def test_a_dutch_speaking_partner_reads_the_state_in_dutch(
    translations, bob, activiteit_a, fake_uitdatabank, django_capture_on_commit_callbacks
):
    client = client_for(bob)
    url = reverse("portal_aanbod_detail", kwargs={"pk": activiteit_a.aanbod.pk})
    assert "Ook in UiTdatabank zetten" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(toggle_url(activiteit_a.aanbod), {"actief": "1"})
    assert "In UiTdatabank sinds" in client.get(url).text


def test_ticking_with_the_broker_down_still_works_and_the_scan_sends(
    bob, activiteit_a, fake_uitdatabank, django_capture_on_commit_callbacks
):
    import time

    from aanbod.uitwisseling import tasks
    from tests.aanbod.test_worker import DEAD_BROKER, broker

    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client_for(bob).post(toggle_url(activiteit_a.aanbod), {"actief": "1"})
        seconds = time.monotonic() - started
    assert response.status_code == 302 and seconds < 5
    assert fake_uitdatabank.log == []
    assert UitOutbox.objects.get().status == UitOutbox.Status.WACHTEND

    tasks.send_due.delay()  # beat, once Redis is back
    assert len(fake_uitdatabank.events) == 1


def test_the_state_costs_the_same_queries_for_few_and_many_activities(
    bob, activiteit_a, fake_uitdatabank, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aanbod.uitwisseling.templatetags.uitdatabank import uitdatabank_status

    aanbod = activiteit_a.aanbod

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            context = uitdatabank_status({}, aanbod)
            [str(s.event.activiteit) for s in context["staten"]]
        return len(ctx.captured_queries)

    with django_capture_on_commit_callbacks(execute=True):
        from aanbod.uitwisseling.services import uitpublicatie_set

        uitpublicatie_set(aanbod=aanbod, actief=True)
    few = queries()
    for _ in range(5):
        factories.ActiviteitFactory(aanbod=aanbod, locatie=activiteit_a.locatie)
    from aanbod.uitwisseling.services import uit_reconcile

    with django_capture_on_commit_callbacks(execute=True):
        uit_reconcile()
    many = queries()
    assert len(fake_uitdatabank.events) == 6
    assert few == many
