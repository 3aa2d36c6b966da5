"""Import of aanbod and activiteiten from a coordinator's spreadsheet (CSV or XLSX), by django-import-export.

Two resources (resources.py), one per template (sjablonen.py lists their columns and explains each):

- AanbodResource: one row per aanbod, keyed by `slug` (made from the title when empty), so importing the
  same file again updates the rows instead of duplicating them; unchanged rows are skipped.
- ActiviteitResource: one row per activity, keyed by (aanbod, start): the same file again updates.
  Rows of one aanbod with the same key in the `reeks` column are the meetings of one series (Reeks),
  which takes its places, deadline and late joining from its first row (reeksen.py).

Every row is checked before anything is written (unknown gemeente, partner or aanbod, a date in the
past, a duplicate row in the file, the model's own rules); the admin shows the errors per row and offers
to confirm only a file without any. The import runs in one transaction (use_transactions), so a failure
halfway writes nothing.

Spreadsheets are messy: a Belgian Excel writes CSV with semicolons and a BOM; XLSX cells hold dates as
serial numbers or as text, times as fractions of a day, and merged cells keep their value only in the
first cell. bestanden.py and widgets.py read all of these.
"""

from .bestanden import CSV, XLSX
from .resources import AanbodResource, ActiviteitResource
from .sjablonen import Kolom, sjablonen, sjabloon_csv, sjabloon_xlsx, voorbeeld_rijen

__all__ = [
    "CSV",
    "XLSX",
    "AanbodResource",
    "ActiviteitResource",
    "Kolom",
    "sjabloon_csv",
    "sjabloon_xlsx",
    "sjablonen",
    "voorbeeld_rijen",
]
