"""Scoping that fails closed, on django-scopes (the pretix team's library).

Partner-owned models get their default manager from `scoped_manager`. A query through it must run
inside a scope, or it raises `django_scopes.ScopeError` instead of returning every partner's rows:

- `scope(partner=[ids])`: the rows of those partners (a partner member's portal);
- `scope(partner=PUBLIC)`: only what the public may see (the model's `public` filter; nothing when the
  model has none, e.g. registrations);
- `scopes_disabled()`: everything, said out loud (the admin, Celery tasks, management commands, and a
  service that looks a row up by its secret token, which is the capability).

Views never enter a scope themselves: the request's scope is entered once, by middleware, from the
user and the URL space.
"""

from collections.abc import Callable

from django.db import models
from django_scopes import ScopedManager, ScopeError, get_scope, scope, scopes_disabled


class _Public:
    """The scope of an anonymous visitor: the public catalogue only."""

    def __repr__(self) -> str:
        return "PUBLIC"


PUBLIC = _Public()

__all__ = ["PUBLIC", "ScopeError", "get_scope", "scope", "scoped_manager", "scopes_disabled"]


def scoped_manager(
    queryset_class: type[models.QuerySet] = models.QuerySet,
    *,
    partner: str,
    public: Callable[[models.QuerySet], models.QuerySet] | None = None,
) -> models.Manager:
    """A default manager that needs a `partner` scope; `partner` is the lookup to the owning partner.

    `public` narrows the queryset for `scope(partner=PUBLIC)`; without it the public sees no rows.
    """
    base_class = models.Manager.from_queryset(queryset_class)
    scoped_class = type(ScopedManager(_manager_class=base_class, partner=partner))

    class Manager(scoped_class):
        def get_queryset(self):
            current = getattr(self, "_override_scope", None) or get_scope()
            if current.get("_enabled", True) and current.get("partner") is PUBLIC:
                queryset = base_class.get_queryset(self)
                return public(queryset) if public else queryset.none()
            return super().get_queryset()

    Manager.__name__ = f"Scoped{queryset_class.__name__}Manager"
    return Manager()
