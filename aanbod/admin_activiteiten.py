"""The coordinators' admin for activities and their registrations: places taken and left, the waiting
list in order, weekly copies and the registrations as CSV. Imported from aanbod/admin.py.
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aanbod.admin_acties import (
    TIJD_ZONDER_SECONDEN,
    WekelijksKopierenForm,
    inschrijvingen_csv,
)
from aanbod.models import Aanwezigheid, Activiteit, Inschrijving, Reeks
from aanbod.services.activiteiten import activiteit_copy_weekly
from aanbod.services.inschrijvingen import (
    activiteit_cancel,
    inschrijfregels_validate,
    inschrijvingen_with_volgnummer,
    wachtlijst_promote,
)
from aanbod.services.portal import attendance_check, inschrijvingen_mark_attendance

# The registration rules (aanbod.models.Inschrijfregels), one fieldset on an activity and on a series.
INSCHRIJFREGELS = ["inschrijven_inwoners_vanaf", "inschrijven_vanaf", "annuleren_tot", "leeftijd_controleren"]
INSCHRIJFREGELS_FIELDSET = (
    _("Registration rules"),
    {
        "fields": INSCHRIJFREGELS,
        "description": _(
            "Each rule is optional. Priority for residents: families whose postcode is in the network's "
            "werkgebied may register from the first moment, everyone from the second."
        ),
    },
)


def inschrijfregels_clean(form: forms.ModelForm, *, sluit_op, laatste_start) -> None:
    """Check the registration rules of an admin form (`inschrijfregels_validate`), errors on their fields."""
    data = form.cleaned_data
    aanbod = data.get("aanbod") or (form.instance.aanbod if form.instance.aanbod_id else None)
    if aanbod is None or not all(naam in form.fields for naam in INSCHRIJFREGELS):
        return
    try:
        inschrijfregels_validate(
            aanbod=aanbod,
            sluit_op=sluit_op,
            laatste_start=laatste_start,
            **{naam: data.get(naam) for naam in INSCHRIJFREGELS},
        )
    except ValidationError as exc:
        for naam, errors in exc.error_dict.items():
            form.add_error(naam, errors)


class ActiviteitAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        start = data.get("start")
        inschrijfregels_clean(self, sluit_op=data.get("inschrijven_tot") or start, laatste_start=start)
        return data


class ReeksAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        # The meetings are the inlines; the saved ones give the start (a new series has none yet).
        reeks = self.instance
        meetings = reeks.bijeenkomsten if reeks.pk else []
        laat = data.get("laat_instappen_tot")
        start = meetings[0].start if meetings else None
        sluit_op = data.get("inschrijven_tot") or (laat.start if laat else start)
        inschrijfregels_clean(self, sluit_op=sluit_op, laatste_start=meetings[-1].start if meetings else None)
        return data


# --- Activities and registrations --------------------------------------------------------------------


class WanneerFilter(admin.SimpleListFilter):
    """Upcoming activities unless the coordinator asks for others: that is what they work on."""

    title = _("when")
    parameter_name = "wanneer"

    def lookups(self, request, model_admin):
        return [("week", _("Next 7 days")), ("voorbij", _("Past")), ("alle", _("All"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() in (None, "komend"),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Upcoming"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        nu = timezone.now()
        if self.value() == "alle":
            return queryset
        if self.value() in (None, "komend"):
            return queryset.filter(einde__gte=nu)
        if self.value() == "week":
            return queryset.filter(einde__gte=nu, start__lt=nu + dt.timedelta(days=7))
        if self.value() == "voorbij":
            return queryset.filter(einde__lt=nu)
        return queryset


class InschrijvingInline(admin.TabularInline):
    model = Inschrijving
    fk_name = "activiteit"
    extra = 0
    fields = [
        "naam",
        "email",
        "telefoon",
        "aantal_personen",
        "status",
        "wachtlijst_plaats",
        "ingeschreven_op",
    ]
    readonly_fields = ["wachtlijst_plaats", "ingeschreven_op"]
    view_on_site = False  # that page is the parent's own, reached with their secret token
    verbose_name_plural = _("registrations (confirmed first, then the waiting list in order)")

    def get_queryset(self, request):
        return inschrijvingen_with_volgnummer(super().get_queryset(request))

    @admin.display(description=_("registered at"))
    def ingeschreven_op(self, obj: Inschrijving) -> str:
        return formats.date_format(timezone.localtime(obj.aangemaakt_op), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("place on waiting list"))
    def wachtlijst_plaats(self, obj: Inschrijving) -> str:
        if obj.status != Inschrijving.Status.WACHTLIJST or getattr(obj, "volgnummer", None) is None:
            return "—"
        return str(obj.volgnummer)


@admin.register(Activiteit)
class ActiviteitAdmin(admin.ModelAdmin):
    form = ActiviteitAdminForm
    formfield_overrides = TIJD_ZONDER_SECONDEN
    # Narrow enough for a laptop next to the admin's sidebar and filters; the partner is a filter.
    list_display = [
        "activiteit",
        "wanneer",
        "locatie_naam",
        "bezetting",
        "plaatsen_vrij_kolom",
        "wachtlijst_kolom",
        "geannuleerd_kolom",
    ]
    list_filter = [
        WanneerFilter,
        ("aanbod__partner", admin.RelatedOnlyFieldListFilter),
        "aanbod__soort",
        "geannuleerd",
        "online",
    ]
    search_fields = ["titel", "aanbod__titel", "aanbod__partner__naam", "locatie__naam"]
    autocomplete_fields = ["aanbod", "locatie"]
    list_select_related = ["aanbod__partner", "locatie__gemeente"]
    date_hierarchy = "start"
    inlines = [InschrijvingInline]
    actions = ["wekelijks_kopieren", "inschrijvingen_exporteren"]
    readonly_fields = [
        "plaatsen_bezet_kolom",
        "plaatsen_vrij_kolom",
        "wachtlijst_kolom",
        "aangemaakt_op",
        "bijgewerkt_op",
    ]
    fieldsets = [
        (None, {"fields": ["aanbod", "titel", ("start", "einde"), "locatie", "online"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "inschrijving_nodig",
                    "capaciteit",
                    "max_personen_per_inschrijving",
                    "inschrijven_tot",
                    ("plaatsen_bezet_kolom", "plaatsen_vrij_kolom", "wachtlijst_kolom"),
                ]
            },
        ),
        INSCHRIJFREGELS_FIELDSET,
        (
            _("Cancellation"),
            {"fields": ["geannuleerd", "geannuleerd_op", "annulering_reden"], "classes": ["collapse"]},
        ),
        (_("History"), {"fields": ["aangemaakt_op", "bijgewerkt_op"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        """Cancelling here is `activiteit_cancel` (stamped, every registrant told once); more places let
        the waiting list move up at once (`wachtlijst_promote`) instead of at the next periodic scan."""
        cancel = change and "geannuleerd" in form.changed_data and obj.geannuleerd
        if cancel:
            obj.geannuleerd = False  # the service cancels it
        super().save_model(request, obj, form, change)
        if cancel:
            activiteit_cancel(activiteit=obj, reden=obj.annulering_reden, user=request.user)
            obj.refresh_from_db()
        elif change and "capaciteit" in form.changed_data:
            wachtlijst_promote(activiteit=obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .met_bezetting()
            .select_related("aanbod__partner", "locatie__gemeente")
        )

    list_per_page = 50

    @admin.display(description=_("activity"), ordering="aanbod__titel")
    def activiteit(self, obj: Activiteit) -> str:
        return obj.naam

    @admin.display(description=_("when"), ordering="start")
    def wanneer(self, obj: Activiteit) -> str:
        start, einde = timezone.localtime(obj.start), timezone.localtime(obj.einde)
        eind = f"{einde:%H:%M}" if einde.date() == start.date() else f"{einde:%d/%m/%Y %H:%M}"
        return f"{formats.date_format(start, 'D')} {start:%d/%m/%Y %H:%M}–{eind}"

    @admin.display(description=_("partner"), ordering="aanbod__partner__naam")
    def partner(self, obj: Activiteit):
        return obj.aanbod.partner

    @admin.display(description=_("location"), ordering="locatie__naam")
    def locatie_naam(self, obj: Activiteit) -> str:
        if obj.locatie is None:
            return _("online") if obj.online else "—"
        return f"{obj.locatie.naam}, {obj.locatie.gemeente}"

    @admin.display(description=_("taken / capacity"), ordering="bezet")
    def bezetting(self, obj: Activiteit) -> str:
        if obj.capaciteit is None:
            return f"{obj.plaatsen_bezet} / ∞"
        return f"{obj.plaatsen_bezet} / {obj.capaciteit}"

    @admin.display(description=_("places taken"), ordering="bezet")
    def plaatsen_bezet_kolom(self, obj: Activiteit) -> int:
        return obj.plaatsen_bezet if obj.pk else 0

    @admin.display(description=_("left"))
    def plaatsen_vrij_kolom(self, obj: Activiteit) -> str:
        if not obj.pk:
            return "—"
        vrij = obj.plaatsen_vrij
        return _("no limit") if vrij is None else str(vrij)

    @admin.display(description=_("cancelled"), ordering="geannuleerd")
    def geannuleerd_kolom(self, obj: Activiteit) -> str:
        return _("Cancelled") if obj.geannuleerd else ""

    @admin.display(description=_("waiting"), ordering="wachtend")
    def wachtlijst_kolom(self, obj: Activiteit) -> int:
        return getattr(obj, "wachtend", 0) if obj.pk else 0

    @admin.action(description=_("Copy weekly for a number of weeks…"), permissions=["add"])
    def wekelijks_kopieren(self, request, queryset):
        form = WekelijksKopierenForm(request.POST if "weken" in request.POST else None)
        if form.is_bound and form.is_valid():
            totaal = gevraagd = 0
            for activiteit in queryset:
                gevraagd += form.cleaned_data["weken"]
                nieuw = activiteit_copy_weekly(
                    activiteit=activiteit,
                    weken=form.cleaned_data["weken"],
                    skip_dates=form.cleaned_data["overslaan"],
                    user=request.user,
                )
                for kopie in nieuw:
                    self.log_addition(request, kopie, [{"added": {}}])
                totaal += len(nieuw)
            self.message_user(
                request,
                ngettext("%(n)d activity was added.", "%(n)d activities were added.", totaal) % {"n": totaal},
            )
            if totaal < gevraagd:
                self.message_user(
                    request,
                    _(
                        "Weeks that already had the activity at that time, and the dates you chose to skip, "
                        "were left out."
                    ),
                    messages.INFO,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Copy activities weekly"),
            "activiteiten": list(queryset),
            "form": form,
            "action": "wekelijks_kopieren",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/aanbod/activiteit/wekelijks_kopieren.html", context)

    @admin.action(
        description=_("Export the registrations of the selected activities (CSV for Excel)"),
        permissions=["view"],
    )
    def inschrijvingen_exporteren(self, request, queryset):
        # A meeting of a series: the series' registrations (registered for every meeting).
        inschrijvingen = Inschrijving.objects.filter(
            Q(activiteit__in=queryset.values("pk")) | Q(reeks__in=queryset.values("reeks"))
        )
        return inschrijvingen_csv(
            inschrijvingen, filename=f"inschrijvingen-{timezone.localdate():%Y-%m-%d}.csv"
        )


class BijeenkomstInline(admin.TabularInline):
    """The meetings of a series, each with its own date and location."""

    model = Activiteit
    fk_name = "reeks"
    extra = 0
    fields = ["start", "einde", "locatie", "online", "geannuleerd"]
    readonly_fields = ["geannuleerd"]
    autocomplete_fields = ["locatie"]
    formfield_overrides = TIJD_ZONDER_SECONDEN
    verbose_name = _("meeting")
    verbose_name_plural = _("meetings")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        aanbod = obj.aanbod if obj else None

        class MeetingFormSet(formset):
            def save_new(self, form, commit=True):
                form.instance.aanbod = aanbod or form.instance.reeks.aanbod
                return super().save_new(form, commit=commit)

        return MeetingFormSet


class ReeksInschrijvingInline(InschrijvingInline):
    fk_name = "reeks"

    def get_queryset(self, request):
        return inschrijvingen_with_volgnummer(
            admin.TabularInline.get_queryset(self, request).select_related("reeks__aanbod")
        )


@admin.register(Reeks)
class ReeksAdmin(admin.ModelAdmin):
    """A course: its meetings inline, and the registrations for the whole series."""

    list_display = [
        "__str__",
        "aanbod",
        "bijeenkomsten_kolom",
        "inschrijvingen_kolom",
        "bezetting",
        "wachtlijst_kolom",
        "geannuleerd",
    ]
    list_filter = [("aanbod__partner", admin.RelatedOnlyFieldListFilter), "geannuleerd"]
    search_fields = ["titel", "aanbod__titel", "aanbod__partner__naam"]
    autocomplete_fields = ["aanbod"]
    list_select_related = ["aanbod__partner"]
    form = ReeksAdminForm
    fieldsets = [
        (None, {"fields": ["aanbod", "titel"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "capaciteit",
                    "max_personen_per_inschrijving",
                    "inschrijven_tot",
                    "laat_instappen_tot",
                    "herinnering_per_bijeenkomst",
                ]
            },
        ),
        INSCHRIJFREGELS_FIELDSET,
        (_("Cancellation"), {"fields": ["geannuleerd", "annulering_reden"]}),
    ]
    readonly_fields = ["geannuleerd", "annulering_reden"]
    formfield_overrides = TIJD_ZONDER_SECONDEN
    inlines = [BijeenkomstInline, ReeksInschrijvingInline]

    def get_queryset(self, request):
        def registrations(status: str, som: bool):
            rows = Inschrijving._base_manager.filter(reeks_id=OuterRef("pk"), status=status).order_by()
            value = Func(F("aantal_personen"), function="SUM") if som else Func(F("pk"), function="COUNT")
            return Coalesce(Subquery(rows.annotate(n=value).values("n"), output_field=IntegerField()), 0)

        meetings = Activiteit._base_manager.filter(reeks_id=OuterRef("pk")).order_by()
        return (
            super()
            .get_queryset(request)
            .annotate(
                aantal_bijeenkomsten_=Coalesce(
                    Subquery(
                        meetings.annotate(n=Func(F("pk"), function="COUNT")).values("n"),
                        output_field=IntegerField(),
                    ),
                    0,
                ),
                aantal_inschrijvingen=registrations(Inschrijving.Status.BEVESTIGD, som=False),
                bezet=registrations(Inschrijving.Status.BEVESTIGD, som=True),
                wachtend=registrations(Inschrijving.Status.WACHTLIJST, som=True),
            )
        )

    @admin.display(description=_("meetings"), ordering="aantal_bijeenkomsten_")
    def bijeenkomsten_kolom(self, obj: Reeks) -> int:
        return obj.aantal_bijeenkomsten_

    @admin.display(description=_("registrations"), ordering="aantal_inschrijvingen")
    def inschrijvingen_kolom(self, obj: Reeks) -> int:
        return obj.aantal_inschrijvingen

    @admin.display(description=_("taken / capacity"), ordering="bezet")
    def bezetting(self, obj: Reeks) -> str:
        return f"{obj.bezet} / {'∞' if obj.capaciteit is None else obj.capaciteit}"

    @admin.display(description=_("waiting"), ordering="wachtend")
    def wachtlijst_kolom(self, obj: Reeks) -> int:
        return obj.wachtend

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "laat_instappen_tot":
            reeks_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Activiteit.objects.filter(reeks_id=reeks_id or 0).select_related("aanbod")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AanwezigheidForm(forms.ModelForm):
    """One meeting's attendance of a series registration; saved by `InschrijvingAdmin.save_formset`
    through the portal's service, so the same rules hold (a meeting of this series, started, not
    cancelled; a confirmed registration)."""

    class Meta:
        model = Aanwezigheid
        fields = ["activiteit", "aanwezig"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "activiteit" in self.fields:
            self.fields["activiteit"].disabled = True  # a row is one meeting's; add another for another

    def clean(self):
        cleaned = super().clean()
        activiteit = cleaned.get("activiteit")
        inschrijving = Inschrijving._base_manager.filter(pk=self.instance.inschrijving_id).first()
        if activiteit is None or inschrijving is None:
            return cleaned
        if activiteit.reeks_id != inschrijving.reeks_id:
            raise forms.ValidationError(_("Choose a meeting of this registration's series."))
        if inschrijving.status != Inschrijving.Status.BEVESTIGD:
            raise forms.ValidationError(_("Only a confirmed registration can have come."))
        attendance_check(activiteit)
        return cleaned


class AanwezigheidInline(admin.TabularInline):
    """Who came to which meeting, for a series registration (partners tick it in the portal per
    meeting). Saved through `inschrijvingen_mark_attendance`, never deleted here."""

    model = Aanwezigheid
    form = AanwezigheidForm
    extra = 0
    fields = ["activiteit", "aanwezig", "bijgewerkt_op"]
    readonly_fields = ["bijgewerkt_op"]
    can_delete = False
    verbose_name = _("attendance")
    verbose_name_plural = _("attendance per meeting")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("activiteit__aanbod").order_by("activiteit__start")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "activiteit":
            # The meetings of this registration's series only.
            inschrijving_id = request.resolver_match.kwargs.get("object_id")
            reeks_id = Inschrijving.objects.filter(pk=inschrijving_id).values("reeks_id")
            kwargs["queryset"] = Activiteit.objects.filter(reeks_id__in=reeks_id).select_related("aanbod")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Inschrijving)
class InschrijvingAdmin(admin.ModelAdmin):
    list_display = ["naam", "email", "doel", "aantal_personen", "status", "aangemaakt_op"]
    view_on_site = False  # that page is the parent's own, reached with their secret token
    list_filter = [
        "status",
        ("activiteit__aanbod__partner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["email", "naam", "telefoon", "activiteit__aanbod__titel", "activiteit__titel"]
    autocomplete_fields = ["activiteit", "reeks"]
    list_select_related = ["activiteit__aanbod", "reeks__aanbod"]
    date_hierarchy = "aangemaakt_op"
    actions = ["exporteren"]
    readonly_fields = [
        "aangemaakt_op",
        "bijgewerkt_op",
        "geannuleerd_op",
        "herinnering_verstuurd_op",
        "gewist_op",
    ]
    fields = [
        "activiteit",
        "reeks",
        "naam",
        "email",
        "telefoon",
        "aantal_personen",
        "postcode",
        "status",
        "taal",
        "aanwezig",
        "aangemaakt_op",
        "bijgewerkt_op",
        "geannuleerd_op",
        "herinnering_verstuurd_op",
        "gewist_op",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activiteit__aanbod", "reeks__aanbod")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.reeks_id:
            # A series registration's attendance is per meeting (the inline), not this one field.
            return [f for f in fields if f != "aanwezig"]
        return fields

    def get_inlines(self, request, obj):
        return [AanwezigheidInline] if obj is not None and obj.reeks_id else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not Aanwezigheid:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # the change message's lists; the service writes
        for row in formset.forms:
            if row.has_changed() and row.cleaned_data.get("activiteit"):
                inschrijving = form.instance
                inschrijvingen_mark_attendance(
                    activiteit=row.cleaned_data["activiteit"],
                    aanwezig_ids=[inschrijving.pk] if row.cleaned_data.get("aanwezig") else [],
                    inschrijving_ids=[inschrijving.pk],
                    user=request.user,
                )
        return None

    @admin.action(description=_("Export the selected registrations (CSV for Excel)"), permissions=["view"])
    def exporteren(self, request, queryset):
        return inschrijvingen_csv(
            Inschrijving.objects.filter(pk__in=queryset.values("pk")),
            filename=f"inschrijvingen-{timezone.localdate():%Y-%m-%d}.csv",
        )
