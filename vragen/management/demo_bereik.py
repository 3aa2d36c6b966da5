"""Demo data of the report's reach section (called by `seed_demo`): the past two years' activities and
courses of the demo aanbod, with registrations whose personal data was already erased, as retention
leaves them: a postcode, a status, a number of persons and attendance, nothing more.

The rest of the demo looks ahead (activities from tomorrow on), but reach is published per whole year
once it is complete, so without this the demo report's reach tables would be empty. Safe to run again:
the dates are fixed per year (the first Tuesday of a month, then weekly for a course) and an activity
that exists is left as it is, with its registrations.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from aanbod.models import Aanbod, Aanwezigheid, Activiteit, Inschrijving, Reeks

# Mostly the demo werkgebied (Lochristi, Destelbergen, Laarne, Lokeren), some from Gent, some without a
# postcode, and 1804 (Vilvoorde or Zemst: unknown gemeente).
POSTCODES = [("9080", 40), ("9070", 18), ("9270", 12), ("9160", 12), ("9000", 8), ("", 8), ("1804", 2)]
MONTHS = (2, 3, 5, 6, 9, 10, 11)


def _first_tuesday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def seed_bereik(aanbod: list[Aanbod], *, today: date) -> int:
    """The past two years' activities (and, for courses, series of four meetings) of the aanbod that
    takes registrations, with erased registrations; returns how many registrations it added. Two years,
    so that the report has a year beside the year before (early in a year, last year is not published
    yet)."""
    return sum(_seed_year(aanbod, year) for year in (today.year - 2, today.year - 1))


def _seed_year(aanbod: list[Aanbod], year: int) -> int:
    tz = timezone.get_current_timezone()
    added = 0
    for item in aanbod:
        if not item.inschrijving_nodig or not item.is_gepubliceerd:
            continue
        locatie = item.locaties.order_by("pk").first()
        rng = random.Random(f"bereik|{item.slug}|{year}")
        months = rng.sample(MONTHS, 2)
        for month in sorted(months):
            start = datetime.combine(_first_tuesday(year, month), time(19, 30), tzinfo=tz)
            families = [rng.choices(*zip(*POSTCODES, strict=True))[0] for _ in range(rng.randint(3, 11))]
            persons = [rng.choice([1, 1, 2]) for _ in families]
            came = [rng.random() < 0.8 for _ in families]
            course = item.soort == Aanbod.Soort.OUDERCURSUS
            if Activiteit.objects.filter(aanbod=item, start=start).exists():
                continue  # every draw above happens first, so a rerun walks the same sequence
            meetings, reeks = [], None
            if course:
                reeks = Reeks.objects.create(aanbod=item, capaciteit=14)
            for week in range(4 if course else 1):
                begin = start + timedelta(weeks=week)
                meetings.append(
                    Activiteit.objects.create(
                        aanbod=item,
                        reeks=reeks,
                        start=begin,
                        einde=begin + timedelta(hours=2),
                        locatie=locatie,
                        online=locatie is None,
                        capaciteit=None if course else 20,
                    )
                )
            erased = timezone.make_aware(datetime(year + 1, 1, 15))
            rows = Inschrijving.objects.bulk_create(
                [
                    Inschrijving(
                        reeks=reeks,
                        activiteit=None if course else meetings[0],
                        naam="",
                        email="",
                        postcode=postcode,
                        aantal_personen=n,
                        aanwezig=None if course else came[i],
                        aangemaakt_op=start - timedelta(days=10),
                        statusmail_verstuurd_op=start - timedelta(days=10),
                        gewist_op=erased,
                    )
                    for i, (postcode, n) in enumerate(zip(families, persons, strict=True))
                ]
            )
            Inschrijving.objects.filter(pk__in=[r.pk for r in rows]).update(token_seal="")
            if course:
                Aanwezigheid.objects.bulk_create(
                    [
                        Aanwezigheid(inschrijving=row, activiteit=meeting, aanwezig=came[i] and week < 3)
                        for i, row in enumerate(rows)
                        for week, meeting in enumerate(meetings)
                    ]
                )
            added += len(rows)
    return added
