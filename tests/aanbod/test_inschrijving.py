"""Registration services: capacity, the waiting list, changing, cancelling, an activity's cancellation,
and the status mails that go with them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from aanbod.models import Activiteit, Inschrijving
from aanbod.services.inschrijvingen import (
    activiteit_cancel,
    inschrijving_cancel,
    inschrijving_change,
    inschrijving_create,
    inschrijving_may_change,
    inschrijving_status_mail_send,
    inschrijvingen_catch_up,
    wachtlijst_positie,
    wachtlijst_promote,
)
from tests import factories

pytestmark = pytest.mark.django_db

BEVESTIGD = Inschrijving.Status.BEVESTIGD
WACHTLIJST = Inschrijving.Status.WACHTLIJST
GEANNULEERD = Inschrijving.Status.GEANNULEERD


def register(activiteit, email="ouder@example.org", aantal=1, taal="nl-be", **kwargs):
    return inschrijving_create(
        activiteit=activiteit,
        naam=kwargs.pop("naam", "Sara Peeters"),
        email=email,
        aantal_personen=aantal,
        taal=taal,
        **kwargs,
    )


@pytest.fixture
def activiteit():
    return factories.ActiviteitFactory(capaciteit=4, max_personen_per_inschrijving=4)


def subject(kind: str, activiteit, taal: str = "nl-be") -> str:
    """The subject a mail of this kind has, in the catalogue's words (tests do not hard-code wording)."""
    from huisvanhetkind.lib.mail import mail_render

    context = {
        "activiteit": activiteit,
        "aanbod": activiteit.aanbod,
        "inschrijving": Inschrijving(activiteit=activiteit, taal=taal),
        "retention_days": 30,
    }
    return mail_render(template=f"aanbod/emails/inschrijving_{kind}", context=context, taal=taal).subject


def statuses(activiteit):
    return list(activiteit.inschrijvingen.order_by("aangemaakt_op", "id").values_list("status", flat=True))


# --- Capacity and the waiting list ---------------------------------------------------------------------


def test_create_confirms_while_places_are_left(activiteit):
    inschrijving, created = register(activiteit, aantal=3)
    assert created is True
    assert inschrijving.status == BEVESTIGD
    assert inschrijving.email == "ouder@example.org"
    assert len(inschrijving.token) >= 43


def test_create_counts_places_in_persons(activiteit):
    register(activiteit, "a@example.org", aantal=3)
    second, _ = register(activiteit, "b@example.org", aantal=2)
    third, _ = register(activiteit, "c@example.org", aantal=1)
    assert second.status == WACHTLIJST
    assert third.status == BEVESTIGD
    assert Activiteit.objects.met_bezetting().get(pk=activiteit.pk).bezet == 4


def test_create_without_capacity_is_never_full():
    activiteit = factories.ActiviteitFactory(capaciteit=None, max_personen_per_inschrijving=4)
    for n in range(10):
        inschrijving, _ = register(activiteit, f"p{n}@example.org", aantal=4)
        assert inschrijving.status == BEVESTIGD


def test_create_refuses_waiting_list_when_not_accepted(activiteit):
    register(activiteit, "a@example.org", aantal=4)
    with pytest.raises(ValidationError) as error:
        register(activiteit, "b@example.org", wachtlijst_ok=False)
    assert error.value.code == "volzet"
    assert activiteit.inschrijvingen.count() == 1


def test_create_refuses_a_registered_address_exactly_like_a_new_one_when_full(activiteit):
    register(activiteit, "a@example.org", aantal=4)
    errors = []
    for email in ("a@example.org", "b@example.org"):
        with pytest.raises(ValidationError) as error:
            register(activiteit, email, wachtlijst_ok=False)
        errors.append((error.value.code, error.value.messages))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("aantal", [0, 5, 10_000])
def test_create_refuses_a_number_of_persons_out_of_range(activiteit, aantal):
    with pytest.raises(ValidationError) as error:
        register(activiteit, aantal=aantal)
    assert error.value.code == "aantal"


