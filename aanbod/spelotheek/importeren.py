"""Import of an existing inventory from a spreadsheet (CSV or XLSX), in the admin.

One row per toy, keyed by (spelotheek, code): importing the same file again updates the toys instead of
duplicating them. Every row is checked before anything is written (unknown spelotheek or category, ages
out of order, no pieces, a code twice in the file); the admin shows the errors per row and offers to
confirm only a file without any, and the whole file is one transaction. A toy's status is never
imported: new toys are available, existing ones keep theirs (a toy that is lent out stays lent out).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from aanbod.importeren import CSV, XLSX
from partners.models import Partner

from .models import Categorie, Speelgoed

__all__ = ["CSV", "XLSX", "SpeelgoedResource"]

COLUMNS = (
    "spelotheek",
    "code",
    "naam",
    "beschrijving",
    "categorie",
    "leeftijd_van",
    "leeftijd_tot",
    "aantal_stukken",
)


class CategorieWidget(widgets.Widget):
    """A category by its key (`puzzels`) or its Dutch label, case-insensitive."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().lower()
        for key, label in Categorie.choices:
            if text in (key, str(label).lower()):
                return key
        raise ValueError(
            _("Unknown category “%(value)s”; use one of: %(keys)s.")
            % {"value": value, "keys": ", ".join(Categorie.values)}
        )


class SpeelgoedResource(resources.ModelResource):
    spelotheek = fields.Field(
        attribute="partner", column_name="spelotheek", widget=widgets.ForeignKeyWidget(Partner, field="slug")
    )
    categorie = fields.Field(attribute="categorie", column_name="categorie", widget=CategorieWidget())

    class Meta:
        model = Speelgoed
        fields = COLUMNS
        import_id_fields = ("spelotheek", "code")
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen: dict[tuple, int] = {}

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True  # all or nothing
        return super().import_data(dataset, **kwargs)

    def before_import_row(self, row, row_number=None, **kwargs):
        for name in ("code", "spelotheek"):
            row[name] = str(row.get(name) or "").strip()
        key = (row["spelotheek"], row["code"].upper())
        if key in self.seen:
            raise ValidationError(
                {"code": _("Duplicate: the same as row %(row)s.") % {"row": self.seen[key]}}
            )
        self.seen[key] = row_number
