"""Series of activities: the same activity on several dates, for the partners' portal (a weekly series
from a form) and the coordinators' admin (copy an activity weekly). One function makes them:
`activiteit_repeat`; the two use cases only say which example and which dates.

The one daylight-saving rule: times are wall-clock times in the network's time zone (Europe/Brussels).
An activity at 19:00 is at 19:00 on every date, whether the clocks changed in between or not (so one
week is 167 or 169 hours when they do); a wall-clock time that does not exist on a date (the hour
skipped when the clocks go forward) is refused with a ValidationError, never moved silently.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aanbod.models import Aanbod, Activiteit, Locatie, Reeks
from aanbod.uitwisseling import services as uitdatabank

logger = logging.getLogger(__name__)

# At most this many activities in one series (a year of weeks).
MAX_WEKEN = 52


def local_moment(datum: dt.date, tijd: dt.time) -> dt.datetime:
    """The aware moment of a wall-clock time on a local date; ValidationError (code "nonexistent_time")
    when that time does not exist on that day."""
    zone = timezone.get_default_timezone()
    moment = timezone.make_aware(dt.datetime.combine(datum, tijd), zone)
    # Through UTC and back: astimezone() to the same zone would return the moment unchanged.
    if moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != dt.datetime.combine(datum, tijd):
        raise ValidationError(
            _("%(time)s does not exist on %(date)s: the clocks go forward that night. Choose another time.")
            % {"time": tijd.strftime("%H:%M"), "date": date_format(datum, "DATE_FORMAT")},
            code="nonexistent_time",
        )
    return moment


def shift_local(moment: dt.datetime | None, *, days: int) -> dt.datetime | None:
    """The same wall-clock time `days` days later (see the module docstring)."""
    if moment is None:
        return None
    lokaal = timezone.localtime(moment)
    return local_moment(lokaal.date() + dt.timedelta(days=days), lokaal.time())


def weekly_dates(*, weekdag: int, vanaf: dt.date, tot_en_met: dt.date, overslaan=()) -> list[dt.date]:
    """Every `weekdag` (0 = Monday) from `vanaf` to `tot_en_met`, both included, except `overslaan`."""
    skip = set(overslaan)
    dag = vanaf + dt.timedelta(days=(weekdag - vanaf.weekday()) % 7)
    datums = []
    while dag <= tot_en_met:
        if dag not in skip:
            datums.append(dag)
        dag += dt.timedelta(weeks=1)
    return datums


def activiteit_repeat(*, voorbeeld: Activiteit, datums: Iterable[dt.date], user=None) -> list[Activiteit]:
    """Make a copy of `voorbeeld` on each local date: its start on that date at the same wall-clock time,
    its end, registration deadline and registration rules' moments moved by the same number of days, at
    their own wall-clock times.

    Dates that already have an activity of this aanbod at that start are left alone; registrations and a
    cancellation are never copied. Every copy is validated (`full_clean`) before any is saved.
    Creates rows in one transaction; returns the new activities. No mail. ValidationError when there is no
    date, more than MAX_WEKEN, or a copy would be invalid (an end before its start, a time that does not
    exist on that date).
    """
    datums = sorted(set(datums))
    if not datums:
        raise ValidationError(_("There is no date in this series."))
    if len(datums) > MAX_WEKEN:
        raise ValidationError(
            ngettext(
                "A series can have at most %(max)d activity.",
                "A series can have at most %(max)d activities.",
                MAX_WEKEN,
            )
            % {"max": MAX_WEKEN}
        )
    referentie = timezone.localtime(voorbeeld.start).date()
    kandidaten = []
    for datum in datums:
        days = (datum - referentie).days
        kopie = Activiteit(
            aanbod_id=voorbeeld.aanbod_id,
            reeks_id=voorbeeld.reeks_id,
            titel=voorbeeld.titel,
            start=shift_local(voorbeeld.start, days=days),
            einde=shift_local(voorbeeld.einde, days=days),
            locatie_id=voorbeeld.locatie_id,
            online=voorbeeld.online,
            capaciteit=voorbeeld.capaciteit,
            max_personen_per_inschrijving=voorbeeld.max_personen_per_inschrijving,
            inschrijving_nodig=voorbeeld.inschrijving_nodig,
            inschrijven_tot=shift_local(voorbeeld.inschrijven_tot, days=days),
            # The registration rules move with the date, as the deadline does.
            inschrijven_inwoners_vanaf=shift_local(voorbeeld.inschrijven_inwoners_vanaf, days=days),
            inschrijven_vanaf=shift_local(voorbeeld.inschrijven_vanaf, days=days),
            annuleren_tot=shift_local(voorbeeld.annuleren_tot, days=days),
            leeftijd_controleren=voorbeeld.leeftijd_controleren,
        )
        kopie.full_clean(exclude=["aanbod", "locatie"])
        kandidaten.append(kopie)
    bestaand = set(
        Activiteit.objects.filter(
            aanbod_id=voorbeeld.aanbod_id, start__in=[kopie.start for kopie in kandidaten]
        ).values_list("start", flat=True)
    )
    nieuw = [kopie for kopie in kandidaten if kopie.start not in bestaand]
    with transaction.atomic():
        for kopie in nieuw:
            kopie.save()
        uitdatabank.aanbod_changed(aanbod=voorbeeld.aanbod)
    logger.info(
        "aanbod %s: %d activities created in a series by user %s",
        voorbeeld.aanbod_id,
        len(nieuw),
        getattr(user, "pk", None),
    )
    return nieuw


def activiteit_create_series(
    *,
    aanbod: Aanbod,
    datums: Iterable[dt.date],
    van: dt.time,
    tot: dt.time,
    locatie: Locatie | None = None,
    online: bool = False,
    titel: str = "",
    capaciteit: int | None = None,
    max_personen_per_inschrijving: int = 4,
    inschrijving_nodig: bool = True,
    sluit_uren_voor: int | None = None,
    als_reeks: bool = False,
    herinnering_per_bijeenkomst: bool = False,
    laat_instappen_tot_deel: int | None = None,
    regels: dict | None = None,
    user=None,
) -> list[Activiteit]:
    """The portal's weekly series: one activity per local date from `van` to `tot`, registration closing
    `sluit_uren_voor` hours (wall-clock) before each start. See `activiteit_repeat` for the rest.

    With `als_reeks` the dates are the meetings of one Reeks (a course): families register once, the
    capacity, the per-registration maximum and the deadline (`sluit_uren_voor` before the first meeting)
    are the series'; late joining until meeting number `laat_instappen_tot_deel` when given. Creates the
    series and its meetings in one transaction.

    `regels`: the registration rules (`Inschrijfregels` field values, checked by the form with
    `inschrijfregels_validate`) of the series, or of the first date (the later dates get them moved by the
    same number of days, as the deadline)."""
    regels = regels or {}
    datums = sorted(set(datums))
    if not datums:
        raise ValidationError(_("There is no date in this series."))
    start = local_moment(datums[0], van)
    if als_reeks:
        with transaction.atomic():
            reeks = Reeks.objects.create(
                aanbod=aanbod,
                titel=titel,
                capaciteit=capaciteit,
                max_personen_per_inschrijving=max_personen_per_inschrijving,
                inschrijven_tot=start - dt.timedelta(hours=sluit_uren_voor) if sluit_uren_voor else None,
                herinnering_per_bijeenkomst=herinnering_per_bijeenkomst,
                **regels,
            )
            voorbeeld = Activiteit(
                aanbod=aanbod,
                reeks=reeks,
                titel=titel,
                start=start,
                einde=local_moment(datums[0], tot),
                locatie=locatie,
                online=online,
                capaciteit=None,
                max_personen_per_inschrijving=max_personen_per_inschrijving,
                inschrijving_nodig=True,
            )
            nieuw = activiteit_repeat(voorbeeld=voorbeeld, datums=datums, user=user)
            if laat_instappen_tot_deel and 1 <= laat_instappen_tot_deel <= len(nieuw):
                reeks.laat_instappen_tot = sorted(nieuw, key=lambda a: a.start)[laat_instappen_tot_deel - 1]
                reeks.save(update_fields=["laat_instappen_tot", "bijgewerkt_op"])
        return nieuw
    voorbeeld = Activiteit(
        aanbod=aanbod,
        titel=titel,
        start=start,
        einde=local_moment(datums[0], tot),
        locatie=locatie,
        online=online,
        capaciteit=capaciteit,
        max_personen_per_inschrijving=max_personen_per_inschrijving,
        inschrijving_nodig=inschrijving_nodig,
        inschrijven_tot=start - dt.timedelta(hours=sluit_uren_voor) if sluit_uren_voor else None,
        **regels,
    )
    return activiteit_repeat(voorbeeld=voorbeeld, datums=datums, user=user)


def activiteit_copy_weekly(
    *, activiteit: Activiteit, weken: int, skip_dates: Iterable[dt.date] = (), user=None
) -> list[Activiteit]:
    """The admin's weekly copy: `activiteit` on the same weekday of each of the following `weken` weeks
    (1–MAX_WEKEN), except the local dates in `skip_dates` (holidays). See `activiteit_repeat`."""
    if not 1 <= weken <= MAX_WEKEN:
        raise ValidationError(_("Choose between 1 and %(max)d weeks.") % {"max": MAX_WEKEN})
    eerste = timezone.localtime(activiteit.start).date()
    datums = weekly_dates(
        weekdag=eerste.weekday(),
        vanaf=eerste + dt.timedelta(weeks=1),
        tot_en_met=eerste + dt.timedelta(weeks=weken),
        overslaan=skip_dates,
    )
    if not datums:
        return []
    return activiteit_repeat(voorbeeld=activiteit, datums=datums, user=user)
