"""Property-based tests of the HSDS API against its own OpenAPI document, through the Django WSGI app.

schemathesis reads /api/openapi.json from the app, generates valid and invalid requests for every
operation, and checks that no answer is a 500 and that every answer (status, content type, headers,
body) is what the document says.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings

from huisvanhetkind.wsgi import application

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


# Read the document from the app itself, as a consumer would (the WSGI client sends Host: localhost).
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(max_examples=15, deterministic=True, database="none")


@pytest.fixture
def api_ready(catalogue, settings):
    """A catalogue to find, the WSGI client's host allowed and no rate limit for this busy client."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.HSDS_RATE_PER_MINUTE = 1_000_000
    # The app is called directly, not through Django's test client: like that client, keep the test's
    # connection (and its transaction) open across requests instead of closing it at each request's end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_conforms_to_its_openapi_document(case, api_ready):
    case.call_and_validate(checks=CHECKS)
