"""Widgets: each turns a cell into a value, or raises ValueError with a message that names the problem."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import instance_loaders, widgets

from aanbod.models import Activiteit, Doelgroep
from partners.models import Gemeente

from .bestanden import read_bool, split_list, text


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
