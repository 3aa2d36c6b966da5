"""Registration mails through a real Celery worker and Redis, and what happens when the broker is down."""

import contextlib
import email
import email.policy
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from aanbod.models import Inschrijving
from aanbod.tasks.inschrijvingen import send_due_reminders_task
from huisvanhetkind.celery import app
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
DEAD_BROKER = "redis://127.0.0.1:1/0"


def tr(msgid: str) -> str:
    """The text as a page in the default language shows it (the catalogue's words, HTML-escaped)."""
    with translation.override("nl-be"):
        return escape(translation.gettext(msgid))


@contextlib.contextmanager
def broker(url: str):
    """Send tasks for real (not eagerly) to `url` for the duration."""

    def fresh_pools():
        # Connection pools are bound to the URL they were made with, and kombu keeps them in a global
        # registry (where another test may have left a closed one): start from scratch.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    old_url = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    fresh_pools()
    try:
        yield
    finally:
        app.conf.broker_url = old_url
        app.conf.task_always_eager = True
        fresh_pools()


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(redis_url: str, mail_dir: Path, log: Path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),  # the test database, which this test commits to
        "REDIS_URL": redis_url,
        "MAIL_BACKEND": "file",
        "MAIL_FILE_PATH": str(mail_dir),
        "SECRET_KEY": "tests-only-not-a-secret",
        "DEBUG": "0",
        "LOG_LEVEL": "INFO",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "huisvanhetkind",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log.open("wb") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def wait_for_mail(mail_dir: Path, address: str, worker, log: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in mail_dir.glob("*.log"):
            content = path.read_text(errors="replace")
            if address in content:
                return content
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    pytest.fail(
        f"no mail for {address} within {timeout} s; worker log:\n{log.read_text(errors='replace')[-3000:]}"
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_delivers_the_confirmation(postgres, redis_url, client, tmp_path):
    activiteit = factories.ActiviteitFactory(aanbod__titel="Slapen zonder tranen", capaciteit=10)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    with broker(redis_url), celery_worker(redis_url, mail_dir, log) as worker:
        app.control.purge()  # nothing left over from other tests reaches this worker
        response = client.post(
            reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk}),
            {"naam": "Sara Peeters", "email": "sara@example.org", "aantal_personen": "2"},
        )
        assert response.status_code == 302
        content = wait_for_mail(mail_dir, "sara@example.org", worker, log)
    inschrijving = Inschrijving.objects.get()
    message = email.message_from_string(content.split("\n" + "-" * 79)[0], policy=email.policy.default)
    assert message["To"] == "sara@example.org"
    assert "Slapen zonder tranen" in message["Subject"]
    assert inschrijving.token in message.get_body(("plain",)).get_content()
    assert [part.get_filename() for part in message.iter_attachments()] == ["activiteit.ics"]
    assert inschrijving.statusmail_verstuurd_op is not None


# Transactional: the mail is queued when the registration commits, inside the request, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_registration_succeeds_and_the_scan_delivers(client):
    start = timezone.now() + timedelta(hours=12)
    activiteit = factories.ActiviteitFactory(start=start, einde=start + timedelta(hours=2), capaciteit=10)
    path = reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk})
    with broker(DEAD_BROKER):
        started = time.monotonic()
        response = client.post(
            path, {"naam": "Sara Peeters", "email": "sara@example.org", "aantal_personen": "1"}, follow=True
        )
        seconds = time.monotonic() - started
    assert response.status_code == 200
    page = response.content.decode()
    # The same neutral page as always (it names no status): it already says a mail may take minutes.
    assert tr("Check your mailbox") in page
    assert tr("No e-mail after a few minutes? Also look in your spam folder.") in page
    assert seconds < 5  # the parent is not kept waiting on a dead broker
    inschrijving = Inschrijving.objects.get()
    assert inschrijving.status == Inschrijving.Status.BEVESTIGD
    assert inschrijving.statusmail_verstuurd_op is None
    assert mail.outbox == []

    # The broker is back: the periodic scan delivers the confirmation and the reminder, once.
    send_due_reminders_task.delay()
    send_due_reminders_task.delay()
    assert all(message.to == ["sara@example.org"] for message in mail.outbox)
    # The confirmation carries the .ics, the reminder does not.
    assert sorted(bool(message.attachments) for message in mail.outbox) == [False, True]
    inschrijving.refresh_from_db()
    assert inschrijving.statusmail_verstuurd_op is not None
    assert inschrijving.herinnering_verstuurd_op is not None


@pytest.mark.django_db
def test_broker_down_log_has_no_personal_data(client, caplog, django_capture_on_commit_callbacks):
    activiteit = factories.ActiviteitFactory()
    with broker(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("activiteit_inschrijven", kwargs={"pk": activiteit.pk}),
            {"naam": "Sara Peeters", "email": "sara@example.org", "aantal_personen": "1"},
        )
    text = caplog.text
    assert "could not queue aanbod.send_inschrijving_status_mail" in text
    assert "sara" not in text.lower()
    assert Inschrijving.objects.get().token not in text


def test_settings_name_the_beat_tasks_this_app_provides():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"aanbod.send_due_reminders", "aanbod.erase_expired_inschrijvingen"} <= names
    assert {"aanbod.send_due_reminders", "aanbod.erase_expired_inschrijvingen"} <= set(app.tasks)
