"""The OpenAPI 3.1 document of the HSDS API (served at /api/openapi.json).

A faithful superset of the official HSDS 3.0 API reference (schema/openapi.json of
openreferral/specification, copied in tests/api/official/): the same paths, operations and
parameters, every answer also valid against the official response schemas (the test suite checks
both), and in addition what the reference leaves open: the parameters' exact syntax (a UUID, 1 to
100 per page, true or false — anything else is a 400), the error answers, and the schemas as a
profile of what this API returns. The HSDS 3.1 fields (`capacities`, `additional_websites`) are
optional here and present when HSDS_VERSION is 3.1.
"""

import re

from .params import (
    MAX_INTEGER,
    MAX_PER_PAGE,
    MAX_SEARCH_LENGTH,
    POSTCODE_PATTERN,
    PROXIMITY_DISTANCE_PATTERN,
    PROXIMITY_POINT_PATTERN,
    UUID_PATTERN,
)

UUID = {"type": "string", "format": "uuid"}
UUID_PARAM = {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}
STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
URI = {"type": "string", "format": "uri"}
# HH:MM:SS with the UTC offset of that day in Belgium: "19:30:00+02:00".
TIME_WITH_OFFSET = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9][+-][0-9]{2}:[0-9]{2}$"}


def _ecma(pattern: str) -> str:
    """A Python pattern as JSON Schema reads it (ECMA 262 has no `(?P<name>` groups)."""
    return re.sub(r"\(\?P<\w+>", "(", pattern)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def _object(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required}


