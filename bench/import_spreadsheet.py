"""Benchmark: the admin's spreadsheet import and the HSDS API on a large catalogue.

    .venv/bin/python bench/import_spreadsheet.py [--rows 10000] [--aanbod 1000] [--pg]

Makes a scratch database (a temporary SQLite file, or with --pg the PostgreSQL database hvhk_bench_imp at
BENCH_PG, default postgres://postgres@127.0.0.1:5432), migrates it, and times what a coordinator waits
for in the admin:
1. AANBOD rows of aanbod (CSV): the preview (dry run) and the confirmed import;
2. ROWS rows of activities (CSV and XLSX): preview and import, then the same file again (all skipped);
then the API: /api/hsds/services?full=true&per_page=100 and /api/hsds/service_at_locations, cold and cached.
The scratch database is dropped at the end.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_DB = "hvhk_bench_imp"


def setup(use_pg: bool) -> None:
    if use_pg:
        for sql in (f"DROP DATABASE IF EXISTS {PG_DB}", f"CREATE DATABASE {PG_DB}"):
            subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)
        os.environ["DATABASE_URL"] = f"{PG}/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huisvanhetkind.settings")
    os.environ.pop("REDIS_URL", None)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label: str, function):
    began = time.perf_counter()
    result = function()
    print(f"{label:<55} {time.perf_counter() - began:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--aanbod", type=int, default=1_000)
    parser.add_argument("--pg", action="store_true")
    args = parser.parse_args()
    setup(args.pg)

    import openpyxl
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from aanbod import importeren
    from aanbod.models import Activiteit, Locatie
    from partners.models import Partner

    Partner.objects.create(naam="Opvoedingswinkel Gent", slug="opvoedingswinkel-gent")
    header = "titel;partner;soort;samenvatting;themas;gemeenten;leeftijd_van;leeftijd_tot"
    lines = [header] + [
        f"Aanbod {n};Opvoedingswinkel Gent;workshop;Een workshop.;slapen;Gent, Antwerpen;0;12"
        for n in range(args.aanbod)
    ]
    aanbod_csv = ("\n".join(lines) + "\n").encode()

    def run(resource, content, fmt=importeren.CSV, dry_run=False):
        dataset = fmt(encoding="utf-8-sig").create_dataset(content)
        result = resource().import_data(dataset, dry_run=dry_run)
        assert not result.has_errors() and not result.has_validation_errors(), list(result.invalid_rows)[:3]
        return result

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    timed(
        f"aanbod, {args.aanbod} rows: preview",
        lambda: run(importeren.AanbodResource, aanbod_csv, dry_run=True),
    )
    timed(f"aanbod, {args.aanbod} rows: import", lambda: run(importeren.AanbodResource, aanbod_csv))

    first = timezone.localdate() + dt.timedelta(days=1)
    rows = []
    for n in range(args.rows):
        day = first + dt.timedelta(days=n // 10)
        rows.append(
            [
                f"aanbod-{n % args.aanbod}",
                day.strftime("%d/%m/%Y"),
                f"{8 + n % 10}:00",
                f"{8 + n % 10}:45",
                "Zaal",
                "Kerkstraat 1",
                "9000",
                "Gent",
                "12",
            ]
        )
    activiteit_csv = (
        "\n".join(
            ["aanbod;datum;begin;einde;locatie;straat;postcode;gemeente;capaciteit"]
            + [";".join(r) for r in rows]
        )
        + "\n"
    ).encode()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["aanbod", "datum", "begin", "einde", "locatie", "straat", "postcode", "gemeente", "capaciteit"]
    )
    for row in rows:
        sheet.append(row)
    path = Path(tempfile.mkdtemp()) / "activiteiten.xlsx"
    workbook.save(path)
    activiteit_xlsx = path.read_bytes()

    timed(
        f"activities, {args.rows} rows CSV: preview",
        lambda: run(importeren.ActiviteitResource, activiteit_csv, dry_run=True),
    )
    timed(
        f"activities, {args.rows} rows XLSX: preview",
        lambda: run(importeren.ActiviteitResource, activiteit_xlsx, importeren.XLSX, dry_run=True),
    )
    timed(
        f"activities, {args.rows} rows CSV: import",
        lambda: run(importeren.ActiviteitResource, activiteit_csv),
    )
    again = timed(
        f"activities, {args.rows} rows CSV: same file again",
        lambda: run(importeren.ActiviteitResource, activiteit_csv),
    )
    print(
        f"  again: {again.totals['skip']} skipped, {again.totals['new']} new; "
        f"{Activiteit.objects.count()} activities, {Locatie.objects.count()} location(s)"
    )

    client = Client()
    for url in ("/api/hsds/services?full=true&per_page=100", "/api/hsds/service_at_locations?per_page=100"):
        response = timed(f"GET {url} (cold)", lambda url=url: client.get(url))
        assert response.status_code == 200, response.status_code
        timed(f"GET {url} (cached)", lambda url=url: client.get(url))
        print(f"  {len(response.content) // 1024} KiB")

    if args.pg:
        from django.db import connections

        connections.close_all()
        subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {PG_DB}"], check=True)


if __name__ == "__main__":
    from django_scopes import scopes_disabled  # a benchmark fills and reads every partner's rows

    with scopes_disabled():
        main()
