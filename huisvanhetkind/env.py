"""Tiny typed readers for settings from the environment.

A bad value raises ImproperlyConfigured with one line that names the variable, so that a
mistyped deployment fails at start-up instead of deep in a request.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def parse_database_url(url: str, *, base_dir: Path) -> dict:
    """Turn DATABASE_URL (sqlite:///path or postgres://user:pass@host:port/name) into a DATABASES entry."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid URL: {error}.") from None
    if parts.scheme == "sqlite":
        # sqlite:///relative.db, sqlite:////absolute/path.db, sqlite:///:memory:
        path = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise ImproperlyConfigured("DATABASE_URL for sqlite needs a file: sqlite:///db.sqlite3.")
        name = path if path == ":memory:" or Path(path).is_absolute() else str(base_dir / path)
        # WAL with synchronous=NORMAL: a commit no longer waits for an fsync (only checkpoints do), which
        # makes the first `make run` (45 migrations, the demo data) several times faster on a busy disk.
        # A crash of the machine may lose the last commits, never the file: right for a laptop database.
        options = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": options}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                "DATABASE_URL for PostgreSQL needs a database name: postgres://host/name."
            )
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        # Fail fast while PostgreSQL restarts, and never let one query hold a worker for long. No JIT: the
        # wegwijzer's filters (EXISTS subplans over 5,000 aanbod) are estimated far above jit_above_cost, and
        # compiling them took 130-250 ms for queries that execute in a few (bench/explain.py). No parallel
        # workers either: a page's queries read a few hundred pages, and starting a worker process took
        # longer than the query (thema=slapen: 8 ms with a worker, 2 without); under load the cores are
        # busy serving other requests anyway.
        options.setdefault("connect_timeout", "3")
        options.setdefault(
            "options", "-c statement_timeout=30000 -c jit=off -c max_parallel_workers_per_gather=0"
        )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL has an unsupported scheme {parts.scheme!r}: use sqlite:/// or postgres://."
    )


def check_redis_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise ImproperlyConfigured(f"REDIS_URL is not a valid URL: {error}.") from None
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(f"REDIS_URL must look like redis://host:6379/0, not {url!r}.")
    return url


def redis_url_with_db(url: str, offset: int) -> str:
    """The same Redis server, database number + `offset`: redis://h:6379/0 -> redis://h:6379/1.

    The broker and the cache then never share a database (a flood of cache keys cannot crowd out the
    queue, and clearing the cache never empties the queue). A unix socket URL takes ?db=n.
    """
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = parse_qs(parts.query)
        db = int((query.pop("db", ["0"]))[-1] or 0) + offset
        rest = "&".join(f"{key}={value}" for key, values in query.items() for value in values)
        return f"unix://{parts.netloc}{parts.path}?" + "&".join(filter(None, [rest, f"db={db}"]))
    path = parts.path.strip("/")
    db = int(path or 0) + offset
    if db > 15:
        raise ImproperlyConfigured(f"REDIS_URL's database {db - offset} leaves no room for the cache.")
    return parts._replace(path=f"/{db}").geturl()
