"""The portal keeps serving when a part fails: Redis down, PostgreSQL away."""

import pytest
from django.core.cache import cache, caches
from django.db import OperationalError, connection

from huisvanhetkind.cache import FailOpenRedisCache

CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "huisvanhetkind.cache.FailOpenRedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    FailOpenRedisCache._down_until = 0.0
    yield caches["default"]
    FailOpenRedisCache._down_until = 0.0


def test_dead_redis_cache_fails_open(dead_redis_cache):
    assert dead_redis_cache.get("anything", "fallback") == "fallback"
    dead_redis_cache.set("k", "v")  # dropped, no exception
    assert dead_redis_cache.incr("counter") == 1
    assert dead_redis_cache.add("k", "v") is False
    assert FailOpenRedisCache.is_down()


def test_the_redis_cache_builds_one_client_per_pool_not_one_per_call(dead_redis_cache):
    backend = dead_redis_cache._cache
    client = backend.get_client("a")
    assert backend.get_client("b") is client
    assert backend.get_client("c", write=True) is client  # one server: reads and writes share its pool
    assert client.connection_pool is backend._get_connection_pool(False)


def test_pages_serve_with_redis_down(client, db, dead_redis_cache, settings):
    settings.REDIS_URL = CLOSED_REDIS
    assert client.get("/").status_code == 200
    assert client.get("/privacy/").status_code == 200


def test_healthz_says_the_broker_is_down(client, db, settings):
    settings.REDIS_URL = CLOSED_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("down")


def test_enqueue_with_broker_down_does_not_raise(settings):
    from huisvanhetkind.celery import app
    from huisvanhetkind.lib.queue import send_task

    @app.task(name="tests.noop")
    def noop(**kwargs):
        return None

    app.conf.task_always_eager = False
    old = app.conf.broker_url
    app.conf.broker_url = CLOSED_REDIS
    app.pool.force_close_all()
    try:
        assert send_task(noop, x=1) is False
    finally:
        app.conf.broker_url = old
        app.pool.force_close_all()


@pytest.mark.django_db(transaction=True)
def test_database_away_gives_a_friendly_503_and_recovers(client, monkeypatch):
    assert client.get("/privacy/").status_code == 200
    saved = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        # The in-memory test database cannot be closed; make every new cursor fail as a dead server would.
        def refuse(*args, **kwargs):
            raise OperationalError("unable to open database file")

        monkeypatch.setattr(connection, "cursor", refuse)
    else:
        connection.close()
        connection.settings_dict["PORT"] = "1"
        connection.settings_dict["HOST"] = "127.0.0.1"
    cache.clear()  # so the page must reach the database (the Netwerk record)
    try:
        response = client.get("/privacy/")
        assert response.status_code == 503
        assert "Even geduld" in response.content.decode()
        assert response.headers["Retry-After"] == "30"
    finally:
        monkeypatch.undo()
        if connection.vendor != "sqlite":
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
    assert client.get("/privacy/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_publishing_with_the_broker_down_still_publishes(coordinator):
    from aanbod.models import Aanbod
    from aanbod.services.moderatie import aanbod_publish
    from huisvanhetkind.celery import app
    from tests import factories

    aanbod = factories.AanbodFactory(status=Aanbod.Status.INGEDIEND)
    app.conf.task_always_eager = False
    old = app.conf.broker_url
    app.conf.broker_url = CLOSED_REDIS
    app.pool.force_close_all()
    try:
        aanbod_publish(aanbod=aanbod, user=coordinator)
    finally:
        app.conf.broker_url = old
        app.pool.force_close_all()
    aanbod.refresh_from_db()
    assert aanbod.status == Aanbod.Status.GEPUBLICEERD
