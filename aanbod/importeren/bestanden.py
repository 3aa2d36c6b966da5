"""Reading spreadsheets: the file formats (CSV with ; or , and a BOM; XLSX with merged cells) and cells
(dates as serial numbers or text, times as fractions of a day or text, ja/nee)."""

import datetime as dt
import io
import re
from decimal import Decimal

import tablib
from import_export.formats import base_formats

from huisvanhetkind.lib.spreadsheets import neutralise
from huisvanhetkind.lib.text import single_line

EXCEL_EPOCH = dt.date(1899, 12, 30)
JA = {"ja", "j", "yes", "y", "x", "true", "waar", "1", "oui"}
NEE = {"nee", "n", "no", "false", "onwaar", "0", "non"}


# --- file formats -------------------------------------------------------------------------------------


class CSV(base_formats.CSV):
    """CSV with a comma or a semicolon (Excel in Belgium), in UTF-8 (with or without a byte-order mark)
    or in Windows-1252, which Excel on Windows writes for "CSV (gescheiden door lijstscheidingsteken)".

    Read as bytes, so that the encoding can be recognised here rather than fail in the upload.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("cp1252", errors="replace")
        in_stream = in_stream.lstrip("\ufeff")
        first_line = in_stream.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        return tablib.import_set(in_stream, format="csv", delimiter=delimiter)


class XLSX(base_formats.XLSX):
    """The first sheet of a workbook, with merged cells filled in from their first cell."""

    def create_dataset(self, in_stream):
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(in_stream), data_only=True)
        sheet = workbook.active
        merged = {}
        for cell_range in sheet.merged_cells.ranges:
            value = sheet.cell(cell_range.min_row, cell_range.min_col).value
            for row in range(cell_range.min_row, cell_range.max_row + 1):
                for col in range(cell_range.min_col, cell_range.max_col + 1):
                    merged[(row, col)] = value
        dataset = tablib.Dataset()
        rows = sheet.iter_rows()
        header = next(rows, ())
        dataset.headers = [header_name(cell.value) for cell in header]
        width = len(dataset.headers)
        for row in rows:
            values = [merged.get((cell.row, cell.column), cell.value) for cell in row[:width]]
            values += [None] * (width - len(values))
            if all(value in (None, "") for value in values):
                continue  # the empty rows below a table are not rows
            dataset.append(values)
        return dataset


def header_name(value) -> str:
    return str(value or "").strip().lower()


# --- reading cells -------------------------------------------------------------------------------------


def text(value) -> str:
    """A cell as text, trimmed, with a formula's start taken off (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`
    never reach the published aanbod, the HSDS API or an export)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 9000.0 from a spreadsheet is postcode 9000
    return neutralise(str(value).strip())


def line(value) -> str:
    """A cell as one line of text (a name, an address), see `text`."""
    return single_line(text(value))


def read_date(value) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text as 31/01/2026, 31-01-2026 or 2026-01-31."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _excel_serial(float(value))
    raw = text(value)
    if re.fullmatch(r"\d{4,5}(\.\d+)?", raw):
        return _excel_serial(float(raw))
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s.*)?", raw)
    if match:
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
        return dt.date(year, month, day)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s].*)?", raw)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    raise ValueError(raw)


def _excel_serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:
        raise ValueError(number)
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def read_time(value) -> dt.time | None:
    """A time from a time cell, a fraction of a day (0.8125), or text as 19:30, 19u30, 19.30 or 19u."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.timedelta):
        value = value.total_seconds() / 86400
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(float(value) * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    raw = text(value).lower().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})(?:[:.uh](\d{2})?)?(?::\d{2})?(?:u|h)?", raw)
    if not match:
        raise ValueError(raw)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    return dt.time(hours, minutes)


def read_bool(value, *, default: bool) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in JA:
        return True
    if raw in NEE:
        return False
    raise ValueError(raw)


def split_list(value) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text(value)) if part.strip()]
