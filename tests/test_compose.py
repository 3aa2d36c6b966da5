"""The production shape: docker-compose.yml, the Dockerfile, gunicorn.conf.py and .env.example.

No Docker engine runs here, so these tests read the files and check that what they name exists in
the project: the gunicorn config and WSGI module, the Celery app, the manage.py commands, the volumes,
and that every environment variable the settings read is documented.
"""

import importlib
import re
import runpy
import shlex
import threading
import urllib.error
import urllib.parse
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import yaml
from django.core.management import get_commands

from huisvanhetkind.env import parse_database_url

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "collectstatic", "web", "worker", "beat"]
LONG_RUNNING = ["caddy", "postgres", "redis", "web", "worker", "beat"]
INTERPOLATION = re.compile(r"\$\{([A-Z_]+)(?::?[-?][^}]*)?\}")


def command(service: str) -> list[str]:
    value = SERVICES[service]["command"]
    return shlex.split(value) if isinstance(value, str) else value


def interpolate(text: str, **values: str) -> str:
    return INTERPOLATION.sub(lambda m: values.get(m.group(1), "secret"), text)


def healthcheck_program(service: str) -> str:
    test = SERVICES[service]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    return test[3]


def test_compose_has_the_production_services():
    assert set(SERVICES) == {
        "caddy",
        "postgres",
        "redis",
        "migrate",
        "collectstatic",
        "web",
        "worker",
        "beat",
    }
    assert SERVICES["postgres"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"
    for name in APP_SERVICES:
        assert SERVICES[name]["build"] == "."
    assert (ROOT / "Dockerfile").is_file()


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_compose_service_has_a_healthcheck(name):
    healthcheck = SERVICES[name]["healthcheck"]
    assert healthcheck["test"]
    assert healthcheck["interval"]


def test_compose_healthchecks_use_the_right_tools():
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    assert SERVICES["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "/healthz" in healthcheck_program("web")
    assert "inspect ping" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    for name in ["web", "beat"]:
        compile(healthcheck_program(name), f"{name} healthcheck", "exec")


def test_compose_web_runs_gunicorn_with_the_project_config_and_wsgi_module():
    args = command("web")
    assert args[0] == "gunicorn"
    config = args[args.index("-c") + 1]
    assert (ROOT / config).is_file()
    module, _, attribute = args[-1].partition(":")
    wsgi = importlib.import_module(module)
    assert callable(getattr(wsgi, attribute or "application"))


@pytest.mark.parametrize("name,subcommand", [("worker", "worker"), ("beat", "beat")])
def test_compose_celery_services_use_the_project_app(name, subcommand):
    from celery import Celery

    args = command(name)
    assert args[0] == "celery"
    app_module = args[args.index("-A") + 1]
    assert isinstance(importlib.import_module(app_module).celery_app, Celery)
    assert args[args.index("-A") + 2] == subcommand


def test_compose_beat_keeps_its_schedule_in_a_volume():
    schedule = next(arg for arg in command("beat") if arg.startswith("--schedule="))
    directory = str(Path(schedule.split("=", 1)[1]).parent)
    assert any(volume.endswith(f":{directory}") for volume in SERVICES["beat"]["volumes"])


def test_compose_migrate_runs_an_existing_management_command():
    args = command("migrate")
    assert args[:2] == ["python", "manage.py"]
    assert (ROOT / "manage.py").is_file()
    assert args[2] in get_commands()
    assert SERVICES["migrate"]["restart"] == "no"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_compose_app_services_wait_for_the_migration(name):
    depends = SERVICES[name]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["redis"]["condition"] == "service_healthy"


def test_compose_declares_every_named_volume_it_uses():
    declared = set(COMPOSE["volumes"])
    used = {
        volume.split(":", 1)[0]
        for service in SERVICES.values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used == declared
    assert {"postgres-data", "redis-data", "media"} <= declared


def test_compose_app_environment_points_at_its_services():
    environment = SERVICES["web"]["environment"]
    assert environment["DEBUG"] == "0"
    database = parse_database_url(interpolate(environment["DATABASE_URL"]), base_dir=ROOT)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "postgres"
    assert database["NAME"] == SERVICES["postgres"]["environment"]["POSTGRES_DB"]
    assert database["USER"] == SERVICES["postgres"]["environment"]["POSTGRES_USER"]
    assert urllib.parse.urlsplit(environment["REDIS_URL"]).hostname == "redis"
    assert environment["MEDIA_ROOT"] in {v.split(":", 1)[1] for v in SERVICES["web"]["volumes"]}


def test_compose_only_the_proxy_publishes_ports():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"caddy"}
    assert {port.split("/")[0] for port in SERVICES["caddy"]["ports"]} == {"80:80", "443:443"}
    assert SERVICES["web"]["expose"] == ["8000"]


def test_compose_trusts_exactly_the_one_proxy_it_runs():
    """Behind Caddy every request comes from Caddy's address: without RATELIMIT_TRUSTED_PROXIES=1 the
    per-client limits would be site-wide (one client's wrong codes lock every parent out)."""
    assert SERVICES["web"]["environment"]["RATELIMIT_TRUSTED_PROXIES"] == "1"
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    # Caddy keeps no client-sent X-Forwarded-For unless told to trust an outer proxy.
    assert not re.search(r"^\s*trusted_proxies", caddyfile, re.MULTILINE)
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in SERVICES["caddy"]["volumes"]


def test_compose_proxy_serves_static_files_and_uploaded_pictures():
    """With DEBUG off Django serves no /media/: Caddy serves the pictures and the collected static files
    from the same volumes the app writes."""
    from django.conf import settings

    caddy = {volume.split(":")[0]: volume.split(":")[1] for volume in SERVICES["caddy"]["volumes"]}
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "handle /static/*" in caddyfile and "@media_image" in caddyfile
    assert caddy["static"] == "/srv" + settings.STATIC_URL.rstrip("/")
    assert caddy["media"] == "/srv" + settings.MEDIA_URL.rstrip("/")
    assert "media:" + SERVICES["web"]["environment"]["MEDIA_ROOT"] in SERVICES["web"]["volumes"]
    assert "static:/app/staticfiles" in SERVICES["collectstatic"]["volumes"]
    args = command("collectstatic")
    assert args[:3] == ["python", "manage.py", "collectstatic"]
    assert SERVICES["web"]["depends_on"]["collectstatic"]["condition"] == "service_completed_successfully"


def test_compose_keeps_the_cache_off_the_brokers_redis_database():
    redis_url = SERVICES["web"]["environment"]["REDIS_URL"]
    assert urllib.parse.urlsplit(redis_url).path == "/0"
    assert "volatile-lru" in SERVICES["redis"]["command"]


@pytest.fixture
def portal_url(db):
    """The portal served over HTTP from a thread (no live_server: its flush would empty reference data)."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    django_app = get_wsgi_application()

    def app(environ, start_response):
        try:
            return django_app(environ, start_response)
        finally:
            connections.close_all()  # this thread's connection, so the test database can be dropped

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_compose_web_healthcheck_passes_against_a_running_portal(portal_url, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["portaal.example.org"]
    monkeypatch.setenv("ALLOWED_HOSTS", "portaal.example.org,www.portaal.example.org")
    program = healthcheck_program("web").replace("http://127.0.0.1:8000", portal_url)
    exec(compile(program, "web healthcheck", "exec"), {})  # raises on a 400 or 503


def test_compose_web_healthcheck_fails_when_the_host_is_not_allowed(portal_url, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["portaal.example.org"]
    monkeypatch.setenv("ALLOWED_HOSTS", "elders.example.org")
    program = healthcheck_program("web").replace("http://127.0.0.1:8000", portal_url)
    with pytest.raises(urllib.error.HTTPError) as error:
        exec(compile(program, "web healthcheck", "exec"), {})
    assert error.value.code == 400


def test_dockerfile_builds_a_non_root_image_with_collected_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") or dockerfile.startswith("FROM")
    assert "FROM python:3.13-slim" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    collectstatic = next(line for line in dockerfile.splitlines() if "collectstatic" in line)
    assert "STATIC_MANIFEST=1" in collectstatic
    assert "SECRET_KEY=" in collectstatic
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "huisvanhetkind.wsgi"]' in dockerfile


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in [".env", ".venv", ".git", "db.sqlite3", "media"]:
        assert entry in ignored


def test_gunicorn_config_reads_port_and_caps_workers(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == "0.0.0.0:8123"
    assert 1 <= config["workers"] <= config["MAX_WORKERS"]
    assert config["timeout"] > 0
    assert "%(h)s" not in config["access_log_format"]  # no client addresses in the access log
    module, _, name = config["logger_class"].rpartition(".")
    assert getattr(importlib.import_module(module), name)


def test_gunicorn_config_preloads_the_app_and_recycles_workers_rarely_and_apart(monkeypatch):
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_class"] == "sync"
    assert config["preload_app"] is True
    assert config["control_socket_disable"] is True
    assert config["max_requests"] >= 10000
    assert config["max_requests"] // 10 <= config["max_requests_jitter"] < config["max_requests"]
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "0")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["max_requests"] == 0


def test_gunicorn_warms_up_in_the_master_only_when_preloading(monkeypatch):
    from types import SimpleNamespace

    import huisvanhetkind.warmup

    calls = []
    monkeypatch.setattr(huisvanhetkind.warmup, "warm_up", lambda: calls.append("warm") or {})
    monkeypatch.setattr("gc.freeze", lambda: calls.append("freeze"))
    when_ready = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["when_ready"]
    when_ready(SimpleNamespace(cfg=SimpleNamespace(preload_app=False)))
    assert calls == []
    when_ready(SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))
    assert calls == ["warm", "freeze"]


def test_gunicorn_config_takes_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3


def test_env_example_documents_every_variable_the_settings_read():
    source = (ROOT / "huisvanhetkind" / "settings.py").read_text()
    read = set(re.findall(r"\benv(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", source))
    read |= set(re.findall(r"os\.environ(?:\.get)?[\[(]\s*\"([A-Z0-9_]+)\"", source))
    documented = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read, "found no environment variables in settings.py"
    missing = sorted(read - documented)
    assert not missing, f"add these to .env.example with their default and meaning: {missing}"


def test_env_example_covers_what_compose_interpolates():
    text = (ROOT / "docker-compose.yml").read_text()
    documented = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert set(INTERPOLATION.findall(text)) <= documented
