"""The coordinators' admin for aanbod: moderation queue, activities with their registrations, CSV export.

Moderation goes through aanbod/services/moderatie.py, so the admin and the partners' portal follow the
same rules and send the same mails.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aanbod import admin_activiteiten  # noqa: F401 - registers the activity and registration admins
from aanbod.admin_acties import (
    TIJD_ZONDER_SECONDEN,
    AfwijzenForm,
)
from aanbod.models import Aanbod, Activiteit, Doelgroep, Locatie, Openingsuur, Taal, Thema
from aanbod.services import nagekeken
from aanbod.services.moderatie import (
    aanbod_archive,
    aanbod_mark_nagekeken,
    aanbod_overzicht,
    aanbod_publish,
    aanbod_reject,
    voorgestelde_wijziging_diff,
)


def _errors(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- Reference lists ---------------------------------------------------------------------------------


@admin.register(Taal)
class TaalAdmin(admin.ModelAdmin):
    list_display = ["naam", "code", "naam_en", "naam_fr", "volgorde"]
    list_editable = ["volgorde"]
    search_fields = ["naam", "naam_en", "naam_fr", "code"]


@admin.register(Thema)
class ThemaAdmin(admin.ModelAdmin):
    list_display = ["naam", "slug", "naam_en", "naam_fr", "volgorde", "actief", "aantal_aanbod"]
    list_editable = ["volgorde", "actief"]
    list_filter = ["actief"]
    search_fields = ["naam", "naam_en", "naam_fr", "slug", "beschrijving"]
    prepopulated_fields = {"slug": ["naam"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_aanbod=Count("aanbod"))

    @admin.display(description=_("aanbod"), ordering="_aanbod")
    def aantal_aanbod(self, obj: Thema) -> int:
        return obj._aanbod


@admin.register(Locatie)
class LocatieAdmin(admin.ModelAdmin):
    list_display = ["naam", "straat", "postcode", "gemeente", "partner", "rolstoeltoegankelijk"]
    list_filter = [
        "rolstoeltoegankelijk",
        ("gemeente", admin.RelatedOnlyFieldListFilter),
        ("partner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["naam", "straat", "postcode", "gemeente__naam", "partner__naam"]
    autocomplete_fields = ["partner", "gemeente"]
    list_select_related = ["gemeente", "partner"]
    fieldsets = [
        (None, {"fields": ["naam", "partner"]}),
        (_("Address"), {"fields": ["straat", "postcode", "gemeente", "toelichting"]}),
        (_("Map and access"), {"fields": ["latitude", "longitude", "rolstoeltoegankelijk"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("gemeente", "partner")


# --- Aanbod ------------------------------------------------------------------------------------------


class ModeratieFilter(admin.SimpleListFilter):
    title = _("moderation")
    parameter_name = "moderatie"

    def lookups(self, request, model_admin):
        return [
            ("te_modereren", _("To moderate")),
            ("nieuw", _("Submitted, not yet published")),
            ("wijziging", _("Change to a published aanbod")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "te_modereren":
            return queryset.te_modereren()
        if self.value() == "nieuw":
            return queryset.filter(status=Aanbod.Status.INGEDIEND)
        if self.value() == "wijziging":
            return queryset.filter(voorgestelde_wijziging__isnull=False)
        return queryset


class NagekekenFilter(admin.SimpleListFilter):
    title = _("last confirmed")
    parameter_name = "nagekeken"

    def lookups(self, request, model_admin):
        maanden = settings.AANBOD_NAGEKEKEN_MONTHS
        return [
            ("jaar", _("Not confirmed for a year")),
            (
                "termijn",
                ngettext("Not confirmed for %(n)d month", "Not confirmed for %(n)d months", maanden)
                % {"n": maanden},
            ),
        ]

    def queryset(self, request, queryset):
        if self.value() == "jaar":
            return queryset.niet_nagekeken_sinds(nagekeken.JAAR_DAGEN)
        if self.value() == "termijn":
            return queryset.niet_nagekeken_sinds(nagekeken.nagekeken_days())
        return queryset


class OpeningsuurInline(admin.TabularInline):
    model = Openingsuur
    formfield_overrides = TIJD_ZONDER_SECONDEN
    extra = 0
    fields = ["weekdag", "van", "tot", "locatie", "opmerking"]
    autocomplete_fields = ["locatie"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("locatie__gemeente")


class ActiviteitInline(admin.TabularInline):
    model = Activiteit
    formfield_overrides = TIJD_ZONDER_SECONDEN
    extra = 0
    fields = ["start", "einde", "locatie", "capaciteit", "bezetting", "inschrijven_tot", "geannuleerd"]
    readonly_fields = ["bezetting"]
    autocomplete_fields = ["locatie"]
    show_change_link = True
    ordering = ["start"]
    verbose_name_plural = _("upcoming activities")

    def get_queryset(self, request):
        # Only what is still to come: past activities stay in the activities list, not in the way here.
        return (
            super()
            .get_queryset(request)
            .filter(einde__gte=timezone.now())
            .met_bezetting()
            .select_related("aanbod", "locatie__gemeente")
        )

    @admin.display(description=_("places taken"))
    def bezetting(self, obj: Activiteit) -> str:
        if obj.pk is None:
            return "—"
        if obj.capaciteit is None:
            return str(obj.plaatsen_bezet)
        return f"{obj.plaatsen_bezet} / {obj.capaciteit}"


@admin.register(Aanbod)
class AanbodAdmin(admin.ModelAdmin):
    list_display = [
        "titel",
        "moderatie",
        "partner",
        "soort",
        "status",
        "komende_activiteiten",
        "nagekeken",
    ]
    list_per_page = 50
    list_filter = [
        ModeratieFilter,
        "status",
        "soort",
        ("partner", admin.RelatedOnlyFieldListFilter),
        ("themas", admin.RelatedOnlyFieldListFilter),
        "kosten",
        "kansentarief",
        NagekekenFilter,
    ]
    search_fields = ["titel", "samenvatting", "slug", "partner__naam"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner", "themas", "gemeenten", "locaties", "talen"]
    prepopulated_fields = {"slug": ["titel"]}
    date_hierarchy = "aangemaakt_op"
    inlines = [OpeningsuurInline, ActiviteitInline]
    actions = ["publiceren", "afwijzen", "nakijken", "archiveren"]
    readonly_fields = [
        "status",
        "wijziging",
        "afwijsreden",
        "ingediend_op",
        "gepubliceerd_op",
        "aangemaakt_op",
        "bijgewerkt_op",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["partner", "titel", "slug", "soort", "samenvatting", "beschrijving", "afbeelding"]},
        ),
        (
            _("For whom"),
            {
                "fields": [
                    "themas",
                    "doelgroepen",
                    "aanstaande_ouders",
                    ("leeftijd_van", "leeftijd_tot"),
                    "talen",
                ]
            },
        ),
        (_("Where"), {"fields": ["gemeenten", "locaties"]}),
        (
            _("Cost and registration"),
            {"fields": ["kosten", "prijs", "kansentarief", "kosten_toelichting", "inschrijving_nodig"]},
        ),
        (_("Contact"), {"fields": ["contact_email", "contact_telefoon", "website"]}),
        (
            _("Moderation"),
            {
                "fields": [
                    "status",
                    "wijziging",
                    "afwijsreden",
                    "ingediend_op",
                    "gepubliceerd_op",
                    "nagekeken_op",
                    "aangemaakt_op",
                    "bijgewerkt_op",
                ]
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "doelgroepen":  # a JSON list of Doelgroep values: tick boxes, not JSON
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name.capitalize(),
                choices=Doelgroep.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        """The fieldsets above, plus any field added to the model later (so nothing silently disappears)."""
        fieldsets = list(self.fieldsets)
        shown = set()
        for _name, options in fieldsets:
            for field in options["fields"]:
                shown.update(field if isinstance(field, tuple) else [field])
        form_fields = self._get_form_for_get_fields(request, obj).base_fields
        rest = [name for name in form_fields if name not in shown]
        if rest:
            fieldsets.append((_("Other"), {"fields": rest}))
        return fieldsets

    def get_queryset(self, request):
        nu = timezone.now()
        return (
            super()
            .get_queryset(request)
            .select_related("partner")
            .annotate(
                _komend=Count(
                    "activiteiten", filter=Q(activiteiten__start__gte=nu, activiteiten__geannuleerd=False)
                )
            )
        )

    def get_ordering(self, request):
        if request.GET.get("moderatie"):
            return ["ingediend_op", "pk"]  # the queue: who waited longest comes first
        return super().get_ordering(request)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/modereren/",
                self.admin_site.admin_view(self.modereren_view),
                name="aanbod_aanbod_modereren",
            ),
            *super().get_urls(),
        ]

    # Columns

    @admin.display(description=_("moderation"))
    def moderatie(self, obj: Aanbod) -> str:
        if obj.status != Aanbod.Status.INGEDIEND and not obj.voorgestelde_wijziging:
            return ""
        label = _("Moderate change") if obj.voorgestelde_wijziging else _("Moderate")
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:aanbod_aanbod_modereren", args=[obj.pk]), label
        )

    @admin.display(description=_("last confirmed"), ordering="nagekeken_op")
    def nagekeken(self, obj: Aanbod) -> str:
        return formats.date_format(obj.nagekeken_op, "SHORT_DATE_FORMAT") if obj.nagekeken_op else "—"

    @admin.display(description=_("upcoming activities"), ordering="_komend")
    def komende_activiteiten(self, obj: Aanbod) -> int:
        return obj._komend

    @admin.display(description=_("proposed change"))
    def wijziging(self, obj: Aanbod) -> str:
        if obj is None or not obj.pk or not obj.voorgestelde_wijziging:
            return _("None")
        return render_to_string(
            "admin/aanbod/aanbod/includes/wijziging.html", {"rijen": voorgestelde_wijziging_diff(obj)}
        )

    # Moderation

    def _moderation_context(self, request, aanbod_lijst, form, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Moderate aanbod"),
            "items": [
                {
                    "aanbod": aanbod,
                    "wijziging": voorgestelde_wijziging_diff(aanbod),
                    "overzicht": aanbod_overzicht(aanbod) if aanbod.status == Aanbod.Status.INGEDIEND else [],
                }
                for aanbod in aanbod_lijst
            ],
            "form": form,
            **extra,
        }

    def modereren_view(self, request, object_id):
        aanbod = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, aanbod):
            raise PermissionDenied
        form = AfwijzenForm(request.POST if request.POST.get("besluit") == "afwijzen" else None)
        if request.method == "POST":
            try:
                if request.POST.get("besluit") == "publiceren":
                    aanbod_publish(aanbod=aanbod, user=request.user)
                    self.log_change(request, aanbod, [{"changed": {"fields": ["status"]}}])
                    self.message_user(request, _("“%(titel)s” is published.") % {"titel": aanbod.titel})
                    return self._naar_wachtrij(request)
                if form.is_valid():
                    aanbod_reject(aanbod=aanbod, user=request.user, reden=form.cleaned_data["reden"])
                    self.log_change(
                        request, aanbod, str(_("Rejected: %(reden)s") % {"reden": aanbod.afwijsreden})
                    )
                    self.message_user(
                        request,
                        _("“%(titel)s” is rejected; the partner gets the reason by e-mail.")
                        % {"titel": aanbod.titel},
                    )
                    return self._naar_wachtrij(request)
            except ValidationError as error:
                self.message_user(request, _errors(error), messages.ERROR)
        context = self._moderation_context(request, [aanbod], form, aanbod=aanbod, per_aanbod=True)
        return TemplateResponse(request, "admin/aanbod/aanbod/modereren.html", context)

    def _naar_wachtrij(self, request):
        if self.get_queryset(request).te_modereren().exists():
            return HttpResponseRedirect(reverse("admin:aanbod_aanbod_changelist") + "?moderatie=te_modereren")
        return HttpResponseRedirect(reverse("admin:aanbod_aanbod_changelist"))

    # Actions

    @admin.action(
        description=_("Publish the selected aanbod (with their proposed changes)"), permissions=["change"]
    )
    def publiceren(self, request, queryset):
        gelukt = 0
        for aanbod in queryset:
            try:
                aanbod_publish(aanbod=aanbod, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"{aanbod.titel}: {_errors(error)}", messages.ERROR)
                continue
            self.log_change(request, aanbod, [{"changed": {"fields": ["status"]}}])
            gelukt += 1
        if gelukt:
            self.message_user(
                request,
                ngettext("%(n)d aanbod is published.", "%(n)d aanbod are published.", gelukt) % {"n": gelukt},
            )

    @admin.action(
        description=_("Reject the selected aanbod or their changes, with a reason…"), permissions=["change"]
    )
    def afwijzen(self, request, queryset):
        form = AfwijzenForm(request.POST if "reden" in request.POST else None)
        if form.is_bound and form.is_valid():
            gelukt = 0
            for aanbod in queryset:
                try:
                    aanbod_reject(aanbod=aanbod, user=request.user, reden=form.cleaned_data["reden"])
                except ValidationError as error:
                    self.message_user(request, f"{aanbod.titel}: {_errors(error)}", messages.WARNING)
                    continue
                self.log_change(
                    request, aanbod, str(_("Rejected: %(reden)s") % {"reden": aanbod.afwijsreden})
                )
                gelukt += 1
            if gelukt:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d aanbod is rejected; the partner gets the reason by e-mail.",
                        "%(n)d aanbod are rejected; the partners get the reason by e-mail.",
                        gelukt,
                    )
                    % {"n": gelukt},
                )
            return None
        context = self._moderation_context(
            request,
            list(queryset),
            form,
            action="afwijzen",
            action_checkbox_name=ACTION_CHECKBOX_NAME,
        )
        return TemplateResponse(request, "admin/aanbod/aanbod/modereren.html", context)

    @admin.action(
        description=_("Mark the selected aanbod as still correct (checked today)"), permissions=["change"]
    )
    def nakijken(self, request, queryset):
        for aanbod in queryset:
            aanbod_mark_nagekeken(aanbod=aanbod, user=request.user)
        self.message_user(request, _("Marked as checked today."))

    @admin.action(description=_("Archive the selected aanbod (take them offline)"), permissions=["change"])
    def archiveren(self, request, queryset):
        n = 0
        for aanbod in queryset:
            aanbod_archive(aanbod=aanbod, user=request.user)
            self.log_change(request, aanbod, [{"changed": {"fields": ["status"]}}])
            n += 1
        self.message_user(
            request, ngettext("%(n)d aanbod is archived.", "%(n)d aanbod are archived.", n) % {"n": n}
        )


from . import admin_import  # noqa: E402,F401
