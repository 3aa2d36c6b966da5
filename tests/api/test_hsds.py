import datetime
import json
import uuid
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from aanbod.api.taxonomie import LEVENSFASE, SOORT, stable_id
from aanbod.models import Aanbod, Thema
from tests import factories

from .hsds_official import OFFICIAL, OFFICIAL_31, template_of

pytestmark = pytest.mark.django_db

BASE = "/api/hsds"
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def get(client: Client, path: str, **extra):
    """GET an API path; every 200 answer is validated against the official HSDS 3.0 openapi.json."""
    response = client.get(BASE + path, **extra)
    if response.status_code == 200:
        url = urlsplit(BASE + path)
        minimal = parse_qs(url.query).get("minimal") == ["true"]
        OFFICIAL.validate_answer(template_of(url.path), json.loads(response.content), minimal=minimal)
    return response


def body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def all_pages(client: Client, path: str) -> list[dict]:
    data = body(get(client, path + ("&" if "?" in path else "?") + "per_page=100"))
    assert data["total_pages"] == 1
    return data["contents"]


# --- shape: every answer validates against the official HSDS 3.0 files (see `get`) ------------------


def test_root_describes_the_api(client, catalogue):
    data = body(get(client, "/"))
    assert data["version"] == "3.0"
    assert data["openapi_url"].endswith("/api/openapi.json")


def test_services_list_validates_against_hsds(client, catalogue, hsds_validate):
    data = body(get(client, "/services"))
    assert data["total_items"] == 3
    assert data["page_number"] == 1 and data["first_page"] and data["last_page"] and not data["empty"]
    for service in data["contents"]:
        hsds_validate(service, "service.json")


def test_full_services_list_validates_against_hsds(client, catalogue, hsds_validate):
    for service in body(get(client, "/services?full=true"))["contents"]:
        hsds_validate(service, "service.json")
        assert "organization" in service


def test_service_detail_is_fully_nested_and_validates(client, catalogue, hsds_validate):
    slaap = catalogue["slaap"]
    data = body(get(client, f"/services/{slaap.uuid}"))
    hsds_validate(data, "service.json")
    assert data["organization"]["id"] == str(slaap.partner.uuid)
    assert data["minimum_age"] == 0 and data["maximum_age"] == 3
    assert data["cost_options"][0]["amount"] == 5.0
    [sal] = data["service_at_locations"]
    assert sal["location"]["name"] == "Huis van het Kind Gent"
    assert sal["location"]["addresses"][0]["city"] == "Gent"
    assert sal["location"]["accessibility"] != []
    # Only the coming, not cancelled activity: one dated schedule, also listed under its location.
    [schedule] = data["schedules"]
    assert schedule["id"] == str(catalogue["activiteit"].uuid)
    assert schedule["valid_from"] == schedule["valid_to"]
    assert sal["schedules"] == [schedule]
    codes = {attribute["taxonomy_term"]["code"] for attribute in data["attributes"]}
    assert codes == {"slapen", "vormingsavond", "0-3", "3-6"}  # ages 0 to 3 inclusive touch 3-6


