"""Logs carry a request id and never a parent's e-mail address, a token, a pickup code or an IP address."""

import io
import json
import logging
import re

import pytest

from aanbod.models import Inschrijving
from huisvanhetkind.logs import JsonFormatter, RequestIdFilter, mask
from tests import factories

PARENT_IP = "203.0.113.77"
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture
def log_output():
    """Everything any logger writes during the test, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_mask_hides_emails_tokens_and_addresses():
    token = "AbCdEf0123456789AbCdEf0123456789xyz"
    line = f"Not Found: /inschrijving/{token}/ for ouder@example.org from 198.51.100.4"
    masked = mask(line)
    assert "ouder@example.org" not in masked
    assert "AbCdEf0123456789" not in masked
    assert "198.51.100.4" not in masked
    assert "/inschrijving/[token]/" in masked


def test_a_registration_and_a_question_leave_no_personal_data_in_the_log(client, db, log_output, settings):
    settings.DEBUG = False
    client.defaults["REMOTE_ADDR"] = PARENT_IP
    activiteit = factories.ActiviteitFactory(capaciteit=1)
    factories.InschrijvingFactory(activiteit=activiteit)  # full: the next one goes to the waiting list
    email = "jonas.peeters@example.org"
    response = client.post(
        f"/activiteiten/{activiteit.pk}/inschrijven/",
        {"naam": "Jonas Peeters", "email": email, "telefoon": "", "aantal_personen": "1", "wachtlijst": "on"},
    )
    assert response.status_code in (200, 302)
    inschrijving = Inschrijving.objects.get(email=email)
    # The parent opens the manage link, and someone tries a wrong token.
    assert client.get(f"/inschrijving/{inschrijving.token}/").status_code == 200
    # A mistyped link is one character off the real token: it must not reach the log either.
    near_miss = inschrijving.token[:-1] + ("A" if inschrijving.token[-1] != "A" else "B")
    assert client.get(f"/inschrijving/{near_miss}/").status_code == 404

    slapen = factories.ThemaFactory(slug="slapen")
    response = client.post(
        "/vraag/",
        {
            "gemeente": "9000",
            "thema": str(slapen.pk),
            "leeftijdsband": "1-3",
            "tekst": "Mijn peuter slaapt slecht, mail me op jonas.peeters@example.org",
            "website": "",
            "eenmalig": "log-test-1",
        },
    )
    assert response.status_code == 200
    code = CODE.search(response.content.decode())
    assert code, "the pickup code is shown once"
    client.post("/vraag/antwoord/", {"code": code.group(0)})

    output = log_output.getvalue()
    assert output, "the flows above log something (at least the 404)"
    for line in output.splitlines():
        json.loads(line)  # structured: one JSON object per line
    assert email not in output
    assert inschrijving.token not in output
    assert near_miss not in output
    assert code.group(0) not in output
    assert PARENT_IP not in output


def test_gunicorn_access_lines_mask_token_paths_and_drop_the_client_address():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from huisvanhetkind.logs import GunicornLogger

    logger = GunicornLogger(Config())
    token = "Zx" * 20
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": f"/inschrijving/{token}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": PARENT_IP,
        "RAW_URI": f"/inschrijving/{token}/",
    }
    request = SimpleNamespace(
        headers=[],
        method="GET",
        path=f"/inschrijving/{token}/",
        query="",
        version=(1, 1),
        uri=f"/inschrijving/{token}/",
    )
    response = SimpleNamespace(status="200 OK", headers=[], response_length=10, sent=10)
    from datetime import timedelta

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
    assert token not in atoms["U"] and token not in atoms["r"]
    assert PARENT_IP not in atoms["h"]
