"""Celery tasks of the aanbod app (thin: each calls a service). Imported here so autodiscovery finds them."""

from . import inschrijvingen, moderatie, nagekeken, wegwijzer  # noqa: F401
