"""CSV and XLSX exports of a report's tables: the same published values as the page ("< 5", "x")."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .rapport import Rapport, Tabel

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Keep a spreadsheet from reading text (a partner's name, a signal) as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in tabel.export_rows():
        writer.writerow([_safe(cell) for cell in row])
    writer.writerow([])
    for line in legend(rapport):
        writer.writerow([line])
    return buffer.getvalue()


def _sheet(workbook: Workbook, tabel: Tabel, title: str):
    title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or tabel.slug
    sheet = workbook.create_sheet(title=title)
    rows = tabel.export_rows()
    for row in rows:
        sheet.append([_safe(cell) for cell in row])
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
