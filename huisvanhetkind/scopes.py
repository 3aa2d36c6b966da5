"""Every request runs inside the scope its URL space and user allow, entered once here.

| URL space      | scope                                                                          |
| -------------- | ------------------------------------------------------------------------------ |
| `/partner/…`   | the partners the user is a member of (a coordinator: ALL); gemeenten not named |
| `/rapporten/…` | the gemeenten the user may read (a coordinator: ALL), and the public catalogue |
| `/admin/…`     | scopes disabled for staff (the admin is the coordinators'), else PUBLIC        |
| anything else  | PUBLIC: the wegwijzer, the API, feeds, registering, `/vraag/`, `/accounts/`    |

A language prefix (`/en/`, `/fr/`) is ignored. See `huisvanhetkind/lib/scoping.py` for the primitive.
"""

from django.conf import settings

from huisvanhetkind.lib.scoping import ALL, PUBLIC, scope, scopes_disabled
from partners.models import Gemeentetoegang, Lidmaatschap

_LANGUAGE_PREFIXES = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


def url_space(path: str) -> str:
    """The first segment of the path after an optional language prefix: "partner", "rapporten", …"""
    for prefix in _LANGUAGE_PREFIXES:
        if path.startswith(prefix):
            path = path[len(prefix) - 1 :]
            break
    return path.lstrip("/").split("/", 1)[0]


def _member_partner_ids(user) -> list[int]:
    # Who the user works for decides the scope, so it is read before any scope exists.
    return list(Lidmaatschap._base_manager.filter(user=user).values_list("partner_id", flat=True))


def _readable_gemeente_ids(user) -> list[int]:
    return list(Gemeentetoegang.objects.filter(user=user).values_list("gemeente_id", flat=True))


def request_scope(request) -> dict | None:
    """The scope for this request as `scope()` keyword arguments; None means scopes disabled."""
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    coordinator = authenticated and user.is_coordinator
    space = url_space(request.path_info)
    if space == "partner":
        if coordinator:
            return {"partner": ALL}
        return {"partner": _member_partner_ids(user) if authenticated else []}
    if space == "rapporten":
        if coordinator:
            return {"partner": PUBLIC, "gemeenten": ALL}
        return {"partner": PUBLIC, "gemeenten": _readable_gemeente_ids(user) if authenticated else []}
    if space == "admin" and authenticated and user.is_active and user.is_staff:
        return None
    return {"partner": PUBLIC}


class ScopeMiddleware:
    """Enter the request's scope around everything after authentication, the view included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        dimensions = request_scope(request)
        context = scopes_disabled() if dimensions is None else scope(**dimensions)
        with context:
            return self.get_response(request)
