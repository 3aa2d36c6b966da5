"""Benchmark: /aanbod/ on PostgreSQL with 5,000 published aanbod and 50,000 activities, under gunicorn.

    .venv/bin/python bench/wegwijzer.py [--aanbod 5000] [--activiteiten 50000] [--requests 200] [--keep]
    .venv/bin/python bench/wegwijzer.py --reuse   # measure again what a --keep run filled

1. Creates a scratch database (hvhk_bench_weg; PostgreSQL at BENCH_PG, default
   postgres://postgres@127.0.0.1:5432), migrates it and fills it (the search triggers do their work
   during the fill, as they would in production).
2. Starts gunicorn on a free local port serving the project, with one extra URL, /__bench__/bare: a bare
   Django view (`HttpResponse("ok")`) behind the same middleware — the floor any page stands on.
3. Times sequential requests to /aanbod/ without a filter, with each filter, with a text search (and a
   typo), and to the bare view, in rounds (each URL once a round, so a change of the machine's load
   strikes them all alike), and prints the median and p95 latency and each median's ratio to the bare
   view's, against the targets of issue 15: ≤ 10× for each filter, ≤ 15× for a text search, ≤ 25× for
   the typo-tolerant fallback. With the page cache off (`--page-cache off`) every request renders the
   page: the fragments shared by every filter combination (the cards, the choice lists, "my children")
   are warm, as they are for a parent's new combination on a busy site, but nothing that belongs to the
   one URL is kept (no page, no count). `--cpu` adds the CPU time per request of the gunicorn workers
   and the PostgreSQL backends (from /proc) and its ratio to the bare view's: latency ratios shrink on a
   machine whose other work keeps every request waiting for a core, CPU ratios do not.
4. Stops gunicorn and drops the database (unless --keep).

How the extra URL gets in without touching production code: gunicorn imports THIS file as the Django
settings module (`--pythonpath bench`, DJANGO_SETTINGS_MODULE=wegwijzer). Imported that way it takes all
of huisvanhetkind.settings and points ROOT_URLCONF at itself, where `urlpatterns` is the project's plus
the bare view (built lazily, after Django is set up).
"""

import os
import sys

if __name__ != "__main__":
    # ---- Imported by gunicorn as the settings module ------------------------------------------
    from huisvanhetkind.settings import *  # noqa: F403

    ROOT_URLCONF = __name__
    # The page cache for anonymous visitors (aanbod.views.wegwijzer.cached_for_visitors): 0 turns it off.
    WEGWIJZER_PAGE_CACHE_SECONDS = int(os.environ.get("BENCH_PAGE_CACHE_SECONDS", "60"))

    def bare(request):
        from django.http import HttpResponse

        return HttpResponse("ok", content_type="text/plain")

    def __getattr__(name):
        if name == "urlpatterns":
            from django.urls import path

            from huisvanhetkind.urls import urlpatterns

            return [path("__bench__/bare", bare), *urlpatterns]
        raise AttributeError(name)