def test_create_same_email_returns_the_existing_registration_and_mails_its_link(
    activiteit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = register(activiteit, "Jan@Example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again, created = register(activiteit, " jan@example.ORG ", naam="Someone Else", aantal=2)
    assert created is False
    assert again.pk == first.pk
    assert again.aantal_personen == 1
    assert activiteit.inschrijvingen.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jan@example.org"]
    assert first.token in mail.outbox[0].body


def test_create_same_email_mails_the_link_at_most_once_per_window(
    activiteit, django_capture_on_commit_callbacks
):
    register(activiteit, "jan@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            register(activiteit, "jan@example.org")
    assert len(mail.outbox) == 1


def test_create_after_cancelling_makes_a_new_registration(activiteit):
    first, _ = register(activiteit, "jan@example.org")
    inschrijving_cancel(inschrijving=first)
    second, created = register(activiteit, "jan@example.org")
    assert created is True
    assert second.pk != first.pk


@pytest.mark.parametrize(
    "changes",
    [
        {"inschrijven_tot": timezone.now() - timedelta(minutes=1)},
        {"geannuleerd": True},
        {"inschrijving_nodig": False},
    ],
    ids=["deadline", "cancelled", "no-registration"],
)
def test_create_refuses_when_registration_is_closed(changes):
    activiteit = factories.ActiviteitFactory(**changes)
    with pytest.raises(ValidationError) as error:
        register(activiteit)
    assert error.value.code == "gesloten"


def test_create_refuses_a_past_activity():
    start = timezone.now() - timedelta(days=2)
    activiteit = factories.ActiviteitFactory(start=start, einde=start + timedelta(hours=2))
    with pytest.raises(ValidationError) as error:
        register(activiteit)
    assert error.value.code == "gesloten"


def test_create_refuses_an_unpublished_aanbod():
    activiteit = factories.ActiviteitFactory(aanbod__status="concept")
    with pytest.raises(ValidationError):
        register(activiteit)


# --- Promotion -----------------------------------------------------------------------------------------


def test_cancel_promotes_the_waiting_list_in_order(activiteit, django_capture_on_commit_callbacks):
    first, _ = register(activiteit, "a@example.org", aantal=4)
    w1, _ = register(activiteit, "w1@example.org", aantal=2)
    w2, _ = register(activiteit, "w2@example.org", aantal=2)
    w3, _ = register(activiteit, "w3@example.org", aantal=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        inschrijving_cancel(inschrijving=first)
    assert statuses(activiteit) == [GEANNULEERD, BEVESTIGD, BEVESTIGD, WACHTLIJST]
    assert sorted(message.to[0] for message in mail.outbox) == ["w1@example.org", "w2@example.org"]
    assert all(message.subject == subject("opgeschoven", activiteit) for message in mail.outbox)
    w1.refresh_from_db()
    assert w1.doorgeschoven_op is not None


def test_promote_first_fit_does_not_let_a_large_registration_block_smaller_ones(activiteit):
    first, _ = register(activiteit, "a@example.org", aantal=2)
    register(activiteit, "b@example.org", aantal=2)
    big, _ = register(activiteit, "big@example.org", aantal=4)
    small, _ = register(activiteit, "small@example.org", aantal=1)
    inschrijving_cancel(inschrijving=first)
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == WACHTLIJST
    assert small.status == BEVESTIGD


def test_promote_keeps_the_large_registration_first_in_line(activiteit):
    a, _ = register(activiteit, "a@example.org", aantal=2)
    b, _ = register(activiteit, "b@example.org", aantal=2)
    big, _ = register(activiteit, "big@example.org", aantal=3)
    late, _ = register(activiteit, "late@example.org", aantal=1)
    inschrijving_cancel(inschrijving=a)  # 2 free: big (3) does not fit, late (1) does
    inschrijving_cancel(inschrijving=b)  # 3 free now: big goes first
    big.refresh_from_db()
    assert big.status == BEVESTIGD
    assert Activiteit.objects.met_bezetting().get(pk=activiteit.pk).bezet == 4


def test_promote_does_nothing_once_the_activity_started():
    start = timezone.now() - timedelta(minutes=10)
    activiteit = factories.ActiviteitFactory(start=start, einde=start + timedelta(hours=2), capaciteit=1)
    factories.InschrijvingFactory(activiteit=activiteit, status=WACHTLIJST)
    assert wachtlijst_promote(activiteit=activiteit) == []


def test_catch_up_promotes_after_a_capacity_raise(activiteit):
    register(activiteit, "a@example.org", aantal=4)
    waiting, _ = register(activiteit, "w@example.org", aantal=2)
    Activiteit.objects.filter(pk=activiteit.pk).update(capaciteit=6)
    inschrijvingen_catch_up()
    waiting.refresh_from_db()
    assert waiting.status == BEVESTIGD


# --- Changing ------------------------------------------------------------------------------------------


def test_change_grows_within_the_places_left(activiteit):
    inschrijving, _ = register(activiteit, aantal=1)
    inschrijving = inschrijving_change(inschrijving=inschrijving, aantal_personen=4)
    assert inschrijving.aantal_personen == 4


def test_change_refuses_to_grow_beyond_the_places_left(activiteit):
    register(activiteit, "a@example.org", aantal=3)
    inschrijving, _ = register(activiteit, "b@example.org", aantal=1)
    with pytest.raises(ValidationError) as error:
        inschrijving_change(inschrijving=inschrijving, aantal_personen=2)
    assert error.value.code == "volzet"
    inschrijving.refresh_from_db()
    assert inschrijving.aantal_personen == 1


def test_change_shrinking_promotes_the_waiting_list(activiteit):
    inschrijving, _ = register(activiteit, "a@example.org", aantal=4)
    waiting, _ = register(activiteit, "w@example.org", aantal=2)
    inschrijving_change(inschrijving=inschrijving, aantal_personen=2)
    waiting.refresh_from_db()
    assert waiting.status == BEVESTIGD


def test_change_of_a_waiting_registration_that_now_fits_promotes_it(activiteit):
    register(activiteit, "a@example.org", aantal=3)
    waiting, _ = register(activiteit, "w@example.org", aantal=2)
    waiting = inschrijving_change(inschrijving=waiting, aantal_personen=1)
    assert waiting.status == BEVESTIGD


def test_change_refuses_a_cancelled_registration(activiteit):
    inschrijving, _ = register(activiteit)
    inschrijving_cancel(inschrijving=inschrijving)
    with pytest.raises(ValidationError):
        inschrijving_change(inschrijving=inschrijving, aantal_personen=2)


def test_cancel_is_idempotent(activiteit):
    inschrijving, _ = register(activiteit)
    inschrijving_cancel(inschrijving=inschrijving)
    cancelled_at = Inschrijving.objects.get(pk=inschrijving.pk).geannuleerd_op
    inschrijving_cancel(inschrijving=inschrijving)
    assert Inschrijving.objects.get(pk=inschrijving.pk).geannuleerd_op == cancelled_at


# --- Status mails ----------------------------------------------------------------------------------------


def test_confirmation_mail_has_text_html_ics_and_the_manage_link(
    activiteit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inschrijving, _ = register(activiteit, naam="Sara & Tom")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ouder@example.org"]
    assert activiteit.naam in message.subject
    assert inschrijving.manage_url in message.body
    assert "Sara & Tom" in message.body  # plain text is not HTML-escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert inschrijving.manage_url in html
    assert "Sara &amp; Tom" in html
    (filename, content, ics_type) = message.attachments[0]
    assert filename == "activiteit.ics"
    assert ics_type == "text/calendar"
    assert "BEGIN:VEVENT" in (content.decode() if isinstance(content, bytes) else content)
    inschrijving.refresh_from_db()
    assert inschrijving.statusmail_verstuurd_op is not None


def test_confirmation_mail_is_in_the_parents_language(activiteit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inschrijving, _ = register(activiteit, taal="en")
    message = mail.outbox[0]
    assert message.subject == subject("bevestiging", activiteit, "en")
    assert f"/en/inschrijving/{inschrijving.token}/" in message.body


def test_waiting_list_mail_has_no_ics(activiteit, django_capture_on_commit_callbacks):
    register(activiteit, "a@example.org", aantal=4)
    with django_capture_on_commit_callbacks(execute=True):
        register(activiteit, "w@example.org")
    message = mail.outbox[-1]
    assert message.to == ["w@example.org"]
    assert message.attachments == []
    assert message.subject == subject("wachtlijst", activiteit)


def test_status_mail_is_sent_once_however_often_it_is_asked(activiteit):
    inschrijving, _ = register(activiteit)
    assert inschrijving_status_mail_send(inschrijving_id=inschrijving.pk) is True
    assert inschrijving_status_mail_send(inschrijving_id=inschrijving.pk) is False
    assert inschrijvingen_catch_up() == 0
    assert len(mail.outbox) == 1


def test_status_mail_never_for_a_cancelled_or_erased_registration(activiteit):
    cancelled, _ = register(activiteit, "a@example.org")
    inschrijving_cancel(inschrijving=cancelled)
    erased = factories.InschrijvingFactory(activiteit=activiteit, naam="", email="", gewist_op=timezone.now())
    assert inschrijving_status_mail_send(inschrijving_id=cancelled.pk) is False
    assert inschrijving_status_mail_send(inschrijving_id=erased.pk) is False
    assert mail.outbox == []


# --- An activity's cancellation ------------------------------------------------------------------------


def test_activiteit_cancel_mails_every_active_registrant_once(activiteit, django_capture_on_commit_callbacks):
    confirmed, _ = register(activiteit, "a@example.org", aantal=4)
    register(activiteit, "w@example.org")
    gone, _ = register(activiteit, "gone@example.org")
    inschrijving_cancel(inschrijving=gone)
    inschrijvingen_catch_up()  # the confirmations
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        activiteit_cancel(activiteit=activiteit, reden="De spreker is ziek.")
    with django_capture_on_commit_callbacks(execute=True):
        activiteit_cancel(activiteit=activiteit, reden="Again")
    inschrijvingen_catch_up()
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "w@example.org"]
    assert all("De spreker is ziek." in message.body for message in mail.outbox)
    activiteit.refresh_from_db()
    assert activiteit.geannuleerd is True
    assert activiteit.annulering_reden == "De spreker is ziek."
    assert activiteit.annulering_gemeld_op is not None
    confirmed.refresh_from_db()
    assert confirmed.status == BEVESTIGD  # kept for the reports


def test_catch_up_announces_a_cancellation_made_outside_the_service(activiteit):
    register(activiteit, "a@example.org")
    inschrijvingen_catch_up()
    mail.outbox.clear()
    Activiteit.objects.filter(pk=activiteit.pk).update(geannuleerd=True)
    inschrijvingen_catch_up()
    inschrijvingen_catch_up()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == subject("activiteit_geannuleerd", activiteit)


def test_position_is_the_order_of_moving_up(activiteit):
    [a, _created] = register(activiteit, "a@example.org", aantal=4)
    [b, _created] = register(activiteit, "b@example.org", aantal=2)
    [c, _created] = register(activiteit, "c@example.org", aantal=1)
    assert [wachtlijst_positie(b), wachtlijst_positie(c)] == [1, 2]
    inschrijving_cancel(inschrijving=b)  # a waiting registration leaves: the next one comes forward
    c.refresh_from_db()
    assert wachtlijst_positie(c) == 1
    inschrijving_cancel(inschrijving=a)  # places free up: c moves up and is no longer waiting
    c.refresh_from_db()
    assert c.status == BEVESTIGD
    assert wachtlijst_positie(c) is None


def test_may_change_until_the_start_unless_cancelled(activiteit):
    [inschrijving, _created] = register(activiteit)
    assert inschrijving_may_change(inschrijving)
    inschrijving_cancel(inschrijving=inschrijving)
    inschrijving.refresh_from_db()
    assert not inschrijving_may_change(inschrijving)
    started = factories.ActiviteitFactory(start=timezone.now() - timedelta(minutes=5))
    assert not inschrijving_may_change(factories.InschrijvingFactory(activiteit=started))
