"""The two templates: every column explained, and the files to download (CSV and XLSX).

The first row under the column names is each column's example; `voorbeeld_rijen` adds the rows that show
more (for the activities: a series of two dates, see reeksen.py)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from aanbod.models import Aanbod, Doelgroep
from huisvanhetkind.lib.spreadsheets import csv_text, xlsx_append, xlsx_save


@dataclass(frozen=True)
class Kolom:
    naam: str
    verplicht: bool
    uitleg: object  # lazy translation
    voorbeeld: str


def _voorbeeld_datum(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def sjablonen() -> dict[str, list[Kolom]]:
    """The two templates, by name: their columns in order, with an explanation and an example."""
    soorten = ", ".join(Aanbod.Soort.values)
    doelgroepen = ", ".join(Doelgroep.values)
    return {
        "aanbod": [
            Kolom(
                "slug",
                False,
                _l(
                    "The address of the aanbod on the site, e.g. slapen-zonder-zorgen. Empty: made "
                    "from the title. Importing a file again updates the aanbod with the same slug "
                    "instead of adding it twice."
                ),
                "slapen-zonder-zorgen",
            ),
            Kolom("titel", True, _l("The title parents see."), "Slapen zonder zorgen"),
            Kolom(
                "partner",
                True,
                _l("The partner that offers it: its name or its slug, exactly as in the admin."),
                "Opvoedingswinkel Gent",
            ),
            Kolom(
                "soort",
                True,
                _l("The kind of aanbod, one of: %(values)s.") % {"values": soorten},
                "vormingsavond",
            ),
            Kolom(
                "samenvatting",
                True,
                _l("One or two sentences in plain language."),
                "Een avond over slapen bij baby's en peuters.",
            ),
            Kolom(
                "beschrijving",
                False,
                _l("The longer description."),
                "We delen tips en luisteren naar jullie vragen.",
            ),
            Kolom(
                "themas",
                False,
                _l("Themas, separated by commas: their names or slugs as in the admin."),
                "slapen",
            ),
            Kolom(
                "gemeenten",
                False,
                _l(
                    "The gemeenten it is for, separated by commas: name or NIS code. Empty: the whole"
                    " werkgebied."
                ),
                "Gent",
            ),
            Kolom(
                "talen",
                False,
                _l("Languages it is offered in, separated by commas: code (nl, fr, en…) or name."),
                "nl",
            ),
            Kolom(
                "doelgroepen",
                False,
                _l("Who it is for, separated by commas, from: %(values)s.") % {"values": doelgroepen},
                "ouders",
            ),
            Kolom(
                "aanstaande_ouders", False, _l("ja if it is also for parents-to-be; empty means nee."), "nee"
            ),
            Kolom(
                "leeftijd_van",
                False,
                _l("Youngest age of the child in years (0–25). Leave both ages empty for every age."),
                "0",
            ),
            Kolom(
                "leeftijd_tot", False, _l("Oldest age of the child in years, at least the youngest age."), "3"
            ),
            Kolom("kosten", False, _l("gratis or betalend; empty means gratis."), "betalend"),
            Kolom("prijs", False, _l("The price in euro when it is paid, e.g. 5 or 7,50."), "5"),
            Kolom("kansentarief", False, _l("ja if holders of an UiTPAS with kansentarief pay less."), "ja"),
            Kolom("kosten_toelichting", False, _l("A word about the cost."), "Per gezin."),
            Kolom("inschrijving_nodig", False, _l("nee if parents can just come; empty means ja."), "ja"),
            Kolom(
                "contact_email",
                False,
                _l("A public e-mail address for questions."),
                "info@opvoedingswinkel.example",
            ),
            Kolom("contact_telefoon", False, _l("A public phone number for questions."), "09 123 45 67"),
            Kolom(
                "website", False, _l("A link to more information."), "https://opvoedingswinkel.example/slapen"
            ),
        ],
        "activiteiten": [
            Kolom(
                "aanbod",
                True,
                _l(
                    "The aanbod this activity belongs to: its slug (or its exact title). It must "
                    "exist already, or be in an aanbod file imported first."
                ),
                "slapen-zonder-zorgen",
            ),
            Kolom(
                "datum",
                True,
                _l("The day, as 31/01/2026 (a date cell in Excel is fine too). Not in the past."),
                _voorbeeld_datum(30),
            ),
            Kolom("begin", True, _l("Start time, as 19:30."), "19:30"),
            Kolom(
                "einde", True, _l("End time, as 21:30. An end before the start means the next day."), "21:30"
            ),
            Kolom("titel", False, _l("Only when it differs from the aanbod's title."), ""),
            Kolom(
                "locatie",
                False,
                _l(
                    "The name of the place. A place the admin already knows needs only its name; a "
                    "new place also needs street, postcode and gemeente."
                ),
                "Huis van het Kind Gent",
            ),
            Kolom("straat", False, _l("Street and number of a new place."), "Kerkstraat 1"),
            Kolom("postcode", False, _l("Postcode of a new place (four digits)."), "9000"),
            Kolom("gemeente", False, _l("Gemeente of a new place: name or NIS code."), "Gent"),
            Kolom("online", False, _l("ja if it happens online."), "nee"),
            Kolom("capaciteit", False, _l("How many persons can come; empty means no limit."), "20"),
            Kolom("inschrijving_nodig", False, _l("nee if parents can just come; empty means ja."), "ja"),
            Kolom(
                "inschrijven_tot",
                False,
                _l(
                    "Last day to register, as 31/01/2026; empty means until the start (for a series: "
                    "until its first meeting starts)."
                ),
                _voorbeeld_datum(28),
            ),
            Kolom(
                "reeks",
                False,
                _l(
                    "Empty for an activity on its own. For a series that families register for as a whole "
                    "(a course): the same key, any word, on every date of the series, e.g. najaar-2026. "
                    "The series takes capaciteit, inschrijven_tot, laat_instappen_tot and "
                    "herinnering_per_bijeenkomst from its first row; its other rows leave them empty or "
                    "repeat them. Importing the file again updates the series."
                ),
                "",
            ),
            Kolom(
                "laat_instappen_tot",
                False,
                _l(
                    "Series only: families may still join until the meeting with this number starts "
                    "(2: until the second meeting). Empty: only before the first meeting. Not together "
                    "with inschrijven_tot."
                ),
                "",
            ),
            Kolom(
                "herinnering_per_bijeenkomst",
                False,
                _l(
                    "Series only: ja for a reminder before every meeting; empty or nee for one reminder "
                    "before the first meeting."
                ),
                "",
            ),
        ],
    }


def voorbeeld_rijen(naam: str) -> list[list[str]]:
    """The template's example rows: each column's example, then (activities) a series of two dates."""
    kolommen = sjablonen()[naam]
    rijen = [[kolom.voorbeeld for kolom in kolommen]]
    if naam == "activiteiten":
        for week, eigen in enumerate(
            [
                {"capaciteit": "12", "laat_instappen_tot": "2", "herinnering_per_bijeenkomst": "ja"},
                {"capaciteit": ""},
            ]
        ):
            anders = {
                "datum": _voorbeeld_datum(35 + 7 * week),
                "reeks": "najaar",
                "inschrijven_tot": "",
                **eigen,
            }
            rijen.append([anders.get(kolom.naam, kolom.voorbeeld) for kolom in kolommen])
    return rijen


def sjabloon_csv(naam: str) -> bytes:
    """The template as CSV with semicolons and a byte-order mark, as Excel in Belgium expects."""
    kolommen = sjablonen()[naam]
    return csv_text([[kolom.naam for kolom in kolommen], *voorbeeld_rijen(naam)]).encode()


def sjabloon_xlsx(naam: str) -> bytes:
    """The template as a workbook: the sheet to fill in first, an explanation of each column second."""
    import openpyxl
    from openpyxl.styles import Font

    kolommen = sjablonen()[naam]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = naam
    xlsx_append(sheet, [[kolom.naam for kolom in kolommen], *voorbeeld_rijen(naam)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, kolom in enumerate(kolommen, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(len(kolom.naam), 14) + 2
    uitleg = workbook.create_sheet(str(_l("explanation")))
    uitleg.append([str(_l("column")), str(_l("required")), str(_l("explanation")), str(_l("example"))])
    for cell in uitleg[1]:
        cell.font = Font(bold=True)
    for kolom in kolommen:
        uitleg.append(
            [kolom.naam, str(_l("yes")) if kolom.verplicht else "", str(kolom.uitleg), kolom.voorbeeld]
        )
    uitleg.column_dimensions["C"].width = 90
    return xlsx_save(workbook)