SCHEMAS = {
    "Error": _object(
        {
            "status": {"type": "integer"},
            "error": STRING,
            "message": STRING,
            "parameter": STRING,
        },
        ["status", "error", "message"],
    ),
    "Page": _object(
        {
            "total_items": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 1},
            "page_number": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 0},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array"},
        },
        ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"],
    ),
    "Meta": _object(
        {
            "version": STRING,
            "profile": URI,
            "openapi_url": URI,
            "description": STRING,
            "publisher": _object(
                {"name": STRING, "email": {"type": "string", "format": "email"}, "website": URI}, ["name"]
            ),
        },
        ["version", "profile", "openapi_url"],
    ),
    "Taxonomy": _object(
        {"id": UUID, "name": STRING, "description": STRING, "uri": URI, "version": STRING},
        ["id", "name", "description"],
    ),
    "TaxonomyTerm": _object(
        {
            "id": UUID,
            "code": STRING,
            "name": STRING,
            "description": STRING,
            "taxonomy": STRING,
            "taxonomy_id": UUID,
            "taxonomy_detail": _ref("Taxonomy"),
            "language": STRING,
        },
        ["id", "name", "description"],
    ),
    "Attribute": _object(
        {
            "id": UUID,
            "link_id": UUID,
            "link_entity": STRING,
            "link_type": STRING,
            "taxonomy_term_id": UUID,
            "taxonomy_term": _ref("TaxonomyTerm"),
        },
        ["id", "taxonomy_term_id"],
    ),
    "Phone": _object(
        {"id": UUID, "organization_id": UUID, "service_id": UUID, "number": STRING, "type": STRING},
        ["id", "number"],
    ),
    "Address": _object(
        {
            "id": UUID,
            "location_id": UUID,
            "address_1": STRING,
            "city": STRING,
            "region": STRING,
            "state_province": STRING,
            "postal_code": STRING,
            "country": STRING,
            "address_type": {"type": "string", "enum": ["physical", "postal", "virtual"]},
        },
        ["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    ),
    "Accessibility": _object({"id": UUID, "location_id": UUID, "description": STRING}, ["id"]),
    "Location": _object(
        {
            "id": UUID,
            "location_type": {"type": "string", "enum": ["physical", "postal", "virtual"]},
            "organization_id": UUID,
            "name": STRING,
            "description": STRING,
            "latitude": {"type": "number"},
            "longitude": {"type": "number"},
            "addresses": _array("Address"),
            "accessibility": _array("Accessibility"),
        },
        ["id", "location_type"],
    ),
    "Schedule": _object(
        {
            "id": UUID,
            "service_id": UUID,
            "location_id": UUID,
            "service_at_location_id": UUID,
            "valid_from": DATE,
            "valid_to": DATE,
            "dtstart": DATE,
            "until": DATE,
            "timezone": {"type": "number", "description": "UTC offset in hours on these dates."},
            "count": {"type": "integer"},
            "wkst": {"type": "string", "enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
            "freq": {"type": "string", "enum": ["WEEKLY", "MONTHLY"]},
            "interval": {"type": "integer"},
            "byday": STRING,
            "opens_at": TIME_WITH_OFFSET,
            "closes_at": TIME_WITH_OFFSET,
            "description": STRING,
            "notes": STRING,
            "schedule_link": URI,
            "attending_type": STRING,
        },
        ["id", "service_id"],
    ),
    "Language": _object({"id": UUID, "service_id": UUID, "name": STRING, "code": STRING}, ["id"]),
    "ServiceArea": _object(
        {"id": UUID, "service_id": UUID, "name": STRING, "description": STRING, "uri": STRING}, ["id"]
    ),
    "CostOption": _object(
        {
            "id": UUID,
            "service_id": UUID,
            "currency": STRING,
            "amount": {"type": "number"},
            "option": STRING,
            "amount_description": STRING,
        },
        ["id"],
    ),
    "Service": _object(
        {
            "id": UUID,
            "organization_id": UUID,
            "name": STRING,
            "description": STRING,
            "url": URI,
            "email": {"type": "string", "format": "email"},
            "status": {"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]},
            "application_process": STRING,
            "fees_description": STRING,
            "eligibility_description": STRING,
            "minimum_age": {"type": "integer"},
            "maximum_age": {"type": "integer"},
            "assured_date": DATE,
            "last_modified": DATE_TIME,
            "capacities": _array("ServiceCapacity"),
        },
        ["id", "name", "status", "last_modified"],
    ),
    "MinimalService": {
        "type": "object",
        "description": "A service as `minimal=true` gives it: its id and modified date only.",
        "properties": {"id": UUID, "last_modified": DATE_TIME},
        "required": ["id", "last_modified"],
        "additionalProperties": False,
    },
    "Unit": _object({"id": UUID, "name": STRING, "scheme": STRING, "identifier": STRING}, ["id", "name"]),
    "ServiceCapacity": _object(
        {
            "id": UUID,
            "service_id": UUID,
            "unit": _ref("Unit"),
            "available": {"type": "number", "minimum": 0},
            "maximum": {"type": "number", "minimum": 0},
            "description": STRING,
            "updated": DATE_TIME,
        },
        ["id", "unit", "available", "updated"],
    ),
    "Url": _object(
        {"id": UUID, "label": STRING, "url": URI, "organization_id": UUID, "service_id": UUID}, ["id", "url"]
    ),
    "Organization": _object(
        {
            "id": UUID,
            "name": STRING,
            "description": STRING,
            "email": {"type": "string", "format": "email"},
            "website": URI,
            "logo": URI,
            "uri": URI,
            "phones": _array("Phone"),
            "additional_websites": _array("Url"),
        },
        ["id", "name", "description"],
    ),
}

SCHEMAS["ServiceAtLocation"] = _object(
    {
        "id": UUID,
        "service_id": UUID,
        "location_id": UUID,
        "description": STRING,
        "location": _ref("Location"),
        "schedules": _array("Schedule"),
        "contacts": {"type": "array", "items": {"type": "object"}},
        "phones": _array("Phone"),
        "service": _ref("Service"),
    },
    ["id", "service_id", "location_id", "location"],
)
SCHEMAS["FullService"] = {
    "allOf": [
        _ref("Service"),
        _object(
            {
                "organization": _ref("Organization"),
                "service_at_locations": _array("ServiceAtLocation"),
                "schedules": _array("Schedule"),
                "phones": _array("Phone"),
                "contacts": {"type": "array", "items": {"type": "object"}},
                "languages": _array("Language"),
                "service_areas": _array("ServiceArea"),
                "cost_options": _array("CostOption"),
                "attributes": _array("Attribute"),
            },
            ["organization", "service_at_locations", "schedules", "attributes"],
        ),
    ]
}
SCHEMAS["FullOrganization"] = {
    "allOf": [
        _ref("Organization"),
        _object(
            {"services": _array("Service"), "locations": _array("Location")},
            ["services", "locations"],
        ),
    ]
}


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PARAMETERS = {
    "search": _param(
        "search",
        {"type": "string", "maxLength": MAX_SEARCH_LENGTH, "pattern": "^[^\\u0000]*$"},
        "Words that must all occur in the name or description.",
    ),
    "page": _param(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_INTEGER},
        "Page number, from 1.",
    ),
    "per_page": _param(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        f"Results per page: 1 to {MAX_PER_PAGE} (default 25); more is a 400.",
    ),
    "format": _param("format", {"type": "string", "enum": ["json"]}, "Only json is offered."),
    "taxonomy_term_id": _param("taxonomy_term_id", UUID_PARAM, "Only records with this taxonomy term."),
    "taxonomy_id": _param("taxonomy_id", UUID_PARAM, "Only records with a term of this taxonomy."),
    "organization_id": _param("organization_id", UUID_PARAM, "Only services of this organization."),
    "modified_after": _param(
        "modified_after",
        {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date", "pattern": "^[0-9-]{10}$"}]},
        "Only services changed on or after this RFC 3339 date-time (or date, from midnight in Belgium).",
    ),
    "minimal": _param("minimal", {"type": "boolean"}, "Only the id and modified date of each service."),
    "full": _param("full", {"type": "boolean"}, "Fully nested records."),
    "full_service": _param("full_service", {"type": "boolean"}, "Fully nested services in an organization."),
    "postcode": _param(
        "postcode",
        {"type": "string", "pattern": POSTCODE_PATTERN},
        "Only places with this postcode; with a bare `proximity`, the point to measure from.",
    ),
    "proximity": _param(
        "proximity",
        {
            "type": "string",
            "anyOf": [
                {"pattern": _ecma(PROXIMITY_DISTANCE_PATTERN)},
                {"pattern": _ecma(PROXIMITY_POINT_PATTERN)},
            ],
        },
        "Only places within this many metres of the centroid of `postcode` (as HSDS defines it; without "
        "`postcode`, or when no place in it has coordinates, nothing is within it), or of a point given "
        "as latitude,longitude,metres (e.g. 51.05,3.72,5000). Nearest first.",
    ),
    "top_only": _param("top_only", {"type": "boolean"}, "Only top terms (all terms here are top terms)."),
    "parent_id": _param(
        "parent_id", UUID_PARAM, "Only children of this term (the taxonomies here are flat)."
    ),
}


def _params(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


HEADERS = {
    "ETag": {"description": "Strong validator of the body.", "schema": STRING},
    "Last-Modified": {"description": "When this body last changed.", "schema": STRING},
    "Access-Control-Allow-Origin": {"description": "Always *.", "schema": STRING},
}


def _operation(operation_id: str, summary: str, schema: dict, *, parameters=(), detail=False) -> dict:
    responses = {
        "200": {
            "description": summary,
            "headers": HEADERS,
            "content": {"application/json": {"schema": schema}},
        },
        "304": {"description": "Not modified (If-None-Match / If-Modified-Since)."},
        "400": _error("A parameter is malformed."),
        "429": _error("Too many requests from this client; retry after a minute."),
    }
    if detail:
        responses["404"] = _error("No such record.")
    operation = {"operationId": operation_id, "summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = list(parameters)
    return {"get": operation}


def _page_of(name: str) -> dict:
    return {"allOf": [_ref("Page"), {"properties": {"contents": _array(name)}}]}


def _id_param(what: str) -> dict:
    return {
        "in": "path",
        "name": "id",
        "required": True,
        "description": f"The id of the {what}.",
        "schema": UUID_PARAM,
    }


def _detail(operation_id: str, summary: str, schema: dict, what: str, parameters=()) -> dict:
    item = _operation(operation_id, summary, schema, parameters=parameters, detail=True)
    item["parameters"] = [_id_param(what)]
    return item


def openapi_document() -> dict:
    service_filters = ("search", "page", "per_page", "format", "taxonomy_term_id", "taxonomy_id")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Huis van het Kind — HSDS API",
            "version": "1.0.0",
            "summary": "The published aanbod of the network as Open Referral HSDS open data.",
            "description": (
                "Read-only, public, no key needed. Lists use the HSDS page envelope. Responses carry "
                "ETag and Last-Modified for conditional requests and may be cached for a minute. "
                "Times of day carry the UTC offset of Belgium (Europe/Brussels) on their date."
            ),
            "license": {"name": "CC0 1.0", "identifier": "CC0-1.0"},
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": "/api/hsds"}],
        "paths": {
            "/": _operation("getAPIMetaInformation", "About this API.", _ref("Meta")),
            "/services": _operation(
                "getPaginatedListOfServices",
                "Published services.",
                {
                    "allOf": [
                        _ref("Page"),
                        {
                            "properties": {
                                "contents": {
                                    "type": "array",
                                    "items": {"anyOf": [_ref("Service"), _ref("MinimalService")]},
                                }
                            }
                        },
                    ]
                },
                parameters=_params(*service_filters, "organization_id", "modified_after", "minimal", "full"),
            ),
            "/services/{id}": _detail(
                "getFullyNestedServiceById", "One fully nested service.", _ref("FullService"), "service"
            ),
            "/taxonomies": _operation(
                "getPaginatedListOfTaxonomies",
                "The taxonomies.",
                _page_of("Taxonomy"),
                parameters=_params("search", "page", "per_page", "format"),
            ),
            "/taxonomies/{id}": _detail("getTaxonomyById", "One taxonomy.", _ref("Taxonomy"), "taxonomy"),
            "/taxonomy_terms": _operation(
                "getPaginatedListOfTaxonomyTerms",
                "The taxonomy terms.",
                _page_of("TaxonomyTerm"),
                parameters=_params(
                    "search", "page", "per_page", "format", "taxonomy_id", "top_only", "parent_id"
                ),
            ),
            "/taxonomy_terms/{id}": _detail(
                "getTaxonomyTermById", "One taxonomy term.", _ref("TaxonomyTerm"), "taxonomy term"
            ),
            "/organizations": _operation(
                "getPaginatedListOfOrganizations",
                "Organizations with published services.",
                _page_of("Organization"),
                parameters=_params(*service_filters, "full", "full_service"),
            ),
            "/organizations/{id}": _detail(
                "getOrganizationById",
                "One organization with its services and locations.",
                _ref("FullOrganization"),
                "organization",
                parameters=_params("full_service"),
            ),
            "/service_at_locations": _operation(
                "getPaginatedListOfServiceAtLocation",
                "Services at their locations.",
                _page_of("ServiceAtLocation"),
                parameters=_params(
                    *service_filters, "organization_id", "modified_after", "full", "postcode", "proximity"
                ),
            ),
            "/service_at_locations/{id}": _detail(
                "getServiceAtLocationById",
                "One service at one location.",
                _ref("ServiceAtLocation"),
                "service at location",
            ),
        },
        "components": {"schemas": SCHEMAS, "parameters": PARAMETERS},
    }
