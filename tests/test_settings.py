"""Settings from the environment: a production start without SECRET_KEY or with a mistyped URL stops
with one clear message naming the variable (huisvanhetkind/env.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from huisvanhetkind.env import check_redis_url, envbool, envint, envlist, parse_database_url

ROOT = Path(__file__).resolve().parent.parent
CLEARED = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "MAIL_BACKEND", "SMTP_HOST")


def start(**env: str) -> subprocess.CompletedProcess:
    """Start Django the way a server does (settings loaded, apps set up) with this environment."""
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment |= {"DJANGO_SETTINGS_MODULE": "huisvanhetkind.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_production_without_secret_key_refuses_to_start():
    result = start(DEBUG="0")
    assert result.returncode != 0
    assert last_line(result) == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set. "
        "Set SECRET_KEY in the environment (or DEBUG=1 for local development)."
    )


def test_debug_without_secret_key_starts():
    result = start(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_production_with_secret_key_starts():
    result = start(DEBUG="0", SECRET_KEY="a-long-random-production-key")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "url,message",
    [
        (
            "mysql://db/portal",
            "DATABASE_URL has an unsupported scheme 'mysql': use sqlite:/// or postgres://.",
        ),
        (
            "postgres://db:port/portal",
            "DATABASE_URL is not a valid URL: Port could not be cast to integer value",
        ),
        ("postgres://db:5432/", "DATABASE_URL for PostgreSQL needs a database name: postgres://host/name."),
    ],
)
def test_bad_database_url_stops_start_with_one_clear_line(url, message):
    result = start(DEBUG="1", DATABASE_URL=url)
    assert result.returncode != 0
    assert last_line(result).startswith("django.core.exceptions.ImproperlyConfigured: " + message)


@pytest.mark.parametrize(
    "url,message",
    [
        ("http://cache:6379/0", "REDIS_URL must look like redis://host:6379/0, not 'http://cache:6379/0'."),
        ("redis://cache:sixty/0", "REDIS_URL is not a valid URL: Port could not be cast to integer value"),
    ],
)
def test_bad_redis_url_stops_start_with_one_clear_line(url, message):
    result = start(DEBUG="1", REDIS_URL=url)
    assert result.returncode != 0
    assert last_line(result).startswith("django.core.exceptions.ImproperlyConfigured: " + message)


def test_bad_boolean_names_the_variable():
    result = start(DEBUG="maybe")
    assert last_line(result) == (
        "django.core.exceptions.ImproperlyConfigured: DEBUG must be a boolean (1/0, true/false), not 'maybe'."
    )


# --- huisvanhetkind/env.py -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected", [("1", True), ("TRUE", True), (" yes ", True), ("0", False), ("", False)]
)
def test_envbool_reads(monkeypatch, raw, expected):
    monkeypatch.setenv("HVHK_FLAG", raw)
    assert envbool("HVHK_FLAG") is expected


def test_envbool_default_and_error(monkeypatch):
    monkeypatch.delenv("HVHK_FLAG", raising=False)
    assert envbool("HVHK_FLAG", True) is True
    monkeypatch.setenv("HVHK_FLAG", "ja")
    with pytest.raises(ImproperlyConfigured, match="HVHK_FLAG must be a boolean"):
        envbool("HVHK_FLAG")


def test_envint_reads_and_checks(monkeypatch):
    monkeypatch.setenv("HVHK_N", "12")
    assert envint("HVHK_N", 3) == 12
    monkeypatch.setenv("HVHK_N", "")
    assert envint("HVHK_N", 3) == 3
    monkeypatch.setenv("HVHK_N", "twaalf")
    with pytest.raises(ImproperlyConfigured, match="HVHK_N must be a whole number, not 'twaalf'"):
        envint("HVHK_N", 3)
    monkeypatch.setenv("HVHK_N", "-1")
    with pytest.raises(ImproperlyConfigured, match="HVHK_N must be at least 0, not -1"):
        envint("HVHK_N", 3, minimum=0)


def test_envlist_splits_and_trims(monkeypatch):
    monkeypatch.setenv("HVHK_HOSTS", " a.example , b.example,,")
    assert envlist("HVHK_HOSTS") == ["a.example", "b.example"]


def test_parse_database_url_sqlite(tmp_path):
    assert parse_database_url("sqlite:///db.sqlite3", base_dir=tmp_path)["NAME"] == str(
        tmp_path / "db.sqlite3"
    )
    assert parse_database_url("sqlite:////var/lib/hvhk.db", base_dir=tmp_path)["NAME"] == "/var/lib/hvhk.db"
    assert parse_database_url("sqlite:///:memory:", base_dir=tmp_path)["NAME"] == ":memory:"
    with pytest.raises(ImproperlyConfigured, match="needs a file"):
        parse_database_url("sqlite://", base_dir=tmp_path)


def test_parse_database_url_postgres(tmp_path):
    config = parse_database_url(
        "postgres://hvhk:p%40ss@db.internal:5433/portal?sslmode=require", base_dir=tmp_path
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("portal", "hvhk", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")
    assert config["OPTIONS"]["sslmode"] == "require"
    assert "connect_timeout" in config["OPTIONS"]  # a dead database fails fast, not after minutes


@pytest.mark.parametrize(
    "url,message",
    [
        ("postgres://db/", "needs a database name"),
        ("postgres://db:99999/x", "is not a valid URL"),
        ("mongodb://db/x", "unsupported scheme 'mongodb'"),
    ],
)
def test_parse_database_url_errors(tmp_path, url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url, base_dir=tmp_path)


def test_check_redis_url():
    assert check_redis_url("redis://127.0.0.1:6379/1") == "redis://127.0.0.1:6379/1"
    assert check_redis_url("rediss://user:pw@cache:6380/0") == "rediss://user:pw@cache:6380/0"
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must look like"):
        check_redis_url("127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL is not a valid URL"):
        check_redis_url("redis://cache:port/0")


def _settings_value(expression: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED and k != "REDIS_CACHE_URL"}
    environment |= {"DJANGO_SETTINGS_MODULE": "huisvanhetkind.settings", "DEBUG": "1", **env}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_broker_and_cache_use_separate_redis_databases():
    assert (
        _settings_value("settings.CELERY_BROKER_URL", REDIS_URL="redis://redis:6379/0")
        == "redis://redis:6379/0"
    )
    cache = _settings_value("settings.CACHES['default']['LOCATION']", REDIS_URL="redis://redis:6379/0")
    assert cache == "redis://redis:6379/1"
    cache = _settings_value(
        "settings.CACHES['default']['LOCATION']",
        REDIS_URL="redis://redis:6379/2",
        REDIS_CACHE_URL="redis://cache:6379/0",
    )
    assert cache == "redis://cache:6379/0"


def test_redis_url_with_db():
    from huisvanhetkind.env import redis_url_with_db

    assert redis_url_with_db("redis://:pw@h:6379", 1) == "redis://:pw@h:6379/1"
    assert redis_url_with_db("rediss://h:6380/4", 1) == "rediss://h:6380/5"
    assert redis_url_with_db("unix:///run/redis.sock?db=2", 1) == "unix:///run/redis.sock?db=3"
    with pytest.raises(ImproperlyConfigured):
        redis_url_with_db("redis://h/15", 1)


def test_cache_entries_live_at_most_a_day(redis_url):
    """The HSDS API writes a key per distinct query; none may outlive CACHE_MAX_SECONDS."""
    from django.core.cache.backends.base import DEFAULT_TIMEOUT

    from huisvanhetkind.cache import FailOpenRedisCache

    cache = FailOpenRedisCache(redis_url, {"OPTIONS": {"max_timeout": 86400}})
    assert cache.get_backend_timeout(30 * 86400) == 86400
    assert cache.get_backend_timeout(None) == 86400
    assert cache.get_backend_timeout(60) == 60
    assert cache.get_backend_timeout(DEFAULT_TIMEOUT) == 300


def test_language_cookie_is_secure_and_lax():
    secure = _settings_value(
        "(settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_SAMESITE)", DEBUG="0", SECRET_KEY="k" * 50
    )
    assert secure == "(True, 'Lax')"
