"""`manage.py seed_demo`: fill the database with a believable demo network, in Dutch.

Huis van het Kind Lochristi (a fictional network for a real gemeente; since 2025 Lochristi includes
Wachtebeke) with Destelbergen, Laarne and Lokeren as werkgebied: twelve partners of the kinds a real
network has, about forty aanbod across every soort, activities over the coming three months, two years
of anonymous Vragen with a seasonal pattern, a few Signalen, and one demo account per role.

Running it again does not duplicate anything: rows are keyed by natural keys (slugs, e-mail
addresses, an activity by aanbod and start), and activities and Vragen are derived from absolute
calendar dates with a seeded random generator, so a second run finds what the first one made.
It lives in `vragen` because it seeds all three apps and only `vragen` may import the other two.

It refuses to run with DEBUG off unless --force is given, so a production database never gets
demo data by accident.
"""

import math
import random
import unicodedata
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from aanbod.models import Aanbod, Activiteit, Inschrijving, Locatie, Openingsuur, Reeks, Taal, Thema
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import COORDINATOR_GROUP, Gemeente, Gemeentetoegang, Lidmaatschap, Netwerk, Partner, User
from vragen import codes
from vragen.management.demo_bereik import seed_bereik
from vragen.management.demo_data import (
    AANBOD,
    ACCOUNTS,
    ACHTERNAMEN,
    ACTIVITY_DAYS,
    ANNULERINGSREDENEN,
    BASIS_PER_DAG,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DOORVERWIJZING,
    EPOCH,
    GEMEENTE_GEWICHT,
    GESPREKKEN,
    INSCHRIJFREGELS,
    KANAAL_GEWICHT,
    LEEFTIJD_BIJ_THEMA,
    LEEFTIJD_STANDAARD,
    LOCATIES,
    LOCHRISTI,
    MAAND_FACTOR,
    NETWERK,
    PARTNERS,
    REGISTRATIE_GEWICHT,
    SEIZOEN,
    SIGNALEN,
    THEMA_GEWICHT,
    VOORNAMEN,
    VRAAGSTELLER_GEWICHT,
    VRAGEN_DAYS,
    WEEKDAG_FACTOR,
    WERKGEBIED,
)
from vragen.management.demo_spelotheek import seed_spelotheek
from vragen.models import Bericht, Gesprek, Kanaal, Leeftijdsband, Signaal, Vraag, Vraagsteller

