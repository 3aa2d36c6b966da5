"""Demo data of the spelotheek (called by `seed_demo`): about 150 toys with generated pictures, members,
and loans and reservations in every state, at the demo network's library.

Safe to run again: toys and members are keyed by code and member number; pictures are drawn
deterministically from the toy's code and written once; loans, reservations and counts are only made
when the spelotheek has none yet (a demo that was played with is left as it is).
"""

import hashlib
import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw

from aanbod.spelotheek import services
from aanbod.spelotheek.models import Categorie, Lid, Reservatie, Speelgoed, UitleenTelling, Uitlening
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import Gemeente, Partner

TOY_COUNT = 150
MEMBER_COUNT = 40
POSTCODES = ["9080", "9070", "9270", "9160", "9000"]

# Per category: (names, ages (from, to), pieces (low, high), colour)
CATALOGUS = {
    Categorie.BABY: (
        ["Rammelaar", "Activiteitenkubus", "Stapelbekers", "Knuffelboekje", "Grijpring", "Speelmat"],
        (0, 2),
        (1, 6),
        (246, 189, 96),
    ),
    Categorie.BOUWEN: (
        ["Houten blokken", "Knikkerbaan", "Bouwstenen", "Magneettegels", "Kapla-set", "Treinbaan"],
        (2, 10),
        (20, 120),
        (90, 140, 200),
    ),
    Categorie.PUZZELS: (
        ["Boerderijpuzzel", "Vormenpuzzel", "Dierenpuzzel", "Wereldkaart", "Kastelenpuzzel"],
        (2, 8),
        (6, 100),
        (120, 180, 120),
    ),
    Categorie.GEZELSCHAPSSPELEN: (
        ["Memory", "Ganzenbord", "Kwartet", "Vier op een rij", "Coöperatief spel"],
        (4, 12),
        (20, 60),
        (200, 90, 90),
    ),
    Categorie.FANTASIE: (
        ["Poppenhuis", "Winkeltje", "Keukentje", "Verkleedkoffer", "Dokterskoffer"],
        (2, 8),
        (5, 40),
        (180, 120, 200),
    ),
    Categorie.BEWEGEN: (
        ["Loopfiets", "Balanceerbord", "Springtouwen", "Kegelspel", "Werpspel"],
        (1, 8),
        (1, 12),
        (240, 140, 60),
    ),
    Categorie.TAAL: (
        ["Praatplaten", "Letterspel", "Verhalendobbelstenen", "Rijmkaarten"],
        (3, 8),
        (10, 60),
        (80, 170, 170),
    ),
    Categorie.MUZIEK: (
        ["Trommel", "Xylofoon", "Muziekdoos", "Ritme-instrumenten"],
        (0, 6),
        (1, 10),
        (220, 110, 150),
    ),
    Categorie.ONTDEKKEN: (
        ["Loepset", "Magneetkist", "Sorteerdoos", "Zandloperspel"],
        (3, 10),
        (5, 30),
        (110, 110, 180),
    ),
}
ACHTERNAMEN = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "El Amrani",
    "Yilmaz",
    "Lambert",
    "Dupont",
    "Vermeulen",
    "Aerts",
]


