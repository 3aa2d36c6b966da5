"""Import of aanbod and activiteiten from a coordinator's spreadsheet (CSV or XLSX), by django-import-export.

Two resources, one per template (`sjablonen()` at the end lists their columns and explains each):

- AanbodResource: one row per aanbod, keyed by `slug` (made from the title when empty), so importing the
  same file again updates the rows instead of duplicating them; unchanged rows are skipped.
- ActiviteitResource: one row per activity, keyed by (aanbod, start): the same file again updates.

Every row is checked before anything is written (unknown gemeente, partner or aanbod, a date in the
past, a duplicate row in the file, the model's own rules); the admin shows the errors per row and offers
to confirm only a file without any. The import runs in one transaction (use_transactions), so a failure
halfway writes nothing.

Spreadsheets are messy: a Belgian Excel writes CSV with semicolons and a BOM; XLSX cells hold dates as
serial numbers or as text, times as fractions of a day, and merged cells keep their value only in the
first cell. The formats and widgets below read all of these.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from import_export import fields, instance_loaders, resources, widgets
from import_export.formats import base_formats

from aanbod.models import MAX_LEEFTIJD, Aanbod, Activiteit, Doelgroep, Locatie, Taal, Thema
from partners.models import Gemeente, Partner

EXCEL_EPOCH = dt.date(1899, 12, 30)
JA = {"ja", "j", "yes", "y", "x", "true", "waar", "1", "oui"}
NEE = {"nee", "n", "no", "false", "onwaar", "0", "non"}


# --- file formats -------------------------------------------------------------------------------------


class CSV(base_formats.CSV):
    """CSV with a comma or a semicolon (Excel in Belgium), with or without a byte-order mark."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.lstrip("\ufeff")
        first_line = in_stream.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        return tablib.import_set(in_stream, format="csv", delimiter=delimiter)


class XLSX(base_formats.XLSX):
    """The first sheet of a workbook, with merged cells filled in from their first cell."""

    def create_dataset(self, in_stream):
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(in_stream), data_only=True)
        sheet = workbook.active
        merged = {}
        for cell_range in sheet.merged_cells.ranges:
            value = sheet.cell(cell_range.min_row, cell_range.min_col).value
            for row in range(cell_range.min_row, cell_range.max_row + 1):
                for col in range(cell_range.min_col, cell_range.max_col + 1):
                    merged[(row, col)] = value
        dataset = tablib.Dataset()
        rows = sheet.iter_rows()
        header = next(rows, ())
        dataset.headers = [_header(cell.value) for cell in header]
        width = len(dataset.headers)
        for row in rows:
            values = [merged.get((cell.row, cell.column), cell.value) for cell in row[:width]]
            values += [None] * (width - len(values))
            if all(value in (None, "") for value in values):
                continue  # the empty rows below a table are not rows
            dataset.append(values)
        return dataset


def _header(value) -> str:
    return str(value or "").strip().lower()


# --- reading cells -------------------------------------------------------------------------------------


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 9000.0 from a spreadsheet is postcode 9000
    return str(value).strip()


def read_date(value) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text as 31/01/2026, 31-01-2026 or 2026-01-31."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _excel_serial(float(value))
    raw = text(value)
    if re.fullmatch(r"\d{4,5}(\.\d+)?", raw):
        return _excel_serial(float(raw))
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s.*)?", raw)
    if match:
        day, month, year = (int(part) for part in match.groups())
        year += 2000 if year < 100 else 0
        return dt.date(year, month, day)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s].*)?", raw)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    raise ValueError(raw)


