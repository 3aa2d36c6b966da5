"""Error pages. A database that cannot be reached is a 503 with a friendly page, not a 500."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template.loader import render_to_string

from .middleware import DatabaseUnavailableMiddleware


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return DatabaseUnavailableMiddleware(None).unavailable(error)
    # Rendered without a request context: the failure may lie in whatever the context needs.
    return HttpResponseServerError(render_to_string("500.html"))
