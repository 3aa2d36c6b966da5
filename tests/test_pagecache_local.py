"""A worker's own copies in front of the page cache (huisvanhetkind.lib.pagecache._LocalCopies): the data
version kept for a moment, the hottest stored pages kept in memory, both never at the cost of correctness.
"""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from aanbod.models import Aanbod
from huisvanhetkind.lib import pagecache
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def aanbod(partner_a):
    aanbod = factories.AanbodFactory(titel="Slaapcafé", partner=partner_a)
    start = timezone.now() + timedelta(days=2)
    factories.ActiviteitFactory(aanbod=aanbod, start=start, einde=start + timedelta(hours=2))
    return aanbod


def no_round_trips(monkeypatch) -> None:
    """From here on any use of the shared cache fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a round trip to the shared cache")

    for name in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(cache, name, refuse)


def other_process_writes() -> None:
    """What another worker's write does to the data version: advance the sequence on another connection."""
    import psycopg

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT nextval('hvhk_wegwijzer_versie')")


# ---- The data version, kept for a moment ------------------------------------------------------------
def test_postgres_a_stored_page_costs_no_query_and_no_round_trip(
    postgres, client, aanbod, monkeypatch, django_assert_num_queries
):
    first = client.get("/aanbod/")
    no_round_trips(monkeypatch)
    with django_assert_num_queries(0):
        again = client.get("/aanbod/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert not again.templates


def test_postgres_an_own_write_is_seen_at_once(postgres, client, aanbod):
    etag = client.get("/aanbod/")["ETag"]
    with connection.cursor() as cursor:  # raw SQL too, not only the ORM
        cursor.execute("UPDATE aanbod_aanbod SET titel = %s WHERE id = %s", ["Nieuwe titel", aanbod.pk])
    response = client.get("/aanbod/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert b"Nieuwe titel" in response.content


def test_postgres_another_process_write_is_seen_within_the_bound(postgres, client, aanbod, settings):
    settings.WEGWIJZER_LOCAL_VERSION_SECONDS = 0.3
    etag = client.get("/aanbod/")["ETag"]
    other_process_writes()
    started = time.monotonic()
    within = client.get("/aanbod/", headers={"if-none-match": etag})
    if time.monotonic() - started < 0.3:  # a slow machine may already be past the bound
        assert within.status_code == 304  # the kept version: the write is not seen yet
    time.sleep(0.35)
    after = client.get("/aanbod/", headers={"if-none-match": etag})
    assert after.status_code == 200
    assert after["ETag"] != etag


def test_postgres_without_keeping_the_version_every_request_reads_it(
    postgres, client, aanbod, settings, django_assert_num_queries
):
    settings.WEGWIJZER_LOCAL_VERSION_SECONDS = 0
    client.get("/aanbod/")
    with django_assert_num_queries(1):
        client.get("/aanbod/")
    other_process_writes()
    assert client.get("/aanbod/").templates  # a new version: rendered at once


def test_postgres_clearing_the_cache_forgets_the_kept_version_and_pages(postgres, client, aanbod):
    client.get("/aanbod/")
    assert pagecache._local.size()[0] == 1
    assert pagecache._local.version() is not None
    cache.clear()
    assert pagecache._local.size() == (0, 0)
    assert pagecache._local.version() is None
    assert client.get("/aanbod/").templates  # rendered again


# ---- Pages kept in the worker -------------------------------------------------------------------------
def test_postgres_kept_pages_never_mix_languages_or_addresses(postgres, client, aanbod, monkeypatch):
    urls = ["/aanbod/", "/en/aanbod/", "/fr/aanbod/", "/aanbod/?q=slaap", "/aanbod/?q=xylofoon"]
    urls.append("/agenda.ics")
    first = {url: client.get(url) for url in urls}
    no_round_trips(monkeypatch)
    for url in urls:
        again = client.get(url)
        assert not again.templates, url
        assert again.content == first[url].content, url
        assert again["ETag"] == first[url]["ETag"], url
        assert again["Content-Type"] == first[url]["Content-Type"], url
    assert b'lang="en"' in client.get("/en/aanbod/").content
    assert b'lang="fr"' in client.get("/fr/aanbod/").content
    assert b"Slaapcaf" in client.get("/aanbod/?q=slaap").content
    assert b"Slaapcaf" not in client.get("/aanbod/?q=xylofoon").content
    assert client.get("/agenda.ics")["Content-Type"].startswith("text/calendar")


def test_postgres_a_logged_in_user_never_gets_a_kept_page(postgres, client, alice, aanbod, monkeypatch):
    client.get("/aanbod/")  # kept for visitors
    client.force_login(alice)
    monkeypatch.setattr(pagecache._local, "page", lambda *args: pytest.fail("a kept page was consulted"))
    response = client.get("/aanbod/")
    assert 'href="/partner/"' in response.content.decode()
    assert {"private", "no-cache"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_postgres_a_page_with_a_csrf_token_or_a_cookie_is_never_kept(postgres, rf, aanbod):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.cookie import CookieStorage

    def request(path):
        request = rf.get(path)
        request.user = AnonymousUser()
        request._messages = CookieStorage(request)
        return request

    def with_cookie(request):
        response = HttpResponse("<p>hallo</p>")
        response.set_cookie("voorkeur", "1")
        return response

    for view, path in [
        (lambda request: HttpResponse(f"<input value={get_token(request)}>"), "/formulier/"),
        (with_cookie, "/koekje/"),
    ]:
        response = pagecache.cached_for_visitors(view)(request(path))
        assert "private" in response["Cache-Control"]
    assert pagecache._local.size() == (0, 0)


def test_postgres_a_stale_kept_page_goes_back_to_the_shared_cache(postgres, client, aanbod, monkeypatch):
    start = (int(pagecache.time.time()) // pagecache.TIME_BUCKET_SECONDS + 1) * pagecache.TIME_BUCKET_SECONDS
    now = [start + 1.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])
    assert client.get("/aanbod/").templates
    now[0] += 61  # past its 60 s: the shared cache and its render lock decide
    seen = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **k: seen.append(keys) or get_many(keys, *a, **k))
    assert client.get("/aanbod/").templates  # this request took the render lock
    assert seen
    assert not client.get("/aanbod/").templates


def test_postgres_the_empty_form_is_kept_without_tokens(postgres, client, gemeente_a, monkeypatch):
    from django.test import Client

    assert Client().get("/vraag/").templates
    no_round_trips(monkeypatch)
    first, second = Client().get("/vraag/"), Client().get("/vraag/")
    assert first.templates == second.templates == []
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert pagecache.ONE_TIME_TOKEN.encode() not in first.content


# ---- The bound on memory ---------------------------------------------------------------------------
def entry(size: int) -> tuple:
    return (b"x" * size, {}, time.time() + 60)


def test_kept_pages_are_bounded_and_the_least_recently_used_goes_first():
    local = pagecache._LocalCopies()
    limit = 10_000
    for number in range(20):
        local.keep(f"page{number}", (1, 1), entry(1000), b"x" * 1000, limit)
        local.page("page0", (1, 1))  # page0 is used all the time
    pages, size = local.size()
    assert size <= limit
    assert pages < 20
    assert local.page("page0", (1, 1)) is not None
    assert local.page("page19", (1, 1)) is not None
    assert local.page("page1", (1, 1)) is None


def test_a_page_too_big_for_a_quarter_of_the_room_is_not_kept():
    local = pagecache._LocalCopies()
    local.keep("big", (1, 1), entry(3000), b"x" * 3000, 10_000)
    assert local.page("big", (1, 1)) is None
    assert local.size() == (0, 0)


def test_a_new_version_or_clock_bucket_drops_every_kept_page():
    local = pagecache._LocalCopies()
    local.keep("page", (1, 1), entry(100), b"x" * 100, 10_000)
    assert local.page("page", (1, 2)) is None  # asked under another bucket: not served
    local.keep("other", (2, 1), entry(100), b"x" * 100, 10_000)
    assert local.page("page", (1, 1)) is None
    assert local.size()[0] == 1


def test_postgres_no_pages_are_kept_when_turned_off(postgres, client, aanbod, settings):
    settings.WEGWIJZER_LOCAL_PAGES_BYTES = 0
    client.get("/aanbod/")
    client.get("/aanbod/")
    assert pagecache._local.size() == (0, 0)


def test_a_version_read_before_a_write_is_not_kept():
    local = pagecache._LocalCopies()
    writes = local.writes()
    local.wrote()  # a write while the version was being read
    local.remember_version(7, 10, writes)
    assert local.version() is None
    local.remember_version(8, 10, local.writes())
    assert local.version() == 8


def test_a_write_statement_forgets_the_kept_version(db):
    local = pagecache._local
    local.remember_version(7, 10, local.writes())
    Aanbod.objects.filter(pk=-1).update(titel="x")  # a write, even one that changes no row
    assert local.version() is None
    local.remember_version(7, 10, local.writes())
    list(Aanbod.objects.filter(pk=-1))  # a read
    assert local.version() == 7
    pagecache.forget_local()