def _excel_serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:
        raise ValueError(number)
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def read_time(value) -> dt.time | None:
    """A time from a time cell, a fraction of a day (0.8125), or text as 19:30, 19u30, 19.30 or 19u."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.timedelta):
        value = value.total_seconds() / 86400
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(float(value) * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    raw = text(value).lower().replace(" ", "")
    match = re.fullmatch(r"(\d{1,2})(?:[:.uh](\d{2})?)?(?::\d{2})?(?:u|h)?", raw)
    if not match:
        raise ValueError(raw)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    return dt.time(hours, minutes)


def read_bool(value, *, default: bool) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in JA:
        return True
    if raw in NEE:
        return False
    raise ValueError(raw)


def split_list(value) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text(value)) if part.strip()]


# --- widgets: each turns a cell into a value or raises ValueError with a message naming the problem -----


class JaNeeWidget(widgets.BooleanWidget):
    def __init__(self, *, default: bool):
        super().__init__()
        self.default = default

    def clean(self, value, row=None, **kwargs):
        try:
            return read_bool(value, default=self.default)
        except ValueError:
            raise ValueError(_("Write ja or nee, not “%(value)s”.") % {"value": text(value)}) from None


class GetalWidget(widgets.Widget):
    def __init__(self, *, decimal: bool = False):
        super().__init__()
        self.decimal = decimal

    def clean(self, value, row=None, **kwargs):
        raw = text(value).replace("€", "").replace(" ", "").replace(",", ".")
        if raw == "":
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text(value)}) from None
        if self.decimal:
            return number.quantize(Decimal("0.01"))
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
        return int(number)


class KeuzeWidget(widgets.Widget):
    """One of a TextChoices, by its code or its label."""

    def __init__(self, choices, *, default: str | None = None):
        super().__init__()
        self.choices = choices
        self.default = default

    def clean(self, value, row=None, **kwargs):
        raw = text(value).lower()
        if raw == "":
            if self.default is None:
                raise ValueError(_("This column may not be empty."))
            return self.default
        for code, label in self.choices:
            if raw in {code.lower(), str(label).lower()}:
                return code
        allowed = ", ".join(code for code, _label in self.choices)
        raise ValueError(
            _("Unknown value “%(value)s”; use one of: %(allowed)s.") % {"value": raw, "allowed": allowed}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class DoelgroepenWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        result = []
        for part in split_list(value):
            result.append(KeuzeWidget(Doelgroep.choices).clean(part))
        return result

    def render(self, value, obj=None, **kwargs):
        return ", ".join(value or [])


class OpzoekWidget(widgets.ForeignKeyWidget):
    """A row found by one of several fields (slug, name, code), case-insensitive; remembered per import."""

    def __init__(self, model, lookups: list[str], what: str, queryset=None):
        super().__init__(model, field=lookups[0])
        self.lookups = lookups
        self.what = what
        self.base = queryset
        self.found: dict[str, object] = {}

    def get_queryset(self, value, row, *args, **kwargs):
        return self.base if self.base is not None else self.model.objects.all()

    def find(self, raw: str):
        key = raw.lower()
        if key not in self.found:
            match = None
            queryset = self.get_queryset(raw, None)
            for lookup in self.lookups:
                candidates = list(queryset.filter(**{f"{lookup}__iexact": raw})[:2])
                if len(candidates) == 1:
                    match = candidates[0]
                    break
            self.found[key] = match
        return self.found[key]

    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if raw == "":
            raise ValueError(_("Fill in the %(what)s.") % {"what": self.what})
        match = self.find(raw)
        if match is None:
            raise ValueError(_("Unknown %(what)s: “%(value)s”.") % {"what": self.what, "value": raw})
        return match

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.lookups[0], "") if value else ""


class OpzoekLijstWidget(widgets.ManyToManyWidget):
    """A comma-separated list of rows found like OpzoekWidget; any unknown name is an error."""

    def __init__(self, model, lookups: list[str], what: str, queryset=None):
        super().__init__(model, field=lookups[0])
        self.one = OpzoekWidget(model, lookups, what, queryset)

    def clean(self, value, row=None, **kwargs):
        found, unknown = [], []
        for part in split_list(value):
            match = self.one.find(part)
            (found if match is not None else unknown).append(match or part)
        if unknown:
            raise ValueError(
                _("Unknown %(what)s: %(names)s.")
                % {"what": self.one.what, "names": ", ".join(f"“{name}”" for name in unknown)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return ", ".join(getattr(item, self.one.lookups[0]) for item in value.all()) if value else ""


class MomentWidget(widgets.Widget):
    """The aware datetimes the resource computes in before_import_row."""

    def clean(self, value, row=None, **kwargs):
        return value or None

    def render(self, value, obj=None, **kwargs):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


class ObjectWidget(widgets.Widget):
    """A value the resource already looked up in before_import_row (a model instance, or None)."""

    def clean(self, value, row=None, **kwargs):
        return value or None

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


class ActiviteitLoader(instance_loaders.BaseInstanceLoader):
    """Finds an existing activity by (aanbod, start) from one query per aanbod, not one per row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.bestaande: dict[int, dict] = {}

    def get_instance(self, row):
        aanbod = self.resource.fields["aanbod"].clean(row)
        if aanbod.pk not in self.bestaande:
            bestaande = Activiteit.objects.filter(aanbod=aanbod).select_related("aanbod", "locatie__gemeente")
            self.bestaande[aanbod.pk] = {activiteit.start: activiteit for activiteit in bestaande}
        return self.bestaande[aanbod.pk].get(row.get("start"))


