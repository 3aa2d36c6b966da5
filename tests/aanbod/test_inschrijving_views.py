"""The registration page and the parent's manage page (token), for every kind of visitor."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from aanbod.models import Inschrijving
from tests import factories

pytestmark = pytest.mark.django_db

PRIVACY = (
    "We keep your name, e-mail address and phone number only to organise this activity and to send you a "
    "confirmation and a reminder. We delete them %%(days)s %s after the activity."
)
WAITING_NUMBER = (
    "You are number %(n)s on the waiting list. "  # one msgid, split for the line length
    "When a place frees up, you move up automatically and we e-mail you."
)


def tr(msgid: str, **params) -> str:
    """The text as a page in the default language shows it (the catalogue's words, HTML-escaped)."""
    with translation.override("nl-be"):
        text = translation.gettext(msgid)
    return escape(text % params if params else text)


def ntr(singular: str, plural: str, n: int, name: str = "n") -> str:
    with translation.override("nl-be"):
        return escape(translation.ngettext(singular, plural, n) % {name: n})


@pytest.fixture
def activiteit(partner_a):
    return factories.ActiviteitFactory(
        aanbod__partner=partner_a,
        aanbod__titel="Slapen zonder tranen",
        capaciteit=4,
        max_personen_per_inschrijving=3,
    )


def url(activiteit):
    return reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk})


