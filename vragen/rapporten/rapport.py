"""One gemeente's signal report for one year of the publication grid (vragen/THREAT_MODEL.md).

Every count of people passes through vragen.suppression before it leaves this module, by way of the
grid (vragen.rapporten.raster): the questions per quarter that has ended, a year column once the year
is complete, and the previous year's column exactly as that year's own report publishes it. The true
value of a suppressed cell is never put in a `Tabel`. Rows keep a fixed order (thema order, the order
of the choices, partner names): sorting by count would leak how "< 5" and "x" cells compare.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Count as CountOf
from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Aanwezigheid, Activiteit, Inschrijving, Reeks, Thema
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import Gemeente, Partner

from .. import charts
from ..models import Kanaal, Leeftijdsband, Signaal, Vraagsteller
from ..suppression import Count, suppress_1d
from .bereik import bereik_tabellen, eerste_bijeenkomst, held_in
from .periode import Periode, kwartaal_einde, kwartaal_label
from .raster import DIMS, Jaartabel, publiceer_jaar
from .spelotheek import spelotheek_tabel
from .tellingen import GEEN, tel

ANDERE = "andere"  # partners that joined during the year, together


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
    weggelaten_tekst: str = ""  # why, when it is not about questions
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
            rows.append(
                [self.weggelaten_tekst or _("Not shown: too few questions to show this table safely.")]
            )
            return rows
        body = [*self.rijen, self.totaal] if self.totaal else list(self.rijen)
        for label, cells in body:
            rows.append([label, *(_export_value(cell) for cell in cells)])
        return rows


NIET_GEPUBLICEERD = "–"


def _export_value(cell):
    if isinstance(cell, Count):
        return cell.value if cell.shown else str(cell)
    if isinstance(cell, date):
        return formats.date_format(cell, "SHORT_DATE_FORMAT")
    return NIET_GEPUBLICEERD if cell is None else cell


@dataclass
class Rapport:
    gemeente: Gemeente
    periode: Periode
    vorige: Periode
    min_cell: int
    totaal: Count | None  # the year's questions; None until the year is complete
    totaal_vorig: Count | None
    kwartalen: list[date] = field(default_factory=list)  # the quarters published so far
    kwartaal: date | None = None  # the quarter of the aanbod table
    tabellen: list[Tabel] = field(default_factory=list)
    signalen: list[Signaal] = field(default_factory=list)

    def tabel(self, slug: str) -> Tabel | None:
        return self.per_slug.get(slug)

    @property
    def per_slug(self) -> dict[str, Tabel]:
        return {t.slug: t for t in self.tabellen}

    @property
    def compleet(self) -> bool:
        return len(self.kwartalen) == 4

    @property
    def kwartaal_links(self) -> list[tuple[int, str, bool]]:
        return [((q.month - 1) // 3 + 1, kwartaal_label(q), q == self.kwartaal) for q in self.kwartalen]

    @property
    def query(self) -> str:
        """The query string of this report (the year, and the quarter of the aanbod table)."""
        if self.kwartaal is None:
            return self.periode.query
        return f"{self.periode.query}&kwartaal={(self.kwartaal.month - 1) // 3 + 1}"

    @property
    def weinig_vragen(self) -> bool:
        """Fewer questions than the threshold: the page says so instead of leaving readers puzzled."""
        return self.totaal is not None and self.totaal.state == "small"


# --- reading -----------------------------------------------------------------------------------------


def leesbare_gemeenten(user):
    """The gemeenten whose reports `user` may read: coordinators all, others those they were given."""
    if not user.is_authenticated:
        return Gemeente.objects.none()
    if user.is_coordinator:
        return Gemeente.objects.all()
    return Gemeente.objects.filter(toegangen__user=user).distinct()


# --- the rows of each table: fixed per year ----------------------------------------------------------


def _rows(jaar: int) -> dict[str, list[tuple]]:
    """(key, label) per table. Fixed for a year whatever the data, so that adding a question to one
    quarter never changes how another quarter is published (vragen.rapporten.raster)."""
    themas = [(t.pk, t.label) for t in Thema.objects.order_by("volgorde", "naam")]
    begin = timezone.make_aware(datetime.combine(date(jaar, 1, 1), time.min))
    partners = [
        (p.pk, p.naam)
        for p in Partner.objects.filter(aangemaakt_op__lt=begin).order_by("naam").only("pk", "naam")
    ]
    return {
        "thema": [*themas, (GEEN, _("No thema chosen"))],
        "leeftijdsband": list(Leeftijdsband.choices),
        "vraagsteller": list(Vraagsteller.choices),
        "kanaal": list(Kanaal.choices),
        "doorverwezen_naar": [
            *partners,
            (ANDERE, _("Partners that joined this year")),
            (GEEN, _("Not referred")),
        ],
    }


def _jaar(gemeente: Gemeente, periode: Periode, m: int, today: date) -> tuple[dict[str, Jaartabel], dict]:
    """The published tables of one year, and its rows."""
    rows = _rows(periode.jaar)
    keys = {dim: [key for key, _label in rows[dim]] for dim in DIMS}
    tellingen = tel(gemeente_id=gemeente.pk, van=periode.van, tot=periode.tot)
    bekend = set(keys["doorverwezen_naar"])
    verwezen = defaultdict(int)
    for (key, q), n in tellingen.dims["doorverwezen_naar"].items():
        verwezen[(key if key in bekend else ANDERE, q)] += n
    tellingen.dims["doorverwezen_naar"] = dict(verwezen)
    kwartalen = periode.gepubliceerde_kwartalen(today)
    return publiceer_jaar(tellingen, keys, kwartalen, len(kwartalen) == 4, m), rows


# --- building ----------------------------------------------------------------------------------------


def build_rapport(
    *,
    gemeente: Gemeente,
    periode: Periode,
    min_cell: int | None = None,
    kwartaal: int | None = None,
    today: date | None = None,
) -> Rapport:
    """Count, suppress and lay out the report of `gemeente` for the year `periode`. Reads only.

    `kwartaal` (1-4) chooses the quarter of the aanbod table (default: the latest published one).
    """
    m = min_cell or settings.REPORT_MIN_CELL
    today = today or timezone.localdate()
    vorige = periode.vorige()
    huidig, rows = _jaar(gemeente, periode, m, today)
    vorig, rows_vorig = _jaar(gemeente, vorige, m, today)
    kwartalen = periode.gepubliceerde_kwartalen(today)
    thema = huidig["thema"]
    rapport = Rapport(
        gemeente=gemeente,
        periode=periode,
        vorige=vorige,
        min_cell=m,
        totaal=thema.jaar_totaal,
        totaal_vorig=vorig["thema"].jaar_totaal,
        kwartalen=kwartalen,
    )
    if kwartalen:
        gekozen = [q for q in kwartalen if kwartaal and (q.month - 1) // 3 + 1 == kwartaal]
        rapport.kwartaal = gekozen[0] if gekozen else kwartalen[-1]
    veel_themas = _(
        "A question can be about more than one thema, so the themas add up to more than the total."
    )
    rapport.tabellen += [
        _trend(periode, thema, vorig["thema"]),
        _per_kwartaal(
            "themas",
            _("Questions by thema"),
            _("Thema"),
            periode,
            huidig,
            vorig,
            "thema",
            rows,
            rows_vorig,
            veel_themas,
        ),
        _per_kwartaal(
            "leeftijd",
            _("Questions by age of the child"),
            _("Age"),
            periode,
            huidig,
            vorig,
            "leeftijdsband",
            rows,
            rows_vorig,
        ),
        _per_kwartaal(
            "vraagsteller",
            _("Questions by who asked"),
            _("Asked by"),
            periode,
            huidig,
            vorig,
            "vraagsteller",
            rows,
            rows_vorig,
        ),
        _per_kwartaal(
            "kanaal",
            _("Questions by channel"),
            _("Channel"),
            periode,
            huidig,
            vorig,
            "kanaal",
            rows,
            rows_vorig,
        ),
        _per_kwartaal(
            "doorverwijzingen",
            _("Referrals by partner"),
            _("Referred to"),
            periode,
            huidig,
            vorig,
            "doorverwezen_naar",
            rows,
            rows_vorig,
        ),
    ]
    if rapport.kwartaal is not None:
        rapport.tabellen.append(_aanbod(gemeente, rapport.kwartaal, kwartaal_einde(rapport.kwartaal), m))
    rapport.tabellen += bereik_tabellen(gemeente, periode, m, today)  # vragen/rapporten/bereik.py
    rapport.tabellen.append(spelotheek_tabel(gemeente, periode, m))  # vragen/rapporten/spelotheek.py
    signalen_tabel, signalen = _signalen(gemeente, periode)
    rapport.tabellen += signalen_tabel
    rapport.signalen = signalen
    return rapport


def _trend(periode: Periode, huidig: Jaartabel, vorig: Jaartabel) -> Tabel:
    """Questions per quarter, this year beside last year: both as their own years publish them."""
    rijen = []
    for index in range(4):
        q = periode.kwartalen[index]
        q_vorig = periode.vorige().kwartalen[index]
        rijen.append(
            (
                _("Q%(q)s") % {"q": index + 1},
                [huidig.kwartaal_totalen.get(q), vorig.kwartaal_totalen.get(q_vorig)],
            )
        )
    titel = _("Questions per quarter")
    tabel = Tabel(
        slug="trend",
        titel=titel,
        kop=[_("Quarter"), periode.label, periode.vorige().label],
        rijen=rijen,
        sleutels=[1, 2, 3, 4],
        totaal=(_("Whole year"), [huidig.jaar_totaal, vorig.jaar_totaal]),
        noot=_("A quarter is shown three months after it ended, a year once all its quarters are."),
    )
    tabel.grafiek = charts.bar_chart(
        title=titel,
        labels=[label for label, _cells in rijen],
        series=[
            charts.Series(periode.label, [cells[0] for _label, cells in rijen]),
            charts.Series(periode.vorige().label, [cells[1] for _label, cells in rijen]),
        ],
    )
    return tabel


def _per_kwartaal(slug, titel, kop, periode, huidig, vorig, dim, rows, rows_vorig, noot: str = "") -> Tabel:
    """A table by quarter: the published quarters, the year (once complete), last year's year column."""
    dit, dat = huidig[dim], vorig[dim]
    labels = dict(rows[dim])
    labels_vorig = dict(rows_vorig[dim])
    keys = list(dit.keys) + [key for key in dat.keys if key not in labels]
    compleet = len(dit.kwartalen) == 4
    koppen = [kwartaal_label(q) for q in dit.kwartalen]
    if compleet:
        koppen.append(periode.label)
    koppen.append(periode.vorige().label)
    rijen = []
    for key in keys:
        cells = [dit.cells.get((key, q)) for q in dit.kwartalen]
        if compleet:
            cells.append(dit.jaar.get(key) if dit.jaar else None)
        cells.append(dat.jaar.get(key) if dat.jaar else None)
        rijen.append((str(labels.get(key) or labels_vorig.get(key)), cells))
    totaal = [dit.kwartaal_totalen.get(q) for q in dit.kwartalen]
    if compleet:
        totaal.append(dit.jaar_totaal)
    totaal.append(dat.jaar_totaal)
    tabel = Tabel(
        slug=slug,
        titel=titel,
        kop=[kop, *koppen],
        rijen=rijen,
        sleutels=keys,
        totaal=(_("Total questions"), totaal),
        noot=noot,
        weggelaten=not dit.beschermd,
    )
    if rijen and not tabel.weggelaten and dit.kwartalen:
        # The chart: the year beside last year once complete, else the latest quarter.
        if compleet:
            series = [
                charts.Series(periode.label, [cells[-2] for _label, cells in rijen]),
                charts.Series(periode.vorige().label, [cells[-1] for _label, cells in rijen]),
            ]
        else:
            index = len(dit.kwartalen) - 1
            series = [charts.Series(koppen[index], [cells[index] for _label, cells in rijen])]
        tabel.grafiek = charts.bar_chart(
            title=titel, labels=[label for label, _cells in rijen], series=series
        )
    return tabel


