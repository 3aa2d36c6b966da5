"""Reminders: due ones are sent once, whatever runs them how often; a failing mail server leaves them due."""

import smtplib
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from aanbod.models import Inschrijving
from aanbod.services.inschrijvingen import CLAIM_TIMEOUT, send_due_reminders
from aanbod.tasks.inschrijvingen import send_due_reminders_task
from huisvanhetkind.lib.scoping import scopes_disabled
from tests import factories

FAILING = "tests.aanbod.test_reminders.FailingBackend"
REFUSING = "tests.aanbod.test_reminders.RefusingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPException("451 try again later")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"no such user")})


def in_hours(hours: float):
    return timezone.now() + timedelta(hours=hours)


def due(**kwargs):
    """A confirmed registration for an activity that starts in 12 hours (its confirmation long sent)."""
    kwargs.setdefault("statusmail_verstuurd_op", timezone.now() - timedelta(days=3))
    start = kwargs.pop("start", in_hours(12))
    activiteit = kwargs.pop("activiteit", None) or factories.ActiviteitFactory(
        start=start, einde=start + timedelta(hours=2)
    )
    return factories.InschrijvingFactory(activiteit=activiteit, **kwargs)


def reminders():
    """Every mail sent: `due` registrations have had their confirmation, so these are the reminders."""
    return list(mail.outbox)


def hello(inschrijving) -> str:
    with translation.override(inschrijving.taal):
        return translation.gettext("Hello %(naam)s,") % {"naam": inschrijving.naam}


@pytest.mark.django_db
def test_due_reminder_is_sent_once():
    inschrijving = due(email="sara@example.org")
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    assert [message.to for message in reminders()] == [["sara@example.org"]]
    inschrijving.refresh_from_db()
    assert inschrijving.herinnering_verstuurd_op is not None
    assert inschrijving.manage_url in reminders()[0].body


@pytest.mark.django_db
def test_task_run_twice_sends_each_reminder_once():
    due()
    due()
    send_due_reminders_task.delay()
    send_due_reminders_task.delay()
    assert len(reminders()) == 2


@pytest.mark.django_db
def test_management_command_sends_reminders_without_a_broker(capsys):
    due()
    call_command("send_reminders")
    assert len(reminders()) == 1
    assert "1 reminder(s) sent" in capsys.readouterr().out


@pytest.mark.django_db
def test_reminder_is_in_the_parents_language():
    due(taal="en")
    send_due_reminders()
    assert "/en/inschrijving/" in reminders()[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": Inschrijving.Status.GEANNULEERD},
        {"status": Inschrijving.Status.WACHTLIJST},
        {"start": in_hours(30)},
        {"start": in_hours(-1)},
        {"herinnering_verstuurd_op": timezone.now()},
        {"naam": "", "email": "", "gewist_op": timezone.now()},
    ],
    ids=["cancelled", "waiting", "too-early", "started", "already-sent", "erased"],
)
def test_reminder_not_sent(kwargs):
    due(**kwargs)
    assert send_due_reminders() == 0
    assert reminders() == []


@pytest.mark.django_db
def test_reminder_never_for_a_cancelled_activity():
    inschrijving = due()
    inschrijving.activiteit.geannuleerd = True
    inschrijving.activiteit.save()
    assert send_due_reminders() == 0


@pytest.mark.django_db
def test_reminder_window_follows_the_setting(settings):
    settings.REMINDER_HOURS_BEFORE = 48
    due(start=in_hours(30))
    assert send_due_reminders() == 1


@pytest.mark.django_db
def test_live_claim_is_left_alone_and_a_stale_one_taken_over():
    live = due(herinnering_geclaimd_op=timezone.now())
    stale = due(herinnering_geclaimd_op=timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1))
    assert send_due_reminders() == 1
    live.refresh_from_db()
    stale.refresh_from_db()
    assert live.herinnering_verstuurd_op is None
    assert stale.herinnering_verstuurd_op is not None


@pytest.mark.django_db
def test_failing_smtp_leaves_the_reminder_due(settings):
    inschrijving = due()
    settings.MAILERS = {"default": {"BACKEND": FAILING}}
    with pytest.raises(smtplib.SMTPException):
        send_due_reminders()
    inschrijving.refresh_from_db()
    assert inschrijving.herinnering_verstuurd_op is None
    assert (
        inschrijving.herinnering_geclaimd_op is None
    )  # released: the next run does not wait for it to go stale

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert send_due_reminders() == 1


