"""HTTP caching of the public pages (huisvanhetkind.lib.pagecache): Cache-Control, ETag, Last-Modified, 304.

The validators come from the data version on PostgreSQL (`postgres` tests) and from the page's content
elsewhere; both must answer a conditional GET with 304 and never let a private page be shared.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, connections
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aanbod.ical import calendar_for
from aanbod.models import Aanbod, Activiteit, Thema
from huisvanhetkind.lib import pagecache
from partners.models import Netwerk
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/aanbod/", "/agenda/", "/partners/", "/en/aanbod/", "/agenda.ics"]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def aanbod(partner_a):
    aanbod = factories.AanbodFactory(titel="Slaapcafé", partner=partner_a)
    start = timezone.now() + timedelta(days=2)
    factories.ActiviteitFactory(aanbod=aanbod, start=start, einde=start + timedelta(hours=2))
    return aanbod


def public_urls(aanbod) -> list[str]:
    return [*PUBLIC_PAGES, f"/aanbod/{aanbod.slug}/", f"/partners/{aanbod.partner.slug}/"]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_public_pages_carry_validators_and_a_short_public_max_age(client, aanbod):
    for url in public_urls(aanbod):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.has_header("ETag"), url
        assert "public" in cache_control(response), url
        max_age = next(int(p.split("=")[1]) for p in cache_control(response) if p.startswith("max-age="))
        assert 0 < max_age <= 900, url


def test_a_conditional_get_with_the_etag_is_answered_304(client, aanbod):
    for url in public_urls(aanbod):
        etag = client.get(url)["ETag"]
        again = client.get(url, headers={"if-none-match": etag})
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == etag


def test_another_etag_gets_the_whole_page(client, aanbod):
    response = client.get("/aanbod/", headers={"if-none-match": '"something-else"'})
    assert response.status_code == 200
    assert b"Slaapcaf" in response.content


def test_postgres_answers_304_before_any_rendering(postgres, client, aanbod, django_assert_max_num_queries):
    first = client.get("/aanbod/")
    assert first.has_header("Last-Modified")
    with django_assert_max_num_queries(1):  # only the data version
        again = client.get("/aanbod/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    since = client.get("/aanbod/", headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304


def test_postgres_a_write_changes_the_etag(postgres, client, aanbod):
    etag = client.get("/aanbod/")["ETag"]
    Aanbod.objects.filter(pk=aanbod.pk).update(titel="Nieuwe titel")
    response = client.get("/aanbod/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert b"Nieuwe titel" in response.content


def test_postgres_the_etag_holds_path_and_language(postgres, client, aanbod):
    etags = {client.get(url)["ETag"] for url in ["/aanbod/", "/en/aanbod/", "/aanbod/?q=slaap", "/agenda/"]}
    assert len(etags) == 4


def test_postgres_the_stored_feed_keeps_its_content_type(postgres, client, aanbod):
    first = client.get("/agenda.ics")
    second = client.get("/agenda.ics")  # from the page cache
    assert second.content == first.content
    assert second["Content-Type"].startswith("text/calendar")
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_postgres_the_validators_roll_over_with_the_clock(postgres, client, aanbod, monkeypatch):
    etag = client.get("/agenda/")["ETag"]
    later = pagecache.time.time() + pagecache.TIME_BUCKET_SECONDS
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert client.get("/agenda/", headers={"if-none-match": etag}).status_code == 200


def test_logged_in_users_get_private_pages_and_no_304(client, alice, aanbod):
    etag = client.get("/aanbod/")["ETag"]
    client.force_login(alice)
    response = client.get("/aanbod/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert {"private", "no-cache"} <= cache_control(response)
    assert not response.has_header("ETag")


def anonymous_request(path: str, *, message: str = ""):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    if message:
        request._messages.add(constants.SUCCESS, message)
    return request


def test_a_page_with_messages_is_private(aanbod):
    view = pagecache.cached_for_visitors(lambda request: HttpResponse("<p>Bevestigd</p>"))
    response = view(anonymous_request("/aanbod/", message="Je inschrijving is bevestigd."))
    assert {"private", "no-cache"} <= cache_control(response)
    assert not response.has_header("ETag")


def test_a_form_with_a_csrf_token_is_never_shared(aanbod):
    view = pagecache.cached_for_visitors(
        lambda request: HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")
    )
    response = view(anonymous_request("/vraag/"))
    assert {"private", "no-cache"} <= cache_control(response)
    assert not response.has_header("ETag")


def test_errors_are_not_marked_cacheable(client, aanbod):
    response = client.get("/aanbod/bestaat-niet/")
    assert response.status_code == 404
    assert "public" not in cache_control(response)


def test_postgres_cards_are_reused_across_filter_combinations(postgres, client, aanbod, settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0  # every page renders; only the cards are kept
    cards = "aanbod/wegwijzer/_aanbod_cards.html"
    first = client.get("/aanbod/")
    assert cards in [t.name for t in first.templates]
    other = client.get("/aanbod/", {"sort": "soonest"})
    assert "Slaapcaf" in other.content.decode()
    assert cards not in [t.name for t in other.templates]
    Aanbod.objects.filter(pk=aanbod.pk).update(titel="Nieuwe titel")
    assert b"Nieuwe titel" in client.get("/aanbod/", {"sort": "soonest"}).content


def test_postgres_a_list_of_kept_cards_reads_no_aanbod_rows(postgres, client, aanbod, settings):
    """With every card of the page in the cache, the list needs the page's ids alone: no aanbod row, no
    partner, no next activity or opening hours are read."""
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0
    client.get("/aanbod/")  # renders and keeps the card
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/aanbod/", {"sort": "soonest"})
    assert "Slaapcaf" in response.content.decode()
    read = " ".join(q["sql"] for q in captured.captured_queries)
    assert '"aanbod_aanbod"."samenvatting"' not in read
    assert "aanbod_openingsuur" not in read and '"partners_partner"."naam"' not in read


def test_postgres_reference_lookups_are_kept_for_the_data_version(postgres, client, aanbod, settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0
    factories.ThemaFactory(slug="slapen", naam="Slapen")  # reference data (aanbod/0003): get or create
    client.get("/aanbod/", {"thema": "slapen", "gemeente": "gent"})
    with CaptureQueriesContext(connection) as captured:
        client.get("/aanbod/", {"thema": "slapen", "gemeente": "gent", "sort": "name"})
    read = " ".join(q["sql"] for q in captured.captured_queries)
    assert 'FROM "aanbod_thema"' not in read and 'FROM "partners_gemeente"' not in read
    client.get("/aanbod/", {"q": "koken 9000"})  # a gemeente or postcode in the text: read once
    with CaptureQueriesContext(connection) as captured:
        client.get("/aanbod/", {"q": "koken 9000"})
    read = " ".join(q["sql"] for q in captured.captured_queries)
    assert "partners_gemeente" not in read and "partners_postcode" not in read
    Thema.objects.filter(slug="slapen").update(actief=False)  # a write: a new data version
    response = client.get("/aanbod/", {"thema": "slapen"})
    assert response.context["form"].errors["thema"]


def test_postgres_a_list_count_is_shared_by_its_pages_sorts_and_languages(postgres, client, aanbod, settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0
    for first, again in [("/agenda/", "/en/agenda/?page=2"), ("/aanbod/", "/fr/aanbod/?sort=soonest")]:
        with CaptureQueriesContext(connection) as before:
            assert client.get(first).context["page"].paginator.count == 1
        with CaptureQueriesContext(connection) as after:
            assert client.get(again).context["page"].paginator.count == 1
        # The paginator's count query (a row's own annotations may count too: "deel 2 van 6").
        assert any(q["sql"].startswith("SELECT COUNT(") for q in before.captured_queries)
        assert not [q["sql"][:300] for q in after.captured_queries if q["sql"].startswith("SELECT COUNT(")], (
            again
        )
    Aanbod.objects.filter(pk=aanbod.pk).update(status=Aanbod.Status.GEARCHIVEERD)
    assert client.get("/aanbod/").context["page"].paginator.count == 0


def test_postgres_the_feed_from_cached_events_equals_the_plain_one(postgres, client, aanbod, settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0
    start = timezone.now() + timedelta(days=3)
    factories.ActiviteitFactory(aanbod=aanbod, start=start, einde=start + timedelta(hours=1))
    first = client.get("/agenda.ics").content
    second = client.get("/agenda.ics").content  # the events from the cache
    plain = calendar_for(
        Activiteit.objects.gepubliceerd()
        .select_related("aanbod__partner", "locatie__gemeente")
        .order_by("start"),
        naam=Netwerk.load().naam + " — calendar",
    )

    def without_stamps(body: bytes) -> list[bytes]:
        return [line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP")]

    assert without_stamps(first) == without_stamps(second) == without_stamps(plain)
    assert first.count(b"BEGIN:VEVENT") == 2


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request's first query is
def test_postgres_the_version_query_is_the_connection_health_check(monkeypatch):
    import psycopg

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]  # huisvanhetkind/env.py
    connection.ensure_connection()
    connection.health_check_done = False  # as at the start of a request on a kept connection
    checks = []
    monkeypatch.setattr(connections["default"], "is_usable", lambda: checks.append("SELECT 1") or True)
    assert pagecache.data_version() is not None
    assert checks == []  # no separate round trip
    assert connection.health_check_done

    # PostgreSQL dropped the connection (a restart): the version is read on a new one, no error.
    dropped = connection.connection
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [dropped.info.backend_pid])
    connection.health_check_done = False
    assert pagecache.data_version() is not None
    assert connection.connection is not dropped


@contextmanager
def render_lock_held_elsewhere(monkeypatch):
    """Within the block another request holds every page's render lock."""
    from django.core.cache import cache

    add = cache.add
    with monkeypatch.context() as busy:
        busy.setattr(
            cache,
            "add",
            lambda key, *args, **kwargs: not key.endswith(":render") and add(key, *args, **kwargs),
        )
        yield


