"""`/healthz` tells operators whether the database and the broker answer, and says which one does not."""

import pytest
from django.db import OperationalError, connection

CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_healthz_ok_with_services_up(client, db, settings, redis_url):
    settings.REDIS_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_broker_port_closed(client, db, settings):
    settings.REDIS_URL = CLOSED_PORT
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"].startswith("down")


def test_healthz_without_broker_is_eager_and_ok(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


def test_healthz_503_when_database_down(client, db, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 503
    body = response.json()
    assert body["database"].startswith("down")
    assert body["broker"] == "eager"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
