"""One gemeente's signal report: the questions, the use of the aanbod and the signals of a period.

Every count of people passes through vragen.suppression before it leaves this module; the true value of
a suppressed cell is never put in a `Tabel`. Rows keep a fixed order (thema order, the order of the
choices, partner names): sorting by count would leak how "< 5" and "x" cells compare to their
neighbours.

The tables that share the period's number of questions (by thema and month, by age, by who asked, by
channel, by referral) are suppressed together, so that total is shown or hidden the same everywhere;
likewise for the previous period.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count as CountOf
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Activiteit, Inschrijving, Thema
from partners.models import Gemeente, Partner

from .. import charts
from ..models import Kanaal, Leeftijdsband, Signaal, Vraagsteller
from ..suppression import Column, Count, Grid, OneWay, TwoWay, suppress_1d, suppress_shared
from .periode import Periode
from .spelotheek import spelotheek_tabel
from .tellingen import GEEN, tel

# A trend over more months than this is shown per quarter, to stay readable.
MAX_TREND_COLUMNS = 24


@dataclass
class Tabel:
    """A published table: what the page, the chart and the CSV/XLSX exports all show."""

    slug: str
    titel: str
    kop: list[str]
    rijen: list[tuple[str, list]]
    totaal: tuple[str, list] | None = None
    noot: str = ""
    grafiek: SafeString | None = None
    lijst: bool = False  # a list of items (signals), not counts
    weggelaten: bool = False  # could not be protected: not shown at all
    sleutels: list = field(default_factory=list)  # a stable key per row (thema id, choice value, …)

    def rij(self, sleutel) -> list | None:
        """The cells of the row with this key (for tests and anchors)."""
        for key, (_label, cells) in zip(self.sleutels, self.rijen, strict=False):
            if key == sleutel:
                return cells
        return None

    def export_rows(self) -> list[list]:
        """Header and rows for CSV/XLSX: shown counts as numbers, suppressed ones as their mark."""
        rows = [list(self.kop)]
        if self.weggelaten:
            rows.append([_("Not shown: too few questions to show this table safely.")])
            return rows
        body = [*self.rijen, self.totaal] if self.totaal else list(self.rijen)
        for label, cells in body:
            rows.append([label, *(_export_value(cell) for cell in cells)])
        return rows


def _export_value(cell):
    if isinstance(cell, Count):
        return cell.value if cell.shown else str(cell)
    if isinstance(cell, date):
        return formats.date_format(cell, "SHORT_DATE_FORMAT")
    return "" if cell is None else cell


@dataclass
class Rapport:
    gemeente: Gemeente
    periode: Periode
    vorige: Periode
    min_cell: int
    totaal: Count
    totaal_vorig: Count
    tabellen: list[Tabel] = field(default_factory=list)
    signalen: list[Signaal] = field(default_factory=list)

    def tabel(self, slug: str) -> Tabel | None:
        return self.per_slug.get(slug)

    @property
    def per_slug(self) -> dict[str, Tabel]:
        return {t.slug: t for t in self.tabellen}

    @property
    def weinig_vragen(self) -> bool:
        """Fewer questions than the threshold: the page says so instead of leaving readers puzzled."""
        return self.totaal.state == "small"


# --- reading -----------------------------------------------------------------------------------------


def leesbare_gemeenten(user):
    """The gemeenten whose reports `user` may read: coordinators all, others those they were given."""
    if not user.is_authenticated:
        return Gemeente.objects.none()
    if user.is_coordinator:
        return Gemeente.objects.all()
    return Gemeente.objects.filter(toegangen__user=user).distinct()


def _bucket(month: date, quarters: bool) -> date:
    if not quarters:
        return month
    return month.replace(month=(month.month - 1) // 3 * 3 + 1)


def _bucket_label(start: date, quarters: bool) -> str:
    if quarters:
        return _("Q%(q)s %(year)s") % {"q": (start.month - 1) // 3 + 1, "year": start.year}
    return formats.date_format(start, "M Y")


def _choice_rows(choices) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in choices]


# --- building ----------------------------------------------------------------------------------------


def build_rapport(*, gemeente: Gemeente, periode: Periode, min_cell: int | None = None) -> Rapport:
    """Count, suppress and lay out the report of `gemeente` for `periode`. Reads only."""
    m = min_cell or settings.REPORT_MIN_CELL
    vorige = periode.vorige()
    quarters = periode.aantal_maanden > MAX_TREND_COLUMNS
    buckets = sorted({_bucket(month, quarters) for month in periode.maanden})
    counts = tel(gemeente_id=gemeente.pk, van=vorige.van, tot=periode.tot, grens=periode.van)

    # Questions per month, both periods; those without any thema form a row of their own.
    per_maand = counts.per_maand
    zonder_thema = {month: n - counts.met_thema.get(month, 0) for month, n in per_maand.items()}
    n_cur = sum(n for month, n in per_maand.items() if month >= periode.van)
    n_prev = sum(n for month, n in per_maand.items() if month < periode.van)

    # Thema x month in this period; thema totals of the previous period.
    thema_maand = defaultdict(int)
    thema_vorig = defaultdict(int)
    for (thema_id, maand), n in counts.thema_maand.items():
        if maand >= periode.van:
            thema_maand[(thema_id, _bucket(maand, quarters))] += n
        else:
            thema_vorig[thema_id] += n
    for maand, n in zonder_thema.items():
        if not n:
            continue
        if maand >= periode.van:
            thema_maand[(GEEN, _bucket(maand, quarters))] += n
        else:
            thema_vorig[GEEN] += n

    thema_ids = {key for key, _bucket_start in thema_maand} | set(thema_vorig)
    themas = list(
        Thema.objects.filter(pk__in=[t for t in thema_ids if t != GEEN]).order_by("volgorde", "naam")
    )
    thema_rows = [(t.pk, t.label) for t in themas]
    if GEEN in thema_ids:
        thema_rows.append((GEEN, _("No thema chosen")))

    leeftijd = counts.dims["leeftijdsband"]
    wie = counts.dims["vraagsteller"]
    kanaal = counts.dims["kanaal"]
    verwezen = counts.dims["doorverwezen_naar"]
    partners = {p.pk: p.naam for p in Partner.objects.filter(pk__in=[k for k in verwezen if k != GEEN])}
    verwijs_rows = sorted(((pk, naam) for pk, naam in partners.items()), key=lambda row: row[1].lower())
    verwijs_rows.append((GEEN, _("Not referred")))

    leeftijd_rows = _choice_rows(Leeftijdsband.choices)
    wie_rows = _choice_rows(Vraagsteller.choices)
    kanaal_rows = _choice_rows(Kanaal.choices)

    def column(rows, data, index):
        return [data.get(key, (0, 0))[index] for key, _label in rows]

    matrix = [[thema_maand.get((key, b), 0) for b in buckets] for key, _label in thema_rows]
    bucket_totals = defaultdict(int)
    for month, n in per_maand.items():
        if month >= periode.van:
            bucket_totals[_bucket(month, quarters)] += n
    grid, leeftijd_c, wie_c, kanaal_c, verwijs_c = suppress_shared(
        [
            TwoWay(
                matrix,
                row_totals=[sum(row) for row in matrix],
                col_totals=[bucket_totals[b] for b in buckets],
            ),
            OneWay(column(leeftijd_rows, leeftijd, 0)),
            OneWay(column(wie_rows, wie, 0)),
            OneWay(column(kanaal_rows, kanaal, 0)),
            OneWay(column(verwijs_rows, verwezen, 0)),
        ],
        n_cur,
        min_cell=m,
    )
    thema_p, leeftijd_p, wie_p, kanaal_p, verwijs_p = suppress_shared(
        [
            OneWay([thema_vorig.get(key, 0) for key, _label in thema_rows]),
            OneWay(column(leeftijd_rows, leeftijd, 1)),
            OneWay(column(wie_rows, wie, 1)),
            OneWay(column(kanaal_rows, kanaal, 1)),
            OneWay(column(verwijs_rows, verwezen, 1)),
        ],
        n_prev,
        min_cell=m,
    )
    rapport = Rapport(
        gemeente=gemeente,
        periode=periode,
        vorige=vorige,
        min_cell=m,
        totaal=grid.total,
        totaal_vorig=thema_p.total,
    )
    veel_themas = _(
        "A question can be about more than one thema, so the themas add up to more than the total."
    )
    thema_current = Column(cells=grid.row_totals, total=grid.total, protected=grid.protected)
    rapport.tabellen += [
        _comparison(
            "themas",
            _("Questions by thema"),
            _("Thema"),
            thema_rows,
            thema_current,
            thema_p,
            noot=veel_themas,
        ),
        _trend(grid, thema_rows, [_bucket_label(b, quarters) for b in buckets], quarters),
        _comparison(
            "leeftijd", _("Questions by age of the child"), _("Age"), leeftijd_rows, leeftijd_c, leeftijd_p
        ),
        _comparison("vraagsteller", _("Questions by who asked"), _("Asked by"), wie_rows, wie_c, wie_p),
        _comparison("kanaal", _("Questions by channel"), _("Channel"), kanaal_rows, kanaal_c, kanaal_p),
        _comparison(
            "doorverwijzingen",
            _("Referrals by partner"),
            _("Referred to"),
            verwijs_rows,
            verwijs_c,
            verwijs_p,
        ),
        _aanbod(gemeente, periode, m),
    ]
    rapport.tabellen.append(spelotheek_tabel(gemeente, periode, m))  # vragen/reports/spelotheek.py
    signalen_tabel, signalen = _signalen(gemeente, periode)
    rapport.tabellen += signalen_tabel
    rapport.signalen = signalen
    return rapport


def _comparison(slug, titel, kop, rows, current: Column, previous: Column, noot: str = "") -> Tabel:
    tabel = Tabel(
        slug=slug,
        titel=titel,
        kop=[kop, _("This period"), _("Previous period")],
        rijen=[(label, [current.cells[i], previous.cells[i]]) for i, (_key, label) in enumerate(rows)],
        sleutels=[key for key, _label in rows],
        totaal=(_("Total questions"), [current.total, previous.total]),
        noot=noot,
        weggelaten=not (current.protected and previous.protected),
    )
    if rows and not tabel.weggelaten:
        tabel.grafiek = charts.bar_chart(
            title=titel,
            labels=[label for _key, label in rows],
            series=[
                charts.Series(_("This period"), list(current.cells)),
                charts.Series(_("Previous period"), list(previous.cells)),
            ],
        )
    return tabel


def _trend(grid: Grid, rows, labels: list[str], quarters: bool) -> Tabel:
    titel = _("Questions per quarter") if quarters else _("Questions per month")
    tabel = Tabel(
        slug="trend",
        titel=titel,
        kop=[_("Thema"), *labels, _("Total")],
        rijen=[(label, [*grid.cells[i], grid.row_totals[i]]) for i, (_key, label) in enumerate(rows)],
        sleutels=[key for key, _label in rows],
        totaal=(_("All questions"), [*grid.col_totals, grid.total]),
        noot=_("A question can be about more than one thema, so the themas add up to more than the total."),
        weggelaten=not grid.protected,
    )
    if labels and not tabel.weggelaten:
        tabel.grafiek = charts.column_chart(title=titel, labels=labels, values=list(grid.col_totals))
    return tabel


def _pressure(waiting: Count, places: int) -> str:
    if not waiting.shown or not places:
        return "–"
    return formats.number_format(waiting.value / places, 2)


def _aanbod(gemeente: Gemeente, periode: Periode, m: int) -> Tabel:
    """Activities held in the gemeente (at a location there, or online aanbod for it), by thema."""
    in_gemeente = Q(locatie__gemeente=gemeente) | Q(
        locatie__isnull=True, aanbod__in=Aanbod.objects.filter(gemeenten=gemeente).values("pk")
    )
    bevestigd = Q(inschrijvingen__status=Inschrijving.Status.BEVESTIGD)
    activiteiten = list(
        Activiteit.objects.filter(
            in_gemeente,
            geannuleerd=False,
            start__date__gte=periode.van,
            start__date__lte=periode.tot,
            start__lte=timezone.now(),
        )
        .with_bezetting()
        .annotate(
            aanwezigen=Coalesce(
                Sum("inschrijvingen__aantal_personen", filter=bevestigd & Q(inschrijvingen__aanwezig=True)), 0
            )
        )
        .values("pk", "aanbod_id", "capaciteit", "bezet", "wachtend", "aanwezigen")
    )
    thema_per_aanbod = defaultdict(set)
    for aanbod_id, thema_id in Aanbod.themas.through.objects.filter(
        aanbod_id__in={a["aanbod_id"] for a in activiteiten}
    ).values_list("aanbod_id", "thema_id"):
        thema_per_aanbod[aanbod_id].add(thema_id)
    themas = list(
        Thema.objects.filter(pk__in={t for ts in thema_per_aanbod.values() for t in ts}).order_by(
            "volgorde", "naam"
        )
    )
    rows = [(t.pk, t.label) for t in themas]
    if any(not thema_per_aanbod.get(a["aanbod_id"]) for a in activiteiten):
        rows.append((GEEN, _("No thema")))

    def sums(keys_of) -> dict:
        result = defaultdict(lambda: [0, 0, 0, 0, 0])
        for a in activiteiten:
            for key in keys_of(a):
                r = result[key]
                r[0] += 1
                r[1] += a["capaciteit"] or 0
                r[2] += a["bezet"]
                r[3] += a["aanwezigen"]
                r[4] += a["wachtend"]
        return result

    per_thema = sums(lambda a: thema_per_aanbod.get(a["aanbod_id"]) or {GEEN})
    totaal = sums(lambda a: {"all"})["all"]
    people = [
        suppress_1d([per_thema[key][col] for key, _label in rows], totaal[col], min_cell=m)
        for col in (2, 3, 4)
    ]
    registered, attended, waiting = people
    rijen = []
    for i, (key, label) in enumerate(rows):
        r = per_thema[key]
        rijen.append(
            (
                label,
                [
                    r[0],
                    r[1],
                    registered.cells[i],
                    attended.cells[i],
                    waiting.cells[i],
                    _pressure(waiting.cells[i], r[1]),
                ],
            )
        )
    titel = _("Use of the aanbod by thema")
    tabel = Tabel(
        slug="aanbod",
        titel=titel,
        kop=[
            _("Thema"),
            _("Activities held"),
            _("Places offered"),
            _("People registered"),
            _("People who came"),
            _("People on a waiting list"),
            _("Waiting per place"),
        ],
        rijen=rijen,
        sleutels=[key for key, _label in rows],
        totaal=(
            _("All activities"),
            [
                totaal[0],
                totaal[1],
                registered.total,
                attended.total,
                waiting.total,
                _pressure(waiting.total, totaal[1]),
            ],
        ),
        noot=_(
            "Activities that took place in this gemeente (or online for it) and were not cancelled. "
            "Places offered counts activities with a limit only; “people who came” only where the partner "
            "recorded attendance. Waiting per place = people on a waiting list for each place offered."
        ),
        weggelaten=not all(c.protected for c in people),
    )
    if rows and not tabel.weggelaten:
        tabel.grafiek = charts.bar_chart(
            title=titel,
            labels=[label for _key, label in rows],
            series=[
                charts.Series(_("People registered"), list(registered.cells)),
                charts.Series(_("People on a waiting list"), list(waiting.cells)),
            ],
        )
    return tabel


def _signalen(gemeente: Gemeente, periode: Periode) -> tuple[list[Tabel], list[Signaal]]:
    """Signals recorded in the period by thema and status, and those passed on to policy in it."""
    counts = defaultdict(int)
    for thema_id, status, n in (
        Signaal.objects.filter(
            gemeente=gemeente, aangemaakt_op__date__gte=periode.van, aangemaakt_op__date__lte=periode.tot
        )
        .values_list("thema_id", "status")
        .annotate(n=CountOf("pk"))
        .order_by()
    ):
        counts[(thema_id, status)] += n
    themas = list(Thema.objects.filter(pk__in={t for t, _s in counts}).order_by("volgorde", "naam"))
    statuses = list(Signaal.Status)
    per_status = Tabel(
        slug="signalen",
        titel=_("Signals recorded in this period"),
        kop=[_("Thema"), *[str(s.label) for s in statuses]],
        rijen=[(t.label, [counts[(t.pk, s.value)] for s in statuses]) for t in themas],
        sleutels=[t.pk for t in themas],
        totaal=(_("Total"), [sum(counts[(t.pk, s.value)] for t in themas) for s in statuses]),
        noot=_("Signals are observations of partners, not counts of people: they are not suppressed."),
    )
    doorgegeven = list(
        Signaal.objects.filter(
            gemeente=gemeente,
            status=Signaal.Status.DOORGEGEVEN,
            doorgegeven_op__gte=periode.van,
            doorgegeven_op__lte=periode.tot,
        )
        .select_related("thema", "bron_partner")
        .order_by("-doorgegeven_op", "-pk")
    )
    lijst = Tabel(
        slug="doorgegeven",
        titel=_("Signals passed on to policy"),
        kop=[_("Passed on"), _("Thema"), _("Title"), _("Description"), _("Source")],
        rijen=[
            (
                formats.date_format(s.doorgegeven_op, "SHORT_DATE_FORMAT") if s.doorgegeven_op else "",
                [
                    s.thema.label,
                    s.titel,
                    s.tekst,
                    s.bron_partner.naam if s.bron_partner else _("The network"),
                ],
            )
            for s in doorgegeven
        ],
        lijst=True,
    )
    return [per_status, lijst], doorgegeven
