"""Benchmark: 10,000 due reminders on PostgreSQL.

    .venv/bin/python bench/reminders.py [--count 10000] [--workers 2]

Creates a scratch database (hvhk_bench_rem; PostgreSQL at BENCH_PG, default
postgres://postgres@127.0.0.1:5432), migrates it, adds COUNT confirmed registrations for activities that
start in 12 hours, then
1. times one worker process sending them all (locmem mail backend, so the figure is the portal's own
   work: claiming, rendering, building each message's MIME form as a real backend does, marking); the
   same process first builds a sample of reminders one at a time the plain way (rendered in full for
   the one family, Django's MIME form), a yardstick that a busy machine slows down just as much, and
   prints the ratio of the two per-mail times, and
2. makes them due again and lets WORKERS processes race over the same rows, counting duplicates
   (a registration mailed more than once) and misses (due rows left unsent). Both must be 0.
The scratch database (BENCH_DB, default hvhk_bench_rem) is dropped at the end. Target (issue 15): one
worker sends 10,000 in at most 15 s, two racing workers send no duplicates.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB", "hvhk_bench_rem")  # one per engineer on a shared server
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def django_setup() -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
    os.environ["MAIL_BACKEND"] = "locmem"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huisvanhetkind.settings")
    os.environ.pop("REDIS_URL", None)  # eager Celery, local-memory cache: nothing but PostgreSQL measured
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


SAMPLE = 200  # reminders built one at a time for the yardstick


def yardstick() -> float:
    """Seconds per reminder built the plain way: rendered in full for one family (details memoised
    per activity, as before the merge), and its MIME form made by Django, as a mail backend does."""
    from aanbod.models import Inschrijving
    from aanbod.services.inschrijvingen import mails

    rows = list(mails.with_mail_related(Inschrijving.objects.order_by("pk"))[:SAMPLE])
    memo: dict = {}
    started = time.perf_counter()
    for row in rows:
        mails._build(row, "inschrijving_herinnering", memo=memo).message()
    return (time.perf_counter() - started) / len(rows)


def worker(out: str, measure: bool) -> None:
    """One worker process: send what is due, write the recipients it mailed to `out`."""
    django_setup()
    from django.core import mail

    from aanbod.services.inschrijvingen import send_due_reminders

    single = yardstick() if measure else None
    started, cpu_started = time.perf_counter(), time.process_time()
    sent = send_due_reminders()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    outbox = getattr(mail, "outbox", [])  # the locmem backend's
    result = {"sent": sent, "seconds": seconds, "cpu": cpu, "single": single, "to": [m.to[0] for m in outbox]}
    Path(out).write_text(json.dumps(result))


def populate(count: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie
    from partners.models import Gemeente, Partner

    gemeente = Gemeente.objects.get(nis="44021")
    partner = Partner.objects.create(naam="Bench partner", slug="bench-partner", email="bench@example.org")
    locatie = Locatie.objects.create(
        partner=partner, naam="Zaal", straat="Kerkstraat 1", postcode="9000", gemeente=gemeente
    )
    aanbod = Aanbod.objects.create(
        partner=partner,
        titel="Slapen zonder tranen",
        slug="bench-slapen",
        soort="vormingsavond",
        samenvatting="Een avond over slapen.",
        status="gepubliceerd",
    )
    start = timezone.now() + timedelta(hours=12)
    per_activity = 25  # a realistic vormingsavond; details are rendered once per activity and language
    activiteiten = Activiteit.objects.bulk_create(
        Activiteit(
            aanbod=aanbod,
            start=start + timedelta(minutes=n),
            einde=start + timedelta(minutes=n, hours=2),
            locatie=locatie,
            capaciteit=None,
        )
        for n in range((count + per_activity - 1) // per_activity)
    )
    talen = ["nl-be", "en", "fr"]
    Inschrijving.objects.bulk_create(
        (
            Inschrijving(
                activiteit=activiteiten[n // per_activity],
                naam=f"Ouder {n}",
                email=f"ouder{n}@example.org",
                aantal_personen=1 + n % 3,
                taal=talen[n % 3],
                statusmail_verstuurd_op=timezone.now(),
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def run_workers(n: int, *, measure: bool = False) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        outs = [str(Path(tmp) / f"worker{i}.json") for i in range(n)]
        extra = ["--measure"] if measure else []
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", out, *extra], cwd=ROOT, env=os.environ.copy()
            )
            for out in outs
        ]
        for proc in procs:
            if proc.wait() != 0:
                raise SystemExit("a worker failed")
        return [json.loads(Path(out).read_text()) for out in outs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.measure)
        return

    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    try:
        django_setup()
        from django.core.management import call_command
        from django.db import connections

        from aanbod.models import Inschrijving

        call_command("migrate", verbosity=0)
        populate(args.count)
        connections.close_all()
        load = os.getloadavg()[0]
        print(
            f"{args.count} due reminders on PostgreSQL ({DB_NAME}), locmem mail backend; "
            f"{os.cpu_count()} CPUs, load average {load:.1f} at the start"
        )

        [one] = run_workers(1, measure=True)
        unsent = Inschrijving.objects.filter(herinnering_verstuurd_op__isnull=True).count()
        per_mail = one["seconds"] / max(one["sent"], 1)
        print(
            f"one worker:  {one['sent']} sent in {one['seconds']:.1f} s wall, {one['cpu']:.1f} s CPU "
            f"(the worker's own), {per_mail * 1000:.2f} ms per mail, left unsent: {unsent}"
        )
        print(
            f"  yardstick in the same process: one reminder rendered and built alone "
            f"{one['single'] * 1000:.2f} ms; per mail in bulk / alone = {per_mail / one['single']:.2f} "
            f"(so 10,000 alone would take {one['single'] * 10_000:.0f} s here, without claims and marks)"
        )
        verdict = "met" if one["seconds"] <= 15 * args.count / 10_000 else "NOT met"
        print(
            f"  target <= 15 s per 10,000 with one worker: {verdict} "
            f"(load average now {os.getloadavg()[0]:.1f})"
        )

        Inschrijving.objects.update(herinnering_verstuurd_op=None, herinnering_geclaimd_op=None)
        connections.close_all()
        started = time.perf_counter()
        results = run_workers(args.workers)
        wall = time.perf_counter() - started
        recipients = [address for result in results for address in result["to"]]
        duplicates = len(recipients) - len(set(recipients))
        unsent = Inschrijving.objects.filter(herinnering_verstuurd_op__isnull=True).count()
        split = " + ".join(str(result["sent"]) for result in results)
        slowest = max(result["seconds"] for result in results)
        print(
            f"{args.workers} workers racing: {split} = {len(recipients)} sent in {slowest:.1f} s "
            f"(wall {wall:.1f} s with start-up), duplicates: {duplicates}, left unsent: {unsent}"
        )
        connections.close_all()
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    from django_scopes import scopes_disabled  # a benchmark fills and reads every partner's rows

    with scopes_disabled():
        main()
