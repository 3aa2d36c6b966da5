"""Spreadsheets for people: one CSV dialect and one XLSX writer, both with the formula guard.

Every export a person opens in Excel goes through here. Excel in Belgium (Dutch and French locale) opens a
`;`-separated file straight into columns and reads UTF-8 only with a byte order mark; Excel, LibreOffice
and Numbers all accept this. Text that comes from the public or a partner (a name, a title) could start
like a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`) and be run by the spreadsheet: `cell` puts an
apostrophe before it, so it shows as typed. `neutralise` is the same guard for text coming *in* (the
spreadsheet import), so such text never reaches the published aanbod.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

DELIMITER = ";"
BOM = "\ufeff"
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-][\d\s./()-]*$")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Rows = Iterable[Sequence[Any]]


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def is_number_like(value: str) -> bool:
    """A signed number or phone number (`-5`, `+32 9 123 45 67`): a spreadsheet runs nothing in it."""
    return bool(_NUMBER.match(value))


def cell(value: Any) -> Any:
    """A value a spreadsheet shows as it is: text that would start a formula gets a leading apostrophe.
    Numbers, dates and None pass unchanged."""
    return "'" + value if is_formula(value) else value


def neutralise(value: str) -> str:
    """Text read from a spreadsheet with what would make it a formula taken off its start
    (`=HYPERLINK("x")` → `HYPERLINK("x")`, `+cmd|…` → `cmd|…`), for text that is stored and shown again.
    A number or a phone number (`-5`, `+32 9 123 45 67`) stays as it is."""
    while is_formula(value) and not is_number_like(value):
        value = value[1:].lstrip()
    return value


def csv_text(rows: Rows, *, bom: bool = True) -> str:
    """The rows as CSV text in the one dialect (`;`, CRLF, a BOM first), every cell through `cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else cell(value) for value in row])
    return (BOM if bom else "") + buffer.getvalue()


def csv_response(rows: Rows, *, filename: str) -> HttpResponse:
    """A CSV download of the rows; never stored by a cache (exports hold personal data)."""
    response = HttpResponse(csv_text(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_append(sheet, rows: Rows) -> None:
    """Append rows to an openpyxl worksheet, every cell through `cell`."""
    for row in rows:
        sheet.append([cell(value) for value in row])


def xlsx_title(title: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of []:*?/\\."""
    return "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "sheet"


def xlsx_save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
