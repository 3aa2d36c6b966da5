"""A report's period: whole calendar months, and the equally long period just before it.

Whole months on purpose: with free dates, two reports a day apart would give that day's counts by
subtraction, past the small-cell suppression.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _

MAX_MONTHS = 60
EARLIEST_YEAR = 2000
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


class PeriodeError(ValueError):
    pass


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _last_day(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def parse_month(text: str | None) -> date | None:
    """'2025-03' or '2025-03-17' -> date(2025, 3, 1); '' -> None; anything else raises PeriodeError."""
    if not text or not text.strip():
        return None
    match = _MONTH.match(text)
    if not match:
        raise PeriodeError(_("Write a month as year-month, for example 2025-01."))
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < EARLIEST_YEAR or year > 2100:
        raise PeriodeError(_("This is not a month we can report on: %(text)s.") % {"text": text.strip()})
    return date(year, month, 1)


@dataclass(frozen=True)
class Periode:
    van: date  # the first day of the first month
    tot: date  # the last day of the last month

    @classmethod
    def of_months(cls, first: date, last: date) -> "Periode":
        return cls(first.replace(day=1), _last_day(last.replace(day=1)))

    @classmethod
    def standaard(cls, today: date | None = None) -> "Periode":
        """The twelve months up to and including the current one."""
        today = today or timezone.localdate()
        this_month = today.replace(day=1)
        return cls.of_months(_add_months(this_month, -11), this_month)

    @classmethod
    def from_query(cls, van: str | None, tot: str | None, *, today: date | None = None) -> "Periode":
        first, last = parse_month(van), parse_month(tot)
        default = cls.standaard(today)
        if first is None and last is None:
            return default
        if first is None:
            first = _add_months(last, -11)
        if last is None:
            last = min(_add_months(first, 11), default.tot.replace(day=1))
            last = max(last, first)
        if last < first:
            raise PeriodeError(_("The end month comes before the start month."))
        periode = cls.of_months(first, last)
        if periode.aantal_maanden > MAX_MONTHS:
            raise PeriodeError(_("Choose a period of at most %(n)s months.") % {"n": MAX_MONTHS})
        return periode

    @property
    def maanden(self) -> list[date]:
        months, month = [], self.van
        while month <= self.tot:
            months.append(month)
            month = _add_months(month, 1)
        return months

    @property
    def aantal_maanden(self) -> int:
        return (self.tot.year - self.van.year) * 12 + self.tot.month - self.van.month + 1

    def vorige(self) -> "Periode":
        """The period of equal length just before this one."""
        first = _add_months(self.van, -self.aantal_maanden)
        return Periode.of_months(first, _add_months(self.van, -1))

    @property
    def query(self) -> str:
        return f"van={self.van:%Y-%m}&tot={self.tot:%Y-%m}"

    @property
    def label(self) -> str:
        start = formats.date_format(self.van, "F Y")
        end = formats.date_format(self.tot, "F Y")
        return start if start == end else f"{start} – {end}"

    @property
    def slug(self) -> str:
        return f"{self.van:%Y-%m}_{self.tot:%Y-%m}"
