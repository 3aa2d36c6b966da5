"""Reminders in bulk: each activity's reminder rendered once and filled in per family looks exactly like
the one rendered for that family alone; a mail server failing half way a batch loses and doubles
nothing; racing workers on PostgreSQL send each reminder once."""

import smtplib
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from aanbod.models import Activiteit, Inschrijving
from aanbod.services.inschrijvingen import mails, scan, send_due_reminders
from huisvanhetkind.lib.mail import MergedMessage
from huisvanhetkind.lib.scoping import scopes_disabled
from tests import factories

TEMPLATE = "inschrijving_herinnering"


def in_hours(hours: float):
    return timezone.now().replace(microsecond=0) + timedelta(hours=hours)


def activity(hours: float = 12, **kwargs) -> Activiteit:
    start = in_hours(hours)
    return factories.ActiviteitFactory(
        start=start, einde=start + timedelta(hours=2), capaciteit=None, **kwargs
    )


def series(first_in_hours: float = 5, **kwargs):
    reeks = factories.ReeksFactory(capaciteit=None, **kwargs)
    for n, meeting in enumerate(reeks.bijeenkomsten):
        start = in_hours(first_in_hours) + timedelta(weeks=n)
        Activiteit.objects.filter(pk=meeting.pk).update(start=start, einde=start + timedelta(hours=2))
    return reeks


def register(**kwargs) -> Inschrijving:
    kwargs.setdefault("statusmail_verstuurd_op", timezone.now() - timedelta(days=3))
    return factories.InschrijvingFactory(**kwargs)


def as_sent(message) -> tuple:
    return (
        message.subject,
        message.body,
        [(a.content, a.mimetype) for a in message.alternatives],
        message.to,
        message.reply_to,
        message.from_email,
        message.attachments,
    )


FAMILIES = [
    {"naam": "Sara & Tom Peeters", "aantal_personen": 2, "telefoon": "0470 11 22 33"},
    {"naam": "Éloïse Dubois-<Lambert>", "aantal_personen": 1},
    {"naam": "Ahmed Yılmaz", "aantal_personen": 3, "email": "ahmed.yilmaz+hvhk@example.org"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("taal", ["nl-be", "en", "fr"])
@pytest.mark.parametrize("doel", ["activiteit", "reeks"])
def test_batched_reminder_is_the_single_rendered_one(taal, doel):
    target = {"activiteit": activity()} if doel == "activiteit" else {"activiteit": None, "reeks": series()}
    for family in FAMILIES:
        register(taal=taal, **target, **family)
    claimed = scan._claim_reminders(timezone.now())
    assert len(claimed) == len(FAMILIES)
    merge = mails.ReminderMerge()
    for row in claimed:
        batched = merge.build(row, TEMPLATE)
        assert isinstance(batched, MergedMessage)  # the merge was used, not the full render
        alone = mails._build(mails.with_mail_related(Inschrijving.objects.filter(pk=row.pk)).get(), TEMPLATE)
        assert as_sent(batched) == as_sent(alone)
        # And on the wire: the same MIME as Django makes of the single-rendered message.
        wire = batched.message().parsed
        assert wire["Subject"] == alone.subject
        assert wire.get_body(("plain",)).get_content() == alone.body
    assert len(merge.texts) == 1  # one render for the activity (or meeting) and language


@pytest.mark.django_db
def test_one_render_per_activity_and_language_whatever_the_families():
    first, second = activity(), activity(hours=13)
    for n in range(12):
        register(activiteit=(first, second)[n % 2], taal=("nl-be", "fr")[n // 6], aantal_personen=1 + n % 3)
    renders = []
    real = mails.ReminderMerge._render

    def counting(self, inschrijving, template):
        renders.append((inschrijving.activiteit_id, inschrijving.taal))
        return real(self, inschrijving, template)

    mails.ReminderMerge._render = counting
    try:
        assert send_due_reminders() == 12
    finally:
        mails.ReminderMerge._render = real
    assert sorted(renders) == sorted({(a.pk, t) for a in (first, second) for t in ("nl-be", "fr")})


@pytest.mark.django_db
def test_series_reminder_waits_for_its_own_next_meeting():
    soon = series(first_in_hours=5)
    later = series(first_in_hours=24 * 3)
    register(activiteit=None, reeks=soon, email="soon@example.org")
    register(activiteit=None, reeks=later, email="later@example.org")
    assert send_due_reminders() == 1
    assert [m.to for m in mail.outbox] == [["soon@example.org"]]


class FailsAfter(BaseEmailBackend):
    """A mail server that takes `ok` messages, then drops the connection."""

    ok = 5

    def send_messages(self, messages):
        for message in messages:
            if len(mail.outbox) >= self.ok:
                raise smtplib.SMTPServerDisconnected("connection lost")
            message.message()
            mail.outbox.append(message)
        return len(messages)


@pytest.mark.django_db
@pytest.mark.parametrize("ok", [0, 1, 5, 7, 11])
def test_a_batch_failing_half_way_sends_the_rest_later_and_nothing_twice(settings, monkeypatch, ok):
    monkeypatch.setattr(scan, "MARK_EVERY_ROWS", 3)  # the failure falls inside a chunk, or between two
    monkeypatch.setattr(scan, "REMINDER_BATCH", 8)
    monkeypatch.setattr(FailsAfter, "ok", ok)
    rows = [register(activiteit=activity(hours=10 + n % 2)) for n in range(12)]
    settings.MAILERS = {"default": {"BACKEND": "tests.aanbod.test_reminder_merge.FailsAfter"}}
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_due_reminders()
    first = {m.to[0] for m in mail.outbox}
    assert len(first) == ok
    sent = set(
        Inschrijving.objects.filter(herinnering_verstuurd_op__isnull=False).values_list("email", flat=True)
    )
    assert sent == first  # what went out is marked, nothing else
    # What did not go out is released at once, not left to a claim that expires in 15 minutes.
    assert not Inschrijving.objects.filter(
        herinnering_verstuurd_op__isnull=True, herinnering_geclaimd_op__isnull=False
    )

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert send_due_reminders() == len(rows) - ok
    per_address = Counter(m.to[0] for m in mail.outbox)
    assert set(per_address) == {row.email for row in rows}
    assert max(per_address.values()) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_racing_over_activities_and_series_send_each_reminder_once(postgres, monkeypatch):
    # Small batches and chunks: many claims and marks, so the workers interleave often.
    monkeypatch.setattr(scan, "REMINDER_BATCH", 17)
    monkeypatch.setattr(scan, "MARK_EVERY_ROWS", 5)
    expected = []
    for n in range(6):
        a = activity(hours=3 + n)
        expected += [register(activiteit=a, taal=("nl-be", "en", "fr")[k % 3]).email for k in range(25)]
    reeks = series(first_in_hours=4, herinnering_per_bijeenkomst=True)
    expected += [register(activiteit=None, reeks=reeks, taal="fr").email for _ in range(30)]
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
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
    assert sum(counts) == len(expected) == 180
    per_address = Counter(message.to[0] for message in mail.outbox)
    assert set(per_address) == set(expected)
    assert max(per_address.values()) == 1
    assert not Inschrijving.objects.filter(herinnering_verstuurd_op__isnull=True).exists()
