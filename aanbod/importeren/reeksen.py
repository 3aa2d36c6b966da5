"""Series in the activities import: rows of one aanbod with the same key in the `reeks` column are the
meetings of one Reeks, which families register for as a whole.

The rules, also on the template's help page (sjablonen.py, templates/aanbod/import/sjabloon.html):
- the key is any word (`najaar-2026`); it only groups rows of one file, and rows of another aanbod with
  the same key are another series;
- what belongs to the series comes from its first row in the file: `capaciteit` (places of the whole
  series), `inschrijven_tot` (last day to register), `laat_instappen_tot` (families may still join
  until the meeting with that number starts), `herinnering_per_bijeenkomst` (ja: a reminder before
  every meeting). Its other rows leave these empty or repeat them. A meeting keeps its own `titel`; the
  series is named after the aanbod;
- a series is always registered for: `inschrijving_nodig` nee is an error on its rows;
- importing the file again finds the series through its dates that exist already and updates it; a
  date that is a meeting of a series must keep a key, and an activity that has registrations of its own
  cannot become a meeting.

Every problem is an error of its row, found before anything is written; the series themselves are
written after the rows (`write`), inside the import's transaction, so a file is all or nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Activiteit, Inschrijving, Reeks

from .bestanden import line, read_bool, read_date, text
from .widgets import GetalWidget

#: The columns a series takes from its first row.
REEKS_KOLOMMEN = ("capaciteit", "inschrijven_tot", "laat_instappen_tot", "herinnering_per_bijeenkomst")
#: Columns that only mean something for a series.
ALLEEN_REEKS = ("laat_instappen_tot", "herinnering_per_bijeenkomst")


@dataclass
class Groep:
    """The rows of one series in the file."""

    aanbod_id: int
    sleutel: str
    eerste_rij: int
    waarden: dict[str, str]
    capaciteit: int | None = None
    inschrijven_tot: dt.datetime | None = None
    laat_instappen_tot: int | None = None
    herinnering_per_bijeenkomst: bool = False
    starts: list[dt.datetime] = field(default_factory=list)
    reeks_id: int | None = None
    reeks_rij: int | None = None


def _sleutel(value) -> str:
    return line(value)


class Reeksen:
    """Collects the series of one import and writes them at its end."""

    def __init__(self):
        self.groepen: dict[tuple[int, str], Groep] = {}
        self.aantallen: Counter[tuple[str, str]] = Counter()
        self.bestaand: dict[int, dict[dt.datetime, tuple[int, int | None]]] = {}
        self.met_inschrijvingen: dict[int, set[int]] = {}
        self.reeks_groep: dict[int, tuple[int, str]] = {}

    def tel(self, dataset) -> None:
        """Count the rows of each series in the file (for `laat_instappen_tot`)."""
        if "reeks" not in dataset.headers:
            return
        for row in dataset.dict:
            if sleutel := _sleutel(row.get("reeks")):
                self.aantallen[(text(row.get("aanbod")).lower(), sleutel.lower())] += 1

    def _bestaand(self, aanbod: Aanbod, start: dt.datetime) -> tuple[int, int | None] | None:
        if aanbod.pk not in self.bestaand:
            rows = Activiteit.objects.filter(aanbod=aanbod).values_list("start", "pk", "reeks_id")
            self.bestaand[aanbod.pk] = {s: (pk, reeks_id) for s, pk, reeks_id in rows}
            self.met_inschrijvingen[aanbod.pk] = set(
                Inschrijving.objects.filter(activiteit__aanbod=aanbod).values_list("activiteit_id", flat=True)
            )
        return self.bestaand[aanbod.pk].get(start)

    def check_row(
        self, row, row_number: int, *, aanbod: Aanbod | None, start: dt.datetime | None, errors: dict
    ) -> None:
        """Check a row's series columns (adding to `errors`, by column) and make its meeting hold no
        places, deadline or registration rule of its own: those are the series'."""
        sleutel = _sleutel(row.get("reeks"))
        bestaand = self._bestaand(aanbod, start) if aanbod is not None and start is not None else None
        if not sleutel:
            for column in ALLEEN_REEKS:
                if text(row.get(column)):
                    errors.setdefault(column, _("Only for a series: fill in the reeks column too."))
            if bestaand and bestaand[1] is not None:
                errors.setdefault(
                    "reeks",
                    _(
                        "This date is a meeting of a series already: give it a key in the reeks column, "
                        "the same for every date of that series."
                    ),
                )
            return
        try:
            if not read_bool(row.get("inschrijving_nodig"), default=True):
                errors.setdefault(
                    "inschrijving_nodig",
                    _("A series is always registered for, as a whole: leave this empty or write ja."),
                )
        except ValueError:
            pass  # named by the column's own check
        if aanbod is None:
            return
        key = (aanbod.pk, sleutel.lower())
        waarden = {column: text(row.get(column)) for column in REEKS_KOLOMMEN}
        groep = self.groepen.get(key)
        if groep is None:
            groep = self.groepen[key] = Groep(
                aanbod_id=aanbod.pk, sleutel=sleutel, eerste_rij=row_number, waarden=waarden
            )
            self._read_settings(
                groep, row, errors, rijen=self.aantallen[(text(row.get("aanbod")).lower(), key[1])]
            )
        else:
            for column in REEKS_KOLOMMEN:
                if waarden[column] and waarden[column] != groep.waarden[column]:
                    errors.setdefault(
                        column,
                        _(
                            "The series “%(reeks)s” takes this from its first row (row %(row)s): leave it "
                            "empty here or write the same."
                        )
                        % {"reeks": groep.sleutel, "row": groep.eerste_rij},
                    )
        if bestaand:
            self._check_existing(groep, key, bestaand, row_number, errors, aanbod)
        if start is not None:
            groep.starts.append(start)
        row["capaciteit"] = None
        row["inschrijven_tot_moment"] = None
        row["inschrijving_nodig"] = "ja"

    def _read_settings(self, groep: Groep, row, errors: dict, *, rijen: int) -> None:
        with contextlib.suppress(ValueError):  # named by the column's own check
            groep.capaciteit = GetalWidget().clean(row.get("capaciteit"))
        try:
            deadline = read_date(row.get("inschrijven_tot"))
        except ValueError:
            deadline = None  # named by the resource
        if deadline:
            groep.inschrijven_tot = timezone.make_aware(dt.datetime.combine(deadline, dt.time(23, 59)))
        try:
            groep.laat_instappen_tot = GetalWidget().clean(row.get("laat_instappen_tot"))
        except ValueError as error:
            errors.setdefault("laat_instappen_tot", str(error))
        if groep.laat_instappen_tot is not None:
            if not 1 <= groep.laat_instappen_tot <= max(rijen, 1):
                errors.setdefault(
                    "laat_instappen_tot",
                    _("Write a meeting number from 1 to %(n)d (the dates of this series in the file).")
                    % {"n": rijen},
                )
            elif deadline:
                errors.setdefault(
                    "laat_instappen_tot",
                    _("Give a last day to register or the meeting until which families may join, not both."),
                )
        try:
            groep.herinnering_per_bijeenkomst = read_bool(
                row.get("herinnering_per_bijeenkomst"), default=False
            )
        except ValueError:
            errors.setdefault(
                "herinnering_per_bijeenkomst",
                _("Write ja or nee, not “%(value)s”.")
                % {"value": text(row.get("herinnering_per_bijeenkomst"))},
            )

    def _check_existing(self, groep: Groep, key, bestaand, row_number: int, errors: dict, aanbod) -> None:
        pk, reeks_id = bestaand
        if reeks_id is None:
            if pk in self.met_inschrijvingen[aanbod.pk]:
                errors.setdefault(
                    "reeks",
                    _(
                        "This activity has registrations of its own, so it cannot become a meeting of a "
                        "series."
                    ),
                )
            return
        elders = self.reeks_groep.setdefault(reeks_id, key)
        if elders != key:
            errors.setdefault(
                "reeks",
                _("This date's series is in this file under another key already: “%(key)s”.")
                % {"key": self.groepen[elders].sleutel},
            )
        elif groep.reeks_id is None:
            groep.reeks_id, groep.reeks_rij = reeks_id, row_number
        elif groep.reeks_id != reeks_id:
            errors.setdefault(
                "reeks",
                _("This date belongs to another series than the date of row %(row)s, with the same key.")
                % {"row": groep.reeks_rij},
            )

    def write(self) -> int:
        """Create or update each series and make its dates its meetings. Returns how many series."""
        for groep in self.groepen.values():
            reeks = (
                Reeks.objects.get(pk=groep.reeks_id) if groep.reeks_id else Reeks(aanbod_id=groep.aanbod_id)
            )
            reeks.capaciteit = groep.capaciteit
            reeks.inschrijven_tot = groep.inschrijven_tot
            reeks.herinnering_per_bijeenkomst = groep.herinnering_per_bijeenkomst
            reeks.laat_instappen_tot = None
            reeks.save()
            Activiteit.objects.filter(aanbod_id=groep.aanbod_id, start__in=groep.starts).update(
                reeks=reeks, capaciteit=None, inschrijven_tot=None, inschrijving_nodig=True
            )
            if groep.laat_instappen_tot:
                meetings = list(Activiteit.objects.filter(reeks=reeks).order_by("start", "id"))
                reeks.laat_instappen_tot = meetings[min(groep.laat_instappen_tot, len(meetings)) - 1]
                reeks.save(update_fields=["laat_instappen_tot", "bijgewerkt_op"])
        return len(self.groepen)
