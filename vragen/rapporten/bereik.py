"""The report's reach section: families reached, by gemeente of residence, kind of aanbod and thema.

What counts as a family reached
    One registration that is confirmed (not cancelled, not on a waiting list) for a single activity or
    for a whole series, where that activity or series was not cancelled. A series counts once, not per
    meeting, in the quarter of its first meeting that was not cancelled; an activity in the quarter it
    started. A registration whose personal data was erased keeps its postcode, status and number of
    persons, so it still counts.

Gemeente of residence
    The postcode given at registration, through `partners.Postcode`. A postcode of two gemeenten (1040,
    1050, 1804) is attributed to neither: the family counts as "gemeente unknown", as one without a
    postcode or with a postcode that is not Belgian. Counting it in both would put one family in two
    municipalities' figures; choosing one (the lowest NIS code, as the spelotheek's loan counts do) would
    hand all of Etterbeek's and Elsene's 1040/1050 families to Brussel.

The tables (same threshold and the same publication grid as the question figures, THREAT_MODEL.md)
    `bereik_soort`, `bereik_thema`: families living in the gemeente, reached by any activity or series of
    the network wherever it was held, by kind of aanbod and by thema. Both share each quarter's number of
    families, so they are suppressed together and get their year column on top of the quarters as
    published (`raster.publiceer_jaar`), exactly as the five question tables; rows are fixed (every kind,
    every thema). An aanbod can have several themas, so the thema rows add up to at least the total.
    `bereik_onbekend`: families at activities held in the gemeente whose gemeente of residence is unknown.
    One line and no total: each quarter is shown or "< m" on its own, and the year only when no quarter
    is "< m" (otherwise "x", or "< m" when the year itself is small), so the year can never be used to
    subtract a small quarter. A family of unknown gemeente is in no gemeente's soort/thema tables, so
    this line adds to no other published sum.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count as CountOf
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from aanbod.models import Aanbod, Activiteit, Inschrijving, Thema
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import Gemeente, Postcode

from ..suppression import HIDDEN, SMALL, Count
from .periode import Periode, kwartaal_label, kwartaal_start
from .raster import Jaartabel, publiceer_jaar
from .tellingen import GEEN, Tellingen

DIMS = ("soort", "thema")


def held_in(gemeente: Gemeente) -> Q:
    """Activities held in the gemeente: at a location there, or online (no location) for aanbod that is
    for it. The one definition of the aanbod table and the reach section."""
    return Q(locatie__gemeente=gemeente) | Q(
        locatie__isnull=True, aanbod__in=Aanbod.objects.filter(gemeenten=gemeente).values("pk")
    )


def eerste_bijeenkomst(field: str = "pk", reeks: str = "reeks") -> Subquery:
    """`field` of the first meeting that was not cancelled of a series (the outer query's `reeks`): the
    meeting whose quarter and gemeente a series' registrations count in."""
    return Subquery(
        Activiteit._base_manager.filter(reeks=OuterRef(reeks), geannuleerd=False)
        .order_by("start", "pk")
        .values(field)[:1]
    )


@dataclass
class Bereik:
    """The true counts of one year: must pass through suppression before anyone sees them."""

    inwoners: Tellingen = field(default_factory=Tellingen)  # families living in the gemeente
    onbekend: dict[date, int] = field(default_factory=dict)  # unknown gemeente, at activities held there


def unieke_postcodes():
    """Postcodes of exactly one gemeente (a subquery)."""
    return Postcode.objects.values("code").annotate(n=CountOf("gemeente")).filter(n=1).values("code")


@scopes_disabled()  # counts, no rows handed out (as the aanbod table's)
def tel_bereik(*, gemeente: Gemeente, van: date, tot: date) -> Bereik:
    """Families reached van..tot (see the module docstring), per quarter, by soort and thema."""
    eigen = set(
        Postcode.objects.filter(gemeente=gemeente, code__in=unieke_postcodes()).values_list("code", flat=True)
    )
    held = Activiteit._base_manager.filter(held_in(gemeente)).values("pk")
    regs = (
        Inschrijving._base_manager.filter(status=Inschrijving.Status.BEVESTIGD)
        .filter(Q(activiteit__isnull=False, activiteit__geannuleerd=False) | Q(reeks__geannuleerd=False))
        .annotate(eerste_id=eerste_bijeenkomst("pk"), eerste_start=eerste_bijeenkomst("start"))
    )
    in_jaar = Q(activiteit__start__date__gte=van, activiteit__start__date__lte=tot) | Q(
        activiteit__isnull=True, eerste_start__date__gte=van, eerste_start__date__lte=tot
    )
    onbekend_hier = ~Q(postcode__in=unieke_postcodes()) & (
        Q(activiteit_id__in=held) | Q(activiteit__isnull=True, eerste_id__in=held)
    )
    rows = regs.filter(in_jaar).filter(Q(postcode__in=eigen) | onbekend_hier)
    rows = rows.values_list(
        "postcode",
        "activiteit__start",
        "activiteit__aanbod_id",
        "activiteit__aanbod__soort",
        "eerste_start",
        "reeks__aanbod_id",
        "reeks__aanbod__soort",
    ).order_by()
    families = []  # (quarter, aanbod, soort, resident)
    for postcode, start, aanbod_id, soort, eerste_start, reeks_aanbod_id, reeks_soort in rows:
        if start is None:
            start, aanbod_id, soort = eerste_start, reeks_aanbod_id, reeks_soort
        families.append(
            (kwartaal_start(timezone.localtime(start).date()), aanbod_id, soort, postcode in eigen)
        )
    themas = defaultdict(set)
    for aanbod_id, thema_id in Aanbod.themas.through.objects.filter(
        aanbod_id__in={aanbod_id for _q, aanbod_id, _s, resident in families if resident}
    ).values_list("aanbod_id", "thema_id"):
        themas[aanbod_id].add(thema_id)
    result = Bereik()
    per_soort, per_thema = defaultdict(int), defaultdict(int)
    onbekend = defaultdict(int)
    for q, aanbod_id, soort, resident in families:
        if not resident:
            onbekend[q] += 1
            continue
        result.inwoners.per_kwartaal[q] = result.inwoners.per_kwartaal.get(q, 0) + 1
        per_soort[(soort, q)] += 1
        for thema_id in themas.get(aanbod_id) or {GEEN}:
            per_thema[(thema_id, q)] += 1
    result.inwoners.dims = {"soort": dict(per_soort), "thema": dict(per_thema)}
    result.onbekend = dict(onbekend)
    return result


def rijen() -> dict[str, list[tuple]]:
    """(key, label) per table: every kind and every thema, fixed whatever the data (raster's rule)."""
    themas = [(t.pk, t.label) for t in Thema.objects.order_by("volgorde", "naam")]
    return {
        "soort": [(value, str(label)) for value, label in Aanbod.Soort.choices],
        "thema": [*themas, (GEEN, _("No thema"))],
    }


@dataclass
class OnbekendJaar:
    """The published "gemeente unknown" line of one year."""

    kwartalen: list[date]
    cells: dict[date, Count]
    jaar: Count | None  # None while the year is not complete


def publiceer_onbekend(
    counts: dict[date, int], kwartalen: list[date], compleet: bool, m: int
) -> OnbekendJaar:
    """Each quarter on its own; the year shown only when every quarter is (see the module docstring)."""

    def alone(n: int) -> Count:
        return Count(None, SMALL, m) if m > 1 and n < m else Count(n, threshold=m)

    cells = {q: alone(counts.get(q, 0)) for q in kwartalen}
    jaar = None
    if compleet:
        total = sum(counts.get(q, 0) for q in kwartalen)
        if all(cell.shown for cell in cells.values()) or (m > 1 and total < m):
            jaar = alone(total)
        else:
            jaar = Count(None, HIDDEN, m)
    return OnbekendJaar(kwartalen=list(kwartalen), cells=cells, jaar=jaar)


def bereik_jaar(gemeente: Gemeente, periode: Periode, m: int, today: date):
    """The published reach figures of one year: ({"soort": Jaartabel, "thema": Jaartabel}, OnbekendJaar)."""
    rows = rijen()
    keys = {dim: [key for key, _label in rows[dim]] for dim in DIMS}
    bereik = tel_bereik(gemeente=gemeente, van=periode.van, tot=periode.tot)
    kwartalen = periode.gepubliceerde_kwartalen(today)
    compleet = len(kwartalen) == 4
    tabellen: dict[str, Jaartabel] = publiceer_jaar(bereik.inwoners, keys, kwartalen, compleet, m, dims=DIMS)
    return tabellen, publiceer_onbekend(bereik.onbekend, kwartalen, compleet, m), rows


# --- layout --------------------------------------------------------------------------------------------


def bereik_tabellen(gemeente: Gemeente, periode: Periode, m: int, today: date) -> list:
    """The section's three tables, as the page and the exports show them."""
    from .rapport import Tabel, _per_kwartaal

    huidig, onbekend, rows = bereik_jaar(gemeente, periode, m, today)
    vorig, onbekend_vorig, rows_vorig = bereik_jaar(gemeente, periode.vorige(), m, today)
    totaal = _("Families reached")
    te_weinig = _("Not shown: too few families to show this table safely.")
    tabellen = [
        _per_kwartaal(
            "bereik_soort",
            _("Families reached by kind of aanbod (living in %(gemeente)s)") % {"gemeente": gemeente.naam},
            _("Kind of aanbod"),
            periode,
            huidig,
            vorig,
            "soort",
            rows,
            rows_vorig,
            _(
                "A family is one confirmed registration for an activity or for a whole series (a course "
                "counts once, in the quarter of its first meeting), wherever it took place, by the "
                "postcode given when registering."
            ),
            totaal_label=totaal,
            weggelaten_tekst=te_weinig,
        ),
        _per_kwartaal(
            "bereik_thema",
            _("Families reached by thema (living in %(gemeente)s)") % {"gemeente": gemeente.naam},
            _("Thema"),
            periode,
            huidig,
            vorig,
            "thema",
            rows,
            rows_vorig,
            _("An aanbod can be about more than one thema, so the themas add up to more than the total."),
            totaal_label=totaal,
            weggelaten_tekst=te_weinig,
        ),
    ]
    koppen = [kwartaal_label(q) for q in onbekend.kwartalen]
    cells = [onbekend.cells[q] for q in onbekend.kwartalen]
    if onbekend.jaar is not None:
        koppen.append(periode.label)
        cells.append(onbekend.jaar)
    koppen.append(periode.vorige().label)
    cells.append(onbekend_vorig.jaar)
    tabellen.append(
        Tabel(
            slug="bereik_onbekend",
            titel=_("Families of unknown gemeente at activities in %(gemeente)s")
            % {"gemeente": gemeente.naam},
            kop=[_("Families"), *koppen],
            rijen=[(_("Gemeente of residence unknown"), cells)] if onbekend.kwartalen else [],
            sleutels=["onbekend"] if onbekend.kwartalen else [],
            noot=_(
                "Families registered for an activity or series held in this gemeente who gave no postcode, "
                "a postcode that is not Belgian, or a postcode shared by two gemeenten (such as 1804 "
                "Vilvoorde/Zemst): some of them may live here, but they are not in the tables above. A "
                "year is shown as a number only when all its quarters are."
            ),
        )
    )
    return tabellen
