"""Validation against the official HSDS files in tests/api/official/ (see the README there).

`OFFICIAL` answers, for one API answer, whether the official HSDS 3.0 API reference (openapi.json and
the JSON schemas it points to) accepts it. The reference points to its schemas by their URL on
raw.githubusercontent.com; those URLs are served here from the local copies, nothing is fetched.

The three fully nested schemas of the reference (`compiled/service.json`, `compiled/organization.json`,
`compiled/service_at_location.json`) are the schemas of schema/ with every `$ref` written out
(2–3.5 MB each), so those URLs resolve to the uncompiled files they were compiled from.
"""

import datetime
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = Path(__file__).parent / "official"
RAW = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI_URI = "urn:hsds:3.0:openapi"

# jsonschema checks `date-time` and `uri` only with optional packages; these are the RFC 3339 and
# RFC 3986 essentials (an offset is required; a URI needs a scheme and, for http(s), a host).
FORMATS = FormatChecker()
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@FORMATS.checks("date-time")
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not DATE_TIME.match(value):
        return False
    datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and (parts.scheme not in {"http", "https"} or bool(parts.netloc))


# The one erratum of the 3.0 reference: GET /service_at_locations/{id} points at compiled/service.json,
# the schema of a service (requiring `name` and `status`), where a service at location is meant, as in
# the list of the same path (compiled/service_at_location_list.json). Checked against that schema.
ERRATA = {"/service_at_locations/{id}": "compiled/service_at_location.json"}


class Official:
    """The official files of one HSDS version: validate objects and API answers against them."""

    def __init__(self, version: str):
        self.version = version
        self.directory = HERE / version
        self.openapi = json.loads((self.directory / "openapi.json").read_text())
        self.datapackage_path = self.directory / "datapackage.json"
        schemas = {
            path.name: json.loads(path.read_text()) for path in (self.directory / "schema").glob("*.json")
        }
        compiled = {
            path.name: json.loads(path.read_text())
            for path in (self.directory / "schema" / "compiled").glob("*.json")
        }
        resources = [(OPENAPI_URI, self.openapi)]
        for name, contents in schemas.items():
            resources.append((RAW + name, contents))
            if name not in compiled:
                resources.append((RAW + "compiled/" + name, contents))
        resources += [(RAW + "compiled/" + name, contents) for name, contents in compiled.items()]
        self.schemas = schemas
        self.registry = Registry().with_resources(
            (uri, Resource.from_contents(contents, default_specification=DRAFT202012))
            for uri, contents in resources
        )
        self.validated = 0

    def _errors(self, schema: dict, instance) -> list[str]:
        validator = Draft202012Validator(schema, registry=self.registry, format_checker=FORMATS)
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
        return [f"{list(error.absolute_path)}: {error.message}" for error in errors[:10]]

    def _check(self, schema: dict, instance, what: str) -> None:
        errors = self._errors(schema, instance)
        assert errors == [], f"not valid HSDS {self.version} ({what}):\n" + "\n".join(errors)
        self.validated += 1

    def validate_object(self, instance: dict, schema_name: str) -> None:
        """One object against one official schema file ("service.json")."""
        self._check({"$ref": RAW + schema_name}, instance, schema_name)

    def minimal_service_schema(self) -> dict:
        """`minimal=true`: "just service 'id' and 'modified_date'" (the reference's words), with the
        official definitions of those two fields of service.json (where the date is `last_modified`)."""
        properties = self.schemas["service.json"]["properties"]
        return {
            "type": "object",
            "properties": {"id": properties["id"], "last_modified": properties["last_modified"]},
            "required": ["id", "last_modified"],
            "additionalProperties": False,
        }

    def validate_answer(self, path: str, body, *, minimal: bool = False) -> None:
        """A 200 answer of GET `path` (a path of the reference: "/services/{id}") against its official
        response schema; a page's contents are also counted object by object."""
        if path in ERRATA:
            self._check({"$ref": RAW + ERRATA[path]}, body, f"GET {path} (erratum)")
            return
        pointer = (
            "/paths/"
            + path.replace("~", "~0").replace("/", "~1")
            + "/get/responses/200/content/application~1json/schema"
        )
        schema = {"$ref": OPENAPI_URI + "#" + pointer}
        if minimal:
            self._check({"$ref": OPENAPI_URI + "#/components/schemas/Page"}, body, "Page")
            for item in body["contents"]:
                self._check(self.minimal_service_schema(), item, "minimal service")
            return
        self._check(schema, body, f"GET {path}")
        self.validated += (
            len(body.get("contents", [])) if isinstance(body, dict) and "contents" in body else 0
        )


OFFICIAL = Official("3.0")
OFFICIAL_31 = Official("3.1-dev")

# Our paths -> the reference's path templates.
TEMPLATES = [
    (re.compile(r"^/api/hsds/?$"), "/"),
    (
        re.compile(r"^/api/hsds/(services|organizations|service_at_locations|taxonomies|taxonomy_terms)$"),
        "/{0}",
    ),
    (
        re.compile(
            r"^/api/hsds/(services|organizations|service_at_locations|taxonomies|taxonomy_terms)/[^/]+$"
        ),
        "/{0}/{{id}}",
    ),
]


def template_of(path: str) -> str | None:
    for pattern, template in TEMPLATES:
        if match := pattern.match(path):
            return template.format(*match.groups())
    return None
