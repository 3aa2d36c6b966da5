"""Building blocks of the aanbod admin's actions: the intermediate forms, the registrations CSV and the
waiting-list order. Kept apart from aanbod/admin.py so that file stays about the ModelAdmins.
"""

import datetime as dt

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTimeWidget
from django.db import models
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.forms.portal import parse_dates
from aanbod.models import Inschrijving
from aanbod.services.activiteiten import MAX_WEKEN
from aanbod.services.inschrijvingen import inschrijvingen_with_volgnummer
from huisvanhetkind.lib.spreadsheets import csv_response

# --- Forms of the intermediate pages ---------------------------------------------------------------------


class AfwijzenForm(forms.Form):
    reden = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text=_("The partner receives this by e-mail. Say what to change, in a friendly way."),
    )


class DatumLijstField(forms.CharField):
    """Dates, one per line or separated by commas (31/12/2026 or 2026-12-31), as the portal reads them."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 30})

    def to_python(self, value) -> list[dt.date]:
        return sorted(set(parse_dates(super().to_python(value))))


class WekelijksKopierenForm(forms.Form):
    weken = forms.IntegerField(
        label=_("Number of weeks"),
        min_value=1,
        max_value=MAX_WEKEN,
        initial=4,
        help_text=_("Each activity is copied to the same day and time in each of the following weeks."),
    )
    overslaan = DatumLijstField(
        label=_("Skip these dates"),
        required=False,
        help_text=_("For example school holidays or public holidays. One date per line, like 31/12/2026."),
    )


class TijdWidget(AdminTimeWidget):
    """14:00, not 14:00:00."""

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DatumTijdWidget(AdminSplitDateTime):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M"


TIJD_ZONDER_SECONDEN = {
    models.TimeField: {"widget": TijdWidget},
    models.DateTimeField: {"widget": DatumTijdWidget},
}


# --- CSV export ------------------------------------------------------------------------------------------


def inschrijvingen_csv(inschrijvingen: QuerySet, *, filename: str) -> HttpResponse:
    """The registrations as a CSV download for Excel (huisvanhetkind.lib.spreadsheets), one row each."""
    rijen = inschrijvingen_with_volgnummer(
        inschrijvingen.select_related(
            "activiteit__aanbod__partner", "activiteit__locatie__gemeente", "reeks__aanbod__partner"
        )
    )
    header = [
        _("Activity"),
        _("Partner"),
        _("Date"),
        _("Start"),
        _("End"),
        _("Location"),
        _("Name"),
        _("E-mail"),
        _("Phone"),
        _("Persons"),
        _("Status"),
        _("Place on the waiting list"),
        _("Registered at"),
    ]

    def row(ins: Inschrijving) -> list:
        activiteit = ins.doel  # a series: its name, first start, last end and first location
        start = timezone.localtime(activiteit.start)
        einde = timezone.localtime(activiteit.einde)
        return [
            activiteit.naam,
            activiteit.aanbod.partner.naam,
            start.strftime("%d/%m/%Y"),
            start.strftime("%H:%M"),
            einde.strftime("%H:%M"),
            activiteit.locatie.naam if activiteit.locatie else _("online"),
            ins.naam,
            ins.email,
            ins.telefoon,
            ins.aantal_personen,
            ins.get_status_display(),
            ins.volgnummer if ins.status == Inschrijving.Status.WACHTLIJST else "",
            timezone.localtime(ins.aangemaakt_op).strftime("%d/%m/%Y %H:%M"),
        ]

    return csv_response([header, *(row(ins) for ins in rijen)], filename=filename)