def gemeente_widget(*, many: bool):
    cls = OpzoekLijstWidget if many else OpzoekWidget
    return cls(Gemeente, ["naam", "nis", "naam_fr", "slug"], _("gemeente"))


# --- resources ---------------------------------------------------------------------------------------------


class HvhkResource(resources.ModelResource):
    """What both resources share: duplicate rows in one file are an error, and rows are cleaned whole."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_keys: dict[tuple, int] = {}

    def remember(self, key: tuple, row_number: int | None, *, column: str) -> None:
        if key in self.seen_keys:
            raise ValidationError(
                {column: _("Duplicate: the same as row %(row)s.") % {"row": self.seen_keys[key]}}
            )
        self.seen_keys[key] = row_number

    def import_data(self, dataset, **kwargs):
        # All or nothing: a row with a validation error rolls the whole file back, not only itself.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    #: Columns the resource computes itself; added to the file when it does not have them.
    computed_columns: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        dataset.headers = [_header(header) for header in dataset.headers]
        for column in self.computed_columns:
            if column not in dataset.headers:
                dataset.append_col([None] * len(dataset), header=column)

    def cell_errors(self, row, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
        """Every cell's problem at once (not only the first), named by its column."""
        errors = {}
        for field in self.get_import_fields():
            if field.column_name in skip or field.column_name not in row:
                continue
            try:
                field.widget.clean(row.get(field.column_name), row=row)
            except ValueError as error:
                errors[field.column_name] = str(error)
        return errors


