"""CSV and XLSX exports of a report's tables: the same published values as the page ("< 5", "x")."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from huisvanhetkind.lib.spreadsheets import csv_text, xlsx_append, xlsx_save, xlsx_title

from .rapport import Rapport, Tabel


def legend(rapport: Rapport) -> list[str]:
    return [
        _("%(gemeente)s, %(periode)s (previous period: %(vorige)s).")
        % {
            "gemeente": rapport.gemeente.naam,
            "periode": rapport.periode.label,
            "vorige": rapport.vorige.label,
        },
        _("< %(n)s: fewer than %(n)s. x: hidden so that small numbers cannot be worked out.")
        % {"n": rapport.min_cell},
    ]


def tabel_csv(rapport: Rapport, tabel: Tabel) -> str:
    """The table, an empty row and the legend, in the one CSV dialect of huisvanhetkind.lib.spreadsheets."""
    return csv_text([*tabel.export_rows(), [], *([line] for line in legend(rapport))])


def _sheet(workbook: Workbook, tabel: Tabel, title: str):
    sheet = workbook.create_sheet(title=xlsx_title(title or tabel.slug))
    xlsx_append(sheet, tabel.export_rows())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if tabel.totaal and not tabel.weggelaten:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index, column in enumerate(sheet.iter_cols(min_row=1, max_row=sheet.max_row), start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "B2"
    return sheet


def rapport_xlsx(rapport: Rapport, tabellen: list[Tabel]) -> bytes:
    """A workbook with one sheet per table and a sheet that explains the marks."""
    workbook = Workbook()
    about = workbook.active
    about.title = _("About")[:31]
    about.append([_("Signal report")])
    about["A1"].font = Font(bold=True, size=14)
    for line in legend(rapport):
        about.append([line])
    about.column_dimensions["A"].width = 100
    for tabel in tabellen:
        _sheet(workbook, tabel, tabel.titel)
    return xlsx_save(workbook)