else:
    import argparse
    import random
    import socket
    import statistics
    import subprocess
    import tempfile
    import time
    import urllib.request
    from datetime import timedelta
    from decimal import Decimal
    from pathlib import Path

    ROOT = Path(__file__).resolve().parent.parent
    DB_NAME = os.environ.get("BENCH_DB", "hvhk_bench_weg")  # another name keeps parallel runs apart
    PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
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
    }

    WORDS = [
        "slapen",
        "slaap",
        "baby",
        "peuter",
        "kleuter",
        "ouders",
        "opvoeden",
        "spelen",
        "voorlezen",
        "eten",
        "koken",
        "zindelijkheid",
        "huilen",
        "troosten",
        "grenzen",
        "gedrag",
        "taal",
        "meertalig",
        "school",
        "huiswerk",
        "puberteit",
        "scheiding",
        "pesten",
        "geldzorgen",
        "welzijn",
        "vrije",
        "tijd",
        "bewegen",
        "turnen",
        "muziek",
        "knutselen",
        "natuur",
        "wandelen",
        "zwemmen",
        "babymassage",
        "borstvoeding",
        "flesvoeding",
        "tandjes",
        "vaccins",
        "groei",
        "ontwikkeling",
        "emoties",
        "boosheid",
        "angst",
        "rouw",
    ]
    SOORTEN = [
        "vormingsavond", "workshop", "oudercursus", "ontmoetingsmoment", "spelotheek",
        "consultatie", "adviesgesprek", "infotheek", "speelmoment", "groepsaanbod",
    ]  # fmt: skip

    def django_setup() -> None:
        os.environ.update(SERVER_ENV)
        os.environ.pop("REDIS_URL", None)  # local-memory cache: nothing but PostgreSQL and Django measured
        os.environ["DJANGO_SETTINGS_MODULE"] = "huisvanhetkind.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def admin_sql(sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    SYLLABLES = [
        "ba",
        "be",
        "bo",
        "da",
        "de",
        "do",
        "ka",
        "ke",
        "ko",
        "la",
        "le",
        "lo",
        "ma",
        "me",
        "mo",
        "na",
        "ne",
        "no",
        "pa",
        "pe",
        "po",
        "ra",
        "re",
        "ro",
        "sa",
        "se",
        "so",
        "ta",
        "te",
        "to",
    ]

    def filler_words(rng: random.Random, n: int = 3000) -> list[str]:
        """Made-up words: a realistic vocabulary size, so a topic word occurs in a few percent of texts."""
        return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(n)]

    def sentence(rng: random.Random, n: int, filler: list[str] | None = None, topics: int = 1) -> str:
        words = [rng.choice(filler) for _ in range(n - topics)] if filler else []
        words += [rng.choice(WORDS) for _ in range(topics if filler else n)]
        if not words:
            words = [rng.choice(filler)]
        rng.shuffle(words)
        return " ".join(words).capitalize() + "."

    def fill(n_aanbod: int, n_activiteiten: int) -> None:
        from django.db import connection, transaction
        from django.utils import timezone
        from django.utils.text import slugify

        from aanbod.models import Aanbod, Activiteit, Locatie, Openingsuur, Taal, Thema
        from partners.models import Gemeente, Partner

        rng = random.Random(2026)
        filler = filler_words(rng)
        gemeenten = list(Gemeente.objects.werkgebied())
        themas = list(Thema.objects.all())
        talen = list(Taal.objects.all())
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        with transaction.atomic():
            partners = Partner.objects.bulk_create(
                Partner(
                    naam=f"Partner {i} {rng.choice(WORDS)}",
                    slug=f"partner-{i}",
                    korte_beschrijving=sentence(rng, 8),
                )
                for i in range(60)
            )
            locaties = Locatie.objects.bulk_create(
                Locatie(
                    naam=f"Locatie {i}",
                    straat=f"Kerkstraat {i}",
                    postcode="9000",
                    gemeente=rng.choice(gemeenten),
                    partner=rng.choice(partners),
                )
                for i in range(300)
            )
            aanbod = []
            for i in range(n_aanbod):
                van = rng.choice([None, 0, 0, 3, 6, 12])
                betalend = rng.random() < 0.3
                titel = f"{sentence(rng, 3, filler)[:-1]} {i}"
                aanbod.append(
                    Aanbod(
                        partner=rng.choice(partners),
                        titel=titel,
                        slug=slugify(titel),
                        soort=rng.choice(SOORTEN),
                        samenvatting=sentence(rng, 18, filler)[:300],
                        # Mostly everyday words, with a topic word in one sentence: like a real description.
                        beschrijving=" ".join(
                            sentence(rng, 14, filler, topics=int(n == 0)) for n in range(6)
                        ),
                        status=Aanbod.Status.GEPUBLICEERD,
                        leeftijd_van=van,
                        leeftijd_tot=None if van is None else min(van + rng.choice([3, 6, 12]), 18),
                        aanstaande_ouders=rng.random() < 0.1,
                        kosten=Aanbod.Kosten.BETALEND if betalend else Aanbod.Kosten.GRATIS,
                        prijs=Decimal(rng.choice([5, 10, 25])) if betalend else None,
                        kansentarief=betalend and rng.random() < 0.5,
                        nagekeken_op=now.date(),
                    )
                )
            aanbod = Aanbod.objects.bulk_create(aanbod, batch_size=1000)
            Through = Aanbod.themas.through
            Through.objects.bulk_create(
                (Through(aanbod=a, thema=t) for a in aanbod for t in rng.sample(themas, rng.randint(1, 3))),
                batch_size=2000,
            )
            GThrough = Aanbod.gemeenten.through
            GThrough.objects.bulk_create(
                (
                    GThrough(aanbod=a, gemeente=g)
                    for a in aanbod
                    for g in rng.sample(gemeenten, rng.randint(0, 2))
                ),
                batch_size=2000,
            )
            TThrough = Aanbod.talen.through
            TThrough.objects.bulk_create(
                (
                    TThrough(aanbod=a, taal=t)
                    for a in aanbod
                    if rng.random() < 0.3
                    for t in rng.sample(talen, 2)
                ),
                batch_size=2000,
            )
            LThrough = Aanbod.locaties.through
            LThrough.objects.bulk_create(
                (LThrough(aanbod=a, locatie=rng.choice(locaties)) for a in aanbod), batch_size=2000
            )
            Openingsuur.objects.bulk_create(
                Openingsuur(aanbod=a, weekdag=rng.randint(0, 6), van="14:00", tot="17:00")
                for a in aanbod
                if a.soort == "spelotheek"
            )
            activiteiten = []
            for _ in range(n_activiteiten):
                start = now + timedelta(hours=rng.randint(-24 * 30, 24 * 180))
                activiteiten.append(
                    Activiteit(
                        aanbod=rng.choice(aanbod),
                        start=start,
                        einde=start + timedelta(hours=2),
                        locatie=rng.choice(locaties),
                        capaciteit=rng.choice([None, 10, 20, 40]),
                        geannuleerd=rng.random() < 0.03,
                    )
                )
            Activiteit.objects.bulk_create(activiteiten, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def start_server(port: int, workers: int, *, page_cache: bool, redis: str = "") -> subprocess.Popen:
        config = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)  # noqa: SIM115
        config.write("# empty: flags on the command line only\n")
        config.close()
        env = {
            **os.environ,
            **SERVER_ENV,
            "DJANGO_SETTINGS_MODULE": "wegwijzer",
            "BENCH_PAGE_CACHE_SECONDS": "60" if page_cache else "0",
        }
        env.pop("REDIS_URL", None)
        if redis:
            env["REDIS_URL"] = redis
        cmd = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c", config.name,
            "--chdir", str(ROOT),
            "--pythonpath", f"{ROOT},{ROOT / 'bench'}",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--log-level", "warning",
            "huisvanhetkind.wsgi:application",
        ]  # fmt: skip
        server = subprocess.Popen(cmd, env=env, cwd=ROOT)
        deadline = time.monotonic() + 90  # a busy machine starts workers slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench__/bare", timeout=2).read()
                return server
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise SystemExit("gunicorn did not come up within 90 s")

    def stop(server: subprocess.Popen) -> None:
        """Stop gunicorn; a busy machine may take a while to let its workers go."""
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    def p95(samples: list[float]) -> float:
        return statistics.quantiles(samples, n=20)[-1]

    def scenarios() -> list[tuple[str, str]]:
        from datetime import date

        van = date.today() + timedelta(days=7)
        return [
            ("bare Django view", "/__bench__/bare"),
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

    def timed_rounds(urls: list[str], n: int, warmup: int) -> list[list[float]]:
        """Samples per URL, taken in rounds (each URL once a round, the bare view among them), so that a
        machine whose load changes during the run slows every URL alike and the ratios stay fair."""
        for url in urls:
            for _ in range(warmup):
                urllib.request.urlopen(url, timeout=30).read()
        samples = [[] for _ in urls]
        for _ in range(n):
            for url, into in zip(urls, samples, strict=True):
                t0 = time.perf_counter()
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
                    assert response.status == 200, (url, response.status)
                into.append((time.perf_counter() - t0) * 1000)
        return samples

    # The targets of issue 15 for the uncached list, as ratios to the bare view: a text search may take
    # 15×, the typo-tolerant fallback 25×, every other filter 10×.
    TARGETS = {"q=slapen (full text)": 15, "q=peuetr (typo, trigram)": 25}
    DEFAULT_TARGET = 10

    CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

    def process_cpu_seconds(pids: list[int]) -> float:
        """User and system CPU time of these processes so far (those that have gone count nothing)."""
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / CLOCK_TICKS

    def server_pids(server: subprocess.Popen) -> list[int]:
        """gunicorn's workers, and the PostgreSQL backends serving the benchmark's database."""
        try:
            with open(f"/proc/{server.pid}/task/{server.pid}/children") as fh:
                workers = [int(pid) for pid in fh.read().split()]
        except OSError:
            workers = []
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            backends = [
                row[0]
                for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [DB_NAME],
                )
            ]
        return workers + backends

    def cpu_per_request(server: subprocess.Popen, url: str, *, min_seconds: float = 0.5) -> float:
        """Milliseconds of CPU (Django in the workers and PostgreSQL) per request: unlike latency, hardly
        changed by what else the machine runs. Requests are sent until the clock ticks add up; a worker or
        a database connection that comes (or goes) meanwhile counts with what it used in the window."""
        start = {pid: process_cpu_seconds([pid]) for pid in server_pids(server)}
        last = dict(start)

        def used() -> float:
            for pid in server_pids(server):
                start.setdefault(pid, 0.0)
                last[pid] = process_cpu_seconds([pid]) or last.get(pid, 0.0)
            return sum(last[pid] - start[pid] for pid in last)

        done = 0
        while done < 2000:
            for _ in range(10):
                urllib.request.urlopen(url, timeout=30).read()
            done += 10
            if used() >= min_seconds:
                break
        return used() * 1000 / done

    def report(base: str, args, *, page_cache: bool, server: subprocess.Popen | None = None) -> None:
        labels, paths = zip(*scenarios(), strict=True)
        samples = timed_rounds([base + path for path in paths], args.requests, args.warmup)
        results = [(label, statistics.median(s), p95(s)) for label, s in zip(labels, samples, strict=True)]
        cpu = [cpu_per_request(server, base + path) for path in paths] if server and args.cpu else []
        bare = results[0][1]
        title = (
            "page cache ON (anonymous visitors, repeated URLs: cache hits)"
            if page_cache
            else "page cache OFF (every request does the work)"
        )
        print(f"\n{title}; {args.requests} sequential requests each, {args.workers} gunicorn sync workers\n")
        cpu_head = f" {'CPU ms':>7} {'× bare':>7}" if cpu else ""
        print(f"{'scenario':<30} {'median ms':>10} {'p95 ms':>9} {'× bare':>8} {'target':>7}{cpu_head}")
        missed = []
        for i, (label, median, high) in enumerate(results):
            target = "" if i == 0 else TARGETS.get(label, DEFAULT_TARGET)
            mark = ""
            if target and median > target * bare:
                missed.append(label)
                mark = "  missed"
            shown = f"≤ {target}×" if target else ""
            cpu_cols = f" {cpu[i]:>7.2f} {cpu[i] / cpu[0]:>7.1f}" if cpu else ""
            print(
                f"{label:<30} {median:>10.1f} {high:>9.1f} {median / bare:>8.1f} {shown:>7}{cpu_cols}{mark}"
            )
        worst = max(results[1:], key=lambda r: r[1])
        print(
            f"Slowest: {worst[0]} at {worst[1] / bare:.1f}× bare; "
            + (f"{len(missed)} of {len(results) - 1} miss their target." if missed else "every target met.")
        )

    def main() -> None:
        parser = argparse.ArgumentParser(
            description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        parser.add_argument("--aanbod", type=int, default=5000)
        parser.add_argument("--activiteiten", type=int, default=50000)
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--warmup", type=int, default=20)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
        parser.add_argument(
            "--cpu",
            action="store_true",
            help="also measure CPU per request (workers and PostgreSQL), a ratio a busy machine hardly moves",
        )
        parser.add_argument(
            "--page-cache",
            choices=["off", "on", "both"],
            default="both",
            help="measure with the page cache off (every request renders), on, or both (the default)",
        )
        parser.add_argument(
            "--redis", default="", help="cache in this Redis (shared by the workers, as in production)"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure the database a --keep run left (migrated by this checkout), without refilling it",
        )
        args = parser.parse_args()
        args.keep = args.keep or args.reuse

        if not args.reuse:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
            admin_sql(f"CREATE DATABASE {DB_NAME}")
        server = None
        try:
            t0 = time.perf_counter()
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "-v0"],
                cwd=ROOT,
                env={**os.environ, **SERVER_ENV, "DJANGO_SETTINGS_MODULE": "huisvanhetkind.settings"},
                check=True,
            )
            django_setup()
            if not args.reuse:
                fill(args.aanbod, args.activiteiten)
            else:
                # Measured as a fresh fill is: a migration that rewrote rows (aanbod/0021) leaves them
                # unvacuumed, and index-only scans read the heap until autovacuum comes by.
                from django.db import connection

                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            took = time.perf_counter() - t0
            from aanbod.models import Aanbod
            from aanbod.search import search_aanbod

            matches = search_aanbod(Aanbod.objects.gepubliceerd(), "slapen").queryset.count()
            print(
                f"Filled {args.aanbod} aanbod and {args.activiteiten} activities in {took:.0f} s "
                f"(migrations and search triggers included); q=slapen matches {matches}."
            )
            modes = {"off": (False,), "on": (True,), "both": (False, True)}[args.page_cache]
            for page_cache in modes:
                port = free_port()
                server = start_server(port, args.workers, page_cache=page_cache, redis=args.redis)
                try:
                    report(f"http://127.0.0.1:{port}", args, page_cache=page_cache, server=server)
                finally:
                    stop(server)
                    server = None
        finally:
            if server is not None:
                stop(server)
            from django.db import connections

            connections.close_all()
            if not args.keep:
                admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")

    from django_scopes import scopes_disabled  # a benchmark fills and reads every partner's rows

    with scopes_disabled():
        main()
