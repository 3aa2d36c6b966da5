"""Building blocks of the aanbod admin's actions: the intermediate forms, the registrations CSV and the
waiting-list order. Kept apart from aanbod/admin.py so that file stays about the ModelAdmins.
"""

import csv
import datetime as dt
import io

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AdminTimeWidget
from django.db import models
from django.db.models import Case, F, IntegerField, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aanbod.models import Inschrijving
from aanbod.services.moderatie import MAX_WEKEN

# --- Forms of the intermediate pages ---------------------------------------------------------------------


class AfwijzenForm(forms.Form):
    reden = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text=_("The partner receives this by e-mail. Say what to change, in a friendly way."),
    )


DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"]


class DatumLijstField(forms.CharField):
    """Dates, one per line or separated by commas (31/12/2026 or 2026-12-31)."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 30})

    def to_python(self, value) -> list[dt.date]:
        value = super().to_python(value)
        datums, fout = [], []
        for stuk in value.replace(",", "\n").replace(";", "\n").split():
            for formaat in DATE_FORMATS:
                try:
                    datums.append(dt.datetime.strptime(stuk, formaat).date())
                    break
                except ValueError:
                    continue
            else:
                fout.append(stuk)
        if fout:
            raise forms.ValidationError(
                _("Not a date: %(values)s. Write dates as 31/12/2026."), params={"values": ", ".join(fout)}
            )
        return sorted(set(datums))


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


# --- Waiting-list order ----------------------------------------------------------------------------------

STATUS_ORDER = Case(
    When(status=Inschrijving.Status.BEVESTIGD, then=Value(0)),
    When(status=Inschrijving.Status.WACHTLIJST, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def with_volgorde(queryset: QuerySet) -> QuerySet:
    """Annotate `volgnummer`: the place within its activity and status (1 = first on the waiting list).

    Ordered confirmed first, then the waiting list in the order people will move up, then cancelled.
    """
    return queryset.annotate(
        volgnummer=Window(
            RowNumber(),
            partition_by=[F("activiteit_id"), F("status")],
            order_by=[F("aangemaakt_op").asc(), F("id").asc()],
        ),
        status_volgorde=STATUS_ORDER,
    ).order_by("activiteit__start", "activiteit_id", "status_volgorde", "aangemaakt_op", "id")


# --- CSV export ------------------------------------------------------------------------------------------

# Excel in Belgium (Dutch and French locale) opens a `;`-separated file straight into columns and reads
# UTF-8 only with a byte order mark. Excel, LibreOffice and Numbers all accept this.
CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cel(value) -> str:
    """A cell that a spreadsheet never runs as a formula (names come from the public)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def inschrijvingen_csv(inschrijvingen: QuerySet, *, filename: str) -> HttpResponse:
    """The registrations as a CSV download for Excel: UTF-8 with BOM, `;`-separated, one row each."""
    rijen = with_volgorde(
        inschrijvingen.select_related("activiteit__aanbod__partner", "activiteit__locatie__gemeente")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(
        [
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
    )
    for ins in rijen:
        activiteit = ins.activiteit
        start = timezone.localtime(activiteit.start)
        einde = timezone.localtime(activiteit.einde)
        writer.writerow(
            [
                _cel(activiteit.naam),
                _cel(activiteit.aanbod.partner.naam),
                start.strftime("%d/%m/%Y"),
                start.strftime("%H:%M"),
                einde.strftime("%H:%M"),
                _cel(activiteit.locatie.naam if activiteit.locatie else _("online")),
                _cel(ins.naam),
                _cel(ins.email),
                _cel(ins.telefoon),
                ins.aantal_personen,
                ins.get_status_display(),
                ins.volgnummer if ins.status == Inschrijving.Status.WACHTLIJST else "",
                timezone.localtime(ins.aangemaakt_op).strftime("%d/%m/%Y %H:%M"),
            ]
        )
    response = HttpResponse(CSV_BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
