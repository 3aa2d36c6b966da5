"""Load once, before the server forks, what Django otherwise loads lazily on each worker's first requests.

gunicorn imports the application in its master (`preload_app` in gunicorn.conf.py) and calls `warm_up`
there; every worker forked afterwards, also one that replaces a recycled worker, starts with the URL
patterns resolved for each language, the translation catalogues read, the static files' manifest loaded
and the project's templates compiled (the cached template loader keeps them). Without this each new
worker spent its first seconds of requests compiling templates while parents waited.

Nothing here may leave a connection open: a database or Redis socket opened in the master would be
shared by every forked worker. The warm-up touches neither, and closes both anyway at the end.
"""

import logging
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def project_template_names() -> list[str]:
    """The names of the project's own templates (its `templates/` and its apps'), not the libraries'."""
    from django.apps import apps
    from django.template import engines

    base = Path(settings.BASE_DIR).resolve()
    folders = []
    for engine in engines.all():
        folders.extend(Path(folder) for folder in engine.template_dirs)
    folders.extend(Path(app.path) / "templates" for app in apps.get_app_configs())
    names = set()
    for folder in folders:
        folder = folder.resolve()
        if not folder.is_dir() or not folder.is_relative_to(base) or ".venv" in folder.parts:
            continue
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".ics", ".css", ".js"}:
                names.add(path.relative_to(folder).as_posix())
    return sorted(names)


def warm_up() -> dict:
    """Resolve, translate and compile ahead of the first request; returns what it did (for the log)."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.cache import caches
    from django.db import connections
    from django.template import TemplateSyntaxError, engines
    from django.template.exceptions import TemplateDoesNotExist
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # reads the catalogue; the reverse map is kept per language
            resolver.reverse_dict  # noqa: B018 (populates it)
    staticfiles_storage.base_url  # noqa: B018 (sets the storage up: reads the manifest)
    # The database and cache clients import their drivers on first use; build them (no connection yet).
    for alias in connections:
        connections[alias].ops  # noqa: B018
    for alias in settings.CACHES:
        client = getattr(caches[alias], "_cache", None)  # Django's Redis backend: imports redis
        getattr(client, "_pool_class", None)

    compiled = failed = 0
    for name in project_template_names():
        for engine in engines.all():
            try:
                engine.get_template(name)
                compiled += 1
            except TemplateDoesNotExist:
                pass
            except (TemplateSyntaxError, UnicodeDecodeError, OSError) as error:
                failed += 1  # it fails the same way when a request asks for it
                logger.warning("warm-up: template %s did not compile: %s", name, error)

    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()
    logger.info("warm-up: %d templates compiled, %d failed", compiled, failed)
    return {"templates": compiled, "failed": failed}
