"""Benchmark: the toy catalogue and the spelotheek's reminders on PostgreSQL.

    .venv/bin/python bench/spelotheek.py [--items 5000] [--leden 2000] [--loans 100000]
                                         [--reminders 10000] [--requests 100] [--keep]

1. Creates a scratch database (hvhk_bench_spel; PostgreSQL at BENCH_PG, default
   postgres://postgres@127.0.0.1:5432), migrates it and fills it: ITEMS toys over five spelotheken (with
   50 distinct photos), LEDEN members, a tenth of the toys lent out and some reserved, and LOANS past
   loans. Past loans live as anonymous counts (UitleenTelling, one row per loan here: the worst case);
   that is all a returned loan leaves in this design.
2. Starts gunicorn (one sync worker) serving the project plus /__bench__/bare, a bare Django view behind
   the same middleware, and times sequential requests to /spelotheek/ with each filter and to a toy's
   page; prints the median and p95 and each median's ratio to the bare view's. Target: ≤ 10×.
3. Adds REMINDERS loans due in two days (on toys of their own), times one worker process sending them
   all (locmem mail backend: the figure is the portal's own work: claim, render, mark), then makes them
   due again and lets two worker processes race, counting duplicates and misses. Target: ≤ 15 s, 0 and 0.
4. Drops the database (unless --keep).

Gunicorn takes bench/wegwijzer.py as its settings module (`--pythonpath bench`), which adds the bare view.
"""

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "hvhk_bench_spel"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
MEDIA = Path(tempfile.gettempdir()) / "hvhk_bench_spel_media"
SERVER_ENV = {
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "SECRET_KEY": "bench-only-not-a-secret",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "STATIC_MANIFEST": "0",
    "LOG_LEVEL": "WARNING",
    "PYTHONWARNINGS": "ignore",
    "MAIL_BACKEND": "locmem",
    "MEDIA_ROOT": str(MEDIA),
}
NAMES = ["Puzzel", "Knikkerbaan", "Blokken", "Memory", "Poppenhuis", "Loopfiets", "Xylofoon", "Loep"]


