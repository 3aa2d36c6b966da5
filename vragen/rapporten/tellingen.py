"""The raw counts behind a report, per calendar quarter: questions, and per thema and each dimension.

Six grouped queries over the gemeente's questions of the years asked (index scans on vraag_rapport_idx
and vraagthema_rapport_idx on PostgreSQL). These are true counts: they must pass through
vragen.suppression (see vragen.rapporten.raster) before anyone sees them.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncQuarter

from ..models import Vraag, VraagThema

DIMENSIES = ("leeftijdsband", "vraagsteller", "kanaal", "doorverwezen_naar")
GEEN = "geen"  # the key of "no thema" / "not referred"


@dataclass
class Tellingen:
    per_kwartaal: dict[date, int] = field(default_factory=dict)  # questions per quarter
    # dimension ("thema" or one of DIMENSIES) -> (key, quarter) -> n
    dims: dict[str, dict[tuple, int]] = field(default_factory=dict)

    def kwartaal(self, dim: str, q: date) -> dict:
        """The counts of one dimension in one quarter, by key."""
        return {key: n for (key, quarter), n in self.dims.get(dim, {}).items() if quarter == q}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def tel(*, gemeente_id: int, van: date, tot: date) -> Tellingen:
    """Counts of the gemeente's questions dated van..tot, per quarter."""
    vragen = Vraag.objects.filter(gemeente_id=gemeente_id, datum__gte=van, datum__lte=tot).annotate(
        kwartaal=TruncQuarter("datum")
    )
    result = Tellingen()
    for kwartaal, n in vragen.values_list("kwartaal").annotate(n=Count("*")).order_by():
        result.per_kwartaal[_as_date(kwartaal)] = n
    for veld in DIMENSIES:
        counts = {}
        for key, kwartaal, n in vragen.values_list(veld, "kwartaal").annotate(n=Count("*")).order_by():
            counts[(key if key is not None else GEEN, _as_date(kwartaal))] = n
        result.dims[veld] = counts
    links = VraagThema.objects.filter(gemeente_id=gemeente_id, datum__gte=van, datum__lte=tot).annotate(
        kwartaal=TruncQuarter("datum")
    )
    themas = {}
    met_thema = {}
    for thema_id, kwartaal, n in links.values_list("thema_id", "kwartaal").annotate(n=Count("*")).order_by():
        themas[(thema_id, _as_date(kwartaal))] = n
    for kwartaal, n in links.values_list("kwartaal").annotate(n=Count("vraag_id", distinct=True)).order_by():
        met_thema[_as_date(kwartaal)] = n
    for kwartaal, n in result.per_kwartaal.items():
        zonder = n - met_thema.get(kwartaal, 0)
        if zonder:
            themas[(GEEN, kwartaal)] = zonder
    result.dims["thema"] = themas
    return result
