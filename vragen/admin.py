"""The coordinators' admin for vragen: quick registration, answering website questions, signals.

Writes go through vragen.services, so the admin and the partners' portal follow the same rules.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import (
    SESSION_DEFAULTS,
    GemeenteField,
    GemeenteInput,
    ThemaChoiceField,
    VraagRegistratieForm,
    _themas,
)
from .models import Gesprek, Signaal, Vraag
from .services import gesprek_answer, gesprek_assign, signaal_move

# --- Vraag -----------------------------------------------------------------------------------------


class VraagAdminForm(forms.ModelForm):
    """The quick registration form of the portal, for the admin: name or postcode, two thema lists."""

    gemeente = GemeenteField(label=_("Gemeente"), help_text=_("Name or postcode."), widget=GemeenteInput())
    thema = ThemaChoiceField(queryset=_themas(), label=_("Thema"), empty_label="—")
    ook_thema = ThemaChoiceField(
        queryset=_themas(), label=_("Also about (optional)"), required=False, empty_label="—"
    )

    class Meta:
        model = Vraag
        fields = [
            "gemeente",
            "thema",
            "ook_thema",
            "leeftijdsband",
            "vraagsteller",
            "kanaal",
            "doorverwezen_naar",
            "datum",
            "geregistreerd_bij",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thema"].queryset = _themas()
        self.fields["ook_thema"].queryset = _themas()
        self.fields["thema"].widget.attrs["autofocus"] = True
        if self.instance.pk:
            themas = list(self.instance.themas.order_by("naam"))
            self.initial.setdefault("thema", themas[0].pk if themas else None)
            self.initial.setdefault("ook_thema", themas[1].pk if len(themas) > 1 else None)

    def themas(self):
        themas = [self.cleaned_data["thema"]]
        ook = self.cleaned_data.get("ook_thema")
        if ook and ook not in themas:
            themas.append(ook)
        return themas


@admin.register(Vraag)
class VraagAdmin(admin.ModelAdmin):
    form = VraagAdminForm
    list_display = [
        "datum",
        "gemeente",
        "thema_namen",
        "leeftijdsband",
        "vraagsteller",
        "kanaal",
        "doorverwezen_naar",
        "via_website",
    ]
    list_filter = [
        "kanaal",
        "leeftijdsband",
        "vraagsteller",
        ("themas", admin.RelatedOnlyFieldListFilter),
        ("gemeente", admin.RelatedOnlyFieldListFilter),
        ("doorverwezen_naar", admin.RelatedOnlyFieldListFilter),
        ("geregistreerd_bij", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["gemeente__naam", "gemeente__postcodes__code", "themas__naam"]
    date_hierarchy = "datum"
    list_select_related = ["gemeente", "doorverwezen_naar", "gesprek"]
    list_per_page = 50
    readonly_fields = ["geregistreerd_door", "aangemaakt_op"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("themas")

    def get_fields(self, request, obj=None):
        fields = list(self.form.Meta.fields)
        return fields + (["geregistreerd_door", "aangemaakt_op"] if obj else [])

    @admin.display(description=_("themas"))
    def thema_namen(self, obj):
        return ", ".join(t.label for t in obj.themas.all()) or "—"

    @admin.display(description=_("website"), boolean=True)
    def via_website(self, obj):
        return hasattr(obj, "gesprek")

    def get_changeform_initial_data(self, request):
        """Start from the previous registration's choices (the same memory as the portal's form)."""
        initial = super().get_changeform_initial_data(request)
        remembered = request.session.get(SESSION_DEFAULTS) or {}
        for key, value in remembered.items():
            if value is not None:
                initial.setdefault(key, value)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.geregistreerd_door = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.themas.set(form.themas())
        if not change:
            data = form.cleaned_data
            request.session[SESSION_DEFAULTS] = {
                "gemeente": data["gemeente"].pk,
                "leeftijdsband": data["leeftijdsband"],
                "vraagsteller": data["vraagsteller"],
                "kanaal": data["kanaal"],
                "geregistreerd_bij": data["geregistreerd_bij"].pk if data.get("geregistreerd_bij") else None,
            }


# Keep the portal form and the admin form in step.
assert set(VraagRegistratieForm.REMEMBERED) <= set(VraagAdminForm.Meta.fields)  # noqa: S101


# --- Gesprek ---------------------------------------------------------------------------------------


class GesprekAdminForm(forms.ModelForm):
    antwoord = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_(
            "The parent reads this with their pickup code. Leave empty to only change the assignment."
        ),
    )
    sluiten = forms.BooleanField(label=_("Close the conversation (no follow-up questions)"), required=False)

    class Meta:
        model = Gesprek
        fields = ["toegewezen_aan"]


@admin.register(Gesprek)
class GesprekAdmin(admin.ModelAdmin):
    form = GesprekAdminForm
    list_display = [
        "__str__",
        "status",
        "gemeente",
        "toegewezen_aan",
        "aantal_berichten",
        "laatste_bericht_op",
    ]
    list_filter = ["status", ("toegewezen_aan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["berichten__tekst", "vraag__gemeente__naam"]
    date_hierarchy = "aangemaakt_op"
    list_select_related = ["vraag__gemeente", "toegewezen_aan"]
    readonly_fields = ["status", "vraag_samenvatting", "berichten_weergave", "verwijderd_op"]
    fields = [
        "status",
        "vraag_samenvatting",
        "berichten_weergave",
        "toegewezen_aan",
        "antwoord",
        "sluiten",
        "verwijderd_op",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_berichten=Count("berichten"))

    def has_add_permission(self, request):
        return False  # conversations start on the website only

    @admin.display(description=_("gemeente"), ordering="vraag__gemeente__naam")
    def gemeente(self, obj):
        return obj.vraag.gemeente

    @admin.display(description=_("messages"), ordering="n_berichten")
    def aantal_berichten(self, obj):
        return obj.n_berichten

    @admin.display(description=_("question"))
    def vraag_samenvatting(self, obj):
        vraag = obj.vraag
        themas = ", ".join(t.label for t in vraag.themas.all()) or _("no thema")
        return f"{vraag.gemeente} · {themas} · {vraag.get_leeftijdsband_display()}"

    @admin.display(description=_("deleted on"))
    def verwijderd_op(self, obj):
        return obj.verwijderd_op

    @admin.display(description=_("conversation"))
    def berichten_weergave(self, obj):
        return format_html_join(
            "",
            '<div class="gesprek-bericht"><p><strong>{}</strong> · {}</p>{}</div>',
            (
                (
                    _("Answer") if b.van == b.Van.NETWERK else _("The parent"),
                    b.aangemaakt_op.strftime("%d/%m/%Y %H:%M"),
                    format_html("{}", linebreaks(b.tekst, autoescape=True)),
                )
                for b in obj.berichten.all()
            ),
        )

    def save_model(self, request, obj, form, change):
        if "toegewezen_aan" in form.changed_data:
            gesprek_assign(gesprek=obj, partner=form.cleaned_data["toegewezen_aan"])
        antwoord = form.cleaned_data.get("antwoord", "").strip()
        if antwoord:
            gesprek_answer(
                gesprek=obj, user=request.user, tekst=antwoord, sluiten=form.cleaned_data["sluiten"]
            )
            messages.success(request, _("Your answer is saved. The parent reads it with their pickup code."))
        elif form.cleaned_data.get("sluiten"):
            Gesprek.objects.filter(pk=obj.pk).update(status=Gesprek.Status.GESLOTEN)


# --- Signaal ---------------------------------------------------------------------------------------


@admin.register(Signaal)
class SignaalAdmin(admin.ModelAdmin):
    list_display = ["titel", "gemeente", "thema", "bron_partner", "status", "aangemaakt_op", "doorgegeven_op"]
    list_filter = [
        "status",
        "thema",
        ("gemeente", admin.RelatedOnlyFieldListFilter),
        ("bron_partner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["titel", "tekst", "gemeente__naam"]
    date_hierarchy = "aangemaakt_op"
    list_select_related = ["gemeente", "thema", "bron_partner"]
    readonly_fields = ["status", "doorgegeven_op", "aangemaakt_door", "aangemaakt_op", "bijgewerkt_op"]
    fields = [
        "gemeente",
        "thema",
        "titel",
        "tekst",
        "bron_partner",
        "status",
        "doorgegeven_op",
        "aangemaakt_door",
        "aangemaakt_op",
        "bijgewerkt_op",
    ]
    actions = ["mark_besproken", "mark_doorgegeven"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "gemeente":
            return GemeenteField(
                label=_("Gemeente"), help_text=_("Name or postcode."), widget=GemeenteInput()
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.aangemaakt_door = request.user
        super().save_model(request, obj, form, change)

    def _move(self, request, queryset, naar: str):
        moved = sum(signaal_move(signaal=s, naar=naar) for s in queryset)
        skipped = queryset.count() - moved
        label = Signaal.Status(naar).label
        self.message_user(
            request,
            ngettext("%(n)s signal moved to “%(status)s”.", "%(n)s signals moved to “%(status)s”.", moved)
            % {"n": moved, "status": label},
            messages.SUCCESS if moved else messages.WARNING,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)s signal was skipped: a signal moves one step at a time.",
                    "%(n)s signals were skipped: a signal moves one step at a time.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Mark as discussed in the network"), permissions=["change"])
    def mark_besproken(self, request, queryset):
        self._move(request, queryset, Signaal.Status.BESPROKEN)

    @admin.action(description=_("Mark as passed on to policy"), permissions=["change"])
    def mark_doorgegeven(self, request, queryset):
        self._move(request, queryset, Signaal.Status.DOORGEGEVEN)
