"""Fill the load-test database: the demo network, enlarged, plus one activity of 20 places for the burst.

Run with the bench's environment (DATABASE_URL of the scratch database). Prints the burst activity's id.
"""

import io
import os
import random
import sys
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huisvanhetkind.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from aanbod.models import Aanbod, Activiteit  # noqa: E402

COPIES = int(os.environ.get("LOAD_COPIES", "10"))


def enlarge() -> None:
    """Copy every published aanbod COPIES times, with its themas, talen and upcoming activities."""
    rng = random.Random(7)
    originals = list(
        Aanbod.objects.gepubliceerd().prefetch_related("themas", "talen", "gemeenten", "activiteiten")
    )
    for copy in range(1, COPIES):
        for origineel in originals:
            slug = f"{origineel.slug}-{copy}"
            if Aanbod.objects.filter(slug=slug).exists():
                continue
            themas, talen, gemeenten = (
                list(origineel.themas.all()),
                list(origineel.talen.all()),
                list(origineel.gemeenten.all()),
            )
            activiteiten = list(origineel.activiteiten.all())
            kopie = origineel
            kopie.pk = None
            kopie.uuid = uuid.uuid4()
            kopie.slug = slug
            kopie.titel = f"{origineel.titel} ({copy + 1})"
            kopie.save()
            kopie.themas.set(themas)
            kopie.talen.set(talen)
            kopie.gemeenten.set(gemeenten)
            Activiteit.objects.bulk_create(
                [
                    Activiteit(
                        aanbod=kopie,
                        start=a.start + shift,
                        einde=a.einde + shift,
                        locatie=a.locatie,
                        capaciteit=a.capaciteit,
                        inschrijving_nodig=a.inschrijving_nodig,
                    )
                    for a in activiteiten
                    for shift in [timedelta(days=rng.randint(0, 6))]
                ]
            )


def burst_activity() -> Activiteit:
    aanbod = Aanbod.objects.gepubliceerd().filter(inschrijving_nodig=True).order_by("id").first()
    start = (timezone.now() + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    activiteit, _ = Activiteit.objects.update_or_create(
        aanbod=aanbod,
        titel="Loadtest: populaire cursus",
        defaults={
            "start": start,
            "einde": start + timedelta(hours=2),
            "capaciteit": 20,
            "max_personen_per_inschrijving": 1,
            "inschrijving_nodig": True,
            "geannuleerd": False,
        },
    )
    activiteit.inschrijvingen.all().delete()
    return activiteit


if __name__ == "__main__":
    from django_scopes import scopes_disabled  # a benchmark fills and reads every partner's rows

    with scopes_disabled():
        call_command("seed_demo", "--force", verbosity=0, stdout=io.StringIO())
        enlarge()
        activiteit = burst_activity()
        counts = f"aanbod={Aanbod.objects.gepubliceerd().count()} activiteiten={Activiteit.objects.count()}"
        print(counts, file=sys.stderr)
        print(activiteit.pk)
