"""The attacker of vragen/THREAT_MODEL.md: a municipality user downloads every report and export of their
gemeente, combines all of it, and must not pin down a single count below the threshold.

Realistic data for one gemeente: about 60-140 questions a year over four years (the current one still
running), skewed over themas, ages, channels and referral partners, so that many cells are small; and
activities with registrations in some quarters.

The attack:
1. Request every report a municipality user can: every year (with every `kwartaal`), the page, every
   table as CSV, all tables as XLSX, and older `?van=…&tot=…` links over overlapping months.
2. Read every published figure as a linear form over the true counts (a quarter cell, a year cell = the
   sum of its quarters, a quarter's total = the sum of any table's column, the previous-year column, the
   trend table), and check that the same form reads the same wherever it is published.
3. Subtract and combine: exact linear algebra over all shown figures (a count is recovered when it is a
   linear combination of published numbers), then interval reasoning with the bounds `< 5` = [0, 4] and
   `x` = [5, inf) over every published sum, to a fixed point.
4. No count below 5 may be determined.
"""

import csv
import io
import random
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from fractions import Fraction

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from aanbod.models import Inschrijving, Thema
from tests import factories
from tests.partners.portal_helpers import client_for
from vragen.models import Kanaal, Leeftijdsband, Vraag, Vraagsteller, VraagThema
from vragen.rapporten.periode import Periode

M = 5
TABLES = ["trend", "themas", "leeftijd", "vraagsteller", "kanaal", "doorverwijzingen"]
DIM_OF = {
    "themas": "thema",
    "leeftijd": "leeftijdsband",
    "vraagsteller": "vraagsteller",
    "kanaal": "kanaal",
    "doorverwijzingen": "doorverwezen_naar",
}
TOTAL = "Total questions"
QUARTER = re.compile(r"^Q([1-4]) (\d{4})$")


def _weighted(rng, items):
    values, weights = zip(*items, strict=True)
    return rng.choices(values, weights)[0]


@pytest.fixture
def gemeente_data(gemeente_a, partner_a, partner_b):
    """Four years of questions for Gent, and activities in two quarters; returns the truth per label."""
    rng = random.Random(20260412)
    today = timezone.localdate()
    # Both partners existed long before the data starts (a partner's own row from 1 January on).
    type(partner_a).objects.filter(pk__in=[partner_a.pk, partner_b.pk]).update(
        aangemaakt_op=timezone.make_aware(datetime(2015, 1, 1))
    )
    themas = list(Thema.objects.order_by("volgorde", "naam"))
    thema_w = [(t, w) for t, w in zip(themas, [25, 18, 16, 9, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1, 1], strict=False)]
    thema_w.append((None, 4))
    ages = list(zip(Leeftijdsband.values, [3, 25, 30, 20, 10, 5, 1, 6], strict=True))
    who = list(
        zip(Vraagsteller.values, [70, 6, 8, 2, 3, 4, 2, 2, 2, 1][: len(Vraagsteller.values)], strict=False)
    )
    channels = list(zip(Kanaal.values, [40, 30, 12, 5, 5, 4, 4][: len(Kanaal.values)], strict=False))
    referrals = [(None, 70), (partner_a, 20), (partner_b, 10)]
    vragen, links = [], []
    for year in range(today.year - 3, today.year + 1):
        n = rng.randint(60, 140)
        for _ in range(n):
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            if day >= today:
                continue
            vragen.append(
                Vraag(
                    gemeente=gemeente_a,
                    datum=day,
                    leeftijdsband=_weighted(rng, ages),
                    vraagsteller=_weighted(rng, who),
                    kanaal=_weighted(rng, channels),
                    doorverwezen_naar=_weighted(rng, referrals),
                )
            )
            links.append(_weighted(rng, thema_w))
    Vraag.objects.bulk_create(vragen)
    VraagThema.objects.bulk_create(
        [VraagThema(vraag=v, thema=t) for v, t in zip(vragen, links, strict=True) if t is not None]
    )
    # Activities with registrations in two quarters of last year (the aanbod table, per quarter).
    for month, people in ((2, [3, 9, 1]), (5, [2, 6])):
        for index, n in enumerate(people):
            start = timezone.make_aware(datetime(today.year - 1, month, 3 + index, 19))
            activiteit = factories.ActiviteitFactory(
                start=start, einde=start + timedelta(hours=2), capaciteit=12, locatie__gemeente=gemeente_a
            )
            activiteit.aanbod.themas.set([themas[index % 3]])
            for _ in range(n):
                factories.InschrijvingFactory(activiteit=activiteit, status=Inschrijving.Status.BEVESTIGD)
    truth = defaultdict(int)
    partner_names = {None: "Not referred", partner_a.pk: partner_a.naam, partner_b.pk: partner_b.naam}
    for vraag, thema in zip(vragen, links, strict=True):
        q = (vraag.datum.month - 1) // 3 + 1
        y = vraag.datum.year
        truth[("thema", thema.label if thema else "No thema chosen", y, q)] += 1
        truth[("leeftijdsband", str(Leeftijdsband(vraag.leeftijdsband).label), y, q)] += 1
        truth[("vraagsteller", str(Vraagsteller(vraag.vraagsteller).label), y, q)] += 1
        truth[("kanaal", str(Kanaal(vraag.kanaal).label), y, q)] += 1
        truth[("doorverwezen_naar", partner_names[vraag.doorverwezen_naar_id], y, q)] += 1
        truth[("T", y, q)] += 1
    return truth


