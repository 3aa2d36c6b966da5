"""Benchmark: one gemeente's signal report for one year, over 1,000,000 Vragen on PostgreSQL.

    .venv/bin/python bench/reports.py [--vragen 1000000] [--keep] [--explain]

Creates a scratch database `hvhk_bench_rep` on the PostgreSQL of $BENCH_PG (default
postgres://postgres@127.0.0.1:5432), migrates it, bulk-loads 1,000,000 Vragen over 5 years and 30
gemeenten with COPY (about 1.3 thema links each), plus some activities, registrations and signals, and
prints:
- the time to build one gemeente's report for one year (counts, suppression, charts), median of 7 runs,
- the time of the whole page (/rapporten/<gemeente>/?van=…&tot=…) as a coordinator sees it,
- the number of queries, and the size of the database and of the vragen tables.
The database is dropped at the end unless --keep. Target: the report in ≤ 150 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB = "hvhk_bench_rep"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
YEARS = 5
GEMEENTEN = 30
PARTNERS = 25
FIRST_DAY = date(2021, 1, 1)


def admin_connection():
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def create_database():
    with admin_connection() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")


def drop_database():
    with admin_connection() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def setup_django():
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DEBUG", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huisvanhetkind.settings")
    import django

    django.setup()


def weighted(rng, options: dict):
    keys = list(options)
    return rng.choices(keys, weights=list(options.values()))[0]


def load(n_vragen: int) -> tuple[int, date]:
    """Fill the database; returns the id of the gemeente to report on and the last day of data."""
    from django.core.management import call_command
    from django.db import connection

    from aanbod.models import Thema
    from partners.models import Gemeente, Partner
    from tests import factories
    from vragen.models import Kanaal, Leeftijdsband, Signaal, Vraagsteller

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")

    rng = random.Random(2024)
    gemeenten = list(Gemeente.objects.werkgebied().order_by("nis").values_list("pk", flat=True)[:GEMEENTEN])
    themas = list(Thema.objects.values_list("pk", flat=True))
    partner_objects = [
        Partner.objects.create(naam=f"Partner {i}", slug=f"partner-{i}") for i in range(PARTNERS)
    ]
    partners = [p.pk for p in partner_objects]
    # Bigger and smaller gemeenten: weights from 1 to 10.
    gemeente_weights = {pk: 1 + (i * 7) % 10 for i, pk in enumerate(gemeenten)}
    thema_weights = {pk: 1 + (i * 5) % 9 for i, pk in enumerate(themas)}
    banden = {v: w for v, w in zip(Leeftijdsband.values, [3, 14, 20, 18, 22, 12, 3, 8], strict=True)}
    wie = {v: w for v, w in zip(Vraagsteller.values, [70, 3, 8, 2, 3, 5, 7, 2], strict=True)}
    kanalen = {v: w for v, w in zip(Kanaal.values, [35, 25, 10, 5, 15, 5, 5], strict=True)}
    days = (date(FIRST_DAY.year + YEARS, 1, 1) - FIRST_DAY).days
    last_day = FIRST_DAY + timedelta(days=days - 1)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor() as cur:
            # The settings cap statements at 30 s (huisvanhetkind.env); a bulk load takes longer.
            cur.execute("SET statement_timeout = 0")
            cur.execute("SELECT nextval('vragen_vraag_id_seq')")
            first_id = cur.fetchone()[0] + 1
            # Questions arrive over time: ids follow the dates, as in a real database.
            gemeente_keys, gemeente_w = list(gemeente_weights), list(gemeente_weights.values())
            dates = sorted(FIRST_DAY + timedelta(days=rng.randrange(days)) for _ in range(n_vragen))
            gemeente_of = rng.choices(gemeente_keys, gemeente_w, k=n_vragen)
            with cur.copy(
                "COPY vragen_vraag (id, gemeente_id, leeftijdsband, vraagsteller, kanaal, datum, "
                "doorverwezen_naar_id, aangemaakt_op) FROM STDIN"
            ) as copy:
                for offset, day in enumerate(dates):
                    copy.write_row(
                        (
                            first_id + offset,
                            gemeente_of[offset],
                            weighted(rng, banden),
                            weighted(rng, wie),
                            weighted(rng, kanalen),
                            day,
                            rng.choice(partners) if rng.random() < 0.3 else None,
                            datetime(day.year, day.month, day.day, 12, 0),
                        )
                    )
            cur.execute("SELECT setval('vragen_vraag_id_seq', %s)", [first_id + n_vragen])
            thema_keys, thema_w = list(thema_weights), list(thema_weights.values())
            with cur.copy(
                "COPY vragen_vraag_themas (vraag_id, thema_id, gemeente_id, datum) FROM STDIN"
            ) as copy:
                for offset, day in enumerate(dates):
                    picked = {rng.choices(thema_keys, thema_w)[0]}
                    if rng.random() < 0.3:
                        picked.add(rng.choices(thema_keys, thema_w)[0])
                    for thema in picked:
                        copy.write_row((first_id + offset, thema, gemeente_of[offset], day))
    print(f"loaded {n_vragen:,} vragen in {time.perf_counter() - started:.1f} s")

    # Report on the biggest gemeente; give it some aanbod, so that part of the report has work too.
    target = max(gemeente_weights, key=gemeente_weights.get)
    gemeente = Gemeente.objects.get(pk=target)
    from django.utils.timezone import make_aware

    from aanbod.models import Activiteit, Inschrijving

    locatie = factories.LocatieFactory(gemeente=gemeente, postcode="9000")
    for i in range(40):
        aanbod = factories.AanbodFactory(
            partner=rng.choice(partner_objects), themas=Thema.objects.filter(pk__in=rng.sample(themas, 2))
        )
        for week in range(12):
            start = make_aware(datetime(last_day.year, 1, 1, 19, 0) + timedelta(days=7 * week + i))
            activiteit = Activiteit.objects.create(
                aanbod=aanbod, start=start, einde=start + timedelta(hours=2), locatie=locatie, capaciteit=12
            )
            Inschrijving.objects.bulk_create(
                Inschrijving(
                    activiteit=activiteit,
                    naam="",
                    email="",
                    status="bevestigd" if k < 12 else "wachtlijst",
                    aanwezig=k % 4 != 0,
                    token=f"t{activiteit.pk}-{k}",
                )
                for k in range(rng.randrange(6, 18))
            )
    for i in range(30):
        Signaal.objects.create(
            gemeente=gemeente,
            thema_id=rng.choice(themas),
            titel=f"Signaal {i}",
            tekst="Een observatie.",
            status=rng.choice(["nieuw", "besproken", "doorgegeven"]),
            doorgegeven_op=last_day - timedelta(days=i * 5),
        )
    # Autovacuum would do this soon after a load; without it no scan can be index-only.
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE")
    return target, last_day


def measure(gemeente_id: int, last_day: date, explain: bool) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from partners.models import Gemeente
    from tests import factories
    from vragen.rapporten import Periode, build_rapport

    gemeente = Gemeente.objects.get(pk=gemeente_id)
    periode = Periode.of_months(date(last_day.year, 1, 1), date(last_day.year, 12, 1))
    n = gemeente.vragen.filter(datum__gte=periode.van, datum__lte=periode.tot).count()
    print(f"report: {gemeente.naam}, {periode.label}: {n:,} questions in the year")

    build_rapport(gemeente=gemeente, periode=periode)  # warm the caches
    times = []
    for _ in range(7):
        started = time.perf_counter()
        build_rapport(gemeente=gemeente, periode=periode)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        build_rapport(gemeente=gemeente, periode=periode)
    query_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(
        f"build_rapport: median {statistics.median(times):.0f} ms "
        f"(min {min(times):.0f}, max {max(times):.0f}), {len(queries)} queries taking {query_ms:.0f} ms"
    )

    coordinator = factories.CoordinatorFactory(email="bench@example.org")
    client = Client()
    client.force_login(coordinator)
    url = f"/rapporten/{gemeente.slug}/?{periode.query}"
    client.get(url)
    page_times = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get(url)
        page_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    size = len(response.content) // 1024
    print(f"whole page: median {statistics.median(page_times):.0f} ms ({size} KiB of HTML)")

    if explain:
        slowest = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
        with connection.cursor() as cursor:
            for query in slowest:
                print(f"\n-- {float(query['time']) * 1000:.1f} ms\n{query['sql'][:400]}")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))
    reset_queries()

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_table_size(oid)), pg_size_pretty(pg_indexes_size(oid)) "
            "FROM pg_class WHERE relname IN ('vragen_vraag', 'vragen_vraag_themas')"
        )
        for name, table, indexes in cursor.fetchall():
            print(f"  {name}: table {table}, indexes {indexes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vragen", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (skip loading)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the three slowest queries")
    args = parser.parse_args()

    if not args.reuse:
        create_database()
    try:
        setup_django()
        if args.reuse:
            from django.db.models import Count

            from partners.models import Gemeente
            from vragen.models import Vraag

            gemeente_id = (
                Gemeente.objects.annotate(n=Count("vragen")).order_by("-n").values_list("pk", flat=True)[0]
            )
            last_day = Vraag.objects.order_by("-datum").values_list("datum", flat=True)[0]
        else:
            gemeente_id, last_day = load(args.vragen)
        measure(gemeente_id, last_day, args.explain)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database()
            print(f"dropped {DB}")


if __name__ == "__main__":
    from django_scopes import scopes_disabled  # a benchmark fills and reads every partner's rows

    with scopes_disabled():
        main()
