"""The demo network that `manage.py seed_demo` creates: data only, in Dutch.

Huis van het Kind Lochristi is a fictional network for a real gemeente (since 2025 Lochristi includes
Wachtebeke), with Destelbergen, Laarne and Lokeren as werkgebied. Organisations, addresses, phone numbers
and people are made up; e-mail addresses and websites use example.org. Activities are described as rules
over absolute calendar dates, and the questions of a day by weighted distributions, so that the command
derives the same rows whenever it runs.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from aanbod.models import Aanbod, Doelgroep
from partners.models import Partner
from vragen.models import Kanaal, Signaal, Vraagsteller

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - printed on purpose: demo accounts only
# Every account needs two-step verification (partners.mfa); the demo accounts share this authenticator
# key, printed with the accounts, so that a demo needs no mailbox. Never on a real account.
DEMO_TOTP_SECRET = "DEMOHVHKDEMOHVHKDEMOHVHKDEMOHVHK"  # noqa: S105 - printed on purpose: demo accounts only

# NIS codes (Statbel, since the mergers of 1 January 2025)
LOCHRISTI, DESTELBERGEN, LAARNE, LOKEREN = "44087", "44013", "42010", "46029"
WERKGEBIED = [LOCHRISTI, DESTELBERGEN, LAARNE, LOKEREN]

# Calendar anchor for recurring activities: a Monday, so weekly rules fall on the same dates whatever
# the day the command runs.
EPOCH = date(2024, 1, 1)
ACTIVITY_DAYS = 90
VRAGEN_DAYS = 730

MA, DI, WO, DO, VR, ZA, ZO = range(7)

OUDERS = Doelgroep.OUDERS
AANSTAAND = Doelgroep.AANSTAANDE_OUDERS
GROOTOUDERS = Doelgroep.GROOTOUDERS
KINDEREN = Doelgroep.KINDEREN
PROFS = Doelgroep.PROFESSIONALS

# --- The network --------------------------------------------------------------------------------------

NETWERK = {
    "naam": "Huis van het Kind Lochristi",
    "baseline": "Samen sterk voor gezinnen in Lochristi, Destelbergen, Laarne en Lokeren",
    "intro": (
        "Heb je een vraag over opvoeden of opgroeien? Zoek je een babycafé, een cursus of gewoon iemand "
        "die even luistert? Bij het Huis van het Kind werken organisaties samen om het je makkelijk te "
        "maken. Alles op één plek, dicht bij huis. Veel is gratis, en je hoeft geen problemen te hebben "
        "om bij ons langs te komen."
    ),
    "baseline_en": "Working together for families in Lochristi, Destelbergen, Laarne and Lokeren",
    "baseline_fr": "Ensemble pour les familles de Lochristi, Destelbergen, Laarne et Lokeren",
    "intro_en": (
        "Do you have a question about raising your child or growing up? Are you looking for a baby café, a "
        "course or just someone who listens? At the Huis van het Kind, organisations work together to make "
        "it easy for you. Everything in one place, close to home. Much of it is free, and you do not need "
        "to have problems to come and see us."
    ),
    "intro_fr": (
        "Vous avez une question sur l'éducation de votre enfant ? Vous cherchez un café des bébés, un cours "
        "ou simplement quelqu'un qui vous écoute ? À la Huis van het Kind, des organisations travaillent "
        "ensemble pour vous faciliter la vie. Tout au même endroit, près de chez vous. Beaucoup de choses "
        "sont gratuites, et il ne faut pas avoir de problèmes pour venir nous voir."
    ),
    "kleur_primair": "#1f6f78",
    "kleur_accent": "#f2a541",
    "email": "huisvanhetkind@example.org",
    "telefoon": "09 355 00 00",
    "adres": "Dorp-West 54, 9080 Lochristi",
    "website": "https://www.example.org/huisvanhetkind-lochristi",
    "privacyverklaring": (
        "Wat doen we met je gegevens?\n\n"
        "Je kan de website gebruiken zonder account en zonder je naam te geven.\n\n"
        "Stel je een vraag? Dan bewaren we alleen waarover je vraag gaat, de leeftijd van je kind en je "
        "gemeente. Zo zien we waar gezinnen nood aan hebben. We bewaren nooit je naam, adres of "
        "telefoonnummer bij je vraag. De tekst van je vraag en ons antwoord wissen we na 60 dagen.\n\n"
        "Schrijf je je in voor een activiteit? Dan vragen we je naam en e-mailadres, zodat we je een "
        "bevestiging en een herinnering kunnen sturen. Die gegevens wissen we 30 dagen na de activiteit. "
        "Alleen de organisatie van de activiteit kan ze zien.\n\n"
        "We geven je gegevens nooit aan anderen. Wil je weten wat we over je bewaren, of wil je iets laten "
        "wissen? Mail naar huisvanhetkind@example.org of bel 09 355 00 00.\n\n"
        "Verantwoordelijk voor je gegevens: gemeente Lochristi, Dorp-West 54, 9080 Lochristi."
    ),
}

# slug: naam, soort, vertrouwd, korte beschrijving, beschrijving, telefoon, werkgebied (NIS codes)
PARTNERS = {
    "consultatiebureau-lochristi": (
        "Consultatiebureau Kind en Gezin Lochristi",
        Partner.Soort.CONSULTATIEBUREAU,
        True,
        "Gratis consultaties voor baby's en peuters: wegen, meten, vaccins en al je vragen.",
        "Op het consultatiebureau volgen een arts en een verpleegkundige de groei en ontwikkeling van "
        "je kind tot het naar school gaat. Je krijgt er de vaccins van het basisschema en je kan er met "
        "al je vragen terecht: over voeding, slapen, huilen of hoe het gaat met jezelf.",
        "09 355 10 10",
        [LOCHRISTI, DESTELBERGEN],
    ),
    "opvoedingswinkel-lochristi": (
        "Opvoedingswinkel Lochristi",
        Partner.Soort.OPVOEDINGSWINKEL,
        True,
        "Met elke vraag over opvoeden kan je hier terecht. Gratis en anoniem.",
        "De opvoedingswinkel is er voor ouders, grootouders, leerkrachten en iedereen die met kinderen "
        "werkt. Je kan binnenlopen, bellen of mailen. We luisteren, denken met je mee en zoeken samen "
        "wat bij jouw gezin past. We noteren nooit je naam.",
        "09 355 20 20",
        WERKGEBIED,
    ),
    "bibliotheek-lochristi": (
        "Bibliotheek Lochristi",
        Partner.Soort.BIBLIOTHEEK,
        True,
        "Boeken, voorleesmomenten en een spelotheek vol speelgoed om te lenen.",
        "In de bibliotheek lenen kinderen en ouders gratis boeken. In de spelotheek leen je speelgoed en "
        "gezelschapsspelen voor een klein bedrag per jaar. Elke week is er een voorleesuurtje voor "
        "peuters.",
        "09 355 30 30",
        [LOCHRISTI],
    ),
    "caw-lokeren": (
        "CAW Oost-Vlaanderen, onthaal Lokeren",
        Partner.Soort.CAW,
        True,
        "Hulp bij relaties, scheiding, geldzorgen, wonen of als het je even te veel wordt.",
        "Het Centrum Algemeen Welzijnswerk helpt iedereen die met vragen of problemen zit. Je kan zonder "
        "afspraak langskomen op het onthaal. Hulp van het CAW is gratis.",
        "078 15 03 00",
        WERKGEBIED,
    ),
    "sociaal-huis-lochristi": (
        "Sociaal Huis Lochristi (OCMW)",
        Partner.Soort.OCMW,
        True,
        "Hulp bij premies, het Groeipakket, geldzorgen en sociale voordelen.",
        "In het Sociaal Huis helpen maatschappelijk werkers je met vragen over geld, premies, huur en "
        "sociale voordelen zoals de UiTPAS met kansentarief.",
        "09 355 40 40",
        [LOCHRISTI],
    ),
    "kinderopvang-de-rupsjes": (
        "Kinderopvang De Rupsjes",
        Partner.Soort.KINDEROPVANG,
        False,
        "Kleine kinderopvang voor baby's en peuters, met inkomensgerelateerde prijs.",
        "De Rupsjes vangt 28 kinderen op van 0 tot 3 jaar. De prijs hangt af van je inkomen.",
        "09 355 50 50",
        [DESTELBERGEN, LOCHRISTI],
    ),
    "basisschool-de-regenboog": (
        "Basisschool De Regenboog Zaffelare",
        Partner.Soort.SCHOOL,
        False,
        "Gemeentelijke basisschool met kleuter- en lagere school in Zaffelare.",
        "Een warme dorpsschool waar ouders welkom zijn. Elke vrijdagochtend staat de koffie klaar.",
        "09 355 60 60",
        [LOCHRISTI],
    ),
    "clb-lochristi": (
        "CLB Meetjesland-Waasland, vestiging Lochristi",
        Partner.Soort.CLB,
        False,
        "Het centrum voor leerlingenbegeleiding: over leren, gezondheid, welbevinden en studiekeuze.",
        "Het CLB werkt samen met de school. Ouders en leerlingen kunnen er gratis en vertrouwelijk terecht.",
        "09 355 70 70",
        WERKGEBIED,
    ),
    "buurtouders-laarne": (
        "Buurtouders Laarne vzw",
        Partner.Soort.VRIJWILLIGERS,
        False,
        "Vrijwilligers die ouders met elkaar in contact brengen: babycafé, voorlezen en samen spelen.",
        "Buurtouders is een groep vrijwilligers: ouders, grootouders en buren. We organiseren "
        "ontmoetingen waar iedereen welkom is, ook als je nog maar weinig Nederlands spreekt.",
        "0470 12 34 56",
        [LAARNE, LOCHRISTI],
    ),
    "vroedvrouwenpraktijk-de-wieg": (
        "Vroedvrouwenpraktijk De Wieg",
        Partner.Soort.GEZONDHEID,
        False,
        "Vroedvrouwen voor zwangerschap, bevalling en de eerste weken thuis.",
        "Drie zelfstandige vroedvrouwen begeleiden je tijdens de zwangerschap en komen aan huis na de "
        "geboorte. Je ziekenfonds betaalt de meeste consultaties terug.",
        "0471 65 43 21",
        [LOCHRISTI, DESTELBERGEN, LOKEREN],
    ),
    "thuisbegeleiding-kompas": (
        "Thuisbegeleidingsdienst Kompas",
        Partner.Soort.JEUGDHULP,
        False,
        "Gezinsbegeleiding aan huis als het opvoeden even niet meer lukt.",
        "Een begeleider komt bij je thuis en zoekt samen met het hele gezin naar wat helpt. We "
        "vertrekken van wat goed gaat en van wat jij belangrijk vindt.",
        "09 355 80 80",
        WERKGEBIED,
    ),
    "gemeente-lochristi-gezin": (
        "Gemeente Lochristi, dienst Welzijn en Gezin",
        Partner.Soort.GEMEENTE,
        True,
        "De dienst van de gemeente die het Huis van het Kind trekt.",
        "De dienst Welzijn en Gezin coördineert het Huis van het Kind en organiseert zelf ook vormingen "
        "en activiteiten voor gezinnen.",
        "09 355 00 00",
        [LOCHRISTI],
    ),
}

# key: partner slug, naam, straat, postcode, NIS, latitude, longitude, rolstoeltoegankelijk, toelichting
LOCATIES = {
    "kg-lochristi": (
        "consultatiebureau-lochristi",
        "Consultatiebureau Lochristi",
        "Dorp-Oost 18",
        "9080",
        LOCHRISTI,
        "51.096812",
        "3.833514",
        True,
        "Ingang via de parking achteraan.",
    ),
    "kg-zaffelare": (
        "consultatiebureau-lochristi",
        "Consultatiebureau Zaffelare",
        "Dorp 12",
        "9080",
        LOCHRISTI,
        "51.136841",
        "3.865027",
        False,
        "Op de eerste verdieping, er is geen lift.",
    ),
    "opvoedingswinkel": (
        "opvoedingswinkel-lochristi",
        "Opvoedingswinkel",
        "Dorp-West 40",
        "9080",
        LOCHRISTI,
        "51.096203",
        "3.829011",
        True,
        "",
    ),
    "bib-lochristi": (
        "bibliotheek-lochristi",
        "Bibliotheek Lochristi",
        "Dorp-West 52",
        "9080",
        LOCHRISTI,
        "51.095988",
        "3.828214",
        True,
        "De spelotheek is in de kelder; neem de lift naast de balie.",
    ),
    "bib-wachtebeke": (
        "bibliotheek-lochristi",
        "Bibliotheek, filiaal Wachtebeke",
        "Dorp 35",
        "9185",
        LOCHRISTI,
        "51.169044",
        "3.874102",
        True,
        "",
    ),
    "caw-lokeren": (
        "caw-lokeren",
        "CAW-onthaal Lokeren",
        "Kazernestraat 8",
        "9160",
        LOKEREN,
        "51.104017",
        "3.992034",
        True,
        "Vlak bij het station.",
    ),
    "sociaal-huis": (
        "sociaal-huis-lochristi",
        "Sociaal Huis Lochristi",
        "Dorp-West 56",
        "9080",
        LOCHRISTI,
        "51.095801",
        "3.827822",
        True,
        "",
    ),
    "rupsjes": (
        "kinderopvang-de-rupsjes",
        "Kinderopvang De Rupsjes",
        "Bosdreef 3",
        "9070",
        DESTELBERGEN,
        "51.061245",
        "3.800517",
        True,
        "",
    ),
    "regenboog": (
        "basisschool-de-regenboog",
        "Basisschool De Regenboog",
        "Schoolstraat 7",
        "9080",
        LOCHRISTI,
        "51.138104",
        "3.862811",
        False,
        "Ouderkoffie in de refter, ingang langs de speelplaats.",
    ),
    "clb": (
        "clb-lochristi",
        "CLB, vestiging Lochristi",
        "Koning Albertlaan 30",
        "9080",
        LOCHRISTI,
        "51.099012",
        "3.825036",
        True,
        "",
    ),
    "klavertje": (
        "buurtouders-laarne",
        "Ontmoetingshuis 't Klavertje",
        "Kerkstraat 5",
        "9270",
        LAARNE,
        "51.030514",
        "3.849702",
        True,
        "Er is een verzorgingstafel en plaats voor buggy's.",
    ),
    "de-wieg": (
        "vroedvrouwenpraktijk-de-wieg",
        "Vroedvrouwenpraktijk De Wieg",
        "Antwerpsesteenweg 210",
        "9080",
        LOCHRISTI,
        "51.102044",
        "3.842176",
        True,
        "",
    ),
    "kompas": (
        "thuisbegeleiding-kompas",
        "Thuisbegeleiding Kompas",
        "Eenbeekstraat 40",
        "9070",
        DESTELBERGEN,
        "51.055512",
        "3.796034",
        True,
        "",
    ),
    "huis-van-het-kind": (
        "gemeente-lochristi-gezin",
        "Huis van het Kind Lochristi",
        "Dorp-West 54",
        "9080",
        LOCHRISTI,
        "51.096105",
        "3.828603",
        True,
        "In het gemeentehuis, gelijkvloers links.",
    ),
    "sporthal": (
        "gemeente-lochristi-gezin",
        "Sporthal Lochristi",
        "Hijftestraat 20",
        "9080",
        LOCHRISTI,
        "51.100531",
        "3.838012",
        True,
        "",
    ),
    "gc-laarne": (
        "gemeente-lochristi-gezin",
        "Gemeenschapscentrum Laarne",
        "Dorp 1",
        "9270",
        LAARNE,
        "51.029902",
        "3.851220",
        True,
        "",
    ),
}


@dataclass(frozen=True)
class Rule:
    """When an aanbod's activities take place, as absolute calendar dates.

    `weekly`: every `every` weeks on `weekday` (phase shifts which weeks); `series`: `sessions` weeks in a
    row out of every `cycle` weeks (a course); `monthly`: the `nth` `weekday` of every `months` months.
    """

    kind: str
    weekday: int
    at: str
    minutes: int
    every: int = 1
    phase: int = 0
    sessions: int = 1
    cycle: int = 1
    nth: int = 1
    months: int = 1
    capaciteit: int | None = None
    locatie: str | None = None
    school: bool = False  # held at a school: not in the school holidays

    def matches(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if is_public_holiday(day) or (self.school and is_school_holiday(day)):
            return False
        week = (day - EPOCH).days // 7 - self.phase
        if self.kind == "weekly":
            return week % self.every == 0
        if self.kind == "series":
            return week % self.cycle < self.sessions
        if self.kind == "monthly":
            month = day.year * 12 + day.month - self.phase
            return (day.day - 1) // 7 + 1 == self.nth and month % self.months == 0
        raise ValueError(f"unknown rule kind {self.kind!r}")


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus, "Anonymous" algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def is_public_holiday(day: date) -> bool:
    """The ten Belgian public holidays: no demo activity on Christmas Day or Easter Monday."""
    fixed = {(1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25)}
    if (day.month, day.day) in fixed:
        return True
    pasen = easter(day.year)
    return day in {pasen + timedelta(days=n) for n in (0, 1, 39, 49, 50)}


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_school_holiday(day: date) -> bool:
    """The Flemish school holidays of the calendar since 2025 (autumn, Christmas, carnival, summer),
    close enough for demo data: two weeks each from the Monday of the week of 1 November, of Christmas
    (the next Monday when Christmas falls on a weekend) and of carnival, and July and August."""
    if day.month in (7, 8):
        return True
    starts = [_monday_of(date(day.year, 11, 1)), easter(day.year) - timedelta(days=48)]
    for year in (day.year - 1, day.year):
        christmas = date(year, 12, 25)
        starts.append(_monday_of(christmas) + timedelta(days=7 if christmas.weekday() >= 5 else 0))
    return any(start <= day < start + timedelta(days=14) for start in starts)


def weekly(weekday, at, minutes, **kwargs) -> Rule:
    return Rule("weekly", weekday, at, minutes, **kwargs)


def series(weekday, at, minutes, sessions, cycle, **kwargs) -> Rule:
    return Rule("series", weekday, at, minutes, sessions=sessions, cycle=cycle, **kwargs)


def monthly(weekday, at, minutes, nth=1, months=1, **kwargs) -> Rule:
    return Rule("monthly", weekday, at, minutes, nth=nth, months=months, **kwargs)


@dataclass(frozen=True)
class DemoAanbod:
    slug: str
    partner: str
    soort: str
    titel: str
    samenvatting: str
    beschrijving: str
    themas: tuple[str, ...]
    leeftijd: tuple[int, int] | None = None
    aanstaand: bool = False
    doelgroepen: tuple[str, ...] = (OUDERS,)
    prijs: str | None = None
    kansentarief: bool = False
    kosten_toelichting: str = ""
    talen: tuple[str, ...] = ("nl",)
    locaties: tuple[str, ...] = ()
    gemeenten: tuple[str, ...] = ()
    inschrijving: bool = True
    status: str = Aanbod.Status.GEPUBLICEERD
    afwijsreden: str = ""
    nagekeken_dagen: int | None = None
    openingsuren: tuple[tuple[int, str, str, str], ...] = ()
    regels: tuple[Rule, ...] = ()
    online: bool = False


A = DemoAanbod
S = Aanbod.Soort

AANBOD = [
    # --- Consultatiebureau (Kind en Gezin) -------------------------------------------------------
    A(
        "consultatiebureau-lochristi",
        "consultatiebureau-lochristi",
        S.CONSULTATIE,
        "Consultatiebureau Lochristi",
        "Gratis consultatie voor je baby of peuter: wegen, meten, vaccins en tijd voor je vragen.",
        "Je maakt een afspraak via de Kind en Gezin-lijn of op het consultatiebureau zelf. Breng het "
        "boekje van je kind mee. Je kan er ook terecht met vragen over voeding, slapen of huilen.",
        ("gezondheid", "eten-en-drinken", "slapen", "ontwikkeling"),
        (0, 3),
        talen=("nl", "fr", "en"),
        locaties=("kg-lochristi",),
        inschrijving=False,
        kosten_toelichting="Gratis, op afspraak.",
        openingsuren=((DI, "09:00", "12:00", "Op afspraak"), (DO, "13:30", "16:30", "Op afspraak")),
    ),
    A(
        "consultatiebureau-zaffelare",
        "consultatiebureau-lochristi",
        S.CONSULTATIE,
        "Consultatiebureau Zaffelare",
        "Consultaties in Zaffelare, één namiddag per week.",
        "Dezelfde gratis consultaties als in Lochristi, dichter bij huis voor gezinnen uit Zaffelare en "
        "Wachtebeke.",
        ("gezondheid", "ontwikkeling"),
        (0, 3),
        locaties=("kg-zaffelare",),
        inschrijving=False,
        kosten_toelichting="Gratis, op afspraak.",
        openingsuren=((MA, "13:30", "16:00", "Op afspraak"),),
    ),
    A(
        "infoavond-de-eerste-weken",
        "consultatiebureau-lochristi",
        S.VORMINGSAVOND,
        "Infoavond: de eerste weken met je baby",
        "Voor aanstaande ouders: wat kan je verwachten als je baby er is? Over voeding, slapen en huilen.",
        "Een verpleegkundige van Kind en Gezin vertelt wat de eerste weken thuis brengen en beantwoordt "
        "je vragen. Je partner of een andere steunfiguur is ook welkom.",
        ("zwangerschap-en-geboorte", "slapen", "huilen-en-troosten"),
        aanstaand=True,
        doelgroepen=(AANSTAAND,),
        locaties=("kg-lochristi",),
        regels=(monthly(DI, "19:30", 120, nth=2, capaciteit=16),),
    ),
    A(
        "huisbezoek-na-de-geboorte",
        "consultatiebureau-lochristi",
        S.HUISBEZOEK,
        "Huisbezoek na de geboorte",
        "Een verpleegkundige van Kind en Gezin komt bij je thuis in de eerste weken na de geboorte.",
        "Je hoeft er niets voor te doen: Kind en Gezin neemt zelf contact op na de geboorte. Wil je het "
        "bezoek verzetten, bel dan het consultatiebureau.",
        ("zwangerschap-en-geboorte", "eten-en-drinken", "gezondheid"),
        (0, 1),
        aanstaand=True,
        doelgroepen=(OUDERS, AANSTAAND),
        talen=("nl", "fr", "en", "ar"),
        gemeenten=(LOCHRISTI, DESTELBERGEN),
        inschrijving=False,
    ),
    A(
        "babymassage",
        "consultatiebureau-lochristi",
        S.WORKSHOP,
        "Babymassage in vier lessen",
        "Leer je baby masseren: goed voor de band tussen jullie en vaak een hulp bij krampjes.",
        "Vier lessen van een uur, telkens op dinsdagochtend. Breng een handdoek en een flesje "
        "plantaardige olie mee.",
        ("huilen-en-troosten", "ontwikkeling"),
        (0, 1),
        locaties=("kg-lochristi",),
        regels=(series(DI, "10:00", 60, sessions=4, cycle=6, capaciteit=8),),
    ),
    # --- Opvoedingswinkel -------------------------------------------------------------------------
    A(
        "opvoedingsvragen-kom-langs",
        "opvoedingswinkel-lochristi",
        S.ADVIESGESPREK,
        "Opvoedingsvragen? Kom langs of bel",
        "Een gesprek over wat je bezighoudt in de opvoeding. Gratis, anoniem en zonder wachtlijst.",
        "Loop binnen tijdens de openingsuren, of maak een afspraak op een moment dat jou past. We "
        "denken met je mee; je beslist zelf wat je met onze tips doet.",
        ("gedrag-en-grenzen", "emoties", "slapen", "relaties-in-het-gezin"),
        (0, 18),
        doelgroepen=(OUDERS, GROOTOUDERS, PROFS),
        talen=("nl", "en", "fr"),
        locaties=("opvoedingswinkel",),
        inschrijving=False,
        openingsuren=(
            (MA, "09:00", "12:00", ""),
            (WO, "13:00", "16:00", ""),
            (DO, "17:00", "19:00", "Avondspreekuur voor werkende ouders"),
        ),
    ),
    A(
        "grenzen-stellen-zonder-roepen",
        "opvoedingswinkel-lochristi",
        S.VORMINGSAVOND,
        "Grenzen stellen zonder roepen",
        "Hoe zeg je nee zodat je kind het hoort, en blijf je zelf rustig? Een avond vol herkenbare "
        "voorbeelden.",
        "Samen met andere ouders zoeken we wat werkt bij driftbuien, ruzies en 'nog vijf minuutjes'.",
        ("gedrag-en-grenzen", "emoties"),
        (2, 12),
        prijs="5.00",
        kansentarief=True,
        kosten_toelichting="€ 5; met UiTPAS kansentarief € 1.",
        locaties=("opvoedingswinkel",),
        regels=(monthly(MA, "19:30", 120, nth=3, months=2, capaciteit=20),),
    ),
    A(
        "schermtijd-hoeveel-is-genoeg",
        "opvoedingswinkel-lochristi",
        S.VORMINGSAVOND,
        "Schermtijd: hoeveel is genoeg?",
        "Gsm, tablet en games: hoe maak je goede afspraken thuis? Online, dus gewoon vanuit je zetel.",
        "Een online vormingsavond met tijd voor vragen. Je krijgt de link een dag op voorhand.",
        ("schermen-en-media", "gedrag-en-grenzen"),
        (6, 16),
        online=True,
        regels=(monthly(WO, "20:00", 90, nth=4, months=2, phase=1, capaciteit=60),),
    ),
    A(
        "als-ouders-uit-elkaar-gaan",
        "opvoedingswinkel-lochristi",
        S.VORMINGSAVOND,
        "Als ouders uit elkaar gaan",
        "Hoe vertel je het aan je kinderen, en hoe help je hen erdoor?",
        "Een avond voor ouders die uit elkaar gaan of gingen. Je hoeft niets over je eigen situatie te "
        "vertellen.",
        ("scheiding", "emoties", "relaties-in-het-gezin"),
        (0, 18),
        locaties=("opvoedingswinkel",),
        regels=(monthly(DO, "19:30", 120, nth=1, months=3, capaciteit=15),),
    ),
    A(
        "oudercursus-positief-opvoeden",
        "opvoedingswinkel-lochristi",
        S.OUDERCURSUS,
        "Oudercursus Positief Opvoeden",
        "Zes avonden om met meer rust en plezier op te voeden, samen met andere ouders.",
        "Je leert hoe je goed gedrag aanmoedigt, hoe je reageert op lastig gedrag en hoe je voor jezelf "
        "zorgt. Je schrijft je in voor de hele reeks.",
        ("gedrag-en-grenzen", "emoties", "welzijn-van-ouders"),
        (2, 12),
        prijs="30.00",
        kansentarief=True,
        kosten_toelichting="€ 30 voor de hele reeks; met UiTPAS kansentarief € 6.",
        locaties=("opvoedingswinkel",),
        regels=(series(DI, "19:30", 150, sessions=6, cycle=10, phase=2, capaciteit=12),),
    ),
    A(
        "puberteit-contact-houden",
        "opvoedingswinkel-lochristi",
        S.OUDERCURSUS,
        "Puberteit: contact houden met je tiener",
        "Vier avonden over praten, luisteren en loslaten als je kind een tiener wordt.",
        "Voor ouders van kinderen tussen 12 en 18. Over deuren die dichtgaan, uitgaan, gsm en school.",
        ("puberteit", "relaties-in-het-gezin", "schermen-en-media"),
        (12, 18),
        prijs="20.00",
        kansentarief=True,
        kosten_toelichting="€ 20 voor vier avonden; met UiTPAS kansentarief € 4.",
        locaties=("gc-laarne",),
        regels=(series(MA, "19:30", 120, sessions=4, cycle=13, phase=4, capaciteit=14),),
    ),
    A(
        "infotheek-opvoeden",
        "opvoedingswinkel-lochristi",
        S.INFOTHEEK,
        "Infotheek: boeken en brochures over opvoeden",
        "Blader, lees en leen gratis boeken, brochures en spelletjes over opvoeden.",
        "Van zindelijkheid tot puberteit: je vindt er boeken voor ouders en prentenboeken om samen te "
        "lezen. Ook brochures in verschillende talen.",
        ("ontwikkeling", "zindelijkheid", "puberteit", "taal-en-meertaligheid"),
        (0, 18),
        doelgroepen=(OUDERS, GROOTOUDERS, PROFS),
        talen=("nl", "fr", "en", "ar", "tr"),
        locaties=("opvoedingswinkel",),
        inschrijving=False,
        openingsuren=((MA, "09:00", "12:00", ""), (WO, "13:00", "16:00", "")),
    ),
    A(
        "papa-cafe",
        "opvoedingswinkel-lochristi",
        S.ONTMOETINGSMOMENT,
        "Papa-café",
        "Een ontspannen zaterdagochtend voor vaders, met koffie, een thema en de kinderen erbij.",
        "De kinderen spelen, de papa's praten. Elke keer een ander onderwerp, van slapen tot sport.",
        ("relaties-in-het-gezin", "welzijn-van-ouders", "spelen"),
        (0, 12),
        locaties=("huis-van-het-kind",),
        inschrijving=False,
        regels=(monthly(ZA, "10:00", 120, nth=1),),
    ),
    # --- Bibliotheek met spelotheek ----------------------------------------------------------------
    A(
        "spelotheek-lochristi",
        "bibliotheek-lochristi",
        S.SPELOTHEEK,
        "Spelotheek Lochristi",
        "Leen speelgoed en gezelschapsspelen voor een klein bedrag per jaar.",
        "Meer dan 600 stuks speelgoed, van rammelaars tot strategiespellen. Je leent tot drie stuks "
        "voor drie weken. Kom eens kijken op woensdagnamiddag of zaterdagochtend.",
        ("spelen", "ontwikkeling", "opvoeden-met-weinig-geld"),
        (0, 12),
        doelgroepen=(OUDERS, GROOTOUDERS, KINDEREN),
        prijs="5.00",
        kansentarief=True,
        kosten_toelichting="€ 5 per jaar; met UiTPAS kansentarief € 1.",
        locaties=("bib-lochristi",),
        inschrijving=False,
        openingsuren=((WO, "14:00", "17:00", ""), (ZA, "10:00", "12:00", "")),
    ),
    A(
        "voorleesuurtje-peuters",
        "bibliotheek-lochristi",
        S.SPEELMOMENT,
        "Voorleesuurtje voor peuters",
        "Elke woensdagochtend verhalen, liedjes en prentenboeken voor peuters en hun ouders.",
        "Een half uur voorlezen, daarna is er tijd om zelf boekjes te kiezen. Gratis, kom gewoon langs. "
        "Om de twee weken ook op zaterdag in het filiaal Wachtebeke.",
        ("taal-en-meertaligheid", "spelen"),
        (2, 4),
        doelgroepen=(OUDERS, GROOTOUDERS, KINDEREN),
        locaties=("bib-lochristi", "bib-wachtebeke"),
        inschrijving=False,
        regels=(weekly(WO, "10:00", 45), weekly(ZA, "10:30", 45, every=2, locatie="bib-wachtebeke")),
    ),
    A(
        "boekstart",
        "bibliotheek-lochristi",
        S.INFOTHEEK,
        "Boekstart: babyboekjes en voorleestips",
        "Haal je gratis Boekstartpakket en ontdek welke boekjes je baby al leuk vindt.",
        "Voorlezen kan al vanaf de eerste maanden. In de bib vind je een hoek met stevige babyboekjes.",
        ("taal-en-meertaligheid", "ontwikkeling"),
        (0, 3),
        locaties=("bib-lochristi", "bib-wachtebeke"),
        inschrijving=False,
        openingsuren=((DI, "14:00", "19:00", ""), (WO, "10:00", "17:00", ""), (ZA, "10:00", "12:00", "")),
        nagekeken_dagen=200,
    ),
    A(
        "voorlezen-in-je-thuistaal",
        "bibliotheek-lochristi",
        S.WORKSHOP,
        "Meertalig opvoeden: voorlezen in je thuistaal",
        "Spreek je thuis een andere taal? Ontdek hoe voorlezen in je eigen taal ook het Nederlands helpt.",
        "Met tips en boeken in het Arabisch, Turks, Pools en Oekraïens. Een tolk is aanwezig.",
        ("taal-en-meertaligheid", "school-en-leren"),
        (0, 6),
        talen=("nl", "ar", "tr", "pl", "uk"),
        locaties=("bib-lochristi",),
        regels=(monthly(ZA, "10:30", 90, nth=3, months=2, capaciteit=15),),
    ),
    A(
        "gamen-met-je-kind",
        "bibliotheek-lochristi",
        S.WORKSHOP,
        "Gamen met je kind: veilig en samen",
        "Speel zelf eens mee en leer wat je kind zo boeit aan games. Met tips over veilig online spelen.",
        "Een workshop voor een ouder en een kind samen. Consoles en tablets zijn aanwezig.",
        ("schermen-en-media", "spelen"),
        (8, 14),
        doelgroepen=(OUDERS, KINDEREN),
        locaties=("bib-wachtebeke",),
        regels=(monthly(WO, "14:00", 120, nth=2, months=2, capaciteit=10),),
    ),
    # --- CAW ---------------------------------------------------------------------------------------
    A(
        "onthaal-caw",
        "caw-lokeren",
        S.ADVIESGESPREK,
        "Onthaal CAW: met al je vragen",
        "Zit je met zorgen over geld, je relatie, wonen of hoe het met je gaat? Kom zonder afspraak langs.",
        "Een hulpverlener luistert naar je verhaal en zoekt samen met jou wat je nodig hebt.",
        ("welzijn-van-ouders", "scheiding", "relaties-in-het-gezin", "opvoeden-met-weinig-geld"),
        (0, 25),
        doelgroepen=(OUDERS, KINDEREN),
        talen=("nl", "fr", "en"),
        locaties=("caw-lokeren",),
        inschrijving=False,
        openingsuren=((MA, "09:00", "12:00", "Zonder afspraak"), (DO, "13:00", "16:00", "Zonder afspraak")),
    ),
    A(
        "praatgroep-kinderen-scheiding",
        "caw-lokeren",
        S.GROEPSAANBOD,
        "Praatgroep voor kinderen van gescheiden ouders",
        "Acht woensdagnamiddagen waarin kinderen van 8 tot 12 jaar praten, tekenen en spelen rond de "
        "scheiding.",
        "Kinderen merken dat ze niet de enige zijn. Vooraf is er een kennismaking met de ouders.",
        ("scheiding", "emoties"),
        (8, 12),
        doelgroepen=(KINDEREN,),
        locaties=("caw-lokeren",),
        regels=(series(WO, "14:00", 90, sessions=8, cycle=16, phase=3, capaciteit=8),),
    ),
    A(
        "rouw-bij-kinderen",
        "caw-lokeren",
        S.VORMINGSAVOND,
        "Rouw bij kinderen: hoe help je hen?",
        "Als iemand sterft of weggaat: hoe rouwen kinderen, en wat kan jij doen?",
        "Voor ouders, grootouders en leerkrachten. Met voorbeelden, boeken en tijd voor vragen.",
        ("rouw-en-verlies", "emoties"),
        (3, 18),
        doelgroepen=(OUDERS, GROOTOUDERS, PROFS),
        locaties=("caw-lokeren",),
        regels=(monthly(DO, "19:30", 120, nth=2, months=3, phase=1, capaciteit=25),),
    ),
    # --- Sociaal Huis (OCMW) -----------------------------------------------------------------------
    A(
        "zitdag-groeipakket",
        "sociaal-huis-lochristi",
        S.ADVIESGESPREK,
        "Zitdag Groeipakket en premies",
        "Hulp bij het Groeipakket, de geboortepremie, een UiTPAS met kansentarief en andere voordelen.",
        "Breng je identiteitskaart mee. Heb je hulp nodig bij het invullen van papieren? Dat kan ook.",
        ("opvoeden-met-weinig-geld", "zwangerschap-en-geboorte"),
        (0, 18),
        aanstaand=True,
        doelgroepen=(OUDERS, AANSTAAND),
        talen=("nl", "fr", "en", "ar"),
        locaties=("sociaal-huis",),
        inschrijving=False,
        openingsuren=((DI, "09:00", "12:00", ""), (VR, "13:30", "16:00", "")),
    ),
    A(
        "tweedehandsbeurs-kinderkleding",
        "sociaal-huis-lochristi",
        S.ONTMOETINGSMOMENT,
        "Tweedehandsbeurs kinderkleding en speelgoed",
        "Koop en verkoop kinderkleding, buggy's en speelgoed aan kleine prijzen.",
        "Iedereen is welkom om te kopen. Verkopen kan na inschrijving voor een tafel.",
        ("opvoeden-met-weinig-geld", "vrije-tijd"),
        (0, 12),
        doelgroepen=(OUDERS, GROOTOUDERS),
        locaties=("sporthal",),
        inschrijving=False,
        regels=(monthly(ZA, "09:00", 240, nth=2, months=3, phase=2),),
    ),
    A(
        "koken-met-weinig-geld",
        "sociaal-huis-lochristi",
        S.WORKSHOP,
        "Koken met weinig geld: gezond en lekker",
        "Vier keer samen koken met seizoensgroenten en eenvoudige recepten voor het hele gezin.",
        "We koken, eten samen en je neemt de recepten mee naar huis. Kinderen mogen mee.",
        ("eten-en-drinken", "opvoeden-met-weinig-geld"),
        (0, 12),
        talen=("nl", "en", "ar"),
        locaties=("sociaal-huis",),
        regels=(series(DO, "09:30", 150, sessions=4, cycle=8, phase=1, capaciteit=10),),
    ),
    # --- Kinderopvang De Rupsjes (not trusted) -------------------------------------------------------
    A(
        "kijkdag-de-rupsjes",
        "kinderopvang-de-rupsjes",
        S.SPEELMOMENT,
        "Kijkdag en speelochtend bij De Rupsjes",
        "Kom met je kindje kijken hoe een dag in de opvang eruitziet, en speel even mee.",
        "Voor ouders die een opvangplaats zoeken of hun kindje laten wennen.",
        ("kinderopvang", "spelen"),
        (0, 3),
        aanstaand=True,
        doelgroepen=(OUDERS, AANSTAAND),
        locaties=("rupsjes",),
        status=Aanbod.Status.INGEDIEND,
        regels=(monthly(ZA, "09:30", 120, nth=4, capaciteit=12),),
    ),
    A(
        "hulp-bij-opvang-zoeken",
        "kinderopvang-de-rupsjes",
        S.ADVIESGESPREK,
        "Hulp bij het zoeken naar kinderopvang",
        "We helpen je zoeken naar een opvangplaats en leggen uit hoe de prijs berekend wordt.",
        "Liefst al tijdens de zwangerschap: in onze regio zijn er wachtlijsten voor baby's.",
        ("kinderopvang",),
        (0, 3),
        aanstaand=True,
        doelgroepen=(AANSTAAND, OUDERS),
        locaties=("rupsjes",),
        inschrijving=False,
        openingsuren=((MA, "16:00", "18:00", ""),),
    ),
    A(
        "babygebaren",
        "kinderopvang-de-rupsjes",
        S.WORKSHOP,
        "Babygebaren: praten met je handen",
        "Eenvoudige gebaren waarmee je baby al iets kan vertellen voor het kan praten.",
        "Nog in voorbereiding.",
        ("taal-en-meertaligheid", "ontwikkeling"),
        (0, 2),
        status=Aanbod.Status.CONCEPT,
        locaties=("rupsjes",),
    ),
    # --- Basisschool De Regenboog (not trusted) -----------------------------------------------------
    A(
        "ouderkoffie-de-regenboog",
        "basisschool-de-regenboog",
        S.ONTMOETINGSMOMENT,
        "Ouderkoffie op school",
        "Elke vrijdagochtend na het afzetten: een koffie, een babbel en wie wil stelt een vraag.",
        "Ook ouders die weinig Nederlands spreken zijn welkom; er zijn altijd ouders die helpen vertalen.",
        ("school-en-leren", "relaties-in-het-gezin"),
        (3, 12),
        talen=("nl", "fr", "ar"),
        locaties=("regenboog",),
        inschrijving=False,
        regels=(weekly(VR, "08:45", 60, school=True),),
    ),
    A(
        "naar-de-kleuterschool",
        "basisschool-de-regenboog",
        S.VORMINGSAVOND,
        "Naar de kleuterschool: instappen en wennen",
        "Je kind gaat binnenkort naar school. Hoe bereid je het voor, en wat als het moeilijk gaat?",
        "Met een rondleiding in de kleuterklas. Je kind mag mee.",
        ("school-en-leren", "emoties"),
        (2, 4),
        locaties=("regenboog",),
        status=Aanbod.Status.INGEDIEND,
        regels=(monthly(WO, "16:00", 90, nth=1, capaciteit=20, school=True),),
    ),
    # --- CLB (not trusted) ------------------------------------------------------------------------
    A(
        "clb-spreekuur",
        "clb-lochristi",
        S.ADVIESGESPREK,
        "CLB-spreekuur voor ouders",
        "Vragen over leren, gedrag op school, pesten of studiekeuze? Het CLB luistert.",
        "Het spreekuur is gratis en vertrouwelijk. Je kan ook een afspraak maken op school.",
        ("school-en-leren", "pesten", "gezondheid"),
        (3, 18),
        doelgroepen=(OUDERS, KINDEREN),
        locaties=("clb",),
        inschrijving=False,
        nagekeken_dagen=90,
        openingsuren=((MA, "16:00", "18:00", ""), (WO, "13:30", "16:00", "")),
    ),
    A(
        "pesten-wat-kan-je-doen",
        "clb-lochristi",
        S.VORMINGSAVOND,
        "Pesten: wat kan je als ouder doen?",
        "Hoe merk je dat je kind gepest wordt, of zelf pest? En wat doe je dan?",
        "Een avond met een CLB-medewerker en een leerkracht.",
        ("pesten", "school-en-leren"),
        (6, 14),
        locaties=("clb",),
        status=Aanbod.Status.AFGEWEZEN,
        afwijsreden=(
            "De opvoedingswinkel plant dezelfde avond al een vorming over pesten. Kunnen jullie samen "
            "één avond organiseren? Dien daarna opnieuw in, dan publiceren we die meteen."
        ),
    ),
    # --- Buurtouders (volunteers, not trusted) ---------------------------------------------------
    A(
        "babycafe-laarne",
        "buurtouders-laarne",
        S.ONTMOETINGSMOMENT,
        "Babycafé",
        "Koffie, andere ouders en een plek waar je baby kan spelen: op maandag in Lochristi, op "
        "donderdag in Laarne.",
        "Zwanger of een baby tot één jaar? Kom gewoon langs, inschrijven hoeft niet. Een vroedvrouw of "
        "verpleegkundige is er om de twee weken bij.",
        ("zwangerschap-en-geboorte", "welzijn-van-ouders", "eten-en-drinken"),
        (0, 1),
        aanstaand=True,
        doelgroepen=(OUDERS, AANSTAAND),
        talen=("nl", "en", "uk"),
        locaties=("klavertje", "huis-van-het-kind"),
        inschrijving=False,
        regels=(weekly(DO, "09:30", 120), weekly(MA, "09:30", 120, locatie="huis-van-het-kind")),
    ),
    A(
        "grootouders-speelmoment",
        "buurtouders-laarne",
        S.ONTMOETINGSMOMENT,
        "Speel- en praatmoment voor grootouders",
        "Pas je vaak op je kleinkinderen? Speel samen en praat met andere grootouders.",
        "Elke dinsdagnamiddag, met speelgoed uit de spelotheek en een thema om over te praten.",
        ("spelen", "relaties-in-het-gezin"),
        (0, 6),
        doelgroepen=(GROOTOUDERS,),
        locaties=("klavertje",),
        regels=(weekly(DI, "14:00", 120, capaciteit=20),),
    ),
    A(
        "buitenspeeldag",
        "buurtouders-laarne",
        S.SPEELMOMENT,
        "Buitenspeeldag in het park",
        "Een namiddag buiten spelen met springkastelen, grime en een picknick.",
        "Gratis voor het hele gezin. Bij slecht weer verhuizen we naar het gemeenschapscentrum.",
        ("spelen", "vrije-tijd"),
        (3, 12),
        doelgroepen=(OUDERS, KINDEREN),
        locaties=("gc-laarne",),
        status=Aanbod.Status.INGEDIEND,
        inschrijving=False,
        regels=(monthly(WO, "13:30", 240, nth=3, months=3),),
    ),
    A(
        "voorlezen-aan-huis",
        "buurtouders-laarne",
        S.HUISBEZOEK,
        "Voorlezen aan huis",
        "Een vrijwilliger komt wekelijks voorlezen bij jullie thuis, zodat je kind spelenderwijs "
        "Nederlands leert.",
        "Twintig weken lang, een uur per week. Jij leest mee en leert hoe je zelf kan voorlezen.",
        ("taal-en-meertaligheid", "school-en-leren"),
        (2, 8),
        talen=("nl", "ar", "uk", "ro"),
        gemeenten=(LAARNE, LOCHRISTI),
        inschrijving=False,
        nagekeken_dagen=420,
    ),
    # --- Vroedvrouwenpraktijk (not trusted) ----------------------------------------------------------
    A(
        "zwangerschapscursus",
        "vroedvrouwenpraktijk-de-wieg",
        S.OUDERCURSUS,
        "Zwangerschapscursus: samen naar de bevalling",
        "Vier avonden voor aanstaande ouders over de bevalling, de eerste dagen en borstvoeding.",
        "Je partner of steunfiguur is welkom. Je ziekenfonds betaalt een groot deel terug.",
        ("zwangerschap-en-geboorte", "welzijn-van-ouders"),
        aanstaand=True,
        doelgroepen=(AANSTAAND,),
        prijs="60.00",
        kansentarief=True,
        kosten_toelichting="€ 60 voor vier avonden, grotendeels terugbetaald; met UiTPAS kansentarief € 12.",
        locaties=("de-wieg",),
        regels=(series(MA, "19:30", 120, sessions=4, cycle=6, capaciteit=8),),
    ),
    A(
        "borstvoeding-voorbereiding",
        "vroedvrouwenpraktijk-de-wieg",
        S.WORKSHOP,
        "Borstvoeding: voorbereiding en start",
        "Alles over de eerste dagen borstvoeding: aanleggen, hoe vaak, en wat als het pijn doet.",
        "Voor aanstaande ouders en ouders met een baby tot drie maanden.",
        ("eten-en-drinken", "zwangerschap-en-geboorte"),
        (0, 1),
        aanstaand=True,
        doelgroepen=(AANSTAAND, OUDERS),
        prijs="15.00",
        kosten_toelichting="€ 15 per persoon.",
        locaties=("de-wieg",),
        regels=(monthly(ZA, "10:00", 150, nth=2, capaciteit=10),),
    ),
    A(
        "vroedvrouw-aan-huis",
        "vroedvrouwenpraktijk-de-wieg",
        S.HUISBEZOEK,
        "Vroedvrouw aan huis na de bevalling",
        "Een vroedvrouw komt bij je thuis na de bevalling: voor jou, je baby en de borstvoeding.",
        "Neem contact op tijdens de zwangerschap, dan plannen we samen de bezoeken.",
        ("zwangerschap-en-geboorte", "gezondheid", "eten-en-drinken"),
        (0, 1),
        aanstaand=True,
        doelgroepen=(AANSTAAND, OUDERS),
        talen=("nl", "en"),
        gemeenten=(LOCHRISTI, DESTELBERGEN, LOKEREN),
        inschrijving=False,
        kosten_toelichting="Terugbetaald door het ziekenfonds.",
    ),
    # --- Jeugdhulp (not trusted) -------------------------------------------------------------------
    A(
        "gesprek-gezinsbegeleider",
        "thuisbegeleiding-kompas",
        S.ADVIESGESPREK,
        "Even geen raad meer? Praat met een gezinsbegeleider",
        "Loopt het thuis vast? Een eerste gesprek om samen te kijken wat kan helpen.",
        "Het gesprek is gratis en kan bij jou thuis of bij ons. Je hebt geen verwijzing nodig.",
        ("gedrag-en-grenzen", "emoties", "relaties-in-het-gezin"),
        (0, 18),
        locaties=("kompas",),
        inschrijving=False,
        kosten_toelichting="Gratis.",
        openingsuren=((DI, "13:00", "17:00", "Telefonisch of op afspraak"),),
    ),
    A(
        "rustig-blijven-als-het-stormt",
        "thuisbegeleiding-kompas",
        S.OUDERCURSUS,
        "Rustig blijven als het stormt",
        "Vijf avonden voor ouders van kinderen met veel driftbuien.",
        "Je leert wat er in je kind omgaat en hoe je zelf rustig blijft. Met oefeningen voor thuis.",
        ("emoties", "gedrag-en-grenzen"),
        (3, 10),
        locaties=("kompas",),
        status=Aanbod.Status.INGEDIEND,
        regels=(series(DO, "19:30", 120, sessions=5, cycle=12, phase=5, capaciteit=10),),
    ),
    # --- Gemeente, dienst Welzijn en Gezin ----------------------------------------------------------
    A(
        "ehbo-bij-kinderen",
        "gemeente-lochristi-gezin",
        S.WORKSHOP,
        "EHBO bij baby's en kinderen",
        "Wat doe je bij verslikken, een val of hoge koorts? Oefen het met een lesgever van het Rode Kruis.",
        "Een praktische avond met oefenpoppen. Je krijgt een brochure mee.",
        ("gezondheid",),
        (0, 12),
        doelgroepen=(OUDERS, GROOTOUDERS),
        prijs="10.00",
        kansentarief=True,
        kosten_toelichting="€ 10; met UiTPAS kansentarief € 2.",
        locaties=("huis-van-het-kind",),
        regels=(monthly(MA, "19:00", 180, nth=4, capaciteit=16),),
    ),
    A(
        "infopunt-huis-van-het-kind",
        "gemeente-lochristi-gezin",
        S.INFOTHEEK,
        "Infopunt Huis van het Kind",
        "Weet je niet waar je terecht kan? Aan het onthaal helpen we je verder.",
        "Elke voormiddag open. We wijzen je de weg naar de juiste partner in de buurt.",
        ("welzijn-van-ouders", "kinderopvang", "vrije-tijd"),
        (0, 25),
        aanstaand=True,
        doelgroepen=(OUDERS, AANSTAAND, GROOTOUDERS),
        talen=("nl", "fr", "en"),
        locaties=("huis-van-het-kind",),
        inschrijving=False,
        openingsuren=tuple((dag, "09:00", "12:00", "") for dag in (MA, DI, WO, DO, VR)),
    ),
    A(
        "slapen-rustige-nachten",
        "gemeente-lochristi-gezin",
        S.VORMINGSAVOND,
        "Slapen: tips voor rustigere nachten",
        "Je kind slaapt slecht en jij dus ook? Een avond over slaapritmes, rituelen en doorslapen.",
        "Met een slaapcoach en ouders die het zelf meemaakten.",
        ("slapen", "welzijn-van-ouders"),
        (0, 6),
        locaties=("huis-van-het-kind",),
        regels=(monthly(DO, "20:00", 90, nth=3, months=2, phase=1, capaciteit=25),),
    ),
    A(
        "peuterturnen",
        "gemeente-lochristi-gezin",
        S.SPEELMOMENT,
        "Peuterturnen",
        "Klimmen, rollen en springen met je peuter in de sporthal.",
        "Per keer te betalen, je hoeft je niet voor de hele reeks in te schrijven.",
        ("ontwikkeling", "spelen", "vrije-tijd"),
        (2, 4),
        prijs="3.00",
        kansentarief=True,
        kosten_toelichting="€ 3 per keer; met UiTPAS kansentarief € 0,60.",
        locaties=("sporthal",),
        regels=(weekly(WO, "16:00", 60, capaciteit=16), weekly(ZA, "09:30", 60, capaciteit=16)),
    ),
    A(
        "zomerspeelplein",
        "gemeente-lochristi-gezin",
        S.GROEPSAANBOD,
        "Speelpleinwerking in de zomer",
        "Elke zomer zes weken speelplein voor kinderen van 3 tot 12 jaar.",
        "Het programma van deze zomer volgt in het voorjaar.",
        ("vrije-tijd", "spelen"),
        (3, 12),
        doelgroepen=(KINDEREN,),
        prijs="4.00",
        kansentarief=True,
        kosten_toelichting="€ 4 per dag; met UiTPAS kansentarief € 0,80.",
        locaties=("sporthal",),
        status=Aanbod.Status.GEARCHIVEERD,
    ),
]

# The registration rules the demo shows on its courses (README, "Registration rules"): per aanbod slug,
# the rules of each of its series, in days before the first meeting (at a wall-clock hour).
INSCHRIJFREGELS = {
    # Priority for residents of the werkgebied: they may register five weeks before, everyone three.
    "oudercursus-positief-opvoeden": {"inwoners_vanaf": (35, 9), "iedereen_vanaf": (21, 9)},
    # Cancel online until two days before the first lesson; then the manage page says to phone.
    "babymassage": {"annuleren_tot": (2, 12)},
    # Children of 8 to 12: the form asks the child's age.
    "praatgroep-kinderen-scheiding": {"leeftijd_controleren": True},
}

SIGNALEN = [
    # titel, gemeente, thema, bron partner, status, tekst
    (
        "Wachtlijst kinderopvang voor baby's",
        LOCHRISTI,
        "kinderopvang",
        "kinderopvang-de-rupsjes",
        Signaal.Status.DOORGEGEVEN,
        "Ouders die na de zwangerschap weer gaan werken, vinden voor hun baby pas een plaats na zes "
        "tot negen maanden. Vooral alleenstaande ouders komen daardoor in de problemen.",
    ),
    (
        "Meer vragen over schermgebruik bij kleuters",
        LOCHRISTI,
        "schermen-en-media",
        "opvoedingswinkel-lochristi",
        Signaal.Status.BESPROKEN,
        "Sinds het voorjaar krijgen we duidelijk meer vragen over tablets en filmpjes bij kinderen "
        "onder zes. Ouders vragen naar concrete afspraken.",
    ),
    (
        "Geen avondaanbod voor werkende ouders in Laarne",
        LAARNE,
        "welzijn-van-ouders",
        "buurtouders-laarne",
        Signaal.Status.NIEUW,
        "Bijna alle ontmoetingsmomenten in Laarne zijn overdag. Werkende ouders vragen naar een "
        "moment na 18 uur.",
    ),
    (
        "Gezinnen met weinig geld haken af bij betalende cursussen",
        LOKEREN,
        "opvoeden-met-weinig-geld",
        "caw-lokeren",
        Signaal.Status.BESPROKEN,
        "Ook met kansentarief blijft een cursus van vier avonden voor sommige gezinnen te duur, zeker "
        "als er opvang voor de kinderen bij komt.",
    ),
    (
        "Nood aan anderstalige uitleg over het Groeipakket",
        DESTELBERGEN,
        "taal-en-meertaligheid",
        "sociaal-huis-lochristi",
        Signaal.Status.NIEUW,
        "Nieuwkomers begrijpen de brieven over het Groeipakket vaak niet. Een korte uitleg in het "
        "Arabisch en Oekraïens zou veel vragen voorkomen.",
    ),
]

# role: e-mail, naam
ACCOUNTS = {
    "coordinator": ("coordinator@demo.example.org", "Lies Van Damme"),
    "beheerder": ("opvoedingswinkel@demo.example.org", "Sofie De Smet"),
    "medewerker": ("bibliotheek@demo.example.org", "Youssef El Amrani"),
    "gemeente": ("gemeente@demo.example.org", "Pieter Claeys"),
}

# Questions asked on the website, with fixed demo pickup codes (printed, so the answer page can be tried).
# code, days ago, gemeente, themas, leeftijdsband, assigned partner, status, messages (from, author, text)
GESPREKKEN = [
    (
        "DEM0-VRAA-G001",
        2,
        LOCHRISTI,
        ("slapen",),
        "1-3",
        "opvoedingswinkel-lochristi",
        "open",
        [
            (
                "vraagsteller",
                None,
                "Onze dochter is twee en wil sinds een paar weken niet meer in haar eigen bed slapen. Ze "
                "huilt tot we bij haar komen liggen. Is dat normaal, en hoe pakken we dat aan zonder dat "
                "het elke avond een strijd wordt?",
            ),
        ],
    ),
    (
        "DEM0-VRAA-G002",
        6,
        LOKEREN,
        ("schermen-en-media", "gedrag-en-grenzen"),
        "6-12",
        "opvoedingswinkel-lochristi",
        "beantwoord",
        [
            (
                "vraagsteller",
                None,
                "Mijn zoon van negen wil elke dag na school gamen en wordt boos als ik zeg dat het genoeg "
                "is. Hoeveel tijd is eigenlijk oké?",
            ),
            (
                "netwerk",
                "beheerder",
                "Dag, fijn dat je het vraagt. Een vast getal bestaat niet, maar wat vaak helpt: maak samen "
                "met je zoon afspraken over wanneer en hoe lang, en zet ze op papier. Laat hem zelf een "
                "wekker zetten vijf minuten voor het einde, dan komt het stoppen minder plots. Op onze "
                "avond 'Schermtijd: hoeveel is genoeg?' gaan we hier dieper op in. Je bent ook welkom in de "
                "opvoedingswinkel om er samen over te praten.",
            ),
        ],
    ),
    (
        "DEM0-VRAA-G003",
        12,
        DESTELBERGEN,
        ("kinderopvang",),
        "zwangerschap",
        None,
        "gesloten",
        [
            (
                "vraagsteller",
                None,
                "Ik ben zeven maanden zwanger. Is het al te laat om een plaats in de kinderopvang te zoeken?",
            ),
            (
                "netwerk",
                "coordinator",
                "Het is zeker niet te laat, maar begin er wel meteen aan. Registreer je vraag bij het Loket "
                "Kinderopvang van de gemeente; zij helpen je zoeken. Kinderopvang De Rupsjes houdt elke "
                "maandag van 16 tot 18 uur een spreekuur voor ouders die een plaats zoeken. Veel succes!",
            ),
        ],
    ),
]

VOORNAMEN = [
    "Emma",
    "Lotte",
    "Sarah",
    "Fatima",
    "Noor",
    "Ines",
    "Elif",
    "Julie",
    "Hanne",
    "Amira",
    "Sofie",
    "Eline",
    "Kato",
    "Yasmina",
    "Olena",
    "Marie",
    "Tom",
    "Pieter",
    "Jonas",
    "Mohamed",
    "Bram",
    "Kevin",
    "Thomas",
    "Ruben",
    "Wout",
    "Arne",
    "Karim",
    "Dries",
    "Milan",
    "Bart",
    "Oksana",
    "Agnieszka",
]
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
    "Vermeulen",
    "Van den Broeck",
    "De Clercq",
    "Aydın",
    "El Idrissi",
    "Nowak",
    "Dubois",
    "Lambert",
    "Verhoeven",
    "De Vos",
    "Bogaert",
    "Hermans",
    "Yılmaz",
    "Van de Velde",
    "Shevchenko",
]

ANNULERINGSREDENEN = [
    "De lesgever is ziek. We plannen een nieuwe datum.",
    "Te weinig inschrijvingen; je kan je inschrijven voor de volgende keer.",
    "De zaal is onverwacht niet beschikbaar.",
]

# --- The seasonal pattern of Vragen -----------------------------------------------------------------

MAAND_FACTOR = {1: 1.1, 2: 1.15, 3: 1.2, 4: 1.0, 5: 1.05, 6: 0.9, 7: 0.5, 8: 0.55, 9: 1.35, 10: 1.3,
                11: 1.2, 12: 0.8}  # fmt: skip
WEEKDAG_FACTOR = {MA: 1.1, DI: 1.2, WO: 1.0, DO: 1.1, VR: 0.8, ZA: 0.2, ZO: 0.0}
BASIS_PER_DAG = 0.7

THEMA_GEWICHT = {
    "gedrag-en-grenzen": 14, "slapen": 10, "eten-en-drinken": 8, "emoties": 8, "school-en-leren": 8,
    "ontwikkeling": 6, "zwangerschap-en-geboorte": 5, "huilen-en-troosten": 5, "zindelijkheid": 4,
    "kinderopvang": 5, "schermen-en-media": 5, "relaties-in-het-gezin": 5, "scheiding": 4, "pesten": 3,
    "puberteit": 4, "opvoeden-met-weinig-geld": 4, "welzijn-van-ouders": 5, "gezondheid": 4,
    "taal-en-meertaligheid": 3, "spelen": 2, "vrije-tijd": 2, "rouw-en-verlies": 1,
}  # fmt: skip
# What a season makes parents ask about more often (factor on the weight above).
SEIZOEN = {
    "school-en-leren": {8: 2.0, 9: 3.0, 10: 1.5, 6: 1.4},
    "kinderopvang": {8: 1.8, 9: 2.0},
    "slapen": {11: 1.5, 12: 1.5, 1: 1.6, 2: 1.3, 6: 1.3},
    "gezondheid": {12: 1.6, 1: 1.8, 2: 1.5},
    "zindelijkheid": {4: 1.6, 5: 1.8, 6: 2.0, 7: 1.5},
    "schermen-en-media": {7: 2.2, 8: 2.0, 12: 1.5},
    "vrije-tijd": {6: 2.0, 7: 2.5},
    "pesten": {10: 1.6, 11: 1.5},
    "puberteit": {3: 1.3, 4: 1.3},
}
LEEFTIJD_BIJ_THEMA = {
    "zwangerschap-en-geboorte": {"zwangerschap": 8, "0-1": 2},
    "slapen": {"0-1": 5, "1-3": 5, "3-6": 2, "6-12": 1},
    "eten-en-drinken": {"0-1": 5, "1-3": 4, "3-6": 2, "6-12": 1},
    "huilen-en-troosten": {"0-1": 6, "1-3": 3},
    "zindelijkheid": {"1-3": 6, "3-6": 4},
    "kinderopvang": {"zwangerschap": 3, "0-1": 5, "1-3": 3},
    "school-en-leren": {"3-6": 3, "6-12": 6, "12-18": 3},
    "puberteit": {"12-18": 8, "18-25": 1},
    "pesten": {"6-12": 5, "12-18": 4},
    "schermen-en-media": {"3-6": 2, "6-12": 5, "12-18": 4},
}
LEEFTIJD_STANDAARD = {"0-1": 2, "1-3": 4, "3-6": 5, "6-12": 5, "12-18": 3, "18-25": 1, "onbekend": 2}
VRAAGSTELLER_GEWICHT = {
    Vraagsteller.OUDER: 72, Vraagsteller.GROOTOUDER: 8, Vraagsteller.LEERKRACHT: 5,
    Vraagsteller.HULPVERLENER: 7, Vraagsteller.PLEEGOUDER: 2, Vraagsteller.JONGERE: 2,
    Vraagsteller.ANDERE: 2,
}  # fmt: skip
KANAAL_GEWICHT = {
    Kanaal.PERSOONLIJK: 30, Kanaal.TELEFOON: 22, Kanaal.EMAIL: 14, Kanaal.WEBSITE: 10,
    Kanaal.SOCIALE_MEDIA: 6, Kanaal.HUISBEZOEK: 8, Kanaal.GROEP: 10,
}  # fmt: skip
GEMEENTE_GEWICHT = {LOCHRISTI: 45, LOKEREN: 22, DESTELBERGEN: 19, LAARNE: 14}
# Where a question is registered, and where it is referred to by thema.
REGISTRATIE_GEWICHT = {
    "opvoedingswinkel-lochristi": 45, "consultatiebureau-lochristi": 18, "caw-lokeren": 10,
    "gemeente-lochristi-gezin": 12, "bibliotheek-lochristi": 5, "buurtouders-laarne": 5,
    "clb-lochristi": 5,
}  # fmt: skip
DOORVERWIJZING = {
    "zwangerschap-en-geboorte": "vroedvrouwenpraktijk-de-wieg",
    "kinderopvang": "kinderopvang-de-rupsjes",
    "school-en-leren": "clb-lochristi",
    "pesten": "clb-lochristi",
    "scheiding": "caw-lokeren",
    "opvoeden-met-weinig-geld": "sociaal-huis-lochristi",
    "gedrag-en-grenzen": "thuisbegeleiding-kompas",
    "eten-en-drinken": "consultatiebureau-lochristi",
    "slapen": "consultatiebureau-lochristi",
    "spelen": "bibliotheek-lochristi",
}
