"""Series on the public pages: the agenda marks each meeting "part n of m", and a change to a series
(capacity, title, cancellation) advances the data version, so neither the page cache nor an ETag serves
the series as it was (aanbod/migrations/0016 on PostgreSQL)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aanbod.models import Activiteit, Inschrijving, Reeks
from huisvanhetkind.lib import pagecache
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def reeks(partner_a):
    return factories.ReeksFactory(
        aanbod__partner=partner_a, aanbod__titel="Babymassage", capaciteit=6, bijeenkomsten=4
    )


def test_the_agenda_marks_every_meeting_with_its_part(client, reeks):
    # A past meeting is off the agenda but still counts.
    first = reeks.bijeenkomsten[0]
    Activiteit.objects.filter(pk=first.pk).update(
        start=timezone.now() - timedelta(days=1), einde=timezone.now() - timedelta(hours=22)
    )
    content = client.get("/agenda/").content.decode()
    assert "part 1 of 4" not in content
    for number in (2, 3, 4):
        assert f"part {number} of 4" in content
    assert content.count("of a series: you register once for every meeting") == 3


def test_postgres_a_change_to_a_series_changes_the_etag_of_its_page_and_the_agenda(postgres, client, reeks):
    path = reeks.aanbod.get_absolute_url()
    page = client.get(path)
    assert b"6 places left" in page.content
    etags = {url: client.get(url)["ETag"] for url in (path, "/agenda/")}
    before = pagecache.data_version()

    Reeks.objects.filter(pk=reeks.pk).update(capaciteit=9)

    assert pagecache.data_version() > before
    again = client.get(path, headers={"if-none-match": etags[path]})
    assert again.status_code == 200
    assert b"9 places left" in again.content
    assert client.get("/agenda/", headers={"if-none-match": etags["/agenda/"]}).status_code == 200


def test_postgres_cancelling_a_series_is_never_served_from_the_cache(postgres, client, reeks):
    from aanbod.services.inschrijvingen import reeks_cancel

    path = reeks.aanbod.get_absolute_url()
    assert b"This series does not take place." not in client.get(path).content
    reeks_cancel(reeks=reeks, reden="Te weinig inschrijvingen.")
    assert b"This series does not take place." in client.get(path).content


def agenda_items(content: str) -> list[str]:
    return content.split('<li class="card linked agenda-item')[1:]


def test_the_agenda_shows_a_full_series_on_each_of_its_meetings(client, settings, reeks):
    """Places belong to the series: its meetings show "full" when the series is, read in the page's own
    queries (as many with five items as with one)."""
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0
    single = factories.ActiviteitFactory(
        aanbod=reeks.aanbod, titel="Losse sessie", capaciteit=10, start=reeks.bijeenkomsten[0].start
    )
    factories.InschrijvingFactory(activiteit=None, reeks=reeks, aantal_personen=4)
    # The waiting list takes no place.
    factories.InschrijvingFactory(
        activiteit=None, reeks=reeks, aantal_personen=2, status=Inschrijving.Status.WACHTLIJST
    )
    cache.clear()  # every measured page from cold caches (the count is kept per data version)
    with CaptureQueriesContext(connection) as before:
        items = agenda_items(client.get("/agenda/").content.decode())
    assert len(items) == 5
    assert not any("Full — waiting list" in item for item in items)

    factories.InschrijvingFactory(activiteit=None, reeks=reeks, aantal_personen=2)
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        items = agenda_items(client.get("/agenda/").content.decode())
    full = [item for item in items if "Full — waiting list" in item]
    assert len(full) == 4
    assert all("of a series" in item for item in full)
    assert [item for item in items if single.naam in item][0] not in full
    assert len(after.captured_queries) == len(before.captured_queries)

    # One meeting alone: the same number of queries.
    Activiteit.objects.filter(reeks=reeks).exclude(pk=reeks.bijeenkomsten[0].pk).delete()
    single.delete()
    cache.clear()
    with CaptureQueriesContext(connection) as alone:
        items = agenda_items(client.get("/agenda/").content.decode())
    assert len(items) == 1 and "Full — waiting list" in items[0]
    assert len(alone.captured_queries) == len(before.captured_queries)