def test_opening_hours_are_weekly_schedules(client, catalogue, hsds_validate):
    data = body(get(client, f"/services/{catalogue['spelotheek'].uuid}"))
    hsds_validate(data, "service.json")
    # One schedule per stretch of the coming year with one UTC offset (winter time, summer time).
    weekly = {(s["byday"], s["opens_at"][:8], s["closes_at"][:8]) for s in data["schedules"]}
    assert weekly == {("SA", "10:00:00", "12:00:00"), ("WE", "14:00:00", "17:00:00")}
    assert {s["freq"] for s in data["schedules"]} == {"WEEKLY"}
    for schedule in data["schedules"]:
        first = datetime.date.fromisoformat(schedule["valid_from"])
        last = datetime.date.fromisoformat(schedule["valid_to"])
        start = datetime.datetime.fromisoformat(f"{schedule['dtstart']}T{schedule['opens_at']}")
        assert first <= start.date() <= last and start.weekday() == (2 if schedule["byday"] == "WE" else 5)
        for day in (first, last):
            local = datetime.datetime.combine(day, start.timetz().replace(tzinfo=None), tzinfo=BRUSSELS)
            assert local.utcoffset() == start.utcoffset()
        assert schedule["timezone"] == start.utcoffset().total_seconds() / 3600
    today = timezone.localdate()
    covered = sorted((s["valid_from"], s["valid_to"]) for s in data["schedules"] if s["byday"] == "WE")
    assert (
        covered[0][0] <= today.isoformat()
        and covered[-1][1] >= (today + datetime.timedelta(days=365)).isoformat()
    )
    # No ages means every age: all child life stages, and parents-to-be because it says so.
    codes = {a["taxonomy_term"]["code"] for a in data["attributes"] if a["link_type"] == LEVENSFASE}
    assert codes == {"aanstaand", "0-3", "3-6", "6-12", "12-18"}
    assert "minimum_age" not in data


def test_organizations_validate_against_hsds(client, catalogue, hsds_validate):
    contents = all_pages(client, "/organizations")
    assert {o["name"] for o in contents} == {"Opvoedingswinkel A", "Spelotheek B"}
    for organization in contents:
        hsds_validate(organization, "organization.json")
    detail = body(get(client, f"/organizations/{catalogue['slaap'].partner.uuid}"))
    hsds_validate(detail, "organization.json")
    assert {s["name"] for s in detail["services"]} == {"Slapen zonder zorgen", "Babymassage"}
    for service in detail["services"]:
        hsds_validate(service, "service.json")
    assert [location["name"] for location in detail["locations"]] == ["Huis van het Kind Gent"]
    full = body(get(client, f"/organizations/{catalogue['slaap'].partner.uuid}?full_service=true"))
    hsds_validate(full, "organization.json")
    assert all("schedules" in service for service in full["services"])


def test_service_at_locations_validate_against_hsds(client, catalogue, hsds_validate):
    contents = all_pages(client, "/service_at_locations")
    pairs = {(sal["service"]["name"], sal["location"]["name"]) for sal in contents}
    assert pairs == {
        ("Slapen zonder zorgen", "Huis van het Kind Gent"),
        ("Spelotheek op woensdag", "Spelotheek De Knikker"),
    }
    for sal in contents:
        hsds_validate(sal, "service_at_location.json")
        hsds_validate(sal["service"], "service.json")
    expected = str(stable_id("service_at_location", catalogue["slaap"].uuid, catalogue["zaal"].uuid))
    detail = body(get(client, f"/service_at_locations/{expected}"))
    hsds_validate(detail, "service_at_location.json")
    assert detail["id"] == expected
    assert [s["postal_code"] for s in detail["location"]["addresses"]] == ["9000"]


def test_service_at_locations_filter_by_postcode(client, catalogue):
    contents = all_pages(client, "/service_at_locations?postcode=2000")
    assert [sal["location"]["name"] for sal in contents] == ["Spelotheek De Knikker"]


def test_taxonomies_and_terms_validate_against_hsds(client, catalogue, hsds_validate):
    taxonomies = all_pages(client, "/taxonomies")
    assert len(taxonomies) == 3
    for taxonomy in taxonomies:
        hsds_validate(taxonomy, "taxonomy.json")
        hsds_validate(body(get(client, f"/taxonomies/{taxonomy['id']}")), "taxonomy.json")
    terms = all_pages(client, "/taxonomy_terms")
    assert len(terms) == Thema.objects.filter(actief=True).count() + len(Aanbod.Soort) + 5
    for term in terms:
        hsds_validate(term, "taxonomy_term.json")
    slapen = Thema.objects.get(slug="slapen")
    detail = body(get(client, f"/taxonomy_terms/{slapen.uuid}"))
    hsds_validate(detail, "taxonomy_term.json")
    assert detail["code"] == "slapen"


