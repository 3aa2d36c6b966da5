"""Scoping that fails closed, on django-scopes (the pretix team's library).

Partner-owned models get their default manager from `scoped_manager`. A query through it must run
inside a scope, or it raises `django_scopes.ScopeError` instead of returning every partner's rows.
A scope has up to two dimensions:

- `partner`: `scope(partner=[ids])` gives the rows of those partners (a member's portal);
  `scope(partner=PUBLIC)` only what the public may see (the model's `public` filter; nothing when the
  model has none, e.g. registrations); `scope(partner=ALL)` every partner's rows (a coordinator).
- `gemeenten`: `scope(gemeenten=[ids])` gives the figures of those gemeenten (a municipality user's
  reports), whoever recorded them; `gemeenten=ALL` every gemeente's. A model with a `gemeente` lookup
  is filtered by this dimension whenever it is in the scope, before the `partner` dimension.

A model whose dimensions are all missing from the current scope raises on first use.
`scopes_disabled()` sees everything, said out loud: the admin, Celery tasks, management commands, and a
service that looks a row up by its secret token, which is the capability.

Views never enter a scope themselves: the request's scope is entered once, by middleware
(`huisvanhetkind.scopes`), from the user and the URL space. A model's `_base_manager` stays plain, so
following a foreign key from a row one already holds never raises.
"""

from collections.abc import Callable

from django.db import models
from django.db.models import Q
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


PUBLIC = _Sentinel("PUBLIC")
"""The `partner` scope of an anonymous visitor: the public catalogue only."""

ALL = _Sentinel("ALL")
"""Every partner's (or gemeente's) rows, inside an otherwise enabled scope: a coordinator."""

__all__ = [
    "ALL",
    "PUBLIC",
    "ScopeError",
    "get_scope",
    "partner_scope",
    "scope",
    "scoped_ids",
    "scoped_manager",
    "scopes_disabled",
]


def partner_scope(partner_id: int):
    """Enter one partner's scope, for a rule that acts on that partner's rows on someone's behalf.

    Registering for an activity is the example: the visitor's scope is PUBLIC and sees no registrations,
    but the capacity rule counts the activity's own ones. The service narrows to the activity's partner
    rather than disabling the scopes.
    """
    return scope(partner=[partner_id])


def scoped_ids(dimension: str):
    """The ids of `dimension` ("partner" or "gemeenten") in the current scope: a list, ALL or PUBLIC.

    ALL when the scopes are disabled; raises `ScopeError` when the scope does not name the dimension.
    """
    current = get_scope()
    if not current.get("_enabled", True):
        return ALL
    if dimension not in current:
        raise ScopeError(f"A scope on dimension {dimension} needs to be active here.")
    return current[dimension]


def _disabled_class(queryset_class: type[models.QuerySet]) -> type[models.QuerySet]:
    class Disabled(DisabledQuerySet, queryset_class):
        # A form field built at import time (ModelForm fields) copies its queryset with `.all()` when a
        # form is instantiated; let that copy through, still disabled: evaluating it raises.
        def all(self):
            return self._clone()

        # django-scopes blocks the common methods but lets `exclude()`, `select_related()` and friends
        # chain on; every way a query reaches the database must raise, also as a subquery.
        _fetch_all = DisabledQuerySet.error
        exists = DisabledQuerySet.error
        contains = DisabledQuerySet.error
        in_bulk = DisabledQuerySet.error
        explain = DisabledQuerySet.error
        _update = DisabledQuerySet.error
        _raw_delete = DisabledQuerySet.error
        resolve_expression = DisabledQuerySet.error

    Disabled.__name__ = f"Disabled{queryset_class.__name__}"
    return Disabled


def scoped_manager(
    queryset_class: type[models.QuerySet] = models.QuerySet,
    *,
    partner: str | tuple[str, ...] | None = None,
    gemeente: str | None = None,
    public: Callable[[models.QuerySet], models.QuerySet] | None = None,
    shared: Q | None = None,
) -> models.Manager:
    """A default manager that needs a scope; `partner`/`gemeente` are the lookups to the owners.

    `partner` may be a tuple of lookups for a row owned through one of several paths (a registration is
    for an activity or for a series): a row is in the scope when any of them leads to a scoped partner.

    `public` narrows the queryset for `scope(partner=PUBLIC)`; without it the public sees no rows.
    `shared` are rows every partner scope sees besides its own (locations no partner owns).
    """
    if partner is None and gemeente is None:
        raise ValueError("A scoped model needs a partner or a gemeente lookup.")
    base_class = models.Manager.from_queryset(queryset_class)
    disabled_class = _disabled_class(queryset_class)
    dimensions = {name for name, lookup in (("partner", partner), ("gemeenten", gemeente)) if lookup}

    class Manager(base_class):
        def get_queryset(self):
            current = getattr(self, "_override_scope", None) or get_scope()
            queryset = super().get_queryset()
            if not current.get("_enabled", True):
                return queryset
            if gemeente and "gemeenten" in current:
                return _narrow(queryset, gemeente, current["gemeenten"])
            if partner and "partner" in current:
                value = current["partner"]
                if value is PUBLIC:
                    return public(queryset) if public else queryset.none()
                return _narrow(queryset, partner, value, shared)
            return disabled_class(self.model, using=self._db, missing_scopes=sorted(dimensions))

        def all(self):
            return self.get_queryset()

    Manager.__name__ = f"Scoped{queryset_class.__name__}Manager"
    return Manager()


def _narrow(
    queryset: models.QuerySet, lookup: str | tuple[str, ...], value, shared: Q | None = None
) -> models.QuerySet:
    if value is ALL:
        return queryset
    if value is PUBLIC or not isinstance(value, list | tuple | set | frozenset):
        raise ScopeError(f"A scope value must be a list of ids or ALL, not {value!r}.")
    lookups = lookup if isinstance(lookup, tuple) else (lookup,)
    condition = Q()
    for path in lookups:
        condition |= Q(**{f"{path}__in": list(value)})
    if shared is not None:
        condition |= shared
    return queryset.filter(condition)
