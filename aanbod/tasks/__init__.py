"""Celery tasks of the aanbod app (thin: each calls a service). Imported here so autodiscovery finds them."""

from . import freshness, inschrijvingen, moderatie  # noqa: F401
