"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py huisvanhetkind.wsgi`.

Read from the environment, like the Django settings: PORT (or GUNICORN_BIND), WEB_CONCURRENCY,
GUNICORN_TIMEOUT. Access lines are JSON without the client address, with tokens in paths masked
(huisvanhetkind/logs.py), because logs are kept longer than the data the portal promises to delete.
"""

import multiprocessing
import os

from huisvanhetkind.logs import gunicorn_access_format

MAX_WORKERS = 8


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Sync workers: the usual 2 × cores + 1, capped so a big host does not exhaust PostgreSQL connections.
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, MAX_WORKERS))
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory: a container's overlay filesystem can stall them and get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "huisvanhetkind.logs.GunicornLogger"
access_log_format = gunicorn_access_format()
