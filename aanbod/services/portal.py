"""Use cases of the partners' portal that write several rows: attendance; and the portal's reads of a
series' counts and of the attendance still to fill in. (A weekly series of activities is
`aanbod.services.activiteiten.activiteit_create_series`, shared with the admin.)"""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, Func, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Aanwezigheid, Activiteit, ActiviteitQuerySet, Inschrijving, Reeks

logger = logging.getLogger(__name__)


def attendance_check(activiteit: Activiteit) -> None:
    """ValidationError unless who came can be marked: the activity or meeting has started and was not
    cancelled (the admin's form checks this before it saves through the service)."""
    if activiteit.start > timezone.now():
        raise ValidationError(_("You can mark who came once the activity has started."), code="niet_gestart")
    if activiteit.geannuleerd:
        raise ValidationError(_("This activity was cancelled: nobody can have come."), code="geannuleerd")


def inschrijvingen_mark_attendance(
    *,
    activiteit: Activiteit,
    aanwezig_ids: Iterable[int],
    inschrijving_ids: Iterable[int] | None = None,
    user=None,
) -> int:
    """Record who came to an activity, or to one meeting of a series, once it has started: the given
    registrations attended, the other confirmed ones did not. Waiting and cancelled registrations are left
    alone, as are ids that are not this activity's (or this series') confirmed registrations.

    `inschrijving_ids` limits which registrations are marked (the others keep what they had); None: all.
    A single activity keeps its attendance on `Inschrijving.aanwezig`; a meeting of a series stores one
    `Aanwezigheid` per registration and meeting (inserted or updated). The registrations are read with
    the caller's scope: a portal user marks only their own partner's. Returns how many were marked
    present. ValidationError before the start, or for a cancelled activity.

    Side effects: updates `Inschrijving.aanwezig` or upserts Aanwezigheid rows, in one transaction.
    """
    attendance_check(activiteit)
    ids = {int(pk) for pk in aanwezig_ids}
    if activiteit.reeks_id:
        bevestigd = Inschrijving.objects.filter(reeks_id=activiteit.reeks_id)
    else:
        bevestigd = Inschrijving.objects.filter(activiteit=activiteit)
    bevestigd = bevestigd.filter(status=Inschrijving.Status.BEVESTIGD)
    if inschrijving_ids is not None:
        bevestigd = bevestigd.filter(pk__in={int(pk) for pk in inschrijving_ids})
    now = timezone.now()
    with transaction.atomic():
        if activiteit.reeks_id:
            rows = [
                Aanwezigheid(inschrijving_id=pk, activiteit=activiteit, aanwezig=pk in ids, bijgewerkt_op=now)
                for pk in bevestigd.values_list("pk", flat=True)
            ]
            Aanwezigheid.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["inschrijving", "activiteit"],
                update_fields=["aanwezig", "bijgewerkt_op"],
            )
            aanwezig = sum(row.aanwezig for row in rows)
        else:
            aanwezig = bevestigd.filter(pk__in=ids).update(aanwezig=True, bijgewerkt_op=now)
            bevestigd.exclude(pk__in=ids).update(aanwezig=False, bijgewerkt_op=now)
    logger.info("activiteit %s: attendance marked by user %s", activiteit.pk, getattr(user, "pk", None))
    return aanwezig


# --- Reads ----------------------------------------------------------------------------------------------


def _persons(status: str) -> Coalesce:
    """Persons of a series (the meeting's `reeks`) with this status; public numbers, counted past the scope
    like `met_bezetting`."""
    totaal = (
        Inschrijving._base_manager.filter(reeks_id=OuterRef("reeks_id"), status=status)
        .order_by()
        .values("reeks_id")
        .annotate(totaal=Sum("aantal_personen"))
        .values("totaal")
    )
    return Coalesce(Subquery(totaal, output_field=models.IntegerField()), 0)


def activiteiten_with_reeks_bezetting(queryset: ActiviteitQuerySet) -> ActiviteitQuerySet:
    """Annotate a meeting of a series with its series' counts, since its registrations are the series':
    `reeks_bezet`, `reeks_wachtend`, `reeks_vrij` (None without a limit), and `deel_nr`/`deel_van`.
    A single activity gets 0 and None (it keeps `met_bezetting`'s own counts)."""
    bezet = _persons(Inschrijving.Status.BEVESTIGD)
    return (
        queryset.with_deel()
        .select_related("reeks")
        .annotate(
            reeks_bezet=bezet,
            reeks_wachtend=_persons(Inschrijving.Status.WACHTLIJST),
            reeks_vrij=Case(
                When(reeks__capaciteit__isnull=True, then=None),
                default=Greatest(F("reeks__capaciteit") - bezet, 0),
                output_field=models.IntegerField(),
            ),
        )
    )


def activiteiten_with_open_attendance(queryset: ActiviteitQuerySet) -> ActiviteitQuerySet:
    """Annotate `open_aanwezig`: the confirmed registrations whose attendance is still to fill in — of the
    activity itself (`aanwezig` empty), or for a meeting of a series, the series' confirmed registrations
    without an Aanwezigheid for this meeting. The caller's queryset is the one scoped."""

    def count(registrations) -> Coalesce:
        # COUNT as a plain function, not an aggregate: one row, no GROUP BY (as `with_deel` does).
        n = registrations.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        return Coalesce(Subquery(n, output_field=models.IntegerField()), 0)

    bevestigd = Inschrijving._base_manager.filter(status=Inschrijving.Status.BEVESTIGD)
    eigen = bevestigd.filter(activiteit_id=OuterRef("pk"), aanwezig__isnull=True)
    reeks = bevestigd.filter(reeks_id=OuterRef("reeks_id")).exclude(
        Exists(
            Aanwezigheid._base_manager.filter(
                inschrijving_id=OuterRef("pk"), activiteit_id=OuterRef(OuterRef("pk"))
            )
        )
    )
    return queryset.annotate(open_aanwezig=count(eigen) + count(reeks))


def reeks_attendance_grid(reeks: Reeks, inschrijvingen: Iterable[Inschrijving]) -> list[dict]:
    """Rows of the series page's grid and CSV: per registration its attendance at each meeting
    (`True`, `False`, or None when not filled in), in the order of `reeks.bijeenkomsten`."""
    inschrijvingen = list(inschrijvingen)
    seen = {
        (a.inschrijving_id, a.activiteit_id): a.aanwezig
        for a in Aanwezigheid.objects.filter(inschrijving__in=[i.pk for i in inschrijvingen]).only(
            "inschrijving_id", "activiteit_id", "aanwezig"
        )
    }
    return [
        {"inschrijving": i, "cellen": [seen.get((i.pk, b.pk)) for b in reeks.bijeenkomsten]}
        for i in inschrijvingen
    ]


__all__ = [
    "attendance_check",
    "activiteiten_with_open_attendance",
    "activiteiten_with_reeks_bezetting",
    "inschrijvingen_mark_attendance",
    "reeks_attendance_grid",
]
