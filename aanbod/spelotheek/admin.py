"""The coordinators' admin of the spelotheek. The admin is all-scope: every view runs in `scopes_disabled()`
and renders inside it (a TemplateResponse is lazy), so scoped managers answer there."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aanbod.admin_import import CoordinatorImportAdmin
from huisvanhetkind.lib.scoping import scopes_disabled

from . import importeren, services
from .models import (
    Lid,
    LidBetaling,
    Reservatie,
    Speelgoed,
    SpeelgoedImport,
    Spelotheekregels,
    UitleenTelling,
    Uitlening,
)


class AllScopeAdmin(admin.ModelAdmin):
    def _all_scope(self, view, *args, **kwargs):
        with scopes_disabled():
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    def changelist_view(self, *args, **kwargs):
        return self._all_scope(super().changelist_view, *args, **kwargs)

    def changeform_view(self, *args, **kwargs):
        return self._all_scope(super().changeform_view, *args, **kwargs)

    def delete_view(self, *args, **kwargs):
        return self._all_scope(super().delete_view, *args, **kwargs)

    def history_view(self, *args, **kwargs):
        return self._all_scope(super().history_view, *args, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        with scopes_disabled():
            return super().get_search_results(request, queryset, search_term)


@admin.register(Speelgoed)
class SpeelgoedAdmin(AllScopeAdmin):
    list_display = ["code", "naam", "partner", "categorie", "leeftijd_van", "leeftijd_tot", "status"]
    list_filter = ["status", "categorie", "partner"]
    search_fields = ["code", "naam"]
    list_select_related = ["partner"]
    readonly_fields = ["terug_verwacht_op"]
    actions = ["mark_repaired"]

    @admin.action(description=_("Repaired: back in the catalogue"))
    def mark_repaired(self, request, queryset):
        done = 0
        for speelgoed in queryset.filter(status=Speelgoed.Status.IN_HERSTEL):
            try:
                services.speelgoed_repaired(speelgoed=speelgoed)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{speelgoed}: {error.messages[0]}", messages.WARNING)
        self.message_user(request, _("%(n)s items back in the catalogue.") % {"n": done})


class LidBetalingInline(admin.TabularInline):
    model = LidBetaling
    extra = 0
    readonly_fields = ["bedrag", "kansentarief", "betaald_op", "lid_tot", "geregistreerd_door"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lid)
class LidAdmin(AllScopeAdmin):
    list_display = ["lidnummer", "naam", "partner", "lid_tot", "kansentarief", "laatst_geleend_op"]
    list_filter = ["partner", "kansentarief"]
    search_fields = ["lidnummer", "naam", "email"]
    list_select_related = ["partner"]
    readonly_fields = ["laatst_geleend_op", "verloopt_verstuurd_op"]
    inlines = [LidBetalingInline]


@admin.register(Uitlening)
class UitleningAdmin(AllScopeAdmin):
    list_display = [
        "speelgoed",
        "lid",
        "uitgeleend_op",
        "terug_op",
        "verlengingen",
        "teruggebracht_op",
        "controle",
    ]
    list_filter = ["controle", "opvolging_open", "speelgoed__partner"]
    search_fields = ["speelgoed__code", "speelgoed__naam", "lid__lidnummer"]
    list_select_related = ["speelgoed", "lid"]
    raw_id_fields = ["speelgoed", "lid"]

    def has_add_permission(self, request):
        return False  # loans go through the counter, which locks the toy


@admin.register(Reservatie)
class ReservatieAdmin(AllScopeAdmin):
    list_display = ["speelgoed", "lid", "status", "aangemaakt_op", "ophalen_tot"]
    list_filter = ["status", "speelgoed__partner"]
    search_fields = ["speelgoed__code", "speelgoed__naam", "lid__lidnummer"]
    list_select_related = ["speelgoed", "lid"]
    raw_id_fields = ["speelgoed", "lid"]

    def has_add_permission(self, request):
        return False


@admin.register(Spelotheekregels)
class SpelotheekregelsAdmin(AllScopeAdmin):
    list_display = ["partner", "max_uitleningen", "uitleendagen", "max_verlengingen"]
    list_select_related = ["partner"]


@admin.register(UitleenTelling)
class UitleenTellingAdmin(AllScopeAdmin):
    list_display = ["maand", "partner", "speelgoed", "leeftijdsband", "gemeente", "aantal"]
    list_filter = ["partner", "leeftijdsband"]
    list_select_related = ["partner", "speelgoed", "gemeente"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SpeelgoedImport)
class SpeelgoedImportAdmin(CoordinatorImportAdmin, AllScopeAdmin):
    """Upload, preview with the errors of every row, confirm (only a file without errors)."""

    resource_classes = [importeren.SpeelgoedResource]

    def import_action(self, request, *args, **kwargs):
        return self._all_scope(super().import_action, request, *args, **kwargs)

    def process_import(self, request, *args, **kwargs):
        return self._all_scope(super().process_import, request, *args, **kwargs)