def test_taxonomy_terms_filter_by_taxonomy(client, catalogue):
    soort = str(stable_id("taxonomy", SOORT))
    terms = all_pages(client, f"/taxonomy_terms?taxonomy_id={soort}")
    assert {term["code"] for term in terms} == set(Aanbod.Soort.values)


# --- filters --------------------------------------------------------------------------------------------


def test_services_filter_by_taxonomy_term(client, catalogue):
    slapen = Thema.objects.get(slug="slapen")
    assert [s["name"] for s in all_pages(client, f"/services?taxonomy_term_id={slapen.uuid}")] == [
        "Slapen zonder zorgen"
    ]
    spelotheek = stable_id(SOORT, "spelotheek")
    assert [s["name"] for s in all_pages(client, f"/services?taxonomy_term_id={spelotheek}")] == [
        "Spelotheek op woensdag"
    ]
    tieners = stable_id(LEVENSFASE, "12-18")
    names = {s["name"] for s in all_pages(client, f"/services?taxonomy_term_id={tieners}")}
    assert names == {"Spelotheek op woensdag", "Babymassage"}  # no ages, and 0 to 12


def test_services_filter_by_unknown_term_is_empty(client, catalogue):
    data = body(get(client, f"/services?taxonomy_term_id={uuid.uuid4()}"))
    assert data["total_items"] == 0 and data["empty"] and data["contents"] == []


def test_services_filter_by_organization_and_search(client, catalogue):
    partner_b = catalogue["spelotheek"].partner
    assert [s["name"] for s in all_pages(client, f"/services?organization_id={partner_b.uuid}")] == [
        "Spelotheek op woensdag"
    ]
    assert [s["name"] for s in all_pages(client, "/services?search=slapen zorgen")] == [
        "Slapen zonder zorgen"
    ]
    assert all_pages(client, "/services?search=geheim") == []


def test_services_filter_modified_after(client, catalogue):
    Aanbod.objects.filter(pk=catalogue["derde"].pk).update(bijgewerkt_op="2020-01-01T00:00:00Z")
    names = {s["name"] for s in all_pages(client, "/services?modified_after=2021-01-01T00:00:00Z")}
    assert names == {"Slapen zonder zorgen", "Spelotheek op woensdag"}
    assert len(all_pages(client, "/services?modified_after=2019-12-31")) == 3


def test_services_pagination_envelope(client, catalogue):
    first = body(get(client, "/services?per_page=2"))
    assert (first["total_items"], first["total_pages"], first["size"]) == (3, 2, 2)
    assert first["first_page"] and not first["last_page"]
    second = body(get(client, "/services?per_page=2&page=2"))
    assert (second["page_number"], second["size"], second["last_page"]) == (2, 1, True)
    beyond = body(get(client, "/services?per_page=2&page=99"))
    assert beyond["empty"] and beyond["contents"] == [] and beyond["size"] == 0


def test_per_page_above_the_maximum_is_400(client, catalogue):
    assert get(client, "/services?per_page=100").status_code == 200
    response = get(client, "/services?per_page=101")
    assert response.status_code == 400 and body(response)["parameter"] == "per_page"


def test_minimal_services_give_id_and_modified_date(client, catalogue):
    contents = all_pages(client, "/services?minimal=true")
    assert len(contents) == 3
    assert all(set(service) == {"id", "last_modified"} for service in contents)


def test_services_carry_last_modified_of_aanbod_or_activity(client, catalogue):
    slaap = catalogue["slaap"]
    Aanbod.objects.filter(pk=slaap.pk).update(bijgewerkt_op="2020-01-01T00:00:00Z")
    later = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    slaap.activiteiten.filter(pk=catalogue["activiteit"].pk).update(bijgewerkt_op=later)
    slaap.activiteiten.exclude(pk=catalogue["activiteit"].pk).update(bijgewerkt_op="2019-01-01T00:00:00Z")
    detail = body(get(client, f"/services/{slaap.uuid}"))
    assert detail["last_modified"] == "2024-05-01T12:00:00.000+00:00"
    listed = {s["id"]: s for s in all_pages(client, "/services")}
    assert listed[str(slaap.uuid)]["last_modified"] == detail["last_modified"]
    names = {s["name"] for s in all_pages(client, "/services?modified_after=2024-05-01T12:00:00Z")}
    assert "Slapen zonder zorgen" in names


