"""`make run` output a newcomer can read (issue 16, point 10): one text line per event, no kombu warning
without Redis, mails decoded."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMultiAlternatives

from huisvanhetkind.devmail import EmailBackend

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import logging, django
django.setup()
from django.test import Client
from huisvanhetkind.celery import app
with app.connection_for_write() as connection:
    connection.ensure_connection()
logging.getLogger("django.request").warning("Not Found: /nergens/")
logging.getLogger("django.server").info('"GET /aanbod/ HTTP/1.1" 200 1234')
"""


def run_dev(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LOG_FORMAT", "DEBUG")}
    environment |= {"DJANGO_SETTINGS_MODULE": "huisvanhetkind.settings", "DEBUG": "1", **env}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_development_logs_one_text_line_per_event_and_no_kombu_warning():
    result = run_dev()

    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2, lines
    assert lines[0].endswith("WARNING django.request: Not Found: /nergens/")
    assert lines[1].endswith('INFO    django.server: "GET /aanbod/ HTTP/1.1" 200 1234')
    assert "hostname" not in result.stderr


def test_production_format_is_json():
    result = run_dev(LOG_FORMAT="json")

    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].startswith("{") and '"logger": "django.request"' in lines[0]


def test_console_mail_is_decoded():
    message = EmailMultiAlternatives(
        subject="Bevestiging: café voor ouders",
        body="Dag Sara,\n\nJe bent ingeschreven voor het café. Tot dan!",
        from_email="huis@example.org",
        to=["sara@example.org"],
    )
    message.attach_alternative("<p>Dag Sara</p>", "text/html")
    message.attach("activiteit.ics", "BEGIN:VCALENDAR", "text/calendar")
    stream = io.StringIO()

    EmailBackend(stream=stream).send_messages([message])

    out = stream.getvalue()
    assert "Subject: Bevestiging: café voor ouders" in out
    assert "Je bent ingeschreven voor het café. Tot dan!" in out
    assert "=C3=A9" not in out and "<p>" not in out
    assert "an text/html version" in out and "the attachment activiteit.ics" in out