# --- reading what was published ----------------------------------------------------------------------


def _mark(text: str):
    """A published cell: ("=", n), ("<", m) for "< m", ("x",) for hidden, None for not published."""
    text = str(text).strip().replace("\u202f", "").replace("\xa0", "").replace(".", "").replace(",", "")
    if text in ("", "–", "-", "None"):
        return None
    if text.startswith("<"):
        return ("<", int(text[1:].strip()))
    if text == "x":
        return ("x",)
    return ("=", int(text))


class Knowledge:
    """Every published figure as a linear form over the true counts, with what it reads."""

    def __init__(self):
        self.forms: dict[tuple, tuple] = {}  # form key -> mark
        self.labels: dict[tuple, set] = defaultdict(set)  # (dim, year) -> row labels

    def publish(self, form: tuple, mark, where: str) -> None:
        if mark is None:
            return
        seen = self.forms.setdefault(form, mark)
        assert seen == mark, f"{form} reads {seen} in one place and {mark} in {where}"

    def read_table(self, slug: str, rows: list[list[str]], where: str) -> None:
        header, body = rows[0], rows[1:]
        if slug == "trend":
            years = [int(h) for h in header[1:]]
            for row in body:
                if not row or not row[0]:
                    break
                for year, cell in zip(years, row[1:], strict=False):
                    form = ("Tyear", year) if row[0] == "Whole year" else ("T", year, int(row[0][1:]))
                    self.publish(form, _mark(cell), where)
            return
        dim = DIM_OF.get(slug)
        if dim is None:
            return
        columns = []
        for head in header[1:]:
            match = QUARTER.match(head)
            columns.append(("q", int(match.group(2)), int(match.group(1))) if match else ("y", int(head)))
        for row in body:
            if not row or not row[0] or row[0].startswith("Not shown"):
                break
            label = row[0]
            for column, cell in zip(columns, row[1:], strict=False):
                if label == TOTAL:
                    form = ("T", column[1], column[2]) if column[0] == "q" else ("Tyear", column[1])
                else:
                    self.labels[(dim, column[1])].add(label)
                    form = (dim, label, column[1], column[2]) if column[0] == "q" else (dim, label, column[1])
                self.publish(form, _mark(cell), where)

    def read_aanbod(self, rows: list[list[str]], where: str, quarter: str) -> None:
        header, body = rows[0], rows[1:]
        for row in body:
            if not row or not row[0]:
                break
            for index in (3, 4, 5):  # people registered, who came, on a waiting list
                self.publish(("aanbod", quarter, header[index], row[0]), _mark(row[index]), where)