def _pressure(waiting: Count, places: int) -> str:
    if not waiting.shown or not places:
        return "–"
    return formats.number_format(waiting.value / places, 2)


# Figures of every activity held in the gemeente, also of aanbod that is no longer public (archived after
# its season): counts, no personal data, past the public scope of a municipality user's request.
@scopes_disabled()
def _aanbod(gemeente: Gemeente, van: date, tot: date, m: int) -> Tabel:
    """Activities held in the gemeente (at a location there, or online aanbod for it), by thema, in
    one quarter of the grid (quarters share no activity, so no two published tables overlap).

    A series counts its places, registrations and waiting list once, in the quarter and gemeente of its
    first meeting that was not cancelled; each of its meetings is an activity held, and the people who
    came to it are its attendance (`Aanwezigheid`), meeting by meeting."""
    now = timezone.now()
    bevestigd = Inschrijving.Status.BEVESTIGD
    activiteiten = list(
        Activiteit.objects.filter(
            held_in(gemeente),
            geannuleerd=False,
            start__date__gte=van,
            start__date__lte=tot,
            start__lte=now,
        )
        .filter(Q(reeks__isnull=True) | Q(reeks__geannuleerd=False))
        .met_bezetting()
        .annotate(
            aanwezigen=Coalesce(
                Sum(
                    "inschrijvingen__aantal_personen",
                    filter=Q(inschrijvingen__status=bevestigd, inschrijvingen__aanwezig=True),
                ),
                0,
            )
        )
        .values("pk", "aanbod_id", "reeks_id", "capaciteit", "bezet", "wachtend", "aanwezigen")
    )
    bijeenkomsten = [a for a in activiteiten if a["reeks_id"]]
    gekomen = dict(
        Aanwezigheid.objects.filter(
            activiteit_id__in=[a["pk"] for a in bijeenkomsten], aanwezig=True, inschrijving__status=bevestigd
        )
        .values("activiteit_id")
        .annotate(n=Sum("inschrijving__aantal_personen"))
        .values_list("activiteit_id", "n")
        .order_by()
    )
    for a in bijeenkomsten:  # places and registrations belong to the series, counted with it below
        a.update(capaciteit=0, bezet=0, wachtend=0, aanwezigen=gekomen.get(a["pk"], 0))

    def personen(status: str):
        totaal = (
            Inschrijving._base_manager.filter(reeks_id=OuterRef("pk"), status=status)
            .order_by()
            .values("reeks_id")
            .annotate(totaal=Sum("aantal_personen"))
            .values("totaal")
        )
        return Coalesce(Subquery(totaal, output_field=IntegerField()), 0)

    reeksen = (
        Reeks.objects.filter(geannuleerd=False)
        .annotate(
            eerste_id=eerste_bijeenkomst("pk", reeks="pk"),
            eerste_start=eerste_bijeenkomst("start", reeks="pk"),
        )
        .filter(
            eerste_id__in=Activiteit.objects.filter(held_in(gemeente)).values("pk"),
            eerste_start__date__gte=van,
            eerste_start__date__lte=tot,
            eerste_start__lte=now,
        )
        .annotate(bezet=personen(bevestigd), wachtend=personen(Inschrijving.Status.WACHTLIJST))
        .values("aanbod_id", "capaciteit", "bezet", "wachtend")
    )
    rijen_in = [{**a, "gehouden": 1} for a in activiteiten]
    rijen_in += [{**r, "gehouden": 0, "aanwezigen": 0} for r in reeksen]
    thema_per_aanbod = defaultdict(set)
    for aanbod_id, thema_id in Aanbod.themas.through.objects.filter(
        aanbod_id__in={a["aanbod_id"] for a in rijen_in}
    ).values_list("aanbod_id", "thema_id"):
        thema_per_aanbod[aanbod_id].add(thema_id)
    themas = list(
        Thema.objects.filter(pk__in={t for ts in thema_per_aanbod.values() for t in ts}).order_by(
            "volgorde", "naam"
        )
    )
    rows = [(t.pk, t.label) for t in themas]
    if any(not thema_per_aanbod.get(a["aanbod_id"]) for a in rijen_in):
        rows.append((GEEN, _("No thema")))

    def sums(keys_of) -> dict:
        result = defaultdict(lambda: [0, 0, 0, 0, 0])
        for a in rijen_in:
            for key in keys_of(a):
                r = result[key]
                r[0] += a["gehouden"]
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
    titel = _("Use of the aanbod by thema in %(kwartaal)s") % {"kwartaal": kwartaal_label(van)}
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
            "Activities that took place in this gemeente (or online for it) and were not cancelled; each "
            "meeting of a series is an activity. A series counts its places, registrations and waiting "
            "list once, in the quarter of its first meeting; “people who came” counts every meeting, so "
            "a family that came to four meetings counts four times. Places offered counts activities "
            "and series with a limit only; “people who came” only where the partner recorded "
            "attendance. Waiting per place = people on a waiting list for each place offered."
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
