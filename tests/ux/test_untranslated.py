"""No Dutch interface text on the English and French pages (issue 16, point 8).

Missing msgids are one cause; Dutch text that comes from elsewhere (the Netwerk's own texts, Django's
catalogues, a hard-coded word in a template) is another. This renders every public page in en and fr
with the real catalogues and looks for Dutch interface words anywhere outside content marked
`lang="nl"` (texts that partners write in Dutch, shown as such), in text and in the attributes people
read (placeholder, aria-label, title, alt).
"""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from aanbod.models import Thema
from partners.models import Gemeente, Netwerk
from tests import factories

pytestmark = pytest.mark.django_db

DUTCH_UI_WORDS = [
    "Zoeken",
    "Zoekwoorden",
    "zoeken",
    "Ondersteuning",
    "Kalender",
    "Startpagina",
    "Inschrijven",
    "inschrijven",
    "Wachtlijst",
    "Volgende",
    "Vorige",
    "Gratis",
    "Leeftijd",
    "Mijn kinderen",
    "Een vraag stellen",
    "Toegankelijkheid",
    "Sluiten",
    "resultaten",
    "Sorteren",
    "Meest relevant",
    "Kies een",
    "bijvoorbeeld",
    "Bijvoorbeeld",
    "verplicht",
    "Fout",
    "Telefoon",
    "Aanmelden",
    "Wachtwoord",
    "Versturen",
    "Annuleren",
    "maanden",
    "Verwijderen",
    "Alle thema",
    "Samen sterk",
    "Welkom bij",
    "Nederlands",
    "gezinnen",
    "Selecteer",
]
_WORDS = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in DUTCH_UI_WORDS) + r")(?!\w)")
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class DutchFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, is Dutch)
        self.found: list[str] = []
        self.skip = 0

    @property
    def dutch(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        dutch = lang.startswith("nl") if lang else self.dutch
        if tag in ("script", "style"):
            self.skip += 1
        if not dutch:
            for name in READ_ATTRIBUTES:
                self.check(attrs.get(name) or "", f"<{tag} {name}>")
        if tag not in VOID:
            self.stack.append((tag, dutch))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.skip and not self.dutch:
            self.check(data, "text")

    def check(self, text: str, where: str):
        for match in _WORDS.finditer(text):
            self.found.append(f"{where}: …{text[max(0, match.start() - 30) : match.end() + 30].strip()}…")


def dutch_outside_nl(html: str) -> list[str]:
    finder = DutchFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def site(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0
    netwerk = Netwerk.load()
    netwerk.naam = "Huis van het Kind Lochristi"
    netwerk.baseline = "Samen sterk voor gezinnen"
    netwerk.intro = "Welkom bij het Huis van het Kind. Alles is gratis."
    netwerk.privacyverklaring = "Wat doen we met je gegevens? Alle gegevens blijven bij ons, ook Annuleren."
    netwerk.telefoon = "09 355 00 00"
    netwerk.save()
    partner = factories.PartnerFactory(
        naam="Opvoedingswinkel", korte_beschrijving="Gratis opvoedingsondersteuning, bijvoorbeeld thuis."
    )
    locatie = factories.LocatieFactory(
        gemeente=Gemeente.objects.get(nis="44021"), latitude=Decimal("51.05"), longitude=Decimal("3.72")
    )
    aanbod = factories.AanbodFactory(
        partner=partner,
        titel="Slaapavond voor ouders",  # a name; its texts below are marked Dutch
        samenvatting="Bijvoorbeeld over slapen. Gratis, met wachtlijst.",
        themas=[Thema.objects.get(slug="slapen")],
    )
    aanbod.locaties.set([locatie])
    activiteit = factories.ActiviteitFactory(aanbod=aanbod, locatie=locatie)
    inschrijving = factories.InschrijvingFactory(activiteit=activiteit)
    return {"aanbod": aanbod, "partner": partner, "activiteit": activiteit, "inschrijving": inschrijving}


def public_pages(site) -> list[str]:
    return [
        reverse("home"),
        reverse("aanbod_list"),
        reverse("aanbod_list") + "?gemeente=Gent&thema=slapen&leeftijd=2",
        reverse("aanbod_list") + "?leeftijd=200&gemeente=nergensland",
        site["aanbod"].get_absolute_url(),
        reverse("agenda"),
        reverse("partner_list"),
        site["partner"].get_absolute_url(),
        reverse("vraag_stellen"),
        reverse("vraag_antwoord"),
        reverse("privacy"),
        reverse("toegankelijkheid"),
        reverse("activiteit_inschrijven", kwargs={"pk": site["activiteit"].pk}),
        site["inschrijving"].get_absolute_url(),
        reverse("account_login"),
        "/bestaat-niet/",
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_dutch_interface_text_on_translated_pages(client, translations, site, language):
    problems = {}
    for path in public_pages(site):
        response = client.get(f"/{language}{path}", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 404), path
        found = dutch_outside_nl(response.content.decode())
        if found:
            problems[path] = found
    assert problems == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_failed_forms_have_no_dutch_interface_text(client, translations, site, language):
    url = reverse("activiteit_inschrijven", kwargs={"pk": site["activiteit"].pk})
    for path, data in ((url, {"naam": "", "email": "x"}), (reverse("vraag_stellen"), {})):
        response = client.post(f"/{language}{path}", data, HTTP_ACCEPT_LANGUAGE=language)
        assert dutch_outside_nl(response.content.decode()) == [], path


def test_netwerk_texts_use_their_translation(client, translations, site):
    netwerk = Netwerk.load()
    netwerk.intro_en = "Welcome to the Huis van het Kind."
    netwerk.baseline_en = "Stronger together for families"
    netwerk.save()

    html = client.get("/en/").content.decode()
    french = client.get("/fr/").content.decode()

    assert "Welcome to the Huis van het Kind." in html
    assert "Stronger together for families" in html
    assert '<div class="lead" lang="nl">' in french  # no French yet: the Dutch text, marked


def test_the_finder_sees_dutch_outside_nl():
    assert dutch_outside_nl('<p lang="nl">Gratis</p><p>Zoeken</p><input placeholder="bijvoorbeeld">') == [
        "text: …Zoeken…",
        "<input placeholder>: …bijvoorbeeld…",
    ]


@pytest.mark.parametrize("language", ["", "/fr"])
def test_weekdays_and_months_are_lowercase_mid_sentence(client, translations, site, language):
    html = client.get(f"{language}/aanbod/").content.decode()

    when = re.search(r'class="next-activity">[^<]*<time[^>]*>([^<]*)</time>', html).group(1)
    assert when == when.lower(), when


def test_language_switcher_says_what_is_translated(client, translations, site):
    detail = client.get(f"/en{site['aanbod'].get_absolute_url()}").content.decode()
    vraag = client.get("/fr/vraag/").content.decode()
    dutch = client.get("/vraag/").content.decode()

    assert "Texts written by our partners stay in Dutch." in detail
    assert "the texts of activities and partners stay in Dutch" in detail
    assert "français (traduction)" in vraag.lower()
    assert "Cette page est une traduction" in vraag
    assert "translation-note" not in dutch


@pytest.mark.parametrize(
    ("msgid", "dutch"),
    [
        ("- Select an option -", "- Kies een optie -"),
        ("Filter by %(field_name)s", "Filteren op %(field_name)s"),
        ("Search %(name)s", "Zoeken in %(name)s"),
    ],
)
def test_django_strings_missing_from_its_dutch_catalogue_are_translated(translations, msgid, dutch):
    from django.utils import translation

    with translation.override("nl-be"):
        assert translation.gettext(msgid) == dutch