class AanbodResource(HvhkResource):
    slug = fields.Field(attribute="slug", column_name="slug")
    titel = fields.Field(attribute="titel", column_name="titel")
    partner = fields.Field(
        attribute="partner",
        column_name="partner",
        widget=OpzoekWidget(Partner, ["slug", "naam"], _("partner")),
    )
    soort = fields.Field(attribute="soort", column_name="soort", widget=KeuzeWidget(Aanbod.Soort.choices))
    samenvatting = fields.Field(attribute="samenvatting", column_name="samenvatting")
    beschrijving = fields.Field(attribute="beschrijving", column_name="beschrijving")
    themas = fields.Field(
        attribute="themas",
        column_name="themas",
        widget=OpzoekLijstWidget(Thema, ["slug", "naam"], _("thema")),
    )
    gemeenten = fields.Field(
        attribute="gemeenten", column_name="gemeenten", widget=gemeente_widget(many=True)
    )
    talen = fields.Field(
        attribute="talen",
        column_name="talen",
        widget=OpzoekLijstWidget(Taal, ["code", "naam"], _("language")),
    )
    doelgroepen = fields.Field(attribute="doelgroepen", column_name="doelgroepen", widget=DoelgroepenWidget())
    aanstaande_ouders = fields.Field(
        attribute="aanstaande_ouders", column_name="aanstaande_ouders", widget=JaNeeWidget(default=False)
    )
    leeftijd_van = fields.Field(attribute="leeftijd_van", column_name="leeftijd_van", widget=GetalWidget())
    leeftijd_tot = fields.Field(attribute="leeftijd_tot", column_name="leeftijd_tot", widget=GetalWidget())
    kosten = fields.Field(
        attribute="kosten", column_name="kosten", widget=KeuzeWidget(Aanbod.Kosten.choices, default="gratis")
    )
    prijs = fields.Field(attribute="prijs", column_name="prijs", widget=GetalWidget(decimal=True))
    kansentarief = fields.Field(
        attribute="kansentarief", column_name="kansentarief", widget=JaNeeWidget(default=False)
    )
    kosten_toelichting = fields.Field(attribute="kosten_toelichting", column_name="kosten_toelichting")
    inschrijving_nodig = fields.Field(
        attribute="inschrijving_nodig", column_name="inschrijving_nodig", widget=JaNeeWidget(default=True)
    )
    contact_email = fields.Field(attribute="contact_email", column_name="contact_email")
    contact_telefoon = fields.Field(attribute="contact_telefoon", column_name="contact_telefoon")
    website = fields.Field(attribute="website", column_name="website")

    class Meta:
        model = Aanbod
        name = "Aanbod"
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "titel",
            "partner",
            "soort",
            "samenvatting",
            "beschrijving",
            "themas",
            "gemeenten",
            "talen",
            "doelgroepen",
            "aanstaande_ouders",
            "leeftijd_van",
            "leeftijd_tot",
            "kosten",
            "prijs",
            "kansentarief",
            "kosten_toelichting",
            "inschrijving_nodig",
            "contact_email",
            "contact_telefoon",
            "website",
        )
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        skip_html_diff = True

    computed_columns = ("slug",)

    @classmethod
    def get_display_name(cls):
        return _("Aanbod (one row per aanbod)")

    def before_import_row(self, row, row_number=None, **kwargs):
        for key in list(row.keys()):
            if isinstance(row[key], str):
                row[key] = row[key].strip()
        titel = text(row.get("titel"))
        if not titel:
            raise ValidationError({"titel": _("Fill in the title.")})
        row["slug"] = slugify(text(row.get("slug")) or titel)[:170]
        if not row["slug"]:
            raise ValidationError({"slug": _("Make a slug of letters and digits.")})
        self.remember((row["slug"],), row_number, column="slug")
        for column in (
            "titel",
            "samenvatting",
            "beschrijving",
            "kosten_toelichting",
            "contact_email",
            "website",
        ):
            row[column] = text(row.get(column))
        row["contact_telefoon"] = text(row.get("contact_telefoon"))
        errors = self.cell_errors(row)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's rules, checked in Python: full_clean would ask the database a dozen times a row.

        The partner comes from our own lookup, the slug is the import key (so it is this aanbod's own)
        and the uuid is new; the check constraints of Aanbod are repeated here with the same messages.
        """
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, "partner"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        van, tot = instance.leeftijd_van, instance.leeftijd_tot
        if (van is None) != (tot is None) or (van is not None and not van <= tot <= MAX_LEEFTIJD):
            errors.setdefault("leeftijd_tot", []).append(
                _("The age range must run from low to high (at most 25).")
            )
        if instance.kosten == Aanbod.Kosten.BETALEND and instance.prijs is None:
            errors.setdefault("prijs", []).append(_("A paid aanbod needs a price."))
        if errors:
            raise ValidationError(errors)

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            # A coordinator's import is moderated by the coordinator: it is published at once.
            instance.status = Aanbod.Status.GEPUBLICEERD
            instance.gepubliceerd_op = timezone.now()
            instance.nagekeken_op = timezone.localdate()


class ActiviteitResource(HvhkResource):
    aanbod = fields.Field(
        attribute="aanbod",
        column_name="aanbod",
        widget=OpzoekWidget(Aanbod, ["slug", "titel"], _("aanbod")),
    )
    start = fields.Field(attribute="start", column_name="start", widget=MomentWidget())
    einde = fields.Field(attribute="einde", column_name="einde", widget=MomentWidget())
    titel = fields.Field(attribute="titel", column_name="titel")
    locatie = fields.Field(attribute="locatie", column_name="locatie_id", widget=ObjectWidget())
    online = fields.Field(attribute="online", column_name="online", widget=JaNeeWidget(default=False))
    capaciteit = fields.Field(attribute="capaciteit", column_name="capaciteit", widget=GetalWidget())
    inschrijving_nodig = fields.Field(
        attribute="inschrijving_nodig", column_name="inschrijving_nodig", widget=JaNeeWidget(default=True)
    )
    inschrijven_tot = fields.Field(
        attribute="inschrijven_tot", column_name="inschrijven_tot_moment", widget=MomentWidget()
    )

    class Meta:
        model = Activiteit
        name = "Activiteiten"
        import_id_fields = ("aanbod", "start")
        instance_loader_class = ActiviteitLoader
        # New and changed activities are written in batches; every row is still checked one by one.
        use_bulk = True
        batch_size = 1000
        fields = (
            "aanbod",
            "start",
            "einde",
            "titel",
            "locatie",
            "online",
            "capaciteit",
            "inschrijving_nodig",
            "inschrijven_tot",
        )
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        skip_html_diff = True

    computed_columns = ("start", "einde")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.locaties: dict[tuple, Locatie] = {}
        self.gemeente = gemeente_widget(many=False)
        self.now = timezone.now()

    @classmethod
    def get_display_name(cls):
        return _("Activiteiten (one row per activity)")

    def before_import_row(self, row, row_number=None, **kwargs):
        row["titel"] = text(row.get("titel"))
        errors: dict[str, str] = {}
        start = einde = None
        try:
            datum = read_date(row.get("datum"))
            if datum is None:
                errors["datum"] = _("Fill in the date.")
        except ValueError:
            datum = None
            errors["datum"] = _("“%(value)s” is not a date; write it as 31/01/2026.") % {
                "value": text(row.get("datum"))
            }
        times = {}
        for column in ("begin", "einde"):
            try:
                times[column] = read_time(row.get(column))
                if times[column] is None:
                    errors[column] = _("Fill in the time.")
            except ValueError:
                errors[column] = _("“%(value)s” is not a time; write it as 19:30.") % {
                    "value": text(row.get(column))
                }
        if datum and times.get("begin") and times.get("einde"):
            start = timezone.make_aware(dt.datetime.combine(datum, times["begin"]))
            einde = timezone.make_aware(dt.datetime.combine(datum, times["einde"]))
            if einde <= start:
                einde += dt.timedelta(days=1)  # 20:00 to 01:00 ends the next day
            if start < self.now:
                errors["datum"] = _("This date is in the past.")
        try:
            deadline = read_date(row.get("inschrijven_tot"))
        except ValueError:
            deadline = None
            errors["inschrijven_tot"] = _("“%(value)s” is not a date.") % {
                "value": text(row.get("inschrijven_tot"))
            }
        row["inschrijven_tot_moment"] = (
            timezone.make_aware(dt.datetime.combine(deadline, dt.time(23, 59))) if deadline else None
        )
        if start and row["inschrijven_tot_moment"] and row["inschrijven_tot_moment"] > start:
            row["inschrijven_tot_moment"] = start
        try:
            row["locatie_id"] = self.locatie_for(row)
        except ValidationError as error:
            errors.update({column: messages[0] for column, messages in error.message_dict.items()})
        row["start"], row["einde"] = start, einde
        if start and text(row.get("aanbod")):
            self.remember((text(row["aanbod"]).lower(), start), row_number, column="datum")
        errors.update(self.cell_errors(row, skip=("start", "einde", "locatie_id", "inschrijven_tot_moment")))
        if errors:
            raise ValidationError(errors)

    def locatie_for(self, row) -> Locatie | None:
        """The place of the activity: an existing Locatie with this name (and address), or a new one."""
        naam = text(row.get("locatie"))
        straat, postcode, gemeente = (
            text(row.get("straat")),
            text(row.get("postcode")),
            text(row.get("gemeente")),
        )
        if not naam:
            if straat or postcode or gemeente:
                raise ValidationError({"locatie": _("Give the location a name.")})
            return None
        key = (naam.lower(), straat.lower(), postcode)
        if key not in self.locaties:
            existing = Locatie.objects.filter(naam__iexact=naam)
            if straat:
                existing = existing.filter(straat__iexact=straat)
            if postcode:
                existing = existing.filter(postcode=postcode)
            locatie = existing.order_by("pk").first()
            if locatie is None:
                if not (straat and postcode and gemeente):
                    raise ValidationError(
                        {
                            "locatie": _(
                                "Unknown location “%(naam)s”: add its street, postcode and gemeente."
                            )
                            % {"naam": naam}
                        }
                    )
                if not re.fullmatch(r"[1-9]\d{3}", postcode):
                    raise ValidationError(
                        {"postcode": _("“%(value)s” is not a postcode.") % {"value": postcode}}
                    )
                try:
                    gemeente_obj = self.gemeente.clean(gemeente)
                except ValueError as error:
                    raise ValidationError({"gemeente": str(error)}) from None
                locatie = Locatie.objects.create(
                    naam=naam, straat=straat, postcode=postcode, gemeente=gemeente_obj
                )
            self.locaties[key] = locatie
        return self.locaties[key]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's rules, checked in Python: full_clean would ask the database five times a row.

        The aanbod and the place come from our own lookups, the uuid is new, and the constraints of
        Activiteit (end after start, capacity not negative) are repeated here.
        """
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, "aanbod", "locatie"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.start and instance.einde and instance.einde <= instance.start:
            errors.setdefault("einde", []).append(_("An activity must end after it starts."))
        if errors:
            raise ValidationError(errors)


# --- the templates: every column explained (the admin shows this and offers CSV and XLSX) ------------------


@dataclass(frozen=True)
class Kolom:
    naam: str
    verplicht: bool
    uitleg: object  # lazy translation
    voorbeeld: str


def _voorbeeld_datum(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def sjablonen() -> dict[str, list[Kolom]]:
    """The two templates, by name: their columns in order, with an explanation and an example."""
    soorten = ", ".join(Aanbod.Soort.values)
    doelgroepen = ", ".join(Doelgroep.values)
    return {
        "aanbod": [
            Kolom(
                "slug",
                False,
                _l(
                    "The address of the aanbod on the site, e.g. slapen-zonder-zorgen. Empty: made "
                    "from the title. Importing a file again updates the aanbod with the same slug "
                    "instead of adding it twice."
                ),
                "slapen-zonder-zorgen",
            ),
            Kolom("titel", True, _l("The title parents see."), "Slapen zonder zorgen"),
            Kolom(
                "partner",
                True,
                _l("The partner that offers it: its name or its slug, exactly as in the admin."),
                "Opvoedingswinkel Gent",
            ),
            Kolom(
                "soort",
                True,
                _l("The kind of aanbod, one of: %(values)s.") % {"values": soorten},
                "vormingsavond",
            ),
            Kolom(
                "samenvatting",
                True,
                _l("One or two sentences in plain language."),
                "Een avond over slapen bij baby's en peuters.",
            ),
            Kolom(
                "beschrijving",
                False,
                _l("The longer description."),
                "We delen tips en luisteren naar jullie vragen.",
            ),
            Kolom(
                "themas",
                False,
                _l("Themas, separated by commas: their names or slugs as in the admin."),
                "slapen",
            ),
            Kolom(
                "gemeenten",
                False,
                _l(
                    "The gemeenten it is for, separated by commas: name or NIS code. Empty: the whole"
                    " werkgebied."
                ),
                "Gent",
            ),
            Kolom(
                "talen",
                False,
                _l("Languages it is offered in, separated by commas: code (nl, fr, en…) or name."),
                "nl",
            ),
            Kolom(
                "doelgroepen",
                False,
                _l("Who it is for, separated by commas, from: %(values)s.") % {"values": doelgroepen},
                "ouders",
            ),
            Kolom(
                "aanstaande_ouders", False, _l("ja if it is also for parents-to-be; empty means nee."), "nee"
            ),
            Kolom(
                "leeftijd_van",
                False,
                _l("Youngest age of the child in years (0–25). Leave both ages empty for every age."),
                "0",
            ),
            Kolom(
                "leeftijd_tot", False, _l("Oldest age of the child in years, at least the youngest age."), "3"
            ),
            Kolom("kosten", False, _l("gratis or betalend; empty means gratis."), "betalend"),
            Kolom("prijs", False, _l("The price in euro when it is paid, e.g. 5 or 7,50."), "5"),
            Kolom("kansentarief", False, _l("ja if holders of an UiTPAS with kansentarief pay less."), "ja"),
            Kolom("kosten_toelichting", False, _l("A word about the cost."), "Per gezin."),
            Kolom("inschrijving_nodig", False, _l("nee if parents can just come; empty means ja."), "ja"),
            Kolom(
                "contact_email",
                False,
                _l("A public e-mail address for questions."),
                "info@opvoedingswinkel.example",
            ),
            Kolom("contact_telefoon", False, _l("A public phone number for questions."), "09 123 45 67"),
            Kolom(
                "website", False, _l("A link to more information."), "https://opvoedingswinkel.example/slapen"
            ),
        ],
        "activiteiten": [
            Kolom(
                "aanbod",
                True,
                _l(
                    "The aanbod this activity belongs to: its slug (or its exact title). It must "
                    "exist already, or be in an aanbod file imported first."
                ),
                "slapen-zonder-zorgen",
            ),
            Kolom(
                "datum",
                True,
                _l("The day, as 31/01/2026 (a date cell in Excel is fine too). Not in the past."),
                _voorbeeld_datum(30),
            ),
            Kolom("begin", True, _l("Start time, as 19:30."), "19:30"),
            Kolom(
                "einde", True, _l("End time, as 21:30. An end before the start means the next day."), "21:30"
            ),
            Kolom("titel", False, _l("Only when it differs from the aanbod's title."), ""),
            Kolom(
                "locatie",
                False,
                _l(
                    "The name of the place. A place the admin already knows needs only its name; a "
                    "new place also needs street, postcode and gemeente."
                ),
                "Huis van het Kind Gent",
            ),
            Kolom("straat", False, _l("Street and number of a new place."), "Kerkstraat 1"),
            Kolom("postcode", False, _l("Postcode of a new place (four digits)."), "9000"),
            Kolom("gemeente", False, _l("Gemeente of a new place: name or NIS code."), "Gent"),
            Kolom("online", False, _l("ja if it happens online."), "nee"),
            Kolom("capaciteit", False, _l("How many persons can come; empty means no limit."), "20"),
            Kolom("inschrijving_nodig", False, _l("nee if parents can just come; empty means ja."), "ja"),
            Kolom(
                "inschrijven_tot",
                False,
                _l("Last day to register, as 31/01/2026; empty means until the start."),
                _voorbeeld_datum(28),
            ),
        ],
    }


def sjabloon_csv(naam: str) -> bytes:
    """The template as CSV with semicolons and a byte-order mark, as Excel in Belgium expects."""
    kolommen = sjablonen()[naam]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([kolom.naam for kolom in kolommen])
    writer.writerow([kolom.voorbeeld for kolom in kolommen])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sjabloon_xlsx(naam: str) -> bytes:
    """The template as a workbook: the sheet to fill in first, an explanation of each column second."""
    import openpyxl
    from openpyxl.styles import Font

    kolommen = sjablonen()[naam]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = naam
    sheet.append([kolom.naam for kolom in kolommen])
    sheet.append([kolom.voorbeeld for kolom in kolommen])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, kolom in enumerate(kolommen, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(len(kolom.naam), 14) + 2
    uitleg = workbook.create_sheet(str(_l("explanation")))
    uitleg.append([str(_l("column")), str(_l("required")), str(_l("explanation")), str(_l("example"))])
    for cell in uitleg[1]:
        cell.font = Font(bold=True)
    for kolom in kolommen:
        uitleg.append(
            [kolom.naam, str(_l("yes")) if kolom.verplicht else "", str(kolom.uitleg), kolom.voorbeeld]
        )
    uitleg.column_dimensions["C"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