def _csv_rows(content: bytes) -> list[list[str]]:
    """The exports' one dialect (huisvanhetkind.lib.spreadsheets): UTF-8 with a BOM, `;`-separated."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# --- the attack --------------------------------------------------------------------------------------


def _linear_form(form: tuple, knowledge: Knowledge) -> dict:
    """The true counts a published form adds up."""
    if form[0] == "Tyear":
        return {("T", form[1], q): 1 for q in range(1, 5)}
    if form[0] == "T":
        return {form: 1}
    if form[0] == "aanbod":
        return {form: 1}
    if len(form) == 3:
        dim, label, year = form
        return {(dim, label, year, q): 1 for q in range(1, 5)}
    return {form: 1}


def _equations(knowledge: Knowledge) -> list[tuple[dict, int | None, tuple]]:
    """(form, value or None, bounds) for every published figure, plus the sums every table obeys."""
    equations = []
    for form, mark in knowledge.forms.items():
        linear = _linear_form(form, knowledge)
        if mark[0] == "=":
            equations.append((linear, mark[1], None))
        elif mark[0] == "<":
            equations.append((linear, None, (0, mark[1] - 1)))
        else:
            equations.append((linear, None, (M, 10**9)))
    years = {key[1] for key in knowledge.labels}
    for (dim, year), labels in knowledge.labels.items():
        for q in range(1, 5):
            if ("T", year, q) not in knowledge.forms:
                continue
            row = {(dim, label, year, q): 1 for label in labels}
            row[("T", year, q)] = -1
            equations.append((row, 0, None))
    aanbod_lines = defaultdict(dict)
    for form in knowledge.forms:
        if form[0] == "aanbod":
            _kind, quarter, column, label = form
            aanbod_lines[(quarter, column)][form] = -1 if label == "All activities" else 1
    for row in aanbod_lines.values():
        equations.append((row, 0, None))
    assert years
    return equations


def _determined(equations) -> set:
    """Counts fixed by the published numbers alone: reduced row echelon form over the rationals."""
    rows = []
    for linear, value, _bounds in equations:
        if value is not None:
            rows.append({var: Fraction(coef) for var, coef in linear.items()})
    pivots: dict = {}
    for row in rows:
        row = dict(row)
        for var, prow in pivots.items():
            if var in row:
                factor = row[var]
                for v, c in prow.items():
                    row[v] = row.get(v, 0) - factor * c
                    if row[v] == 0:
                        del row[v]
        if not row:
            continue
        pivot = min(row, key=str)
        scale = row[pivot]
        row = {v: c / scale for v, c in row.items()}
        for prow in pivots.values():
            if pivot in prow:
                factor = prow[pivot]
                for v, c in row.items():
                    prow[v] = prow.get(v, 0) - factor * c
                    if prow[v] == 0:
                        del prow[v]
        pivots[pivot] = row
    return {var for var, row in pivots.items() if set(row) == {var}}


def _pinned_by_bounds(equations, variables) -> set:
    """Interval reasoning over every published sum (values and bounds), to a fixed point."""
    low = dict.fromkeys(variables, 0)
    high = dict.fromkeys(variables, 10**9)
    sums = []
    for linear, value, bounds in equations:
        if len(linear) == 1 and set(linear.values()) == {1}:
            (var,) = linear
            lo, hi = (value, value) if value is not None else bounds
            low[var], high[var] = max(low[var], lo), min(high[var], hi)
        else:
            lo, hi = (value, value) if value is not None else bounds
            sums.append((linear, lo, hi))
    for _round in range(50):
        changed = False
        for linear, lo, hi in sums:
            for var, coef in linear.items():
                rest_lo = sum(c * (low[v] if c > 0 else high[v]) for v, c in linear.items() if v != var)
                rest_hi = sum(c * (high[v] if c > 0 else low[v]) for v, c in linear.items() if v != var)
                if coef > 0:
                    new_lo, new_hi = lo - rest_hi, hi - rest_lo
                else:
                    new_lo, new_hi = rest_lo - hi, rest_hi - lo
                if new_lo > low[var]:
                    low[var], changed = new_lo, True
                if new_hi < high[var]:
                    high[var], changed = new_hi, True
        if not changed:
            break
    return {var for var in variables if low[var] == high[var]}


def test_report_attacker_recovers_no_small_count(gemeente_data, dora, gemeente_a):
    truth = gemeente_data
    client = client_for(dora)
    base = f"/rapporten/{gemeente_a.slug}/"
    today = timezone.localdate()
    years = list(range(today.year - 4, today.year + 1))
    knowledge = Knowledge()
    canonical = {}
    for year in years:
        query = f"jaar={year}"
        page = client.get(f"{base}?{query}")
        assert page.status_code == 200, query
        report = page.context["rapport"]
        for slug in TABLES:
            response = client.get(f"{base}export/{slug}.csv?{query}")
            assert response.status_code == 200, (slug, query)
            rows = _csv_rows(response.content)
            knowledge.read_table(slug, rows, f"{slug}.csv?{query}")
            canonical[(slug, year)] = rows
            # CSV vs page: the CSV holds exactly the figures of the page's table.
            expected = [["" if c is None else str(c) for c in r] for r in report.tabel(slug).export_rows()]
            assert rows[: len(expected)] == expected
            assert report.tabel(slug).titel in page.content.decode()
        workbook = load_workbook(io.BytesIO(client.get(f"{base}export/alles.xlsx?{query}").content))
        for sheet in workbook.worksheets[1:]:
            slug = next((t.slug for t in report.tabellen if t.titel[:31] == sheet.title), None)
            if slug in TABLES:
                sheet_rows = [
                    ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
                ]
                knowledge.read_table(slug, sheet_rows, f"alles.xlsx?{query}")
        # The aanbod table of each quarter (and the quarter choice changes nothing else).
        for kwartaal in range(1, 5):
            response = client.get(f"{base}export/aanbod.csv?{query}&kwartaal={kwartaal}")
            if not report.kwartalen:
                assert response.status_code == 404
                continue
            quarter = [q for q in report.kwartalen if (q.month - 1) // 3 + 1 == kwartaal] or report.kwartalen[
                -1:
            ]
            knowledge.read_aanbod(_csv_rows(response.content), f"aanbod.csv?{query}", f"{quarter[0]:%Y-%m}")
            other = client.get(f"{base}export/themas.csv?{query}&kwartaal={kwartaal}")
            assert _csv_rows(other.content) == canonical[("themas", year)]
    # Older links with free months only ever give the grid's year: nothing new to subtract.
    for months_back in range(0, 30, 4):
        end = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        month = end.year * 12 + end.month - 1 - months_back
        tot = date(month // 12, month % 12 + 1, 1)
        for van in (date(today.year - 4, 1, 1), tot):
            query = f"van={van:%Y-%m}&tot={tot:%Y-%m}"
            rows = _csv_rows(client.get(f"{base}export/themas.csv?{query}").content)
            assert rows == canonical[("themas", Periode.from_query(None, None, f"{tot:%Y-%m}").jaar)]

    equations = _equations(knowledge)
    variables = {var for linear, _v, _b in equations for var in linear}
    small = {var for var in variables if var[0] != "aanbod" and truth.get(var, 0) < M}
    assert len(small) > 50, "the data should have plenty of small counts to attack"
    # Sanity: what the attacker reads agrees with the truth wherever a number is shown.
    for form, mark in knowledge.forms.items():
        if mark[0] == "=" and form[0] != "aanbod":
            assert sum(truth.get(v, 0) for v in _linear_form(form, knowledge)) == mark[1], form
    recovered = {
        var for var in _determined(equations) | _pinned_by_bounds(equations, variables) if var in small
    }
    assert not recovered, f"small counts recovered: {sorted(recovered, key=str)[:10]}"
    # The report stays useful: most quarter totals and year figures are shown.
    shown = [f for f, m in knowledge.forms.items() if m[0] == "=" and f[0] in ("T", "Tyear")]
    assert len(shown) >= 10


# --- the reach section: families reached by residence, soort and thema ----------------------------------

# The public catalogue the attacker knows: (soort, thema indices) per aanbod; a family counts under the
# aanbod's first thema (the attacker knows that rule too); courses are series.
CATALOGUE = [
    ("vormingsavond", [0]),
    ("vormingsavond", [1]),
    ("vormingsavond", [4]),
    ("workshop", [0]),
    ("workshop", [3, 2]),
    ("oudercursus", [1]),
    ("oudercursus", []),
    ("ontmoetingsmoment", [3]),
    ("ontmoetingsmoment", [5]),
    ("speelmoment", []),
    ("groepsaanbod", [2]),
    ("huisbezoek", [5]),
]
REACH = {"bereik_soort": "Bsoort", "bereik_thema": "Bthema"}
REACH_TOTAL = "Families reached"
UNKNOWN_ROW = "Gemeente of residence unknown"


@pytest.fixture
def bereik_data(gemeente_a, gemeente_b):
    """Four years of activities and series anywhere in the network, with families of Gent, of
    Antwerpen, and of unknown gemeente; returns the truth per cross cell (soort, first thema, year) and
    the cells the public agenda says can be non-zero."""
    from aanbod.models import Aanbod

    rng = random.Random(20261130)
    today = timezone.localdate()
    themas = list(Thema.objects.order_by("volgorde", "naam"))[:6]
    gent = factories.LocatieFactory(gemeente=gemeente_a, postcode="9000")
    antwerpen = factories.LocatieFactory(gemeente=gemeente_b, postcode="2000")
    catalogue = []
    for soort, indices in CATALOGUE:
        aanbod = factories.AanbodFactory(soort=soort, themas=[themas[i] for i in indices])
        first = themas[min(indices)].label if indices else "No thema"
        catalogue.append((aanbod, str(Aanbod.Soort(soort).label), first))
    truth, possible = defaultdict(int), set()
    registrations, counter = [], 0
    for year in range(today.year - 3, today.year + 1):
        for q in range(1, 5):
            first_day = date(year, 3 * q - 2, 1)
            if first_day >= today:
                continue
            for aanbod, soort, thema in catalogue:
                if rng.random() > 0.35:
                    continue
                day = first_day + timedelta(days=rng.randrange(60))
                start = timezone.make_aware(datetime.combine(day, time(19)))
                where = gent if rng.random() < 0.7 else antwerpen
                if aanbod.soort == "oudercursus":
                    doel = factories.ReeksFactory(aanbod=aanbod, bijeenkomsten=0, capaciteit=None)
                    for week in range(3):
                        factories.ActiviteitFactory(
                            aanbod=aanbod,
                            reeks=doel,
                            start=start + timedelta(weeks=week),
                            einde=start + timedelta(weeks=week, hours=2),
                            locatie=where,
                        )
                    target = {"reeks": doel, "activiteit": None}
                else:
                    doel = factories.ActiviteitFactory(
                        aanbod=aanbod,
                        start=start,
                        einde=start + timedelta(hours=2),
                        locatie=where,
                        capaciteit=None,
                    )
                    target = {"activiteit": doel}
                possible.add((soort, thema, year))
                for _ in range(_weighted(rng, [(0, 2), (1, 3), (2, 3), (3, 2), (5, 1), (8, 1)])):
                    counter += 1
                    postcode = _weighted(
                        rng, [("9000", 30), ("9040", 15), ("2000", 30), ("", 15), ("1804", 10)]
                    )
                    status = _weighted(
                        rng,
                        [
                            (Inschrijving.Status.BEVESTIGD, 90),
                            (Inschrijving.Status.GEANNULEERD, 6),
                            (Inschrijving.Status.WACHTLIJST, 4),
                        ],
                    )
                    registrations.append(
                        Inschrijving(
                            **target,
                            naam="x",
                            email=f"gezin{counter}@example.org",
                            postcode=postcode,
                            status=status,
                        )
                    )
                    if status != Inschrijving.Status.BEVESTIGD:
                        continue
                    if postcode in ("9000", "9040"):
                        truth[("Bx", soort, thema, year)] += 1
                    elif postcode != "2000" and where == gent:
                        truth[("Bonb", year)] += 1
    Inschrijving.objects.bulk_create(registrations)
    return truth, possible


def _reach_form(form: tuple, possible: set) -> dict:
    """The true counts (cross cells soort x thema, or the unknown count) a published figure adds up."""
    kind, *rest = form
    if kind == "Bonbekend":
        return {("Bonb", rest[0]): 1}
    if kind == "BT":
        return {("Bx", *cell): 1 for cell in possible if cell[2] == rest[0]}
    label, year = rest
    index = 0 if kind == "Bsoort" else 1
    return {("Bx", *cell): 1 for cell in possible if cell[index] == label and cell[2] == year}


def _read_reach(slug: str, rows: list[list[str]], where: str, knowledge: Knowledge) -> None:
    header, body = rows[0], rows[1:]
    years = [int(head) for head in header[1:]]
    for row in body:
        if not row or not row[0] or row[0].startswith("Not shown"):
            break
        for year, cell in zip(years, row[1:], strict=False):
            if slug == "bereik_onbekend":
                assert row[0] == UNKNOWN_ROW
                form = ("Bonbekend", year)
            elif row[0] == REACH_TOTAL:
                form = ("BT", year)
            else:
                form = (REACH[slug], row[0], year)
            knowledge.publish(form, _mark(cell), where)


def test_report_attacker_recovers_no_small_reach_count(bereik_data, dora, gemeente_a):
    """The attacker knows the catalogue and the agenda (which kind and thema every activity and series
    had, and when), so the true counts are families per (soort, thema, year): a soort row and a thema
    row are sums of the same cells, and every year and total of both tables is combined with all the
    others, from every report, export and older link."""
    truth, possible = bereik_data
    client = client_for(dora)
    base = f"/rapporten/{gemeente_a.slug}/"
    today = timezone.localdate()
    knowledge = Knowledge()
    slugs = [*REACH, "bereik_onbekend"]
    canonical = {}
    for year in range(today.year - 4, today.year + 1):
        query = f"jaar={year}"
        page = client.get(f"{base}?{query}")
        report = page.context["rapport"]
        for slug in slugs:
            rows = _csv_rows(client.get(f"{base}export/{slug}.csv?{query}").content)
            _read_reach(slug, rows, f"{slug}.csv?{query}", knowledge)
            expected = [["" if c is None else str(c) for c in r] for r in report.tabel(slug).export_rows()]
            assert rows[: len(expected)] == expected
            assert report.tabel(slug).titel in page.content.decode()
            canonical[(slug, year)] = rows
            for kwartaal in range(1, 5):  # the aanbod table's quarter changes nothing here
                other = client.get(f"{base}export/{slug}.csv?{query}&kwartaal={kwartaal}")
                assert _csv_rows(other.content) == rows
        workbook = load_workbook(io.BytesIO(client.get(f"{base}export/alles.xlsx?{query}").content))
        for sheet in workbook.worksheets[1:]:
            slug = next((t.slug for t in report.tabellen if t.titel[:31] == sheet.title), None)
            if slug in slugs:
                sheet_rows = [
                    ["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)
                ]
                _read_reach(slug, sheet_rows, f"alles.xlsx?{query}", knowledge)
    for months_back in range(0, 30, 5):
        end = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        month = end.year * 12 + end.month - 1 - months_back
        tot = date(month // 12, month % 12 + 1, 1)
        link = f"{base}export/bereik_soort.csv?van={today.year - 4}-01&tot={tot:%Y-%m}"
        assert _csv_rows(client.get(link).content) == canonical[("bereik_soort", tot.year)]

    # Every published figure as a sum of true counts. Each target (a published figure's count below 5,
    # or one cross cell below 5) gets a variable of its own tied to its sum, so "determined" covers sums.
    equations, targets = [], {}
    for form, mark in knowledge.forms.items():
        linear = _reach_form(form, possible)
        if mark[0] == "=":
            equations.append((linear, mark[1], None))
        elif mark[0] == "<":
            equations.append((linear, None, (0, mark[1] - 1)))
        else:
            equations.append((linear, None, (M, 10**9)))
        if linear and sum(truth.get(v, 0) for v in linear) < M:
            targets[("aux", form)] = linear
    for cell in possible:
        if truth.get(("Bx", *cell), 0) < M:
            targets[("Bx", *cell)] = {("Bx", *cell): 1}
    for name, linear in targets.items():
        if name[0] == "aux":
            equations.append(({name: 1, **{v: -c for v, c in linear.items()}}, 0, None))
    variables = {var for linear, _v, _b in equations for var in linear}
    assert len(targets) > 40, "the data should have plenty of small counts to attack"
    for form, mark in knowledge.forms.items():
        if mark[0] == "=":
            assert sum(truth.get(v, 0) for v in _reach_form(form, possible)) == mark[1], form
    recovered = {
        name for name in _determined(equations) | _pinned_by_bounds(equations, variables) if name in targets
    }
    assert not recovered, f"small counts recovered: {sorted(recovered, key=str)[:10]}"
    shown = [form for form, mark in knowledge.forms.items() if mark[0] == "=" and form[0] != "Bonbekend"]
    assert len(shown) >= 8, "the report stays useful: most years' families are shown"
