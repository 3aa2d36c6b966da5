"""Invitations in the admin: a coordinator invites anyone, for a partner (with a role) or for a gemeente's
reports. The add form calls partners.services.uitnodiging_create, which mails the link; the token itself
is never shown or stored (only its hash). Imported at the end of partners/admin.py.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Gemeente, Lidmaatschap, Partner, Uitnodiging


class UitnodigingAddForm(forms.ModelForm):
    class Meta:
        model = Uitnodiging
        fields = ["email", "partner", "rol", "gemeente"]
        help_texts = {
            "partner": _("For staff of a partner organisation."),
            "gemeente": _("For municipality staff who read the anonymous reports of this gemeente."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.order_by("naam")
        self.fields["gemeente"].queryset = Gemeente.objects.order_by("naam")

    def clean(self):
        data = super().clean()
        if bool(data.get("partner")) == bool(data.get("gemeente")):
            raise ValidationError(_("Choose a partner or a gemeente (one of the two)."))
        if data.get("email"):
            services.uitnodiging_validate(
                email=data["email"], partner=data.get("partner"), gemeente=data.get("gemeente")
            )
        return data

    def _post_clean(self):
        # The invitation is built by the service (token, expiry); nothing to validate on the instance here.
        pass


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "staat"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("gebruikt", _("Used")), ("verlopen", _("Expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "open":
            return queryset.filter(gebruikt_op__isnull=True, verloopt_op__gt=now)
        if self.value() == "gebruikt":
            return queryset.filter(gebruikt_op__isnull=False)
        if self.value() == "verlopen":
            return queryset.filter(gebruikt_op__isnull=True, verloopt_op__lte=now)
        return queryset


@admin.register(Uitnodiging)
class UitnodigingAdmin(admin.ModelAdmin):
    list_display = ["email", "voor", "rol", "staat", "aangemaakt_door", "aangemaakt_op", "verloopt_op"]
    list_filter = [OpenFilter, "rol"]
    search_fields = ["email", "partner__naam", "gemeente__naam"]
    list_select_related = ["partner", "gemeente", "aangemaakt_door"]
    readonly_fields = [
        "email",
        "partner",
        "rol",
        "gemeente",
        "aangemaakt_door",
        "aangemaakt_op",
        "verloopt_op",
        "gebruikt_op",
    ]
    actions = ["opnieuw_versturen", "intrekken"]
    date_hierarchy = "aangemaakt_op"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = UitnodigingAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "partner", "rol", "gemeente"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description=_("for"))
    def voor(self, obj: Uitnodiging) -> str:
        return str(obj.partner or obj.gemeente)

    @admin.display(description=_("state"))
    def staat(self, obj: Uitnodiging) -> str:
        if obj.gebruikt_op:
            return str(_("Used"))
        return str(_("Open")) if obj.is_open else str(_("Expired"))

    def save_model(self, request, obj, form, change):
        """Create the invitation through the service (token, expiry, mail after commit)."""
        uitnodiging, _token = services.uitnodiging_create(
            email=form.cleaned_data["email"],
            partner=form.cleaned_data.get("partner"),
            rol=form.cleaned_data.get("rol") or Lidmaatschap.Rol.MEDEWERKER,
            gemeente=form.cleaned_data.get("gemeente"),
            door=request.user,
            taal=getattr(request, "LANGUAGE_CODE", None),
        )
        for field in Uitnodiging._meta.concrete_fields:
            setattr(obj, field.attname, getattr(uitnodiging, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # no inlines or many-to-many

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("The invitation is sent to %(email)s. The link works for %(days)d days.")
            % {"email": obj.email, "days": settings.INVITATION_DAYS},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:partners_uitnodiging_changelist"))

    @admin.action(description=_("Send a new invitation (a new link) to the selected addresses"))
    def opnieuw_versturen(self, request, queryset):
        sent = 0
        for oud in queryset.filter(gebruikt_op__isnull=True):
            try:
                services.uitnodiging_create(
                    email=oud.email,
                    partner=oud.partner,
                    rol=oud.rol,
                    gemeente=oud.gemeente,
                    door=request.user,
                    taal=getattr(request, "LANGUAGE_CODE", None),
                )
            except ValidationError as exc:
                self.message_user(request, f"{oud.email}: {' '.join(exc.messages)}", messages.WARNING)
            else:
                sent += 1
        self.message_user(
            request,
            ngettext("%(n)d invitation sent.", "%(n)d invitations sent.", sent) % {"n": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the selected invitations"))
    def intrekken(self, request, queryset):
        n = 0
        for uitnodiging in queryset:
            if uitnodiging.is_open:
                services.uitnodiging_revoke(uitnodiging=uitnodiging, door=request.user)
                n += 1
        self.message_user(
            request,
            ngettext("%(n)d invitation withdrawn.", "%(n)d invitations withdrawn.", n) % {"n": n},
            messages.SUCCESS,
        )
