"""Write the published catalogue as an HSDS 3.0 tabular data package in the official layout."""

from pathlib import Path

from django.core.management.base import BaseCommand

from aanbod.api.datapackage import write_datapackage
from huisvanhetkind.lib.scoping import scopes_disabled


class Command(BaseCommand):
    help = (
        "Write the published aanbod as an Open Referral HSDS tabular data package (CSV + datapackage.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Where to write the files (created if missing).")

    def execute(self, *args, **options):
        # A command acts for the whole network, every partner's rows (huisvanhetkind/lib/scoping.py).
        with scopes_disabled():
            return super().execute(*args, **options)

    def handle(self, *args, directory: Path, **options):
        counts = write_datapackage(directory)
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"HSDS data package written to {directory}/datapackage.json"))
