"""A report's period: one calendar year of the fixed publication grid, shown by quarter.

The grid (see vragen/THREAT_MODEL.md): figures are published for whole calendar quarters that have
ended, and for whole calendar years once all four quarters have; a year is the sum of its quarters.
Whatever someone asks for (`?jaar=2025`, or the older `?van=2025-01&tot=2025-06`), the answer is the
report of one year on this grid: a free period would let two overlapping reports be subtracted.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_YEAR = 2000
_MONTH = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


class PeriodeError(ValueError):
    pass


def kwartaal_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def kwartaal_einde(start: date) -> date:
    next_start = date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)
    return next_start - timedelta(days=1)


def kwartaal_label(start: date) -> str:
    return _("Q%(q)s %(year)s") % {"q": (start.month - 1) // 3 + 1, "year": start.year}


def parse_year(text: str | None) -> int | None:
    """'2025', '2025-03' or '2025-03-17' -> 2025; '' -> None; anything else raises PeriodeError."""
    if not text or not text.strip():
        return None
    match = _MONTH.match(text)
    if not match:
        raise PeriodeError(_("Write a year, for example 2025."))
    year = int(match.group(1))
    month = int(match.group(2) or 1)
    if not 1 <= month <= 12 or year < EARLIEST_YEAR or year > 2100:
        raise PeriodeError(_("This is not a year we can report on: %(text)s.") % {"text": text.strip()})
    return year


@dataclass(frozen=True)
class Periode:
    """One calendar year. `van` and `tot` are its first and last day."""

    jaar: int

    @property
    def van(self) -> date:
        return date(self.jaar, 1, 1)

    @property
    def tot(self) -> date:
        return date(self.jaar, 12, 31)

    @classmethod
    def of_months(cls, first: date, last: date) -> "Periode":
        """The grid's year for a span of months: the year of its last month."""
        return cls(last.year)

    @classmethod
    def standaard(cls, today: date | None = None) -> "Periode":
        """The latest year with a published quarter (early in the year: last year)."""
        today = today or timezone.localdate()
        this_year = cls(today.year)
        return this_year if this_year.gepubliceerde_kwartalen(today) else cls(today.year - 1)

    @classmethod
    def from_query(
        cls, jaar: str | None = None, van: str | None = None, tot: str | None = None, *, today=None
    ) -> "Periode":
        """From ?jaar=, else the year of ?tot= (or ?van=): the grid's year that holds the request."""
        year = parse_year(jaar)
        if year is None:
            year = parse_year(tot) or parse_year(van)
        if year is None:
            return cls.standaard(today)
        today = today or timezone.localdate()
        if date(year, 1, 1) > today:
            raise PeriodeError(_("This year has not started yet."))
        return cls(year)

    def vorige(self) -> "Periode":
        return Periode(self.jaar - 1)

    @property
    def kwartalen(self) -> list[date]:
        """The first days of the year's four quarters."""
        return [date(self.jaar, month, 1) for month in (1, 4, 7, 10)]

    def gepubliceerde_kwartalen(self, today: date | None = None) -> list[date]:
        """The quarters that ended at least REPORT_PUBLICATION_DAYS ago: only those are published (by
        then no question can be registered for them any more)."""
        today = today or timezone.localdate()
        delay = timedelta(days=settings.REPORT_PUBLICATION_DAYS)
        return [start for start in self.kwartalen if kwartaal_einde(start) + delay < today]

    def is_compleet(self, today: date | None = None) -> bool:
        return len(self.gepubliceerde_kwartalen(today)) == 4

    @property
    def query(self) -> str:
        return f"jaar={self.jaar}"

    @property
    def label(self) -> str:
        return str(self.jaar)

    @property
    def slug(self) -> str:
        return str(self.jaar)