def test_postgres_a_stale_page_is_renewed_by_one_request_while_the_others_still_get_it(
    postgres, client, aanbod, monkeypatch
):

    start = (int(pagecache.time.time()) // pagecache.TIME_BUCKET_SECONDS + 1) * pagecache.TIME_BUCKET_SECONDS
    now = [start + 1.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    assert client.get("/aanbod/").templates  # rendered and stored for 60 s
    now[0] += 30
    assert not client.get("/aanbod/").templates  # fresh
    now[0] += 31  # past its 60 s, same data version and clock bucket
    Aanbod.objects.filter(pk=aanbod.pk).update(titel="Nieuwe titel")  # a new version: another page
    assert b"Nieuwe titel" in client.get("/aanbod/").content
    now[0] += 61
    with render_lock_held_elsewhere(monkeypatch):
        stale = client.get("/aanbod/")
    assert not stale.templates
    assert b"Nieuwe titel" in stale.content
    assert client.get("/aanbod/").templates  # this one takes the lock and renews it
    assert not client.get("/aanbod/").templates


def test_postgres_a_new_clock_bucket_is_rendered_once_while_the_others_get_the_previous_page(
    postgres, client, aanbod, monkeypatch
):
    """At a bucket's start every page of the version is new: one request renders it, the others get the
    page of the bucket before (same data), private, instead of all rendering at once."""

    start = (int(pagecache.time.time()) // pagecache.TIME_BUCKET_SECONDS + 1) * pagecache.TIME_BUCKET_SECONDS
    now = [start + 1.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    first = client.get("/aanbod/")
    assert first.templates  # rendered and stored in this bucket
    now[0] += pagecache.TIME_BUCKET_SECONDS  # the next bucket: no page stored for it yet
    with render_lock_held_elsewhere(monkeypatch):
        waiting = client.get("/aanbod/")
    assert not waiting.templates
    assert waiting.content == first.content
    assert "private" in waiting["Cache-Control"] and not waiting.has_header("ETag")
    renewed = client.get("/aanbod/")  # this one takes the lock and renders the bucket's page
    assert renewed.templates
    assert renewed.has_header("ETag") and renewed["ETag"] != first["ETag"]
    Aanbod.objects.filter(pk=aanbod.pk).update(titel="Nieuwe titel")  # a write: never the older page
    with render_lock_held_elsewhere(monkeypatch):
        assert b"Nieuwe titel" in client.get("/aanbod/").content