def test_activity_times_carry_the_offset_of_their_date(client, catalogue):
    slaap = catalogue["slaap"]
    winter = datetime.datetime(2030, 1, 15, 19, 30, tzinfo=BRUSSELS)
    summer = datetime.datetime(2030, 7, 15, 19, 30, tzinfo=BRUSSELS)
    for start in (winter, summer):
        factories.ActiviteitFactory(
            aanbod=slaap, locatie=catalogue["zaal"], start=start, einde=start + datetime.timedelta(hours=2)
        )
    schedules = {s["dtstart"]: s for s in body(get(client, f"/services/{slaap.uuid}"))["schedules"]}
    assert (schedules["2030-01-15"]["opens_at"], schedules["2030-01-15"]["timezone"]) == ("19:30:00+01:00", 1)
    assert (schedules["2030-07-15"]["opens_at"], schedules["2030-07-15"]["closes_at"]) == (
        "19:30:00+02:00",
        "21:30:00+02:00",
    )
    assert schedules["2030-07-15"]["timezone"] == 2


# --- proximity --------------------------------------------------------------------------------------------


def test_proximity_from_a_point(client, catalogue):
    # The zaal is in Gent (51.0543, 3.7217); Antwerpen is about 50 km away.
    near = all_pages(client, "/service_at_locations?proximity=51.05,3.72,1000")
    assert [sal["location"]["name"] for sal in near] == ["Huis van het Kind Gent"]
    assert all_pages(client, "/service_at_locations?proximity=51.2194,4.4025,5000") == []
    assert len(all_pages(client, "/service_at_locations?proximity=51.2194,4.4025,60000")) == 1


def test_proximity_from_the_centroid_of_a_postcode(client, catalogue):
    zaal = catalogue["zaal"]
    assert len(all_pages(client, f"/service_at_locations?postcode={zaal.postcode}&proximity=500")) == 1
    # No place in 2000 has coordinates: there is no centroid, so nothing is within any distance.
    assert all_pages(client, "/service_at_locations?postcode=2000&proximity=500000") == []
    # A distance with no point to measure from is not ignored: nothing is within it.
    assert all_pages(client, "/service_at_locations?proximity=500000") == []


def test_proximity_orders_nearest_first(client, catalogue):
    far = factories.LocatieFactory(
        naam="Aalst", partner=catalogue["slaap"].partner, latitude="50.9378", longitude="4.0403"
    )
    catalogue["slaap"].locaties.add(far)
    names = [
        s["location"]["name"] for s in all_pages(client, "/service_at_locations?proximity=50.94,4.04,100000")
    ]
    assert names == ["Aalst", "Huis van het Kind Gent"]


@pytest.mark.parametrize(
    "value", ["", "abc", "51.05,3.72", "91,3,100", "51,181,100", "-5", "51.05, 3.72, 100"]
)
def test_bad_proximity_is_400(client, catalogue, value):
    response = get(client, f"/service_at_locations?proximity={value}")
    assert response.status_code == 400 and body(response)["parameter"] == "proximity"


# --- HSDS 3.1, behind HSDS_VERSION ---------------------------------------------------------------------


def test_version_31_adds_capacities_and_websites(client, catalogue, settings):
    settings.HSDS_VERSION = "3.1"
    assert body(get(client, "/"))["version"] == "3.1"
    activiteit = catalogue["activiteit"]
    activiteit.capaciteit = 12
    activiteit.save()
    data = body(get(client, f"/services/{catalogue['slaap'].uuid}"))
    OFFICIAL_31.validate_object(data, "service.json")
    [capacity] = data["capacities"]
    registered = activiteit.plaatsen_bezet
    assert (capacity["available"], capacity["maximum"]) == (12 - registered, 12)
    assert capacity["unit"]["name"] == "place"
    OFFICIAL_31.validate_object(data["organization"], "organization.json")
    assert data["organization"]["additional_websites"][0]["url"].endswith(
        catalogue["slaap"].partner.get_absolute_url()
    )


