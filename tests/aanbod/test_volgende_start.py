"""`VolgendeStart`, each aanbod's next start: kept by PostgreSQL's triggers whatever writes the activities,
and read exactly by the wegwijzer's "soonest activity" order even when time made it stale
(aanbod/migrations/0020)."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, VolgendeStart
from aanbod.services.inschrijvingen import reeks_cancel
from aanbod.services.volgende_start import aanbod_refresh_volgende_start
from aanbod.tasks.wegwijzer import refresh_volgende_start
from huisvanhetkind.celery import app
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0


def in_hours(hours: float):
    return timezone.now().replace(microsecond=0) + timedelta(hours=hours)


def activiteit(aanbod, hours: float, **kwargs) -> Activiteit:
    start = in_hours(hours)
    return factories.ActiviteitFactory(aanbod=aanbod, start=start, einde=start + timedelta(hours=2), **kwargs)


def stored(aanbod: Aanbod):
    return VolgendeStart.objects.filter(aanbod=aanbod).values_list("start", flat=True).first()


def soonest(client) -> list[str]:
    response = client.get("/aanbod/", {"sort": "soonest"})
    return [a.titel for a in factories.listed_aanbod(response)]


# ---- PostgreSQL: the stored value follows every write --------------------------------------------
def test_it_follows_activities_inserted(postgres):
    aanbod = factories.AanbodFactory()
    assert stored(aanbod) is None
    later = activiteit(aanbod, 48)
    assert stored(aanbod) == later.start
    sooner = activiteit(aanbod, 24)
    assert stored(aanbod) == sooner.start
    activiteit(aanbod, 12, geannuleerd=True)  # cancelled: not a next start
    activiteit(aanbod, -12)  # already started
    assert stored(aanbod) == sooner.start


def test_it_follows_a_start_moved_a_cancellation_and_a_move_to_another_aanbod(postgres):
    aanbod, ander = factories.AanbodFactory(), factories.AanbodFactory()
    first, second = activiteit(aanbod, 24), activiteit(aanbod, 48)
    first.start, first.einde = in_hours(72), in_hours(74)
    first.save()
    assert stored(aanbod) == second.start
    second.geannuleerd = True
    second.save()
    assert stored(aanbod) == first.start
    second.geannuleerd = False
    second.save()
    assert stored(aanbod) == second.start
    Activiteit.objects.filter(pk=second.pk).update(aanbod=ander)
    assert (stored(aanbod), stored(ander)) == (first.start, second.start)
    Activiteit.objects.filter(pk=first.pk).update(start=in_hours(-3), einde=in_hours(-1))  # into the past
    assert stored(aanbod) is None


def test_it_follows_deletes(postgres):
    aanbod = factories.AanbodFactory()
    first, second = activiteit(aanbod, 24), activiteit(aanbod, 48)
    first.delete()
    assert stored(aanbod) == second.start
    Activiteit.objects.filter(aanbod=aanbod).delete()
    assert stored(aanbod) is None


def test_it_follows_bulk_writes(postgres):
    aanbod, ander = factories.AanbodFactory(), factories.AanbodFactory()
    base = in_hours(0)
    Activiteit.objects.bulk_create(
        Activiteit(aanbod=a, start=base + timedelta(hours=h), einde=base + timedelta(hours=h + 2))
        for a, h in [(aanbod, 30), (aanbod, 20), (ander, 40)]
    )
    assert (stored(aanbod), stored(ander)) == (base + timedelta(hours=20), base + timedelta(hours=40))
    Activiteit.objects.filter(aanbod=aanbod, start=base + timedelta(hours=20)).update(geannuleerd=True)
    assert stored(aanbod) == base + timedelta(hours=30)
    Activiteit.objects.filter(aanbod__in=[aanbod, ander]).update(geannuleerd=True)
    assert (stored(aanbod), stored(ander)) == (None, None)


def test_a_series_cancelled_clears_it(postgres):
    reeks = factories.ReeksFactory(bijeenkomsten=3)
    assert stored(reeks.aanbod) is not None
    reeks_cancel(reeks=reeks, reden="ziek")
    assert stored(reeks.aanbod) is None


def test_a_save_of_the_aanbod_leaves_it_and_a_delete_takes_it_along(postgres):
    aanbod = factories.AanbodFactory()
    geladen = Aanbod.objects.get(pk=aanbod.pk)
    nieuw = activiteit(aanbod, 24)
    geladen.titel = "Een nieuwe titel"
    geladen.save()
    assert stored(aanbod) == nieuw.start
    aanbod.delete()
    assert not VolgendeStart.objects.exists()


def test_a_truncate_of_the_activities_empties_it(postgres):
    activiteit(factories.AanbodFactory(), 24)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no trigger events pending for TRUNCATE
        cursor.execute("TRUNCATE aanbod_activiteit CASCADE")
    assert not VolgendeStart.objects.exists()


def test_writes_of_activities_do_not_write_the_aanbod(postgres):
    """Its own table: the aanbod row (its search document, its indexes, the data version) is left alone:
    an UPDATE would leave a new row version (ctid)."""
    aanbod = factories.AanbodFactory()

    def row_version() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM aanbod_aanbod WHERE id = %s", [aanbod.pk])
            return cursor.fetchone()[0]

    before = row_version()
    first = activiteit(aanbod, 24)
    first.geannuleerd = True
    first.save()
    assert row_version() == before


def test_the_refresh_rewrites_values_that_time_made_stale(postgres):
    aanbod = factories.AanbodFactory()
    start = timezone.now() + timedelta(seconds=2)
    soon = factories.ActiviteitFactory(aanbod=aanbod, start=start, einde=start + timedelta(hours=1))
    assert aanbod_refresh_volgende_start() == 0  # nothing stale yet
    later = activiteit(aanbod, 24)
    assert stored(aanbod) == soon.start
    time.sleep(max(0, (start - timezone.now()).total_seconds()) + 0.1)  # the database's clock too
    assert aanbod_refresh_volgende_start() == 1
    assert stored(aanbod) == later.start
    assert aanbod_refresh_volgende_start() == 0


# ---- Both databases: the order is exact ----------------------------------------------------------
def test_the_soonest_order_stays_exact_when_the_stored_value_went_stale(client, monkeypatch):
    """Three hours later, A's stored next start (in one hour) has passed: A's next is in five days, so
    B (in two days) comes first; C has none and comes last."""
    a = factories.AanbodFactory(titel="A met een activiteit in een uur")
    first = activiteit(a, 1)
    activiteit(a, 5 * 24)
    b = factories.AanbodFactory(titel="B over twee dagen")
    activiteit(b, 2 * 24)
    factories.AanbodFactory(titel="C zonder activiteit")
    assert soonest(client) == [a.titel, b.titel, "C zonder activiteit"]

    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    if connection.vendor == "postgresql":
        assert stored(a) == first.start < later  # stale: the order must not trust it
    assert soonest(client) == [b.titel, a.titel, "C zonder activiteit"]


def test_the_beat_refreshes_it():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "aanbod.refresh_volgende_start" in names
    assert refresh_volgende_start.name == "aanbod.refresh_volgende_start"
    assert "aanbod.refresh_volgende_start" in app.tasks


def test_nothing_to_refresh_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    factories.ActiviteitFactory()
    assert aanbod_refresh_volgende_start() == 0
    assert not VolgendeStart.objects.exists()