@pytest.mark.django_db
def test_failing_smtp_in_the_task_is_left_for_the_next_run(settings):
    due()
    settings.MAILERS = {"default": {"BACKEND": FAILING}}
    assert send_due_reminders_task.delay().result is False  # eager: no retry, the next beat is the retry
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    send_due_reminders_task.delay()
    assert len(reminders()) == 1


@pytest.mark.django_db
def test_failing_command_exits_with_an_error(settings):
    from django.core.management.base import CommandError

    due()
    settings.MAILERS = {"default": {"BACKEND": FAILING}}
    with pytest.raises(CommandError):
        call_command("send_reminders")


@pytest.mark.django_db
def test_refused_address_is_given_up_on_without_blocking_the_others(settings):
    due()
    settings.MAILERS = {"default": {"BACKEND": REFUSING}}
    assert send_due_reminders() == 0
    assert Inschrijving.objects.filter(herinnering_verstuurd_op__isnull=True).count() == 0


@pytest.mark.django_db
def test_reminders_in_batches_are_all_sent(monkeypatch):
    from aanbod.services.inschrijvingen import scan

    monkeypatch.setattr(scan, "REMINDER_BATCH", 3)
    start = in_hours(5)
    activiteit = factories.ActiviteitFactory(start=start, einde=start + timedelta(hours=1), capaciteit=None)
    factories.InschrijvingFactory.create_batch(8, activiteit=activiteit)
    assert send_due_reminders() == 8
    assert len({message.to[0] for message in reminders()}) == 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_reminder_once(postgres):
    start = in_hours(6)
    activiteit = factories.ActiviteitFactory(start=start, einde=start + timedelta(hours=1), capaciteit=None)
    factories.InschrijvingFactory.create_batch(300, activiteit=activiteit)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
            # A new thread starts outside any scope; a worker runs like a Celery task, scopes disabled.
            with scopes_disabled():
                counts.append(send_due_reminders())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 300
    per_address = Counter(message.to[0] for message in reminders())
    assert len(per_address) == 300
    assert max(per_address.values()) == 1
    assert Inschrijving.objects.filter(herinnering_verstuurd_op__isnull=True).count() == 0


@pytest.mark.django_db
def test_reminders_of_one_activity_each_carry_their_own_details():
    first = due(naam="Sara & Tom", email="sara@example.org", aantal_personen=2, telefoon="0470 11 22 33")
    second = due(
        activiteit=first.activiteit, naam="Ahmed Yilmaz", email="ahmed@example.org", aantal_personen=2
    )
    third = due(
        activiteit=first.activiteit, naam="Lotte", email="lotte@example.org", aantal_personen=1, taal="en"
    )
    assert send_due_reminders() == 3
    by_address = {message.to[0]: message for message in reminders()}
    for inschrijving in (first, second, third):
        message = by_address[inschrijving.email]
        html = message.alternatives[0][0]
        assert inschrijving.token in message.body
        assert inschrijving.token in html
        assert hello(inschrijving) in message.body
        others = {first, second, third} - {inschrijving}
        assert not any(other.token in message.body or other.token in html for other in others)
        assert not any(other.email in message.body or other.email in html for other in others)
        assert "mrg" not in message.body
    assert "Sara &amp; Tom" in by_address["sara@example.org"].alternatives[0][0]
    assert "/en/inschrijving/" in by_address["lotte@example.org"].body


@pytest.mark.django_db
def test_reminder_is_rendered_in_full_when_a_marker_would_survive(monkeypatch):
    from aanbod.services.inschrijvingen import mails as inschrijvingen
    from huisvanhetkind.lib.mail import MailTexts

    real_render = inschrijvingen.mail_render

    def shouting(**kwargs):  # a template that transforms a field the merge fills in
        texts = real_render(**kwargs)
        return MailTexts(texts.subject, texts.text.upper(), texts.html)

    monkeypatch.setattr(inschrijvingen, "mail_render", shouting)
    inschrijving = due(naam="Sara Peeters")
    send_due_reminders()
    [message] = reminders()
    assert hello(inschrijving) in message.body
    assert inschrijving.token in message.body
