"""Property-based tests of the HSDS API with schemathesis, through the Django WSGI app.

schemathesis reads /api/openapi.json from the app — a faithful superset of the official HSDS 3.0
openapi.json (same paths and parameters, stricter parameter syntax, documented errors) — generates
valid and invalid requests for every operation and runs every check it has, including "valid data
accepted" and "schema-violating request rejected". One check of our own adds the official reference:
every 200 answer must also be valid against the official response schema of that path
(tests/api/official/3.0), so conformance to our document is never weaker than to the official one.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from huisvanhetkind.wsgi import application

from .hsds_official import OFFICIAL


@schemathesis.check
def conforms_to_the_official_reference(ctx, response, case):
    """A 200 answer is valid against the official HSDS 3.0 openapi.json's schema for the path."""
    if response.status_code != 200:
        return None
    minimal = (case.query or {}).get("minimal") in (True, "true")
    OFFICIAL.validate_answer(case.operation.path, json.loads(response.content), minimal=minimal)
    return None


# Read the document from the app itself, as a consumer would (the WSGI client sends Host: localhost).
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=25,
    deterministic=True,
    database="none",
)


@pytest.fixture
def api_ready(catalogue, settings):
    """A catalogue to find (a series among it), the WSGI client's host allowed and no rate limit for this
    busy client."""
    from tests import factories

    factories.ReeksFactory(aanbod=catalogue["derde"], bijeenkomsten=3)
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
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_conforms_to_its_openapi_document(case, api_ready):
    # Every built-in check (schemathesis' defaults: all of them) plus the official reference.
    case.call_and_validate(additional_checks=[conforms_to_the_official_reference])


def test_our_document_is_a_superset_of_the_official_one(client, db):
    """Every official path, operation and parameter is in ours, under the same name and place."""
    ours = json.loads(client.get("/api/openapi.json").content)
    official = OFFICIAL.openapi

    def parameters(document, operation):
        result = set()
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
            result.add((parameter["name"], parameter["in"]))
        return result

    assert set(official["paths"]) <= set(ours["paths"])
    for path, item in official["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert method in ours["paths"][path], (path, method)
            assert parameters(official, operation) <= parameters(ours, ours["paths"][path][method]) | (
                parameters(ours, ours["paths"][path])
            ), path
