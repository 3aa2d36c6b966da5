"""Nagekeken: the monthly reminder of aanbod not confirmed for AANBOD_NAGEKEKEN_MONTHS months, its signed
"still correct" links, and the one-year flag on the dashboard."""

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from aanbod.models import Aanbod
from aanbod.services import nagekeken
from aanbod.tasks.nagekeken import remind_niet_nagekeken_aanbod
from tests import factories
from tests.partners.portal_helpers import client_for

pytest_plugins = ["tests.partners.portal_helpers"]


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def oud_a(partner_a, alice):
    partner_a.email = "info@a.example"
    partner_a.save()
    return factories.AanbodFactory(partner=partner_a, titel="Oude spelotheek", nagekeken_op=_days_ago(200))


def test_reminder_mails_each_partner_its_unconfirmed_aanbod(oud_a, partner_a, partner_b, charlie):
    factories.AanbodFactory(partner=partner_a, titel="Net nagekeken", nagekeken_op=_days_ago(10))
    factories.AanbodFactory(
        partner=partner_a, titel="Concept", status=Aanbod.Status.CONCEPT, nagekeken_op=None
    )
    factories.AanbodFactory(partner=partner_b, titel="Van B", nagekeken_op=None)
    assert remind_niet_nagekeken_aanbod.delay().get() == 2
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert set(by_recipient) == {
        ("info@a.example", "alice@example.org"),
        ("info@spelotheek-b.example", "charlie@example.org"),
    }
    body = by_recipient[("info@a.example", "alice@example.org")].body
    assert "Oude spelotheek" in body
    assert "Net nagekeken" not in body and "Concept" not in body and "Van B" not in body
    assert reverse("portal_aanbod_bewerken", kwargs={"pk": oud_a.pk}) in body
    assert "/partner/aanbod/nagekeken/" in body
    html = by_recipient[("info@a.example", "alice@example.org")].alternatives[0][0]
    assert "Oude spelotheek" in html


def test_reminder_is_sent_once_a_month(oud_a):
    remind_niet_nagekeken_aanbod.delay()
    remind_niet_nagekeken_aanbod.delay()
    assert len(mail.outbox) == 1


def test_reminder_respects_the_setting(oud_a, settings):
    settings.AANBOD_NAGEKEKEN_MONTHS = 12
    assert remind_niet_nagekeken_aanbod.delay().get() == 0
    assert mail.outbox == []


def _nakijk_url(body: str) -> str:
    return re.search(r"https?://\S+(/partner/aanbod/nagekeken/\S+/)", body).group(1)


def test_nakijk_link_works_without_login_after_a_click(client, oud_a):
    remind_niet_nagekeken_aanbod.delay()
    url = _nakijk_url(mail.outbox[0].body)
    response = client.get(url)
    assert response.status_code == 200
    oud_a.refresh_from_db()
    assert oud_a.nagekeken_op == _days_ago(200)  # opening the link (a mail scanner) changes nothing
    response = client.post(url)
    assert response.status_code == 200
    oud_a.refresh_from_db()
    assert oud_a.nagekeken_op == timezone.localdate()


def test_nakijk_link_expires_and_cannot_be_forged(client, oud_a, monkeypatch):
    token = nagekeken.nagekeken_token(oud_a)
    url = reverse("portal_aanbod_nagekeken_link", kwargs={"token": token})
    forged = reverse("portal_aanbod_nagekeken_link", kwargs={"token": token[:-2] + "xx"})
    assert client.post(forged).status_code == 410
    other = signing.dumps({"a": oud_a.pk}, salt="another-purpose", compress=True)
    assert client.post(reverse("portal_aanbod_nagekeken_link", kwargs={"token": other})).status_code == 410
    later = timezone.now() + dt.timedelta(days=nagekeken.NAGEKEKEN_LINK_DAYS + 1)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())
    assert client.post(url).status_code == 410
    oud_a.refresh_from_db()
    assert oud_a.nagekeken_op == _days_ago(200)


def test_edit_link_needs_login(client, oud_a):
    response = client.get(reverse("portal_aanbod_bewerken", kwargs={"pk": oud_a.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_flags_aanbod_unconfirmed_for_a_year(bob, partner_a):
    factories.AanbodFactory(partner=partner_a, titel="Heel oud", nagekeken_op=_days_ago(400))
    factories.AanbodFactory(partner=partner_a, titel="Half jaar", nagekeken_op=_days_ago(200))
    response = client_for(bob).get(reverse("partner_dashboard"))
    page = response.content.decode()
    assert "Heel oud" in page and "Half jaar" in page
    flagged = response.context["lang_niet_nagekeken"]
    assert set(Aanbod.objects.filter(pk__in=flagged).values_list("titel", flat=True)) == {"Heel oud"}


def test_mark_nagekeken_from_dashboard(bob, oud_a):
    response = client_for(bob).post(
        reverse("portal_aanbod_nagekeken", kwargs={"pk": oud_a.pk}), {"next": "dashboard"}
    )
    assert response["Location"] == reverse("partner_dashboard")
    oud_a.refresh_from_db()
    assert oud_a.nagekeken_op == timezone.localdate()
