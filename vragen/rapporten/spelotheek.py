"""The report's spelotheek section: loans per age band of the toy, by members living in the gemeente.

A separate section on purpose (the rest of the report is about questions). It reads only the anonymous
counts that closed loans leave (`UitleenTelling`: month, toy, age band, gemeente of the member's
postcode), and passes them through the same suppression: each period's column is a table of its own whose
total (all loans by the gemeente's members in that period) is published nowhere else.
"""

from django.db.models import Sum
from django.utils.translation import gettext as _

from aanbod.models import Levensfase
from aanbod.spelotheek.models import UitleenTelling
from huisvanhetkind.lib.scoping import scopes_disabled
from partners.models import Gemeente

from .. import charts
from ..suppression import suppress_1d
from .periode import Periode


def _per_band(gemeente: Gemeente, periode: Periode) -> dict[str, int]:
    with scopes_disabled():
        rows = (
            UitleenTelling.objects.filter(gemeente=gemeente, maand__gte=periode.van, maand__lte=periode.tot)
            .values("leeftijdsband")
            .annotate(n=Sum("aantal"))
        )
        return {row["leeftijdsband"]: row["n"] for row in rows}


def spelotheek_tabel(gemeente: Gemeente, periode: Periode, m: int):
    """Loans per age band, this period and the previous one, suppressed like every other count."""
    from .rapport import Tabel

    bands = [(stage.value, str(stage.label)) for stage in Levensfase if stage != Levensfase.AANSTAAND]
    current, previous = _per_band(gemeente, periode), _per_band(gemeente, periode.vorige())
    now = suppress_1d([current.get(key, 0) for key, _label in bands], min_cell=m)
    before = suppress_1d([previous.get(key, 0) for key, _label in bands], min_cell=m)
    titel = _("Toy library: loans by age band")
    tabel = Tabel(
        slug="spelotheek",
        titel=titel,
        kop=[_("Age"), _("This period"), _("Previous period")],
        rijen=[(label, [now.cells[i], before.cells[i]]) for i, (_key, label) in enumerate(bands)],
        sleutels=[key for key, _label in bands],
        totaal=(_("All loans"), [now.total, before.total]),
        noot=_("Loans by members living in this gemeente, by the age the toy is meant for."),
        weggelaten=not (now.protected and before.protected),
    )
    if not tabel.weggelaten:
        tabel.grafiek = charts.bar_chart(
            title=titel,
            labels=[label for _key, label in bands],
            series=[
                charts.Series(_("This period"), list(now.cells)),
                charts.Series(_("Previous period"), list(before.cells)),
            ],
        )
    return tabel