def test_version_30_has_no_31_fields(client, catalogue):
    data = body(get(client, f"/services/{catalogue['slaap'].uuid}"))
    assert "capacities" not in data and "additional_websites" not in data["organization"]


# --- nothing unpublished or personal -----------------------------------------------------------------


def test_nothing_unpublished_or_personal_appears_anywhere(client, catalogue):
    paths = [
        "/services?full=true&per_page=100",
        "/organizations?full_service=true&per_page=100",
        "/service_at_locations?per_page=100",
        "/taxonomy_terms?per_page=100",
        f"/services/{catalogue['slaap'].uuid}",
        f"/organizations/{catalogue['slaap'].partner.uuid}?full_service=true",
    ]
    text = " ".join(get(client, path).content.decode() for path in paths)
    for hidden in catalogue["hidden"]:
        assert hidden.titel not in text
        assert str(hidden.uuid) not in text
    assert "Gestopte vzw" not in text
    for secret in [
        "Geheime Ouder",
        "geheim@ouder.example",
        catalogue["activiteit"].inschrijvingen.get().token,
    ]:
        assert secret not in text
    for word in ["inschrijving", "alice@", "bob@", "charlie@", "aantal_personen"]:
        assert word not in text.lower()


def test_unpublished_service_is_404(client, catalogue):
    for hidden in catalogue["hidden"]:
        response = get(client, f"/services/{hidden.uuid}")
        assert response.status_code == 404
        assert body(response)["error"] == "not_found"


def test_organization_without_published_services_is_404(client, catalogue):
    assert get(client, f"/organizations/{catalogue['inactief'].uuid}").status_code == 404


# --- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,parameter",
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("per_page=-1", "per_page"),
        ("page=1&page=2", "page"),
        ("per_page=", "per_page"),
        ("per_page=101", "per_page"),
        ("page=%2B2", "page"),
        ("taxonomy_term_id=", "taxonomy_term_id"),
        ("taxonomy_id=", "taxonomy_id"),
        ("organization_id=", "organization_id"),
        ("taxonomy_term_id=0cd1b5a3f0b44ad5a7a0c0b5d1c5e0a1", "taxonomy_term_id"),
        ("modified_after=", "modified_after"),
        ("modified_after=2024-01-01T10:00:00", "modified_after"),
        ("minimal=", "minimal"),
        ("minimal=1", "minimal"),
        ("format=", "format"),
        ("taxonomy_term_id=not-a-uuid", "taxonomy_term_id"),
        ("organization_id=123", "organization_id"),
        ("modified_after=yesterday", "modified_after"),
        ("full=maybe", "full"),
        ("format=xml", "format"),
        ("search=" + "x" * 201, "search"),
        ("search=a%00b", "search"),
    ],
)
def test_bad_parameters_are_400_json(client, catalogue, query, parameter):
    response = get(client, f"/services?{query}")
    assert response.status_code == 400
    data = body(response)
    assert data["error"] == "bad_request" and data["parameter"] == parameter
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("query", ["postcode=90000", "postcode=", "postcode=%209000"])
def test_bad_postcode_is_400(client, db, query):
    assert get(client, f"/service_at_locations?{query}").status_code == 400


def test_taxonomy_filters_refuse_an_empty_id(client, catalogue):
    for path in [
        "/taxonomy_terms?taxonomy_id=",
        "/organizations?taxonomy_term_id=",
        "/taxonomy_terms?parent_id=",
    ]:
        assert get(client, path).status_code == 400


def test_modified_after_far_in_the_past_is_everything(client, catalogue):
    assert len(all_pages(client, "/services?modified_after=0001-01-01T00:00:00%2B23:00")) == 3


