"""The coordinators' admin for the network, its gemeenten, partners and people.

Coordinators (staff in the Coördinatoren group, not superusers) may add and change accounts, but may not
touch superusers, grant themselves more rights than they have, or edit groups and permissions.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    COORDINATOR_GROUP,
    Gemeente,
    Gemeentetoegang,
    Lidmaatschap,
    Netwerk,
    Partner,
    Postcode,
    User,
)

# The admin's navigation sidebar takes a quarter of a laptop screen and repeats the index; without it the
# changelists (activities with places taken and left, the moderation queue) fit without scrolling sideways.
admin.site.enable_nav_sidebar = False


# --- Gemeenten: reference data from Statbel, read-mostly ---------------------------------------------


class PostcodeInline(admin.TabularInline):
    model = Postcode
    extra = 0
    fields = ["code"]
    verbose_name_plural = _("postcodes")


@admin.register(Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ["naam", "nis", "provincie", "gewest", "postcode_lijst"]
    list_filter = ["gewest", "provincie"]
    search_fields = ["naam", "naam_fr", "nis", "postcodes__code"]
    readonly_fields = ["nis", "slug", "provincie", "gewest"]
    fields = ["naam", "naam_fr", "nis", "slug", "provincie", "gewest"]
    inlines = [PostcodeInline]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("postcodes")

    def has_add_permission(self, request):
        return False  # the municipalities of Flanders and Brussels come from Statbel, by migration

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("postcodes"))
    def postcode_lijst(self, obj: Gemeente) -> str:
        return ", ".join(p.code for p in obj.postcodes.all())


# --- The network: one record -------------------------------------------------------------------------


@admin.register(Netwerk)
class NetwerkAdmin(admin.ModelAdmin):
    """The one network record: the list goes straight to it, there is no second one and no delete."""

    autocomplete_fields = ["werkgebied"]
    readonly_fields = ["bijgewerkt_op"]
    fieldsets = [
        (None, {"fields": ["naam", "baseline", "intro", "logo"]}),
        (
            _("Translations"),
            {
                "fields": ["baseline_en", "intro_en", "baseline_fr", "intro_fr"],
                "description": _(
                    "Dutch is the official language. Without a translation, the English and French pages "
                    "show the Dutch text, marked as Dutch."
                ),
            },
        ),
        (_("Colours"), {"fields": ["kleur_primair", "kleur_accent"]}),
        (_("Contact"), {"fields": ["email", "telefoon", "adres", "website"]}),
        (
            _("Werkgebied"),
            {
                "fields": ["werkgebied"],
                "description": _("The gemeenten the network works in. Empty: all of Flanders."),
            },
        ),
        (_("Privacy"), {"fields": ["privacyverklaring", "bijgewerkt_op"]}),
        (
            _("Accessibility statement"),
            {"fields": ["toegankelijkheid_beoordeeld_op", "toegankelijkheid_problemen"]},
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in {"kleur_primair", "kleur_accent"}:
            kwargs["widget"] = forms.TextInput(attrs={"type": "color"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return False  # the record is created on the first visit, see changelist_view

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        netwerk, _created = Netwerk.objects.get_or_create(pk=1)
        return HttpResponseRedirect(reverse("admin:partners_netwerk_change", args=[netwerk.pk]))

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(request, _("The network's details were saved."))
            return HttpResponseRedirect(reverse("admin:index"))
        return super().response_change(request, obj)


# --- People ------------------------------------------------------------------------------------------


class LidmaatschapInline(admin.TabularInline):
    model = Lidmaatschap
    extra = 0
    autocomplete_fields = ["user", "partner"]
    fields = ["partner", "user", "rol", "aangemaakt_op"]
    readonly_fields = ["aangemaakt_op"]


class PartnerLidmaatschapInline(LidmaatschapInline):
    fields = ["user", "rol", "aangemaakt_op"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class UserLidmaatschapInline(LidmaatschapInline):
    fields = ["partner", "rol", "aangemaakt_op"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


class GemeentetoegangInline(admin.TabularInline):
    model = Gemeentetoegang
    extra = 0
    autocomplete_fields = ["gemeente"]
    fields = ["gemeente", "aangemaakt_op"]
    readonly_fields = ["aangemaakt_op"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("gemeente")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "naam")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this e-mail address."))
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already an account with this e-mail address."))
        return email


class CoordinatorFilter(admin.SimpleListFilter):
    title = _("coordinator")
    parameter_name = "coordinator"

    def lookups(self, request, model_admin):
        return [("ja", _("Yes")), ("nee", _("No"))]

    def queryset(self, request, queryset):
        is_coordinator = Q(is_active=True, is_staff=True) & (
            Q(is_superuser=True) | Q(groups__name=COORDINATOR_GROUP)
        )
        ids = User.objects.filter(is_coordinator).values("pk")
        if self.value() == "ja":
            return queryset.filter(pk__in=ids)
        if self.value() == "nee":
            return queryset.exclude(pk__in=ids)
        return queryset


class RolFilter(admin.SimpleListFilter):
    title = _("works for")
    parameter_name = "werkt_voor"

    def lookups(self, request, model_admin):
        return [("partner", _("A partner")), ("gemeente", _("A gemeente")), ("geen", _("Nobody"))]

    def queryset(self, request, queryset):
        partner = Exists(Lidmaatschap.objects.filter(user=OuterRef("pk")))
        gemeente = Exists(Gemeentetoegang.objects.filter(user=OuterRef("pk")))
        if self.value() == "partner":
            return queryset.filter(partner)
        if self.value() == "gemeente":
            return queryset.filter(gemeente)
        if self.value() == "geen":
            return queryset.filter(~partner & ~gemeente)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ["email", "naam", "partner_lijst", "is_staff", "is_active", "last_login"]
    list_filter = [CoordinatorFilter, RolFilter, "is_staff", "is_active", "is_superuser", "groups"]
    search_fields = ["email", "naam", "lidmaatschappen__partner__naam"]
    ordering = ["email"]
    date_hierarchy = "date_joined"
    filter_horizontal = ["groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [UserLidmaatschapInline, GemeentetoegangInline]
    actions = ["deactiveren"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["naam"]}),
        (
            _("Permissions"),
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
                "description": _(
                    "A coordinator is a staff member in the group “Coördinatoren”. Partner staff and "
                    "municipality staff need neither: they get a membership or access below."
                ),
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "naam", "usable_password", "password1", "password2"],
                "description": _(
                    "Usually you invite people instead, so they choose their own password. "
                    "Create an account here only when an invitation does not fit."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lidmaatschappen__partner")

    @admin.display(description=_("partners"))
    def partner_lijst(self, obj: User) -> str:
        return ", ".join(lid.partner.naam for lid in obj.lidmaatschappen.all())

    @admin.action(
        description=_("Deactivate the selected accounts (they can no longer log in)"), permissions=["change"]
    )
    def deactiveren(self, request, queryset):
        # Accounts are deactivated, not deleted, so what they registered keeps its author.
        queryset = queryset.exclude(pk=request.user.pk)
        if not request.user.is_superuser:
            queryset = queryset.exclude(is_superuser=True)
        n = queryset.update(is_active=False)
        self.message_user(
            request, ngettext("%(n)d account deactivated.", "%(n)d accounts deactivated.", n) % {"n": n}
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Nobody grants more than they have: only superusers make superusers or hand out permissions.
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # a coordinator cannot take over a superuser's account
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups" and request is not None and not request.user.is_superuser:
            # Only groups whose permissions the coordinator has themselves.
            own = Permission.objects.filter(Q(group__user=request.user) | Q(user=request.user))
            too_much = Permission.objects.exclude(pk__in=own.values("pk"))
            kwargs["queryset"] = Group.objects.exclude(permissions__in=too_much)
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


# --- Partners ----------------------------------------------------------------------------------------


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["naam", "soort", "vertrouwd", "actief", "aantal_leden", "aantal_aanbod", "email"]
    list_filter = ["soort", "vertrouwd", "actief"]
    search_fields = ["naam", "email", "korte_beschrijving"]
    prepopulated_fields = {"slug": ["naam"]}
    autocomplete_fields = ["werkgebied"]
    readonly_fields = ["aangemaakt_op", "bijgewerkt_op"]
    date_hierarchy = "aangemaakt_op"
    inlines = [PartnerLidmaatschapInline]
    actions = ["markeer_vertrouwd", "markeer_niet_vertrouwd"]
    fieldsets = [
        (None, {"fields": ["naam", "slug", "soort", "korte_beschrijving", "beschrijving", "logo"]}),
        (_("Contact"), {"fields": ["email", "telefoon", "website", "adres"]}),
        (_("Werkgebied"), {"fields": ["werkgebied"]}),
        (
            _("Moderation"),
            {"fields": ["vertrouwd", "actief", "aangemaakt_op", "bijgewerkt_op"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_leden=Count("lidmaatschappen", distinct=True), _aanbod=Count("aanbod", distinct=True))
        )

    @admin.display(description=_("members"), ordering="_leden")
    def aantal_leden(self, obj: Partner) -> int:
        return obj._leden

    @admin.display(description=_("aanbod"), ordering="_aanbod")
    def aantal_aanbod(self, obj: Partner) -> int:
        return obj._aanbod

    @admin.action(description=_("Trust the selected partners (publish without moderation)"))
    def markeer_vertrouwd(self, request, queryset):
        n = queryset.update(vertrouwd=True)
        self.message_user(request, _("%(n)d partners are now trusted.") % {"n": n})

    @admin.action(description=_("Stop trusting the selected partners (moderate their aanbod)"))
    def markeer_niet_vertrouwd(self, request, queryset):
        n = queryset.update(vertrouwd=False)
        self.message_user(request, _("The aanbod of %(n)d partners is moderated again.") % {"n": n})


@admin.register(Lidmaatschap)
class LidmaatschapAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "rol", "aangemaakt_op"]
    list_filter = ["rol", ("partner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__naam", "partner__naam"]
    autocomplete_fields = ["user", "partner"]
    list_select_related = ["user", "partner"]
    date_hierarchy = "aangemaakt_op"


@admin.register(Gemeentetoegang)
class GemeentetoegangAdmin(admin.ModelAdmin):
    list_display = ["user", "gemeente", "aangemaakt_op"]
    list_filter = [("gemeente", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__naam", "gemeente__naam"]
    autocomplete_fields = ["user", "gemeente"]
    list_select_related = ["user", "gemeente"]
    date_hierarchy = "aangemaakt_op"


from . import admin_uitnodigingen  # noqa: E402,F401
