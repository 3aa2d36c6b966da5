"""EXPLAIN ANALYZE of every query behind each filter of /aanbod/ and /agenda/, on a filled bench database.

    .venv/bin/python bench/wegwijzer.py --keep            # fills hvhk_bench_weg (or BENCH_DB) and keeps it
    BENCH_DB=hvhk_bench_weg .venv/bin/python bench/explain.py [--plans]

Renders each scenario of bench/wegwijzer.py uncached (the page cache and fragment caches empty) in this
process, captures its SQL and runs EXPLAIN ANALYZE on each statement. Prints, per scenario, the number of
queries, the slowest statement's execution time and the tables it read with a sequential scan (fine for
small tables, a missing index for aanbod_aanbod or aanbod_activiteit), with the sum of the execution
times and of the pages each statement read (buffers: unlike milliseconds, the same on a busy machine).
`--plans` prints the whole plans;
`--only=TEXT` (repeatable) keeps the scenarios whose label contains TEXT.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG_TABLES = ("aanbod_aanbod", "aanbod_activiteit", "aanbod_inschrijving")


def main() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    pg = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    os.environ.update(
        DATABASE_URL=f"{pg}/{os.environ.get('BENCH_DB', 'hvhk_bench_weg')}",
        DJANGO_SETTINGS_MODULE="wegwijzer",
        BENCH_PAGE_CACHE_SECONDS="0",
        SECRET_KEY="bench-only-not-a-secret",
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        STATIC_MANIFEST="0",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    scenarios = scenario_list()
    only = [arg.split("=", 1)[1] for arg in sys.argv[1:] if arg.startswith("--only=")]
    if only:
        scenarios = [(label, path) for label, path in scenarios if any(o in label for o in only)]
    client = Client()
    plans = "--plans" in sys.argv
    print(
        f"{'scenario':<32} {'queries':>7} {'slowest ms':>10} {'total ms':>9} {'buffers':>8}"
        "  sequential scans of big tables"
    )
    for label, path in scenarios:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        slowest, total, buffers, seq = 0.0, 0.0, 0, set()
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "set_config" in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            took = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
            slowest = max(slowest, took)
            total += took
            # The top node's buffers (its children's included): pages read, whatever the machine's load.
            top = re.search(r"Buffers: shared hit=(\d+)", plan)
            buffers += int(top.group(1)) if top else 0
            seq |= {t for t in re.findall(r"Seq Scan on (\w+)", plan) if t in BIG_TABLES}
            if plans:
                print(f"--- {label}: {sql[:200]}\n{plan}\n")
        seq_text = ", ".join(sorted(seq)) or "-"
        print(
            f"{label:<32} {len(captured.captured_queries):>7} {slowest:>10.1f} {total:>9.1f} {buffers:>8}"
            f"  {seq_text}"
        )


def scenario_list() -> list[tuple[str, str]]:
    from datetime import date, timedelta

    van = date.today() + timedelta(days=7)
    aanbod = [
        ("no filter", "/aanbod/"),
        ("q=slapen (full text)", "/aanbod/?q=slapen"),
        ("q=ouders baby (two words)", "/aanbod/?q=ouders+baby"),
        ("q=peuetr (typo, trigram)", "/aanbod/?q=peuetr"),
        ("gemeente=gent", "/aanbod/?gemeente=gent"),
        ("gemeente=9000 (postcode)", "/aanbod/?gemeente=9000"),
        ("leeftijd=2", "/aanbod/?leeftijd=2"),
        ("leeftijd=0-3 (stage)", "/aanbod/?leeftijd=0-3"),
        ("thema=slapen", "/aanbod/?thema=slapen"),
        ("soort=workshop", "/aanbod/?soort=workshop"),
        ("taal=fr", "/aanbod/?taal=fr"),
        ("gratis=1", "/aanbod/?gratis=1"),
        ("kansentarief=1", "/aanbod/?kansentarief=1"),
        ("van/tot (one week)", f"/aanbod/?van={van}&tot={van + timedelta(days=6)}"),
        ("sort=soonest", "/aanbod/?sort=soonest"),
        ("combined", "/aanbod/?q=slapen&gemeente=gent&leeftijd=2&gratis=1"),
        ("page=50", "/aanbod/?page=50"),
    ]
    agenda = [(f"agenda {label}", path.replace("/aanbod/", "/agenda/", 1)) for label, path in aanbod[:14]]
    return aanbod + agenda + [("agenda.ics", "/agenda.ics")]


if __name__ == "__main__":
    main()