@pytest.mark.parametrize(
    "path",
    [
        f"/services/{uuid.uuid4()}",
        "/services/not-a-uuid",
        f"/organizations/{uuid.uuid4()}",
        f"/service_at_locations/{uuid.uuid4()}",
        f"/taxonomies/{uuid.uuid4()}",
        f"/taxonomy_terms/{uuid.uuid4()}",
        "/nothing-here",
    ],
)
def test_unknown_ids_are_404_json(client, db, path):
    response = get(client, path)
    assert response.status_code == 404
    assert body(response)["error"] == "not_found"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_post_is_405_json(client, db):
    response = client.post(BASE + "/services", {})
    assert response.status_code == 405
    assert body(response)["error"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


# --- HTTP: CORS, caching, conditional requests, rate limit ----------------------------------------------


def test_cors_header_on_get_and_preflight(client, catalogue):
    assert get(client, "/services")["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        BASE + "/services",
        HTTP_ORIGIN="https://sociale-kaart.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert client.get("/api/openapi.json")["Access-Control-Allow-Origin"] == "*"


def test_if_none_match_gives_304(client, catalogue):
    first = get(client, "/services")
    assert first.status_code == 200 and first["ETag"]
    again = get(client, "/services", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"


def test_if_modified_since_gives_304(client, catalogue):
    first = get(client, "/taxonomies")
    assert get(client, "/taxonomies", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_change_changes_the_etag_after_the_cache_expires(client, catalogue, settings):
    settings.HSDS_CACHE_SECONDS = 0
    first = get(client, "/services")
    Aanbod.objects.filter(pk=catalogue["derde"].pk).update(titel="Babymassage voor papa's")
    second = get(client, "/services", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "Babymassage voor papa's" in second.content.decode()


def test_responses_are_cached(client, catalogue, django_assert_num_queries):
    get(client, "/services")
    with django_assert_num_queries(0):
        assert get(client, "/services").status_code == 200


def test_rate_limit_gives_429_json(client, db, settings):
    settings.HSDS_RATE_PER_MINUTE = 3
    statuses = [get(client, "/taxonomies").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = get(client, "/taxonomies")
    assert body(response)["error"] == "too_many_requests"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_language_of_client_does_not_change_the_answer(client, catalogue):
    dutch = get(client, "/services?full=true").content
    english = get(client, "/services?full=true&x=1", HTTP_ACCEPT_LANGUAGE="en").content
    assert dutch == english


# --- the OpenAPI document -------------------------------------------------------------------------------


def test_openapi_document_mirrors_the_hsds_paths(client, db):
    document = body(client.get("/api/openapi.json"))
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/",
        "/services",
        "/services/{id}",
        "/organizations",
        "/organizations/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    }
    page = document["components"]["schemas"]["Page"]["required"]
    assert set(page) == {
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    }


def test_list_queries_do_not_grow_with_the_catalogue(client, catalogue, django_assert_max_num_queries):
    from tests import factories

    with django_assert_max_num_queries(20):
        get(client, "/services?full=true&per_page=100")
    for number in range(10):
        aanbod = factories.AanbodFactory(partner=catalogue["slaap"].partner, titel=f"Extra {number}")
        factories.ActiviteitFactory(aanbod=aanbod)
        factories.OpeningsuurFactory(aanbod=aanbod)
    with django_assert_max_num_queries(20):
        get(client, "/services?full=true&per_page=100&again=1")


def test_organization_and_place_lists_do_not_grow_with_the_catalogue(
    client, catalogue, django_assert_max_num_queries
):
    from tests import factories

    for number in range(6):
        partner = factories.PartnerFactory(naam=f"Partner extra {number}")
        aanbod = factories.AanbodFactory(partner=partner, titel=f"Extra aanbod {number}")
        factories.ActiviteitFactory(aanbod=aanbod)
        factories.OpeningsuurFactory(aanbod=aanbod)
    with django_assert_max_num_queries(20):
        data = body(get(client, "/organizations?full_service=true&per_page=100"))
    assert data["total_items"] == 8
    with django_assert_max_num_queries(20):
        data = body(get(client, "/service_at_locations?per_page=100"))
    assert data["total_items"] == 8
