"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py huisvanhetkind.wsgi`.

Read from the environment, like the Django settings: PORT (or GUNICORN_BIND), WEB_CONCURRENCY,
GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS. Access lines are JSON without the client address, with tokens in
paths masked (huisvanhetkind/logs.py), because logs are kept longer than the data the portal promises to
delete.

This is the configuration `bench/load.sh` measures (it runs this file with only the bind address and the
access log's destination changed); the choices below are the ones its figures support
(docs/architecture-notes.md, "Serving under load"):

- sync workers, 2 × cores + 1. The work is CPU-bound Python, so threads in a worker only queue on its
  GIL; a sync worker takes the next connection from the kernel's accept queue when it is free, which
  shares the load fairly (first come, first served) and keeps the slowest requests close to the median.
  A sync worker answers with `Connection: close`; Caddy opens a new connection to it for each request,
  which on the compose network costs next to nothing.
- the application is imported once, in the master (`preload_app`), and warmed there (URL patterns,
  translations, the compiled templates) before the workers are forked. Importing Django and the project
  costs about 3 s of CPU; without preloading every worker paid it at start and again each time it was
  recycled, which on two cores stalled the whole server for seconds (a p99 in seconds under load).
- workers are still recycled now and then, against a slow leak, but rarely and spread out (a large
  jitter), so they never restart together; with the preloaded application a restart is only a fork.
- no control socket (gunicorn ≥ 25): nothing here uses `gunicornc`, and the master stops and restarts
  the socket's thread around every fork.
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
# The kernel's queue of connections not yet accepted (gunicorn's default): Caddy's connections wait here
# while every worker is busy.
backlog = 2048

# Import once in the master, warm up there (when_ready), fork the workers from it.
preload_app = True
control_socket_disable = True

# Recycle a worker after this many requests (± a fifth), so a slow leak cannot grow without bound; the
# jitter keeps the workers from restarting at the same moment. 0 turns recycling off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 5
# Heartbeat files in memory: a container's overlay filesystem can stall them and get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "huisvanhetkind.logs.GunicornLogger"
access_log_format = gunicorn_access_format()


def when_ready(server) -> None:
    """In the master, after the application was imported (preload_app): warm what every worker needs.

    Then move everything loaded so far out of the garbage collector's sight (gc.freeze, as the gc module's
    documentation advises before forking): the workers' collections no longer walk Django's and the
    project's hundreds of thousands of long-lived objects, which took tens of milliseconds a time and
    copied the shared memory page by page.
    """
    if server.cfg.preload_app:
        import gc

        from huisvanhetkind.warmup import warm_up

        warm_up()
        gc.collect()
        gc.freeze()