def picture(code: str, colour: tuple[int, int, int]) -> bytes:
    """A small, deterministic WebP of coloured shapes for one toy (the same code gives the same bytes)."""
    rng = random.Random(hashlib.sha256(code.encode()).digest())
    image = Image.new("RGB", (320, 180), tuple(min(255, c + 40) for c in colour))
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        x, y, size = rng.randint(0, 280), rng.randint(0, 140), rng.randint(30, 80)
        shade = tuple(max(0, c - rng.randint(0, 80)) for c in colour)
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + size, y + size), fill=shade)
        else:
            draw.rectangle((x, y, x + size, y + size * 2 // 3), fill=shade)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=60)
    return out.getvalue()


def seed_toys(partner: Partner) -> list[Speelgoed]:
    rng = random.Random(f"spelotheek:{partner.slug}")
    toys = []
    categories = list(CATALOGUS)
    for n in range(TOY_COUNT):
        categorie = categories[n % len(categories)]
        names, (van, tot), (low, high), colour = CATALOGUS[categorie]
        naam = f"{names[(n // len(categories)) % len(names)]} {n // (len(categories) * len(names)) + 1}"
        code = f"SP-{n + 1:03d}"
        speelgoed, _ = Speelgoed.objects.update_or_create(
            partner=partner,
            code=code,
            defaults={
                "naam": naam,
                "beschrijving": f"{naam.rsplit(' ', 1)[0]} uit de spelotheek, compleet in een stevige doos.",
                "categorie": categorie,
                "leeftijd_van": van,
                "leeftijd_tot": tot,
                "aantal_stukken": rng.randint(low, high),
            },
        )
        name = f"spelotheek/demo-{partner.slug}-{code.lower()}.webp"
        if not speelgoed.foto:
            if default_storage.exists(name):
                speelgoed.foto.name = name
            else:
                speelgoed.foto.save(name, ContentFile(picture(code, colour)), save=False)
            speelgoed.save(update_fields=["foto"])
        toys.append(speelgoed)
    return toys


def seed_members(partner: Partner, today: date) -> list[Lid]:
    rng = random.Random(f"leden:{partner.slug}")
    leden = []
    for n in range(MEMBER_COUNT):
        naam = f"Gezin {ACHTERNAMEN[n % len(ACHTERNAMEN)]}" + (
            f" {n // len(ACHTERNAMEN) + 1}" if n >= 17 else ""
        )
        kansentarief = rng.random() < 0.25
        # Some memberships end soon (the reminder), one has ended.
        einde = today + timedelta(days=rng.randint(20, 330)) if n else today - timedelta(days=10)
        lid, _ = Lid.objects.get_or_create(
            partner=partner,
            lidnummer=str(n + 1),
            defaults={
                "naam": naam,
                "email": f"gezin{n + 1}@demo.example.org" if n % 5 else "",
                "telefoon": "" if n % 5 else f"0470 00 {n:02d} {n:02d}",
                "postcode": POSTCODES[n % len(POSTCODES)],
                "lid_van": einde - timedelta(days=364),
                "lid_tot": einde,
                "bijdrage": Decimal("1.00") if kansentarief else Decimal("5.00"),
                "kansentarief": kansentarief,
            },
        )
        leden.append(lid)
    return leden


def seed_loans(partner: Partner, toys: list[Speelgoed], leden: list[Lid], today: date) -> int:
    """Loans in every state; only when this spelotheek has none (a rerun adds nothing)."""
    if (
        Uitlening.objects.filter(speelgoed__partner=partner).exists()
        or Reservatie.objects.filter(speelgoed__partner=partner).exists()
        or UitleenTelling.objects.filter(partner=partner).exists()
    ):
        return 0
    actief = [lid for lid in leden if lid.is_actief(today)]
    made = 0
    # Lent out: due later, due in two days, overdue.
    for i, toy in enumerate(toys[:30]):
        uitlening = services.uitlening_create(speelgoed=toy, lid=actief[i % len(actief)])
        terug = today + timedelta(days=(12, 2, -4)[i % 3])
        Uitlening.objects.filter(pk=uitlening.pk).update(
            terug_op=terug, uitgeleend_op=timezone.now() - timedelta(days=21 - (terug - today).days)
        )
        Speelgoed.objects.filter(pk=toy.pk).update(terug_verwacht_op=terug)
        made += 1
    # Queues on some lent toys, and ready reservations on available ones (one past its collection date).
    for i, toy in enumerate(toys[:6]):
        services.reservatie_create(speelgoed=toy, lid=actief[(i + 10) % len(actief)])
    for i, toy in enumerate(toys[40:45]):
        reservatie = services.reservatie_create(speelgoed=toy, lid=actief[(i + 20) % len(actief)])
        if i == 0:
            Reservatie.objects.filter(pk=reservatie.pk).update(
                ophalen_tot=timezone.now() - timedelta(hours=2)
            )
    # Demo rows count as mailed, so the first periodic scan does not mail the demo addresses.
    Reservatie.objects.filter(speelgoed__partner=partner).update(klaar_verstuurd_op=timezone.now())
    Uitlening.objects.filter(speelgoed__partner=partner).update(
        herinnering_verstuurd_op=timezone.now(), te_laat_verstuurd_op=timezone.now()
    )
    Lid.objects.filter(partner=partner).update(verloopt_verstuurd_op=timezone.now())
    # Returned with pieces missing (follow-up open), damaged (in repair), and complete (counted).
    for i, toy in enumerate(toys[50:62]):
        uitlening = services.uitlening_create(speelgoed=toy, lid=actief[(i + 5) % len(actief)])
        controle = ("ontbreken", "beschadigd", "compleet", "compleet")[i % 4]
        services.uitlening_return(
            uitlening=uitlening, controle=controle, ontbrekende_stukken=2 if controle == "ontbreken" else 0
        )
        made += 1
    # A year of anonymous counts, as returned loans leave them.
    rng = random.Random(f"tellingen:{partner.slug}")
    gemeenten = {pc: Gemeente.objects.voor_postcode(pc).order_by("nis").first() for pc in POSTCODES}
    for months_ago in range(1, 13):
        maand = (today.replace(day=1) - timedelta(days=months_ago * 30)).replace(day=1)
        for toy in rng.sample(toys, 40):
            UitleenTelling.objects.create(
                partner=partner,
                maand=maand,
                speelgoed=toy,
                leeftijdsband=toy.leeftijdsband,
                gemeente=gemeenten[rng.choice(POSTCODES)],
                aantal=rng.randint(1, 3),
            )
    return made


def seed_spelotheek(partner: Partner, *, today: date) -> dict[str, int]:
    """The demo spelotheek at `partner`; returns what it has (toys, members, open loans)."""
    with scopes_disabled():
        toys = seed_toys(partner)
        leden = seed_members(partner, today)
        seed_loans(partner, toys, leden, today)
        return {
            "speelgoed": len(toys),
            "leden": len(leden),
            "uitleningen": Uitlening.objects.filter(
                speelgoed__partner=partner, teruggebracht_op__isnull=True
            ).count(),
        }
