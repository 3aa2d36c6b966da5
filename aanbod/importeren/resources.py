"""The two resources: aanbod keyed by slug, activiteiten keyed by (aanbod, start)."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields, resources

from aanbod.models import MAX_LEEFTIJD, Aanbod, Activiteit, Locatie, Taal, Thema
from partners.models import Partner

from .bestanden import header_name, line, read_date, read_time, text
from .reeksen import Reeksen
from .sjablonen import sjablonen
from .widgets import (
    ActiviteitLoader,
    DoelgroepenWidget,
    GetalWidget,
    JaNeeWidget,
    KeuzeWidget,
    MomentWidget,
    ObjectWidget,
    OpzoekLijstWidget,
    OpzoekWidget,
    gemeente_widget,
)


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

    #: The name of this resource's template in sjablonen.py.
    sjabloon = ""

    def get_user_visible_fields(self):
        # Shown above the import form as "this importer will import…": the file's columns, as in the
        # template, rather than the model fields some of them are computed into.
        return [fields.Field(column_name=kolom.naam) for kolom in sjablonen()[self.sjabloon]]

    #: Columns the resource computes itself; added to the file when it does not have them.
    computed_columns: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        dataset.headers = [header_name(header) for header in dataset.headers]
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
    sjabloon = "aanbod"

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
    sjabloon = "activiteiten"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.locaties: dict[tuple, Locatie] = {}
        self.gemeente = gemeente_widget(many=False)
        self.now = timezone.now()
        self.reeksen = Reeksen()

    @classmethod
    def get_display_name(cls):
        return _("Activiteiten (one row per activity)")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.reeksen.tel(dataset)

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
        try:
            aanbod = self.fields["aanbod"].clean(row)
        except (ValueError, KeyError):
            aanbod = None  # named by the column's own check
        self.reeksen.check_row(row, row_number, aanbod=aanbod, start=start, errors=errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A date that joins or leaves a series is a change, even when none of its own columns changed.
        if original is not None and bool(line(row.get("reeks"))) != bool(original.reeks_id):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not (result.has_errors() or result.has_validation_errors()):
            self.reeksen.write()

    def locatie_for(self, row) -> Locatie | None:
        """The place of the activity: an existing Locatie with this name (and address), or a new one."""
        naam = line(row.get("locatie"))
        straat, postcode, gemeente = (
            line(row.get("straat")),
            line(row.get("postcode")),
            line(row.get("gemeente")),
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
