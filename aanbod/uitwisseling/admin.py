"""The coordinators' view of the UiTdatabank publication: what is ticked, the state of every event, the
outbox (retry now), and the organizers and places the portal reuses (a coordinator may link a known one
by hand before the first send)."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from huisvanhetkind.lib.scoping import scopes_disabled

from . import services
from .models import UitEvent, UitOrganisator, UitOutbox, UitPlaats, UitPublicatie


class AllScopesAdmin(admin.ModelAdmin):
    """Coordinators see every partner's rows (the scoping middleware also disables scopes in /admin/)."""

    def _all(self, view, *args, **kwargs):
        with scopes_disabled():
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    def changelist_view(self, request, extra_context=None):
        return self._all(super().changelist_view, request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._all(super().changeform_view, request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._all(super().delete_view, request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return self._all(super().history_view, request, object_id, extra_context)


@admin.register(UitPublicatie)
class UitPublicatieAdmin(AllScopesAdmin):
    list_display = ["aanbod", "actief", "gewijzigd_op"]
    list_filter = ["actief"]
    search_fields = ["aanbod__titel", "aanbod__partner__naam"]
    autocomplete_fields = ["aanbod"]
    fields = ["aanbod", "actief"]
    actions = ["aanzetten", "uitzetten"]

    def save_model(self, request, obj, form, change):
        # Through the service, so ticking here writes the same outbox rows as in the portal.
        obj.pk = services.uitpublicatie_set(aanbod=obj.aanbod, actief=obj.actief, user=request.user).pk

    def _set(self, request, queryset, actief: bool) -> None:
        for publicatie in queryset.select_related("aanbod"):
            services.uitpublicatie_set(aanbod=publicatie.aanbod, actief=actief, user=request.user)
        self.message_user(request, _("Done; UiTdatabank hears about it within a minute."), messages.SUCCESS)

    @admin.action(description=_("Also publish in UiTdatabank"))
    def aanzetten(self, request, queryset):
        with scopes_disabled():
            self._set(request, queryset, True)

    @admin.action(description=_("Stop publishing in UiTdatabank (cancels what is there)"))
    def uitzetten(self, request, queryset):
        with scopes_disabled():
            self._set(request, queryset, False)


# What an outbox row shows, read-only, in the event's inline and on its own page.
OUTBOX_FIELDS = [
    "actie",
    "status",
    "pogingen",
    "volgende_poging_op",
    "laatste_fout",
    "aangemaakt_op",
    "verwerkt_op",
]


class UitOutboxInline(admin.TabularInline):
    model = UitOutbox
    extra = 0
    can_delete = False
    fields = OUTBOX_FIELDS
    readonly_fields = fields
    ordering = ["-aangemaakt_op"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(UitEvent)
class UitEventAdmin(AllScopesAdmin):
    list_display = ["__str__", "soort", "staat", "in_uitdatabank_sinds", "uit_id"]
    list_filter = ["soort"]
    search_fields = ["aanbod__titel", "uit_id"]
    readonly_fields = [
        "aanbod",
        "activiteit",
        "reeks",
        "soort",
        "uit_id",
        "url",
        "in_uitdatabank_sinds",
        "laatst_verzonden_op",
        "geannuleerd_op",
    ]
    inlines = [UitOutboxInline]
    actions = ["opnieuw_sturen"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("aanbod__partner", "activiteit", "reeks__aanbod")
            .prefetch_related("outbox")
        )

    @admin.display(description=_("state"))
    def staat(self, obj):
        staat = services.event_staat(obj, sorted(obj.outbox.all(), key=lambda r: r.pk))
        moment = f" {timezone.localtime(staat.moment):%d/%m/%Y %H:%M}" if staat.moment else ""
        return f"{staat.label}{moment}"

    @admin.action(description=_("Send again to UiTdatabank"))
    def opnieuw_sturen(self, request, queryset):
        with scopes_disabled(), transaction.atomic():
            n = sum(
                bool(services._schedule(event, UitOutbox.Actie.BIJWERKEN))
                for event in queryset.select_related("aanbod")
            )
        self.message_user(
            request,
            ngettext("%(n)d event will be sent again.", "%(n)d events will be sent again.", n) % {"n": n},
            messages.SUCCESS,
        )


@admin.register(UitOutbox)
class UitOutboxAdmin(AllScopesAdmin):
    list_display = ["event", "actie", "status", "pogingen", "volgende_poging_op", "laatste_fout"]
    list_filter = ["status", "actie"]
    readonly_fields = ["event", *OUTBOX_FIELDS]
    actions = ["nu_proberen"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Try again now"))
    def nu_proberen(self, request, queryset):
        with scopes_disabled():
            n = queryset.filter(status__in=[UitOutbox.Status.WACHTEND, UitOutbox.Status.MISLUKT]).update(
                status=UitOutbox.Status.WACHTEND, volgende_poging_op=timezone.now()
            )
        self.message_user(
            request,
            ngettext("%(n)d row is due now.", "%(n)d rows are due now.", n) % {"n": n},
            messages.SUCCESS,
        )


@admin.register(UitOrganisator)
class UitOrganisatorAdmin(AllScopesAdmin):
    list_display = ["partner", "url", "aangemaakt", "gekoppeld_op"]
    search_fields = ["partner__naam", "uit_id"]
    autocomplete_fields = ["partner"]
    fields = ["partner", "uit_id", "url", "aangemaakt"]


@admin.register(UitPlaats)
class UitPlaatsAdmin(admin.ModelAdmin):
    list_display = ["locatie", "url", "aangemaakt", "gekoppeld_op"]
    search_fields = ["locatie__naam", "uit_id"]
    autocomplete_fields = ["locatie"]
    fields = ["locatie", "uit_id", "url", "aangemaakt"]