def django_setup() -> None:
    os.environ.update(SERVER_ENV)
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "huisvanhetkind.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def fill(n_items: int, n_leden: int, n_loans: int) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection, transaction
    from django.utils import timezone

    from aanbod.spelotheek.models import Categorie, Lid, Speelgoed, UitleenTelling, Uitlening
    from huisvanhetkind.lib.scoping import scopes_disabled
    from partners.models import Gemeente, Partner
    from vragen.management.demo_spelotheek import picture

    rng = random.Random(2026)
    today = timezone.localdate()
    fotos = [
        default_storage.save(f"spelotheek/bench-{n}.webp", ContentFile(picture(f"B{n}", (120, 160, 200))))
        for n in range(50)
    ]
    gemeenten = list(Gemeente.objects.all()[:50])
    with scopes_disabled(), transaction.atomic():
        partners = [
            Partner.objects.create(naam=f"Spelotheek {n}", slug=f"spelotheek-{n}", email=f"s{n}@example.org")
            for n in range(5)
        ]
        items = Speelgoed.objects.bulk_create(
            (
                Speelgoed(
                    partner=partners[n % 5],
                    code=f"B-{n:05d}",
                    naam=f"{rng.choice(NAMES)} {n}",
                    beschrijving="Stevig speelgoed uit de spelotheek, compleet in een doos.",
                    foto=fotos[n % 50],
                    categorie=rng.choice(Categorie.values),
                    leeftijd_van=(van := rng.randint(0, 8)),
                    leeftijd_tot=van + rng.randint(1, 6),
                    aantal_stukken=rng.randint(1, 60),
                    status=rng.choices(["beschikbaar", "in_herstel"], [97, 3])[0],
                )
                for n in range(n_items)
            ),
            batch_size=2000,
        )
        leden = Lid.objects.bulk_create(
            (
                Lid(
                    partner=partners[n % 5],
                    lidnummer=str(n + 1),
                    naam=f"Gezin {n}",
                    email=f"gezin{n}@example.org",
                    postcode="9000",
                    lid_van=today - timedelta(days=100),
                    lid_tot=today + timedelta(days=265),
                )
                for n in range(n_leden)
            ),
            batch_size=2000,
        )
        out = [i for i in items if i.status == "beschikbaar" and rng.random() < 0.1]
        Uitlening.objects.bulk_create(
            Uitlening(
                speelgoed=item,
                lid=leden[item.pk % n_leden],
                terug_op=today + timedelta(days=10),
                herinnering_verstuurd_op=timezone.now(),
                te_laat_verstuurd_op=timezone.now(),
            )
            for item in out
        )
        Speelgoed.objects.filter(pk__in=[i.pk for i in out]).update(
            status="uitgeleend", terug_verwacht_op=today + timedelta(days=10)
        )
        UitleenTelling.objects.bulk_create(
            (
                UitleenTelling(
                    partner=partners[n % 5],
                    maand=(today - timedelta(days=rng.randint(0, 730))).replace(day=1),
                    speelgoed=items[n % n_items],
                    leeftijdsband="3-6",
                    gemeente=rng.choice(gemeenten),
                    aantal=1,
                )
                for n in range(n_loans)
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def add_reminders(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from aanbod.spelotheek.models import Lid, Speelgoed, Uitlening
    from huisvanhetkind.lib.scoping import scopes_disabled
    from partners.models import Partner

    today = timezone.localdate()
    with scopes_disabled(), transaction.atomic():
        partner = Partner.objects.create(naam="Spelotheek herinneringen", slug="herinneringen")
        leden = Lid.objects.bulk_create(
            Lid(
                partner=partner,
                lidnummer=str(n),
                naam=f"Gezin {n}",
                email=f"lener{n}@example.org",
                taal=("nl-be", "en", "fr")[n % 3],
                lid_van=today - timedelta(days=10),
                lid_tot=today + timedelta(days=300),
            )
            for n in range(count)
        )
        items = Speelgoed.objects.bulk_create(
            Speelgoed(
                partner=partner,
                code=f"R-{n}",
                naam=f"Puzzel {n}",
                categorie="puzzels",
                status="uitgeleend",
            )
            for n in range(count)
        )
        Uitlening.objects.bulk_create(
            (
                Uitlening(speelgoed=item, lid=lid, terug_op=today + timedelta(days=2))
                for n, item in enumerate(items)
                for lid in [leden[n // 4]]
            ),
            batch_size=5000,
        )


def worker(out: str) -> None:
    django_setup()
    from django.core import mail

    from aanbod.spelotheek.mails import mails_send_due
    from huisvanhetkind.lib.scoping import scopes_disabled

    started, cpu_started = time.perf_counter(), time.process_time()
    with scopes_disabled():
        sent = mails_send_due(soorten=("bijna_terug",))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    codes = [code for m in mail.outbox for code in re.findall(r"\(R-\d+\)", m.body)]
    result = {"sent": sent, "seconds": seconds, "cpu": cpu, "mails": len(mail.outbox), "codes": codes}
    Path(out).write_text(json.dumps(result))


def run_workers(n: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        outs = [str(Path(tmp) / f"w{i}.json") for i in range(n)]
        procs = [
            subprocess.Popen([sys.executable, __file__, "--worker", out], cwd=ROOT, env=os.environ.copy())
            for out in outs
        ]
        for proc in procs:
            if proc.wait() != 0:
                raise SystemExit("a worker failed")
        return [json.loads(Path(out).read_text()) for out in outs]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, *, page_cache: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        **SERVER_ENV,
        "DJANGO_SETTINGS_MODULE": "wegwijzer",  # its settings shim adds the bare view
        "BENCH_PAGE_CACHE_SECONDS": "60" if page_cache else "0",
    }
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c", "/dev/null",
        "--chdir", str(ROOT),
        "--pythonpath", f"{ROOT},{ROOT / 'bench'}",
        "--bind", f"127.0.0.1:{port}",
        "--workers", "1",
        "--log-level", "warning",
        "huisvanhetkind.wsgi:application",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench__/bare", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not come up within 30 s")


def timed(url: str, n: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        urllib.request.urlopen(url, timeout=30).read()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            assert response.status == 200, (url, response.status)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def scenarios(detail_pk: int) -> list[tuple[str, str]]:
    return [
        ("bare Django view", "/__bench__/bare"),
        ("no filter", "/spelotheek/"),
        ("q=puzzel", "/spelotheek/?q=puzzel"),
        ("leeftijd=3", "/spelotheek/?leeftijd=3"),
        ("leeftijd=0-3 (stage)", "/spelotheek/?leeftijd=0-3"),
        ("categorie=puzzels", "/spelotheek/?categorie=puzzels"),
        ("spelotheek=spelotheek-2", "/spelotheek/?spelotheek=spelotheek-2"),
        ("beschikbaar=on", "/spelotheek/?beschikbaar=on"),
        ("combined", "/spelotheek/?q=puzzel&leeftijd=3&categorie=puzzels&beschikbaar=on"),
        ("page=100", "/spelotheek/?page=100"),
        ("a toy's page", f"/spelotheek/{detail_pk}/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--leden", type=int, default=2000)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return

    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    server = None
    try:
        env = {**os.environ, **SERVER_ENV, "DJANGO_SETTINGS_MODULE": "huisvanhetkind.settings"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        django_setup()
        t0 = time.perf_counter()
        fill(args.items, args.leden, args.loans)
        print(
            f"Filled {args.items} toys, {args.leden} members, {args.loans} past loans "
            f"in {time.perf_counter() - t0:.0f} s."
        )

        from aanbod.spelotheek.models import Speelgoed
        from huisvanhetkind.lib.scoping import scopes_disabled

        with scopes_disabled():
            detail_pk = (
                Speelgoed.objects.filter(status="beschikbaar").order_by("pk").values_list("pk", flat=True)[7]
            )
        for page_cache in (False, True):
            port = free_port()
            server = start_server(port, page_cache=page_cache)
            results = []
            for label, path in scenarios(detail_pk):
                samples = timed(f"http://127.0.0.1:{port}{path}", args.requests, args.warmup)
                results.append((label, statistics.median(samples), statistics.quantiles(samples, n=20)[-1]))
            server.terminate()
            server.wait(timeout=10)
            server = None
            bare = results[0][1]
            cache = "ON (anonymous visitors, repeated URLs)" if page_cache else "OFF (every request renders)"
            print(f"\nCatalogue, page cache {cache}; {args.requests} sequential requests, one sync worker\n")
            print(f"{'scenario':<28} {'median ms':>10} {'p95 ms':>9} {'× bare':>8}")
            for label, median, high in results:
                print(f"{label:<28} {median:>10.1f} {high:>9.1f} {median / bare:>8.1f}")
            worst = max(results[1:], key=lambda r: r[1])
            verdict = "meets" if worst[1] <= 10 * bare else "misses"
            print(f"Slowest: {worst[0]} at {worst[1] / bare:.1f}× bare — {verdict} the target of ≤ 10×.")

        add_reminders(args.reminders)
        [one] = run_workers(1)
        print(
            f"\nReminders: one worker sent {one['sent']} due reminders in {one['mails']} mails "
            f"(a family's toys due together share one) in {one['seconds']:.1f} s, "
            f"{one['cpu']:.1f} s CPU (target ≤ 15 s)."
        )
        from aanbod.spelotheek.models import Uitlening

        with scopes_disabled():
            Uitlening.objects.filter(speelgoed__partner__slug="herinneringen").update(
                herinnering_verstuurd_op=None
            )
        results = run_workers(2)
        sent = Counter(code for result in results for code in result["codes"])
        duplicates = sum(n - 1 for n in sent.values() if n > 1)
        misses = args.reminders - len(sent)
        print(
            f"Two racing workers: {[r['sent'] for r in results]} sent, {duplicates} duplicates, "
            f"{misses} missed, in {max(r['seconds'] for r in results):.1f} s."
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


main()
