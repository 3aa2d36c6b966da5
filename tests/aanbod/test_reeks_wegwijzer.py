"""Series on the public pages: the agenda marks each meeting "part n of m", and a change to a series
(capacity, title, cancellation) advances the data version, so neither the page cache nor an ETag serves
the series as it was (aanbod/migrations/0016 on PostgreSQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aanbod.models import Activiteit, Reeks
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
