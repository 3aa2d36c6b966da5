"""The raw counts behind a report: questions per month, per thema and month, and per dimension.

Two ways to the same numbers:
- on PostgreSQL, two queries with GROUPING SETS, each one index-only scan (vraag_rapport_idx and
  vraagthema_rapport_idx) over the gemeente's two periods;
- elsewhere (SQLite on a laptop), seven plain ORM queries.
A test on PostgreSQL checks that both give the same result. These are true counts: they must pass
through vragen.suppression before anyone sees them.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from ..models import Vraag, VraagThema

DIMENSIES = ("leeftijdsband", "vraagsteller", "kanaal", "doorverwezen_naar")
GEEN = "geen"  # the key of "no thema" / "not referred"


@dataclass
class Tellingen:
    per_maand: dict[date, int] = field(default_factory=dict)  # questions per month (both periods)
    met_thema: dict[date, int] = field(default_factory=dict)  # of those, with at least one thema
    thema_maand: dict[tuple[int, date], int] = field(default_factory=dict)  # (thema id, month) -> n
    dims: dict[str, dict] = field(default_factory=dict)  # dimension -> value -> (this period, previous)


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def tel(*, gemeente_id: int, van: date, tot: date, grens: date) -> Tellingen:
    """Counts of gemeente's questions dated van..tot; `grens` is the first day of the current period."""
    if connection.vendor == "postgresql":
        return _tel_postgres(gemeente_id, van, tot, grens)
    return _tel_orm(gemeente_id, van, tot, grens)


def _tel_orm(gemeente_id: int, van: date, tot: date, grens: date) -> Tellingen:
    vragen = Vraag.objects.filter(gemeente_id=gemeente_id, datum__gte=van, datum__lte=tot)
    links = VraagThema.objects.filter(gemeente_id=gemeente_id, datum__gte=van, datum__lte=tot)
    result = Tellingen()
    for maand, n in (
        vragen.annotate(maand=TruncMonth("datum")).values_list("maand").annotate(n=Count("*")).order_by()
    ):
        result.per_maand[_as_date(maand)] = n
    for maand, n in (
        links.annotate(maand=TruncMonth("datum"))
        .values_list("maand")
        .annotate(n=Count("vraag_id", distinct=True))
        .order_by()
    ):
        result.met_thema[_as_date(maand)] = n
    for thema_id, maand, n in (
        links.annotate(maand=TruncMonth("datum"))
        .values_list("thema_id", "maand")
        .annotate(n=Count("*"))
        .order_by()
    ):
        result.thema_maand[(thema_id, _as_date(maand))] = n
    huidig = Q(datum__gte=grens)
    for veld in DIMENSIES:
        rows = (
            vragen.values_list(veld)
            .annotate(cur=Count("datum", filter=huidig), prev=Count("datum", filter=~huidig))
            .order_by()
        )
        result.dims[veld] = {(key if key is not None else GEEN): (cur, prev) for key, cur, prev in rows}
    return result


def _tel_postgres(gemeente_id: int, van: date, tot: date, grens: date) -> Tellingen:
    vraag_table = connection.ops.quote_name(Vraag._meta.db_table)
    link_table = connection.ops.quote_name(VraagThema._meta.db_table)
    params = {"gemeente": gemeente_id, "van": van, "tot": tot, "grens": grens}
    result = Tellingen(dims={veld: {} for veld in DIMENSIES})
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT maand, leeftijdsband, vraagsteller, kanaal, doorverwezen_naar_id, huidig,
                   GROUPING(maand), GROUPING(leeftijdsband), GROUPING(vraagsteller), GROUPING(kanaal),
                   GROUPING(doorverwezen_naar_id), COUNT(*)
            FROM (
                SELECT date_trunc('month', datum::timestamp)::date AS maand,
                       leeftijdsband, vraagsteller, kanaal, doorverwezen_naar_id, datum >= %(grens)s AS huidig
                FROM {vraag_table}
                WHERE gemeente_id = %(gemeente)s AND datum >= %(van)s AND datum <= %(tot)s
            ) v
            GROUP BY GROUPING SETS (
                (maand), (leeftijdsband, huidig), (vraagsteller, huidig), (kanaal, huidig),
                (doorverwezen_naar_id, huidig)
            )
            """,
            params,
        )
        for maand, leeftijd, wie, kanaal, verwezen, huidig, *flags, n in cursor.fetchall():
            g_maand, *g_dims = flags
            if not g_maand:
                result.per_maand[maand] = n
                continue
            for veld, value, grouped in zip(
                DIMENSIES, (leeftijd, wie, kanaal, verwezen), g_dims, strict=True
            ):
                if not grouped:
                    key = value if value is not None else GEEN
                    cur, prev = result.dims[veld].get(key, (0, 0))
                    result.dims[veld][key] = (cur + n, prev) if huidig else (cur, prev + n)
        cursor.execute(
            f"""
            SELECT thema_id, maand, GROUPING(thema_id), COUNT(*), COUNT(DISTINCT vraag_id)
            FROM (
                SELECT thema_id, vraag_id, date_trunc('month', datum::timestamp)::date AS maand
                FROM {link_table}
                WHERE gemeente_id = %(gemeente)s AND datum >= %(van)s AND datum <= %(tot)s
            ) t
            GROUP BY GROUPING SETS ((thema_id, maand), (maand))
            """,
            params,
        )
        for thema_id, maand, g_thema, n, distinct in cursor.fetchall():
            if g_thema:
                result.met_thema[maand] = distinct
            else:
                result.thema_maand[(thema_id, maand)] = n
    return result
