"""The report's reach section: families reached, by gemeente of residence, kind of aanbod and thema.

What counts as a family reached
    One registration that is confirmed (not cancelled, not on a waiting list) for a single activity or
    for a whole series, where that activity or series was not cancelled. A series counts once, not per
    meeting, in the year of its first meeting that was not cancelled; an activity in the year it
    started. A registration whose personal data was erased keeps its postcode, status and number of
    persons, so it still counts.

Gemeente of residence
    The postcode given at registration, through `partners.Postcode`. A postcode of two gemeenten (1040,
    1050, 1804) is attributed to neither: the family counts as "gemeente unknown", as one without a
    postcode or with a postcode that is not Belgian. Counting it in both would put one family in two
    municipalities' figures; choosing one (the lowest NIS code, as the spelotheek's loan counts do) would
    hand all of Etterbeek's and Elsene's 1040/1050 families to Brussel. So every family is in at most one
    gemeente's figures, and the reports of two gemeenten never overlap.

Thema
    A family counts once, under the aanbod's first thema in the network's thema order ("No thema" when it
    has none), so that the thema rows add up to the total like the kind rows do.

Why whole years only (see THREAT_MODEL.md)
    The kind and thema tables count the same families, and the public catalogue tells which kinds go
    with which themas: they are the two margins of one kind x thema cross table whose inner cells are not
    published, and are suppressed as that one table (`suppression.suppress_margins`), so that neither can
    undo the other's hiding. Quarters and their year on top would make it a three-way table (kind x thema
    x quarter), for which the cycle argument of the suppression does not hold; so the reach figures are
    published per calendar year, once its four quarters are published (the grid's rule), with last
    year's column as last year's own report publishes it. Years share no family.

The tables
    `bereik_soort`, `bereik_thema`: families living in the gemeente, reached by any activity or series of
    the network wherever it was held; rows fixed (every kind, every thema).
    `bereik_onbekend`: families at activities held in the gemeente whose gemeente of residence is unknown:
    one count per year, shown or "< m". No other published figure adds it up.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count as CountOf
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Activiteit, Inschrijving, Reeks, Thema
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import Gemeente, Postcode

from .. import charts
from ..suppression import SMALL, Count, suppress_margins
from .periode import Periode
from .tellingen import GEEN


def held_in(gemeente: Gemeente) -> Q:
    """Activities held in the gemeente: at a location there, or online (no location) for aanbod that is
    for it. The one definition of the aanbod table and the reach section."""
    return Q(locatie__gemeente=gemeente) | Q(
        locatie__isnull=True, aanbod__in=Aanbod.objects.filter(gemeenten=gemeente).values("pk")
    )


def eerste_bijeenkomst(field: str = "pk", reeks: str = "reeks") -> Subquery:
    """`field` of the first meeting that was not cancelled of a series (the outer query's `reeks`): the
    meeting whose date and gemeente a series' registrations count in."""
    return Subquery(
        Activiteit._base_manager.filter(reeks=OuterRef(reeks), geannuleerd=False)
        .order_by("start", "pk")
        .values(field)[:1]
    )


def unieke_postcodes():
    """Postcodes of exactly one gemeente (a subquery)."""
    return Postcode.objects.values("code").annotate(n=CountOf("gemeente")).filter(n=1).values("code")


@dataclass
class Bereik:
    """The true counts of one year: they must pass through suppression before anyone sees them."""

    per_cel: dict[tuple, int] = field(default_factory=dict)  # (soort, thema key) -> families living here
    mogelijk: set[tuple] = field(default_factory=set)  # (soort, thema key) that took registrations
    onbekend: int = 0  # families of unknown gemeente at activities held here


def _eerste_themas() -> dict[int, object]:
    """aanbod id -> its first thema's id in the network's thema order (GEEN without one)."""
    volgorde = {
        pk: index
        for index, pk in enumerate(Thema.objects.order_by("volgorde", "naam").values_list("pk", flat=True))
    }
    eerste = {}
    for aanbod_id, thema_id in Aanbod.themas.through.objects.values_list("aanbod_id", "thema_id"):
        if aanbod_id not in eerste or volgorde[thema_id] < volgorde[eerste[aanbod_id]]:
            eerste[aanbod_id] = thema_id
    return eerste


@scopes_disabled()  # counts, no rows handed out (as the aanbod table's)
def tel_bereik(*, gemeente: Gemeente, van: date, tot: date) -> Bereik:
    """Families reached van..tot (see the module docstring), by soort and first thema; and which
    combinations took registrations in the period anywhere in the network (public knowledge)."""
    eigen = set(
        Postcode.objects.filter(gemeente=gemeente, code__in=unieke_postcodes()).values_list("code", flat=True)
    )
    held = Activiteit._base_manager.filter(held_in(gemeente)).values("pk")
    regs = (
        Inschrijving._base_manager.filter(status=Inschrijving.Status.BEVESTIGD)
        .filter(Q(activiteit__isnull=False, activiteit__geannuleerd=False) | Q(reeks__geannuleerd=False))
        .annotate(eerste_id=eerste_bijeenkomst("pk"), eerste_start=eerste_bijeenkomst("start"))
        .filter(
            Q(activiteit__start__date__gte=van, activiteit__start__date__lte=tot)
            | Q(activiteit__isnull=True, eerste_start__date__gte=van, eerste_start__date__lte=tot)
        )
    )
    onbekend_hier = ~Q(postcode__in=unieke_postcodes()) & (
        Q(activiteit_id__in=held) | Q(activiteit__isnull=True, eerste_id__in=held)
    )
    rows = (
        regs.filter(Q(postcode__in=eigen) | onbekend_hier)
        .values_list(
            "postcode",
            "activiteit__aanbod_id",
            "activiteit__aanbod__soort",
            "reeks__aanbod_id",
            "reeks__aanbod__soort",
        )
        .order_by()
    )
    # What the public agenda shows: activities and series of the period that took registrations.
    enkel = Activiteit._base_manager.filter(
        reeks__isnull=True,
        geannuleerd=False,
        inschrijving_nodig=True,
        start__date__gte=van,
        start__date__lte=tot,
    ).values_list("aanbod_id", "aanbod__soort")
    reeksen = (
        Reeks._base_manager.filter(geannuleerd=False)
        .annotate(eerste_start=eerste_bijeenkomst("start", reeks="pk"))
        .filter(eerste_start__date__gte=van, eerste_start__date__lte=tot)
        .values_list("aanbod_id", "aanbod__soort")
    )
    eerste = _eerste_themas()
    result = Bereik()
    for aanbod_id, soort in {*enkel.distinct(), *reeksen.distinct()}:
        result.mogelijk.add((soort, eerste.get(aanbod_id, GEEN)))
    per_cel = defaultdict(int)
    for postcode, aanbod_id, soort, reeks_aanbod_id, reeks_soort in rows:
        if postcode not in eigen:
            result.onbekend += 1
            continue
        if aanbod_id is None:
            aanbod_id, soort = reeks_aanbod_id, reeks_soort
        per_cel[(soort, eerste.get(aanbod_id, GEEN))] += 1
    result.per_cel = dict(per_cel)
    # An activity that stopped taking registrations may still hold some: its cell is possible too.
    result.mogelijk |= set(per_cel)
    return result


def rijen() -> dict[str, list[tuple]]:
    """(key, label) per table: every kind and every thema, fixed whatever the data."""
    themas = [(t.pk, t.label) for t in Thema.objects.order_by("volgorde", "naam")]
    return {
        "soort": [(value, str(label)) for value, label in Aanbod.Soort.choices],
        "thema": [*themas, (GEEN, _("No thema"))],
    }


@dataclass
class BereikJaar:
    """The published reach figures of one year; None while the year is not complete."""

    soort: dict | None = None  # soort -> Count
    thema: dict | None = None  # thema key -> Count
    totaal: Count | None = None
    onbekend: Count | None = None
    beschermd: bool = True


def publiceer_bereik(gemeente: Gemeente, periode: Periode, m: int, today: date, rows: dict) -> BereikJaar:
    """The year's figures, suppressed as one kind x thema table (see the module docstring)."""
    if not periode.is_compleet(today):
        return BereikJaar()
    bereik = tel_bereik(gemeente=gemeente, van=periode.van, tot=periode.tot)
    soorten = [key for key, _label in rows["soort"]]
    themas = [key for key, _label in rows["thema"]]
    matrix = [[bereik.per_cel.get((s, t), 0) for t in themas] for s in soorten]
    possible = [[(s, t) in bereik.mogelijk for t in themas] for s in soorten]
    grid = suppress_margins(matrix, possible, min_cell=m)
    onbekend = Count(None, SMALL, m) if m > 1 and bereik.onbekend < m else Count(bereik.onbekend, threshold=m)
    return BereikJaar(
        soort=dict(zip(soorten, grid.row_totals, strict=True)),
        thema=dict(zip(themas, grid.col_totals, strict=True)),
        totaal=grid.total,
        onbekend=onbekend,
        beschermd=grid.protected,
    )


# --- layout --------------------------------------------------------------------------------------------


def bereik_tabellen(gemeente: Gemeente, periode: Periode, m: int, today: date) -> list:
    """The section's three tables, as the page and the exports show them: this year and last year."""
    from .rapport import Tabel

    rows = rijen()
    dit = publiceer_bereik(gemeente, periode, m, today, rows)
    vorig = publiceer_bereik(gemeente, periode.vorige(), m, today, rows)
    kop = [periode.label, periode.vorige().label]
    weggelaten = not (dit.beschermd and vorig.beschermd)
    tabellen = []
    for slug, dim, titel, eerste_kop, noot in (
        (
            "bereik_soort",
            "soort",
            _("Families reached by kind of aanbod (living in %(gemeente)s)"),
            _("Kind of aanbod"),
            _(
                "A family is one confirmed registration for an activity or for a whole series (a course "
                "counts once, in the year of its first meeting), wherever it took place, by the postcode "
                "given when registering."
            ),
        ),
        (
            "bereik_thema",
            "thema",
            _("Families reached by thema (living in %(gemeente)s)"),
            _("Thema"),
            _(
                "Each family counts once, under the first thema of the aanbod (in the network's order of "
                "themas), so the themas add up to the total."
            ),
        ),
    ):
        labels = rows[dim]
        cells = [getattr(jaar, dim) or {} for jaar in (dit, vorig)]  # {} while a year is not complete
        rijen_ = [(str(label), [cells[0].get(key), cells[1].get(key)]) for key, label in labels]
        tabel = Tabel(
            slug=slug,
            titel=titel % {"gemeente": gemeente.naam},
            kop=[eerste_kop, *kop],
            rijen=rijen_,
            sleutels=[key for key, _label in labels],
            totaal=(_("Families reached"), [dit.totaal, vorig.totaal]),
            noot=noot,
            weggelaten=weggelaten,
            weggelaten_tekst=_("Not shown: too few families to show this table safely."),
        )
        if not weggelaten and (dit.totaal or vorig.totaal):
            tabel.grafiek = charts.bar_chart(
                title=tabel.titel,
                labels=[label for label, _cells in rijen_],
                series=[
                    charts.Series(periode.label, [cells[0] for _label, cells in rijen_]),
                    charts.Series(periode.vorige().label, [cells[1] for _label, cells in rijen_]),
                ],
            )
        tabellen.append(tabel)
    tabellen.append(
        Tabel(
            slug="bereik_onbekend",
            titel=_("Families of unknown gemeente at activities in %(gemeente)s")
            % {"gemeente": gemeente.naam},
            kop=[_("Families"), *kop],
            rijen=[(_("Gemeente of residence unknown"), [dit.onbekend, vorig.onbekend])],
            sleutels=["onbekend"],
            noot=_(
                "Families registered for an activity or series held in this gemeente who gave no postcode, "
                "a postcode that is not Belgian, or a postcode shared by two gemeenten (such as 1804 "
                "Vilvoorde/Zemst): some of them may live here, but they are not in the tables above."
            ),
        )
    )
    return tabellen
