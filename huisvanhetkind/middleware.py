import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("huisvanhetkind.availability")

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer at once with a friendly 503 page.

    The page is rendered without a request context, so rendering it does not touch the database
    again (no session, no user, no Netwerk record).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            return self.unavailable(error)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            return self.unavailable(exception)
        return None

    def unavailable(self, error: Exception) -> HttpResponse:
        logger.error("database unavailable: %s", type(error).__name__)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