def data(**changes):
    return {
        "naam": "Sara Peeters",
        "email": "sara@example.org",
        "telefoon": "",
        "aantal_personen": "1",
        **changes,
    }


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST and run what was queued after commit (the mails), like a real request."""

    def send(path, payload=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, payload or {}, **kwargs)

    return send


# --- The registration page -----------------------------------------------------------------------------


def test_register_page_shows_the_form_places_left_and_privacy_line(client, activiteit):
    response = client.get(url(activiteit))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Slapen zonder tranen" in content
    assert ntr("%(n)s place left", "%(n)s places left", 4) in content
    assert ntr(PRIVACY % "day", PRIVACY % "days", 30, "days") in content
    assert 'name="email"' in content


def sent_url(activiteit):
    return reverse("activiteit_inschrijving_verstuurd", kwargs={"pk": activiteit.pk})


def test_register_creates_a_registration_and_redirects_to_check_your_mailbox(post, activiteit):
    response = post(url(activiteit), data(aantal_personen="2"))
    inschrijving = Inschrijving.objects.get()
    assert response.status_code == 302
    assert response["Location"] == sent_url(activiteit)
    assert inschrijving.aantal_personen == 2
    assert inschrijving.taal == "nl-be"
    assert len(mail.outbox) == 1
    assert inschrijving.manage_url in mail.outbox[0].body


def test_register_in_english_keeps_the_language(post, activiteit):
    post("/en" + url(activiteit), data())
    inschrijving = Inschrijving.objects.get()
    assert inschrijving.taal == "en"
    assert "/en/inschrijving/" in mail.outbox[0].body


def test_register_page_then_check_your_mailbox_names_neither_status_nor_person(client, post, activiteit):
    response = post(url(activiteit), data())
    page = client.get(response["Location"])
    assert page.status_code == 200
    content = page.content.decode()
    assert tr("Check your mailbox") in content
    assert "Slapen zonder tranen" in content
    assert "Sara Peeters" not in content
    assert "sara@example.org" not in content
    assert tr("You are registered. See you there!") not in content
    assert "/inschrijving/" not in content


def test_register_when_full_joins_the_waiting_list_and_the_mail_says_so(client, post, activiteit):
    factories.InschrijvingFactory(activiteit=activiteit, aantal_personen=4)
    page = client.get(url(activiteit))
    assert tr("Join the waiting list") in page.content.decode()
    response = post(url(activiteit), data())
    assert response["Location"] == sent_url(activiteit)
    inschrijving = Inschrijving.objects.get(email="sara@example.org")
    assert inschrijving.status == Inschrijving.Status.WACHTLIJST
    manage = client.get(inschrijving.get_absolute_url()).content.decode()
    assert tr("On the waiting list") in manage
    assert tr(WAITING_NUMBER, n=1) in manage


def test_register_twice_answers_like_a_new_registration(client, post, activiteit):
    new = post(url(activiteit), data(email="nieuw@example.org"))
    first = factories.InschrijvingFactory(activiteit=activiteit, email="sara@example.org")
    mail.outbox.clear()
    again = post(url(activiteit), data(naam="Iemand Anders"))
    assert again.status_code == new.status_code == 302
    assert again["Location"] == new["Location"]
    assert client.get(again["Location"]).content == client.get(new["Location"]).content
    assert Inschrijving.objects.filter(email="sara@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sara@example.org"]
    assert first.manage_url in mail.outbox[0].body


def test_register_twice_with_mixed_case_mails_the_existing_link_only(post, activiteit):
    first = factories.InschrijvingFactory(activiteit=activiteit, email="sara@example.org")
    response = post(url(activiteit), data(email="Sara@Example.org"))
    assert response["Location"] == sent_url(activiteit)
    assert Inschrijving.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["sara@example.org"]]
    assert first.manage_url in mail.outbox[0].body


def test_check_your_mailbox_page_of_an_unpublished_activity_is_404(client, activiteit):
    activiteit.aanbod.status = "concept"
    activiteit.aanbod.save()
    assert client.get(sent_url(activiteit)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"aantal_personen": "0"}, "aantal_personen"),
        ({"aantal_personen": "10000"}, "aantal_personen"),
        ({"aantal_personen": "veel"}, "aantal_personen"),
        ({"naam": "x" * 5000}, "naam"),
        ({"naam": "   "}, "naam"),
        ({"telefoon": "<script>"}, "telefoon"),
    ],
)
def test_register_bad_input_is_a_form_error(client, activiteit, changes, field):
    response = client.post(url(activiteit), data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Inschrijving.objects.count() == 0


def test_register_without_csrf_token_is_403(activiteit):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(activiteit), data())
    assert response.status_code == 403
    assert Inschrijving.objects.count() == 0


def test_register_unknown_or_unpublished_activity_is_404(client, activiteit):
    assert client.get(reverse("activiteit_inschrijven", kwargs={"pk": 999999})).status_code == 404
    concept = factories.ActiviteitFactory(aanbod__status="concept")
    assert client.get(url(concept)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"inschrijven_tot": timezone.now() - timedelta(hours=1)}, "Registration is closed."),
        ({"geannuleerd": True, "annulering_reden": "De spreker is ziek."}, "This activity is cancelled."),
        ({"inschrijving_nodig": False}, "You do not need to register."),
    ],
    ids=["deadline", "cancelled", "no-registration"],
)
def test_register_closed_says_so_plainly(client, changes, text):
    activiteit = factories.ActiviteitFactory(**changes)
    for response in (client.get(url(activiteit)), client.post(url(activiteit), data())):
        assert response.status_code == 200
        assert tr(text) in response.content.decode()
        assert "form" not in (response.context or {}) or response.context.get("form") is None
    assert Inschrijving.objects.count() == 0


def test_register_past_activity_says_it_took_place(client):
    start = timezone.now() - timedelta(days=1)
    activiteit = factories.ActiviteitFactory(start=start, einde=start + timedelta(hours=2))
    response = client.get(url(activiteit))
    assert tr("This activity has already taken place.") in response.content.decode()


def test_register_works_for_logged_in_partner_staff_of_another_partner(
    charlie, activiteit, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(charlie)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(activiteit), data())
    assert response.status_code == 302


# --- The manage page -----------------------------------------------------------------------------------


@pytest.fixture
def inschrijving(activiteit):
    return factories.InschrijvingFactory(activiteit=activiteit, aantal_personen=1, email="sara@example.org")


def manage_url(inschrijving):
    return reverse("inschrijving_manage", kwargs={"token": inschrijving.token})


def test_manage_page_shows_the_registration_privately(client, inschrijving):
    response = client.get(manage_url(inschrijving))
    assert response.status_code == 200
    assert "sara@example.org" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "token",
    ["wrong", "x" * 43, "a" * 200, "%00", "..%2F..%2Fetc"],
)
def test_manage_page_wrong_token_is_404(client, inschrijving, token):
    assert client.get(f"/inschrijving/{token}/").status_code == 404


def test_manage_page_tampered_token_is_404(client, inschrijving):
    tampered = inschrijving.token[:-1] + ("A" if inschrijving.token[-1] != "A" else "B")
    assert client.get(f"/inschrijving/{tampered}/").status_code == 404
    assert client.post(f"/inschrijving/{tampered}/annuleren/").status_code == 404


def test_manage_page_outsider_with_a_wrong_token_is_404(client, charlie, inschrijving):
    client.force_login(charlie)
    assert client.get(f"/inschrijving/{'b' * 43}/").status_code == 404


def test_manage_page_of_an_erased_registration_is_404(client, inschrijving):
    Inschrijving.objects.filter(pk=inschrijving.pk).update(naam="", email="", gewist_op=timezone.now())
    assert client.get(manage_url(inschrijving)).status_code == 404


def test_manage_change_persons(client, post, inschrijving):
    response = post(manage_url(inschrijving), {"aantal_personen": "3"})
    assert response.status_code == 302
    inschrijving.refresh_from_db()
    assert inschrijving.aantal_personen == 3
    saved = ntr(
        "Saved: your registration is now for %(n)d person.",
        "Saved: your registration is now for %(n)d persons.",
        3,
    )
    assert saved in client.get(manage_url(inschrijving)).content.decode()


def test_manage_change_beyond_the_places_left_is_a_form_error(client, activiteit, inschrijving):
    factories.InschrijvingFactory(activiteit=activiteit, aantal_personen=2)
    response = client.post(manage_url(inschrijving), {"aantal_personen": "3"})
    assert response.status_code == 200
    assert "aantal_personen" in response.context["form"].errors
    inschrijving.refresh_from_db()
    assert inschrijving.aantal_personen == 1


@pytest.mark.parametrize("value", ["0", "10000", "", "drie"])
def test_manage_change_bad_input_is_a_form_error(client, inschrijving, value):
    response = client.post(manage_url(inschrijving), {"aantal_personen": value})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_manage_cancel_asks_first_then_cancels_on_post(client, post, activiteit, inschrijving):
    waiting = factories.InschrijvingFactory(
        activiteit=activiteit, aantal_personen=1, status=Inschrijving.Status.WACHTLIJST
    )
    factories.InschrijvingFactory(activiteit=activiteit, aantal_personen=3)
    cancel_url = reverse("inschrijving_annuleren", kwargs={"token": inschrijving.token})
    confirm = client.get(cancel_url)
    assert confirm.status_code == 200
    assert tr("Yes, cancel my registration") in confirm.content.decode()
    assert confirm["Cache-Control"] == "no-store"
    inschrijving.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.BEVESTIGD

    response = post(cancel_url)
    assert response.status_code == 302
    inschrijving.refresh_from_db()
    waiting.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.GEANNULEERD
    assert waiting.status == Inschrijving.Status.BEVESTIGD
    assert [message.to for message in mail.outbox] == [[waiting.email]]
    page = client.get(manage_url(inschrijving)).content.decode()
    assert tr("Your registration is cancelled. Thank you for letting us know.") in page


def test_manage_cancel_without_csrf_token_is_403(inschrijving):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("inschrijving_annuleren", kwargs={"token": inschrijving.token}))
    assert response.status_code == 403
    inschrijving.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.BEVESTIGD


def test_manage_page_of_a_cancelled_activity_says_so_and_offers_no_change(client, activiteit, inschrijving):
    activiteit.geannuleerd = True
    activiteit.save()
    response = client.get(manage_url(inschrijving))
    assert tr("The organiser has cancelled this activity.") in response.content.decode()
    assert response.context["form"] is None
    assert client.post(manage_url(inschrijving), {"aantal_personen": "2"}).status_code == 200
    inschrijving.refresh_from_db()
    assert inschrijving.aantal_personen == 1


def test_manage_ics_download(client, inschrijving):
    response = client.get(reverse("inschrijving_ics", kwargs={"token": inschrijving.token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def csrf_client_and_token(path: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    response = client.get(path)
    return client, response.context["csrf_token"]


def test_manage_cancel_accepts_the_null_origin_of_a_no_referrer_page(inschrijving):
    # With Referrer-Policy: no-referrer, browsers post the page's forms with "Origin: null".
    path = reverse("inschrijving_annuleren", kwargs={"token": inschrijving.token})
    client, token = csrf_client_and_token(path)
    response = client.post(path, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    assert response.status_code == 302
    inschrijving.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.GEANNULEERD


def test_manage_change_with_null_origin_still_needs_the_csrf_token(inschrijving):
    path = manage_url(inschrijving)
    client, _ = csrf_client_and_token(path)
    response = client.post(path, {"aantal_personen": "2"}, HTTP_ORIGIN="null")
    assert response.status_code == 403
    response = client.post(
        path, {"aantal_personen": "2"}, HTTP_ORIGIN="https://evil.example", HTTP_X_CSRFTOKEN="forged"
    )
    assert response.status_code == 403
    inschrijving.refresh_from_db()
    assert inschrijving.aantal_personen == 1


def test_register_is_rate_limited_per_client(client, activiteit):
    for _ in range(60):
        assert client.post(url(activiteit), data(email="x")).status_code == 200
    response = client.post(url(activiteit), data())
    assert response.status_code == 429
    assert Inschrijving.objects.count() == 0
    assert client.get(url(activiteit)).status_code == 200  # reading stays open


def test_manage_cancel_after_the_start_is_refused(client, activiteit, inschrijving):
    activiteit.start = timezone.now() - timedelta(minutes=5)
    activiteit.save()
    cancel_url = reverse("inschrijving_annuleren", kwargs={"token": inschrijving.token})
    assert client.get(cancel_url)["Location"] == manage_url(inschrijving)
    assert client.post(cancel_url)["Location"] == manage_url(inschrijving)
    inschrijving.refresh_from_db()
    assert inschrijving.status == Inschrijving.Status.BEVESTIGD
