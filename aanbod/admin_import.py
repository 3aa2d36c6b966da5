"""Import of aanbod and activities from a spreadsheet, in the admin (django-import-export's ImportMixin).

The entry is a proxy model, "Import from a spreadsheet", so the import sits on its own in the admin's
index for coordinators. Its list page leads straight to the import form; next to it are the two
templates (CSV and XLSX) and a page explaining every column. The flow is import-export's: upload,
preview with the errors of every row, confirm (only offered when no row has an error).
"""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from aanbod import importeren
from aanbod.models import AanbodImport

REEKS_VOORBEELD_KOLOMMEN = [
    "aanbod",
    "datum",
    "begin",
    "einde",
    "reeks",
    "capaciteit",
    "laat_instappen_tot",
    "herinnering_per_bijeenkomst",
]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class CoordinatorImportAdmin(ImportMixin, admin.ModelAdmin):
    """An import page of its own in the admin: upload, preview with every row's errors, confirm. Only
    coordinators (an import writes rows of every partner); the changelist goes straight to the import."""

    import_formats = [importeren.CSV, importeren.XLSX]
    import_error_display = ("message", "row")
    from_encoding = "utf-8-sig"

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_coordinator

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_import_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_import_permission(request):
            return super().changelist_view(request, extra_context)
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_import"
        return redirect(reverse(name, current_app=self.admin_site.name))


@admin.register(AanbodImport)
class AanbodImportAdmin(CoordinatorImportAdmin):
    resource_classes = [importeren.AanbodResource, importeren.ActiviteitResource]
    import_template_name = "aanbod/import/import.html"

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The file was fine at the preview but not any more (someone changed the data in between):
            # the transaction was rolled back, so say so instead of reporting a success.
            messages.error(
                request,
                _("Nothing was imported: the file no longer passes the checks. Upload it again to see why."),
            )
            return redirect(reverse("admin:aanbod_aanbodimport_import", current_app=self.admin_site.name))
        return super().process_result(result, request)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["sjablonen"] = list(importeren.sjablonen())
        return context

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("sjabloon/", view(self.sjabloon_uitleg), name="aanbod_aanbodimport_sjabloon"),
            path(
                "sjabloon/<str:naam>.<str:extensie>",
                view(self.sjabloon_download),
                name="aanbod_aanbodimport_sjabloon_download",
            ),
        ] + super().get_urls()

    def sjabloon_uitleg(self, request):
        """The page that explains every column of both templates."""
        if not self.has_import_permission(request):
            raise Http404
        kolommen = [kolom.naam for kolom in importeren.sjablonen()["activiteiten"]]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Spreadsheet templates for the import"),
            "opts": self.model._meta,
            "sjablonen": importeren.sjablonen(),
            # The template's series example, in the columns that make it one.
            "reeks_kolommen": REEKS_VOORBEELD_KOLOMMEN,
            "reeks_rijen": [
                [rij[kolommen.index(naam)] for naam in REEKS_VOORBEELD_KOLOMMEN]
                for rij in importeren.voorbeeld_rijen("activiteiten")
                if rij[kolommen.index("reeks")]
            ],
        }
        return TemplateResponse(request, "aanbod/import/sjabloon.html", context)

    def sjabloon_download(self, request, naam: str, extensie: str):
        if not self.has_import_permission(request) or naam not in importeren.sjablonen():
            raise Http404
        if extensie == "csv":
            content = importeren.sjabloon_csv(naam)
        elif extensie == "xlsx":
            content = importeren.sjabloon_xlsx(naam)
        else:
            raise Http404
        response = HttpResponse(content, content_type=CONTENT_TYPES[extensie])
        response["Content-Disposition"] = f'attachment; filename="sjabloon-{naam}.{extensie}"'
        return response
