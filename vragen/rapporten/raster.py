"""The publication grid: what is published for one gemeente and one year, the same for every request.

Stage 1, per quarter that has ended: the quarter's tables (thema, age, who asked, channel, referral),
which share the quarter's number of questions, are suppressed together (`suppress_shared`). They
depend on that quarter's questions only, so a quarter reads the same in every report and at every
moment after it ended (as long as nobody registers a question for it later; see THREAT_MODEL.md).

Stage 2, once all four quarters have ended: each table gets its year column (the row totals) and the
year's number of questions, on top of the quarter cells exactly as stage 1 published them
(`suppress_extend`); the year's total is shared by the five tables like a quarter's total is.

The rows of a table are fixed for a year (every choice; every thema; every partner that existed at
the end of the year), so that adding data to one quarter never changes how another is published.
"""

from dataclasses import dataclass, field
from datetime import date

from ..suppression import Count, Grid, OneWay, suppress_extend, suppress_shared
from .tellingen import Tellingen

DIMS = ("thema", "leeftijdsband", "vraagsteller", "kanaal", "doorverwezen_naar")


@dataclass
class Jaartabel:
    """One dimension's published figures for one year."""

    keys: list
    kwartalen: list[date]  # the published quarters, in order
    cells: dict[tuple, Count] = field(default_factory=dict)  # (key, quarter) -> published
    kwartaal_totalen: dict[date, Count] = field(default_factory=dict)
    jaar: dict | None = None  # key -> published year count, None while the year is not complete
    jaar_totaal: Count | None = None
    beschermd: bool = True  # False: a quarter could not be protected (its column is left out)

    def rij(self, key) -> list[Count]:
        return [self.cells[(key, q)] for q in self.kwartalen]


def publiceer_jaar(
    tellingen: Tellingen, keys: dict[str, list], kwartalen: list[date], compleet: bool, m: int
) -> dict[str, Jaartabel]:
    """The published tables of one year (see the module docstring). `keys` are each table's rows."""
    tabellen = {dim: Jaartabel(keys=list(keys[dim]), kwartalen=list(kwartalen)) for dim in DIMS}
    values = {
        dim: {q: [tellingen.kwartaal(dim, q).get(key, 0) for key in keys[dim]] for q in kwartalen}
        for dim in DIMS
    }
    for q in kwartalen:
        total = tellingen.per_kwartaal.get(q, 0)
        results = suppress_shared([OneWay(values[dim][q]) for dim in DIMS], total, min_cell=m)
        for dim, column in zip(DIMS, results, strict=True):
            tabel = tabellen[dim]
            for key, cell in zip(tabel.keys, column.cells, strict=True):
                tabel.cells[(key, q)] = cell
            tabel.kwartaal_totalen[q] = column.total
            tabel.beschermd = tabel.beschermd and column.protected
    if not compleet or not all(t.beschermd for t in tabellen.values()):
        return tabellen
    year_total = sum(tellingen.per_kwartaal.get(q, 0) for q in kwartalen)

    def stage2(mode: str) -> tuple[list[Grid], list[bool]]:
        grids, oks = [], []
        for dim in DIMS:
            tabel = tabellen[dim]
            matrix = [[values[dim][q][i] for q in kwartalen] for i in range(len(tabel.keys))]
            grid, ok = suppress_extend(
                matrix,
                [tabel.rij(key) for key in tabel.keys],
                [tellingen.per_kwartaal.get(q, 0) for q in kwartalen],
                [tabel.kwartaal_totalen[q] for q in kwartalen],
                year_total,
                mode=mode,
                min_cell=m,
            )
            grids.append(grid)
            oks.append(ok)
        return grids, oks

    grids, oks = stage2("locked")
    if not all(oks) and year_total >= m:
        grids, oks = stage2("hidden")
    for dim, grid, ok in zip(DIMS, grids, oks, strict=True):
        if ok:  # otherwise the year column stays unpublished: the quarters alone are safe
            tabel = tabellen[dim]
            tabel.jaar = dict(zip(tabel.keys, grid.row_totals, strict=True))
            tabel.jaar_totaal = grid.total
    return tabellen