S = Aanbod.Soort


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys], k=1)[0]


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small means of a day's questions."""
    if mean <= 0:
        return 0
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class Command(BaseCommand):
    help = (
        "Fill the database with a demo Huis van het Kind network (partners, aanbod, activities, "
        "vragen, signalen) and one demo account per role. Safe to run again. Needs DEBUG or --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never on a production database.",
        )

    def execute(self, *args, **options):
        # A command acts for the whole network, every partner's rows (huisvanhetkind/lib/scoping.py).
        with scopes_disabled():
            return super().execute(*args, **options)

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo fills the database with demo data and demo accounts, so it only runs with "
                "DEBUG=1. Use --force if this really is a demo or test database."
            )
        self.today = timezone.localdate()
        self.now = timezone.now()
        with transaction.atomic():
            gemeenten = {g.nis: g for g in Gemeente.objects.filter(nis__in=WERKGEBIED)}
            missing = set(WERKGEBIED) - set(gemeenten)
            if missing:
                raise CommandError(f"Gemeenten {sorted(missing)} are missing: run `manage.py migrate` first.")
            self.gemeenten = gemeenten
            self.themas = {t.slug: t for t in Thema.objects.all()}
            self.talen = {t.code: t for t in Taal.objects.all()}
            self.seed_netwerk()
            self.seed_partners()
            self.seed_locaties()
            self.seed_aanbod()
            activiteiten = self.seed_activiteiten()
            reeksen = self.seed_reeksen(activiteiten)
            self.seed_inschrijfregels(reeksen)
            enkel = [a for a in activiteiten if a.reeks_id is None]
            inschrijvingen = self.seed_inschrijvingen([*enkel, *reeksen])
            nieuwe_vragen = self.seed_vragen()
            self.seed_signalen()
            self.seed_accounts()
            self.seed_gesprekken()
            spelotheek = seed_spelotheek(self.partners["bibliotheek-lochristi"], today=self.today)
            bereik = seed_bereik(list(self.aanbod.values()), today=self.today)  # the report's reach
        self.stdout.write(f"  Spelotheek: {spelotheek['speelgoed']} toys, {spelotheek['leden']} members.")
        self.stdout.write(
            f"  Reach: {bereik} erased registrations of the past two years added (postcodes only)."
        )
        self.report(len(activiteiten), inschrijvingen, nieuwe_vragen)

    # --- configuration and organisations ------------------------------------------------------

    def seed_netwerk(self) -> None:
        netwerk = Netwerk.objects.filter(pk=1).first() or Netwerk(pk=1)
        for field, value in NETWERK.items():
            setattr(netwerk, field, value)
        netwerk.save()
        netwerk.werkgebied.set(self.gemeenten.values())

    def seed_partners(self) -> None:
        self.partners: dict[str, Partner] = {}
        for slug, (naam, soort, vertrouwd, kort, lang, telefoon, werkgebied) in PARTNERS.items():
            partner, _ = Partner.objects.update_or_create(
                slug=slug,
                defaults={
                    "naam": naam,
                    "soort": soort,
                    "vertrouwd": vertrouwd,
                    "korte_beschrijving": kort,
                    "beschrijving": lang,
                    "telefoon": telefoon,
                    "email": f"{slug}@example.org",
                    "website": f"https://www.example.org/{slug}",
                    "adres": next(
                        f"{straat}, {postcode} {self.gemeenten[nis].naam}"
                        for p, _n, straat, postcode, nis, *_rest in LOCATIES.values()
                        if p == slug
                    ),
                    "actief": True,
                },
            )
            partner.werkgebied.set([self.gemeenten[nis] for nis in werkgebied])
            self.partners[slug] = partner

    def seed_locaties(self) -> None:
        self.locaties: dict[str, Locatie] = {}
        for key, (partner, naam, straat, postcode, nis, lat, lon, rolstoel, uitleg) in LOCATIES.items():
            locatie, _ = Locatie.objects.update_or_create(
                partner=self.partners[partner],
                naam=naam,
                defaults={
                    "straat": straat,
                    "postcode": postcode,
                    "gemeente": self.gemeenten[nis],
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lon),
                    "rolstoeltoegankelijk": rolstoel,
                    "toelichting": uitleg,
                },
            )
            self.locaties[key] = locatie

    def seed_aanbod(self) -> None:
        self.aanbod: dict[str, Aanbod] = {}
        for index, item in enumerate(AANBOD):
            rng = random.Random(f"aanbod|{item.slug}")
            status = item.status
            betalend = item.prijs is not None
            nagekeken = item.nagekeken_dagen if item.nagekeken_dagen is not None else rng.randint(5, 150)
            eerste_locatie = self.locaties[item.locaties[0]] if item.locaties else None
            aanbod, _ = Aanbod.objects.update_or_create(
                slug=item.slug,
                defaults={
                    "partner": self.partners[item.partner],
                    "titel": item.titel,
                    "soort": item.soort,
                    "samenvatting": item.samenvatting,
                    "beschrijving": item.beschrijving,
                    "aanstaande_ouders": item.aanstaand,
                    "doelgroepen": [str(d) for d in item.doelgroepen],
                    "leeftijd_van": item.leeftijd[0] if item.leeftijd else None,
                    "leeftijd_tot": item.leeftijd[1] if item.leeftijd else None,
                    "kosten": Aanbod.Kosten.BETALEND if betalend else Aanbod.Kosten.GRATIS,
                    "prijs": Decimal(item.prijs) if betalend else None,
                    "kansentarief": item.kansentarief,
                    "kosten_toelichting": item.kosten_toelichting,
                    "inschrijving_nodig": item.inschrijving,
                    "contact_email": f"{item.partner}@example.org",
                    "contact_telefoon": PARTNERS[item.partner][5],
                    "status": status,
                    "afwijsreden": item.afwijsreden,
                    "ingediend_op": self.now - timedelta(days=3 + index % 5)
                    if status in {Aanbod.Status.INGEDIEND, Aanbod.Status.AFGEWEZEN}
                    else None,
                    "gepubliceerd_op": self.now - timedelta(days=nagekeken + 30)
                    if status in {Aanbod.Status.GEPUBLICEERD, Aanbod.Status.GEARCHIVEERD}
                    else None,
                    "nagekeken_op": self.today - timedelta(days=nagekeken)
                    if status == Aanbod.Status.GEPUBLICEERD
                    else None,
                },
            )
            aanbod.themas.set([self.themas[slug] for slug in item.themas])
            aanbod.talen.set([self.talen[code] for code in item.talen])
            aanbod.locaties.set([self.locaties[key] for key in item.locaties])
            aanbod.gemeenten.set([self.gemeenten[nis] for nis in item.gemeenten])
            for weekdag, van, tot, opmerking in item.openingsuren:
                Openingsuur.objects.update_or_create(
                    aanbod=aanbod,
                    weekdag=weekdag,
                    van=time.fromisoformat(van),
                    defaults={
                        "tot": time.fromisoformat(tot),
                        "locatie": eerste_locatie,
                        "opmerking": opmerking,
                    },
                )
            self.aanbod[item.slug] = aanbod

    # --- the coming three months -----------------------------------------------------------------

    def seed_activiteiten(self) -> list[Activiteit]:
        """Create the activities the rules give between tomorrow and 90 days ahead; keep existing ones."""
        tz = timezone.get_current_timezone()
        wanted: dict[tuple[int, datetime], Activiteit] = {}
        # A course's meetings (a "series" rule of an aanbod that needs registration): which course each
        # start belongs to, by the rule's cycle; `seed_reeksen` makes them one Reeks.
        self.cursus_van: dict[tuple[int, datetime], tuple[str, int, int | None]] = {}
        for item in AANBOD:
            aanbod = self.aanbod[item.slug]
            for rule in item.regels:
                locatie = self.locaties[rule.locatie or item.locaties[0]] if item.locaties else None
                for offset in range(1, ACTIVITY_DAYS + 1):
                    day = self.today + timedelta(days=offset)
                    if not rule.matches(day):
                        continue
                    start = datetime.combine(day, time.fromisoformat(rule.at), tzinfo=tz)
                    if rule.kind == "series" and item.inschrijving:
                        cyclus = ((day - EPOCH).days // 7 - rule.phase) // rule.cycle
                        self.cursus_van[(aanbod.pk, start)] = (item.slug, cyclus, rule.capaciteit)
                    rng = random.Random(f"activiteit|{item.slug}|{start.isoformat()}")
                    geannuleerd = item.status == Aanbod.Status.GEPUBLICEERD and rng.random() < 0.05
                    wanted[(aanbod.pk, start)] = Activiteit(
                        aanbod=aanbod,
                        start=start,
                        einde=start + timedelta(minutes=rule.minutes),
                        locatie=None if item.online else locatie,
                        online=item.online,
                        capaciteit=rule.capaciteit if item.inschrijving else None,
                        max_personen_per_inschrijving=2 if item.aanstaand else 4,
                        inschrijving_nodig=item.inschrijving,
                        inschrijven_tot=start - timedelta(days=1)
                        if item.soort in {S.OUDERCURSUS, S.GROEPSAANBOD}
                        else None,
                        geannuleerd=geannuleerd,
                        geannuleerd_op=self.now - timedelta(days=1) if geannuleerd else None,
                        annulering_reden=rng.choice(ANNULERINGSREDENEN) if geannuleerd else "",
                        # Demo data: nobody is to be told about this cancellation by e-mail.
                        annulering_gemeld_op=self.now - timedelta(days=1) if geannuleerd else None,
                    )
        bestaand = {
            (a.aanbod_id, a.start): a
            for a in Activiteit.objects.select_related("aanbod").filter(
                aanbod__in=self.aanbod.values(), start__in={start for _, start in wanted}
            )
        }
        nieuw = [act for key, act in wanted.items() if key not in bestaand]
        Activiteit.objects.bulk_create(nieuw)
        return [bestaand.get(key) or act for key, act in wanted.items()]

    def seed_reeksen(self, activiteiten: list[Activiteit]) -> list[Reeks]:
        """Make each course's meetings one Reeks: families register once for all of them. A course of
        which some meetings already belong to a series (a second run) keeps that series."""
        cursussen: dict[tuple[str, int], list[Activiteit]] = {}
        for act in activiteiten:
            key = self.cursus_van.get((act.aanbod_id, act.start))
            if key is not None:
                cursussen.setdefault(key[:2], []).append(act)
        reeksen = []
        for meetings in cursussen.values():
            meetings.sort(key=lambda a: a.start)
            capaciteit = self.cursus_van[(meetings[0].aanbod_id, meetings[0].start)][2]
            reeks = next((a.reeks for a in meetings if a.reeks_id), None)
            if reeks is None:
                eerste = meetings[0]
                reeks = Reeks.objects.create(
                    aanbod=eerste.aanbod,
                    capaciteit=capaciteit,
                    max_personen_per_inschrijving=eerste.max_personen_per_inschrijving,
                    inschrijven_tot=eerste.start - timedelta(days=1),
                    laat_instappen_tot=meetings[1] if len(meetings) > 2 else None,
                )
            Activiteit.objects.filter(pk__in=[a.pk for a in meetings]).update(
                reeks=reeks, capaciteit=None, inschrijven_tot=None
            )
            for a in meetings:
                a.reeks, a.capaciteit, a.inschrijven_tot = reeks, None, None
            reeks.aanbod = meetings[0].aanbod
            reeksen.append(reeks)
        return reeksen

    def seed_inschrijfregels(self, reeksen: list[Reeks]) -> None:
        """Put the demo's registration rules (INSCHRIJFREGELS) on the series of three courses, relative to
        each series' first meeting, so a rerun sets the same moments."""
        tz = timezone.get_current_timezone()

        def voor(eerste: date, dagen_uur: tuple[int, int]) -> datetime:
            dagen, uur = dagen_uur
            return datetime.combine(eerste - timedelta(days=dagen), time(uur), tzinfo=tz)

        for reeks in reeksen:
            regels = INSCHRIJFREGELS.get(reeks.aanbod.slug)
            if not regels or not reeks.bijeenkomsten:
                continue
            eerste = timezone.localtime(reeks.start).date()
            velden = {"leeftijd_controleren": regels.get("leeftijd_controleren", False)}
            for veld, sleutel in (
                ("inschrijven_inwoners_vanaf", "inwoners_vanaf"),
                ("inschrijven_vanaf", "iedereen_vanaf"),
                ("annuleren_tot", "annuleren_tot"),
            ):
                velden[veld] = voor(eerste, regels[sleutel]) if sleutel in regels else None
            Reeks.objects.filter(pk=reeks.pk).update(**velden)
            for veld, waarde in velden.items():
                setattr(reeks, veld, waarde)

    def seed_inschrijvingen(self, activiteiten: list[Activiteit | Reeks]) -> int:
        """Fake registrations (example.org), fuller as the date nears; some full, with a waiting list."""
        enkel = [a for a in activiteiten if isinstance(a, Activiteit)]
        reeksen = [a for a in activiteiten if isinstance(a, Reeks)]
        bestaand = set(
            Inschrijving.objects.filter(activiteit__in=enkel).values_list("activiteit_id", "email")
        ) | {
            (f"r{pk}", email)
            for pk, email in Inschrijving.objects.filter(reeks__in=reeksen).values_list("reeks_id", "email")
        }
        nieuw = []
        for act in activiteiten:
            if not act.inschrijving_nodig or not act.capaciteit or not act.aanbod.is_gepubliceerd:
                continue
            if act.is_nog_niet_open:  # nobody could have registered yet
                continue
            start = timezone.localtime(act.start)
            rng = random.Random(f"inschrijvingen|{act.aanbod.slug}|{start.isoformat()}")
            dagen = (start.date() - self.today).days
            if dagen < 45 and rng.random() < 0.25:
                vulling, wachtend = 1.0, rng.randint(1, 3)
            else:
                vulling, wachtend = max(0.0, rng.uniform(0.2, 0.9) - dagen / 150), 0
            doel = round(act.capaciteit * vulling)
            bezet, volgnummer = 0, 0
            while bezet < doel or wachtend > 0:
                volgnummer += 1
                personen = min(rng.choice([1, 1, 1, 2, 2, 3]), act.max_personen_per_inschrijving)
                if bezet < doel:
                    personen = min(personen, doel - bezet)
                    status = Inschrijving.Status.BEVESTIGD
                    bezet += personen
                else:
                    status = Inschrijving.Status.WACHTLIJST
                    wachtend -= 1
                if status == Inschrijving.Status.BEVESTIGD and rng.random() < 0.06:
                    status, bezet = Inschrijving.Status.GEANNULEERD, bezet - personen
                voornaam, achternaam = rng.choice(VOORNAMEN), rng.choice(ACHTERNAMEN)
                telefoon = "04{} {} {} {}".format(*(rng.randint(10, 99) for _ in range(4)))
                dagen_geleden, minuten = rng.randint(1, 30), rng.randint(0, 600)
                # Every random draw happens before this check, so a second run walks the same sequence.
                sleutel = f"r{act.pk}" if isinstance(act, Reeks) else act.pk
                email = f"{ascii_slug(voornaam)}.{ascii_slug(achternaam)}.{sleutel}.{volgnummer}@example.org"
                if (sleutel, email) in bestaand:
                    continue
                aangemaakt = self.now - timedelta(days=dagen_geleden, minutes=minuten)
                nieuw.append(
                    Inschrijving(
                        **({"reeks": act} if isinstance(act, Reeks) else {"activiteit": act}),
                        naam=f"{voornaam} {achternaam}",
                        email=email,
                        telefoon=telefoon if volgnummer % 2 else "",
                        aantal_personen=personen,
                        status=status,
                        aangemaakt_op=aangemaakt,
                        # Demo registrations were "mailed" when they were made: the first periodic scan
                        # must not send a status mail for every one of them.
                        statusmail_verstuurd_op=aangemaakt,
                        geannuleerd_op=aangemaakt + timedelta(hours=5)
                        if status == Inschrijving.Status.GEANNULEERD
                        else None,
                    )
                )
        Inschrijving.objects.bulk_create(nieuw)
        return len(nieuw)

    # --- two years of anonymous questions ---------------------------------------------------------

    def vragen_voor_dag(self, day: date) -> list[dict]:
        """The demo questions of one calendar day: the same list whenever the command runs."""
        rng = random.Random(f"vragen|{day.isoformat()}")
        # The network grows: about 15% more questions a year.
        groei = 0.85 + 0.15 * (day - EPOCH).days / 365
        kerst = 0.3 if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 3) else 1.0
        mean = BASIS_PER_DAG * MAAND_FACTOR[day.month] * WEEKDAG_FACTOR[day.weekday()] * groei * kerst
        vragen = []
        for _ in range(poisson(rng, mean)):
            gewichten = {
                slug: gewicht * SEIZOEN.get(slug, {}).get(day.month, 1.0)
                for slug, gewicht in THEMA_GEWICHT.items()
            }
            themas = [pick(rng, gewichten)]
            if rng.random() < 0.2:
                tweede = pick(rng, gewichten)
                if tweede != themas[0]:
                    themas.append(tweede)
            band = pick(rng, LEEFTIJD_BIJ_THEMA.get(themas[0], LEEFTIJD_STANDAARD))
            if band == Leeftijdsband.ZWANGERSCHAP:
                vraagsteller = Vraagsteller.AANSTAANDE_OUDER
            else:
                vraagsteller = pick(rng, VRAAGSTELLER_GEWICHT)
                if vraagsteller == Vraagsteller.JONGERE and band not in {"12-18", "18-25"}:
                    vraagsteller = Vraagsteller.OUDER
            kanalen = dict(KANAAL_GEWICHT)
            # The website's share rises as the portal becomes known.
            kanalen[Kanaal.WEBSITE] = KANAAL_GEWICHT[Kanaal.WEBSITE] * groei**3
            doorverwijzing = DOORVERWIJZING.get(themas[0]) if rng.random() < 0.3 else None
            vragen.append(
                {
                    "gemeente": pick(rng, GEMEENTE_GEWICHT),
                    "themas": themas,
                    "leeftijdsband": band,
                    "vraagsteller": vraagsteller,
                    "kanaal": pick(rng, kanalen),
                    "doorverwezen_naar": doorverwijzing,
                    "geregistreerd_bij": pick(rng, REGISTRATIE_GEWICHT),
                }
            )
        return vragen

    def seed_vragen(self) -> int:
        """Create the planned Vragen of the past two years that a previous run did not create yet."""
        eerste, laatste = self.today - timedelta(days=VRAGEN_DAYS), self.today - timedelta(days=1)
        bron = [self.partners[slug] for slug in REGISTRATIE_GEWICHT]
        al_gemaakt = Counter(
            Vraag.objects.filter(geregistreerd_bij__in=bron, datum__range=(eerste, laatste)).values_list(
                "datum", flat=True
            )
        )
        nieuw, themas_per_vraag = [], []
        day = eerste
        while day <= laatste:
            gepland = self.vragen_voor_dag(day)
            for plan in gepland[al_gemaakt[day] :]:
                nieuw.append(
                    Vraag(
                        gemeente=self.gemeenten[plan["gemeente"]],
                        leeftijdsband=plan["leeftijdsband"],
                        vraagsteller=plan["vraagsteller"],
                        kanaal=plan["kanaal"],
                        datum=day,
                        doorverwezen_naar=self.partners.get(plan["doorverwezen_naar"]),
                        geregistreerd_bij=self.partners[plan["geregistreerd_bij"]],
                    )
                )
                themas_per_vraag.append(plan["themas"])
            day += timedelta(days=1)
        Vraag.objects.bulk_create(nieuw, batch_size=500)
        Through = Vraag.themas.through
        Through.objects.bulk_create(
            [
                Through(vraag_id=vraag.pk, thema_id=self.themas[slug].pk)
                for vraag, slugs in zip(nieuw, themas_per_vraag, strict=True)
                for slug in slugs
            ],
            batch_size=1000,
        )
        return len(nieuw)

    def seed_signalen(self) -> None:
        for titel, nis, thema, partner, status, tekst in SIGNALEN:
            Signaal.objects.update_or_create(
                titel=titel,
                defaults={
                    "gemeente": self.gemeenten[nis],
                    "thema": self.themas[thema],
                    "bron_partner": self.partners[partner],
                    "status": status,
                    "tekst": tekst,
                    "doorgegeven_op": self.today - timedelta(days=40)
                    if status == Signaal.Status.DOORGEGEVEN
                    else None,
                },
            )

    def seed_gesprekken(self) -> None:
        """A few website questions with fixed pickup codes, stored hashed as vragen.codes does it.

        Made directly rather than through vragen.services, which would mail the coordinators.
        """
        for code, dagen, nis, themas, band, partner, status, berichten in GESPREKKEN:
            code_hash = codes.code_hash(code)
            if Gesprek.objects.filter(code_hash=code_hash).exists():
                continue
            gesteld = self.now - timedelta(days=dagen, hours=3)
            vraag = Vraag.objects.create(
                gemeente=self.gemeenten[nis],
                leeftijdsband=band,
                vraagsteller=Vraagsteller.AANSTAANDE_OUDER if band == "zwangerschap" else Vraagsteller.OUDER,
                kanaal=Kanaal.WEBSITE,
                datum=timezone.localdate(gesteld),
            )
            vraag.themas.set([self.themas[slug] for slug in themas])
            laatste = gesteld + timedelta(hours=20 * (len(berichten) - 1))
            gesprek = Gesprek.objects.create(
                vraag=vraag,
                code_hash=code_hash,
                status=status,
                toegewezen_aan=self.partners.get(partner),
                aangemaakt_op=gesteld,
                laatste_bericht_op=laatste,
            )
            for index, (van, auteur, tekst) in enumerate(berichten):
                Bericht.objects.create(
                    gesprek=gesprek,
                    van=van,
                    auteur=self.users[auteur] if auteur else None,
                    tekst=tekst,
                    aangemaakt_op=gesteld + timedelta(hours=20 * index),
                )

    # --- one account per role -----------------------------------------------------------------------

    def account(self, key: str, **fields) -> User:
        email, naam = ACCOUNTS[key]
        user, created = User.objects.update_or_create(email=email, defaults={"naam": naam, **fields})
        # Set the demo password once; a password someone changed on purpose is left alone.
        if created or not user.has_usable_password():
            # One hash for all demo accounts: each hash takes about a second by design (PBKDF2).
            if not getattr(self, "demo_password_hash", None):
                user.set_password(DEMO_PASSWORD)
                self.demo_password_hash = user.password
            user.password = self.demo_password_hash
            user.save(update_fields=["password"])
        self.verified_email(user)
        self.demo_authenticator(user)
        return user

    @staticmethod
    def demo_authenticator(user: User) -> None:
        """The shared demo authenticator key, unless the account already has an authenticator app."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)

    @staticmethod
    def verified_email(user: User) -> None:
        """allauth's own record of the address, verified and primary, so the login asks nothing more."""
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    def seed_accounts(self) -> None:
        coordinator = self.account("coordinator", is_staff=True, is_superuser=False, is_active=True)
        coordinator.groups.add(Group.objects.get(name=COORDINATOR_GROUP))

        beheerder = self.account("beheerder", is_staff=False, is_superuser=False, is_active=True)
        Lidmaatschap.objects.update_or_create(
            user=beheerder,
            partner=self.partners["opvoedingswinkel-lochristi"],
            defaults={"rol": Lidmaatschap.Rol.BEHEERDER},
        )

        medewerker = self.account("medewerker", is_staff=False, is_superuser=False, is_active=True)
        Lidmaatschap.objects.update_or_create(
            user=medewerker,
            partner=self.partners["bibliotheek-lochristi"],
            defaults={"rol": Lidmaatschap.Rol.MEDEWERKER},
        )

        gemeente = self.account("gemeente", is_staff=False, is_superuser=False, is_active=True)
        Gemeentetoegang.objects.get_or_create(user=gemeente, gemeente=self.gemeenten[LOCHRISTI])
        self.users = {
            "coordinator": coordinator,
            "beheerder": beheerder,
            "medewerker": medewerker,
            "gemeente": gemeente,
        }

    # --- what the user sees -------------------------------------------------------------------------

    def report(self, activiteiten: int, inschrijvingen: int, vragen: int) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo network ready: {NETWERK['naam']}."))
        write(
            f"  {Partner.objects.filter(slug__in=PARTNERS).count()} partners, "
            f"{Aanbod.objects.filter(slug__in=self.aanbod).count()} aanbod, "
            f"{activiteiten} activities in the coming {ACTIVITY_DAYS} days, "
            f"{Vraag.objects.filter(geregistreerd_bij__in=self.partners.values()).count()} vragen, "
            f"{Signaal.objects.filter(titel__in=[s[0] for s in SIGNALEN]).count()} signalen "
            f"(this run added {inschrijvingen} registrations and {vragen} vragen)."
        )
        write("")
        write(self.style.WARNING("Demo accounts — for a demo or test database only, never in production:"))
        rows = [
            ("Coordinator (admin at /admin/)", ACCOUNTS["coordinator"][0]),
            ("Partner staff, beheerder of Opvoedingswinkel Lochristi", ACCOUNTS["beheerder"][0]),
            ("Partner staff, medewerker of Bibliotheek Lochristi", ACCOUNTS["medewerker"][0]),
            ("Municipality staff, reports of Lochristi", ACCOUNTS["gemeente"][0]),
        ]
        width = max(len(role) for role, _ in rows)
        for role, email in rows:
            write(f"  {role.ljust(width)}  {email}")
        write(f"  {'Password (all four)'.ljust(width)}  {DEMO_PASSWORD}")
        write(f"  {'Authenticator key (all four)'.ljust(width)}  {DEMO_TOTP_SECRET}")
        write("  Everyone logs in at /accounts/login/, then types the 6-digit code of an authenticator app")
        write("  that has the key above (or: oathtool --totp -b " + DEMO_TOTP_SECRET + ").")
        write("")
        write("Demo questions asked on the website; read them with their pickup code at /vraag/antwoord/:")
        for code, *_rest, status, _berichten in GESPREKKEN:
            write(f"  {code}  ({Gesprek.Status(status).label})")
