"""Forms for registering for an activity and changing a registration."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from aanbod.models import MAX_LEEFTIJD, Activiteit, Inschrijving
from aanbod.services.inschrijvingen import regels

# A number input beyond this many persons: a select of 1…N is easier on a phone up to here.
MAX_SELECT = 12

telefoon_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{6,30}$",
    _("Enter a phone number with digits only, for example 0470 12 34 56."),
)


def _personen_field(maximum: int, *, label) -> forms.IntegerField:
    if maximum <= MAX_SELECT:
        widget = forms.Select(choices=[(n, n) for n in range(1, maximum + 1)])
    else:
        widget = forms.NumberInput(attrs={"min": 1, "max": maximum, "inputmode": "numeric"})
    return forms.IntegerField(
        label=label,
        initial=1,
        widget=widget,
        error_messages={"invalid": _("Enter a number of persons.")},
    )


class _PersonenMixin:
    def clean_aantal_personen(self) -> int:
        aantal = self.cleaned_data["aantal_personen"]
        maximum = self.maximum
        if not 1 <= aantal <= maximum:
            raise forms.ValidationError(
                _("Choose between 1 and %(max)d persons."), code="aantal", params={"max": maximum}
            )
        return aantal


class InschrijvingForm(_PersonenMixin, forms.Form):
    naam = forms.CharField(
        label=_("Your name"),
        max_length=Inschrijving._meta.get_field("naam").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send your confirmation and a reminder to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    telefoon = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=30,
        validators=[telefoon_validator],
        help_text=_("Only to reach you if something changes at the last minute."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    postcode = forms.CharField(
        label=_("Your postcode (optional)"),
        required=False,
        max_length=4,
        help_text=_("Only for figures on which gemeenten we reach. We use it for nothing else."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 4}),
    )

    def __init__(self, *args, activiteit: Activiteit, **kwargs):
        super().__init__(*args, **kwargs)
        self.activiteit = activiteit
        self.maximum = activiteit.max_personen_per_inschrijving
        self.fields["aantal_personen"] = _personen_field(
            self.maximum, label=_("How many persons are coming?")
        )
        self.fields["aantal_personen"].help_text = _(
            "Count yourself too. At most %(max)d per registration."
        ) % {"max": activiteit.max_personen_per_inschrijving}
        self.opening = regels.inschrijven_opening(activiteit)
        if self.opening.alleen_inwoners:
            # Priority for residents: the postcode decides who may register now, so it is required.
            veld = self.fields["postcode"]
            veld.required = True
            veld.label = _("Your postcode")
            params = {"gemeenten": self.opening.gemeenten, "datum": self.opening.iedereen_label}
            veld.help_text = (
                _("Until %(datum)s only residents of %(gemeenten)s can register. We check your postcode.")
                % params
            )
            veld.error_messages["required"] = (
                _("Until %(datum)s only residents of %(gemeenten)s can register: enter your postcode.")
                % params
            )
        if regels.leeftijd_gevraagd(activiteit):
            aanbod = activiteit.aanbod
            self.fields["leeftijd"] = forms.IntegerField(
                label=_("Your child's age (in years)"),
                help_text=_(
                    "This is for children from %(van)d to %(tot)d years old. We only check the age: "
                    "we do not keep it."
                )
                % {"van": aanbod.leeftijd_van, "tot": aanbod.leeftijd_tot},
                error_messages={
                    "required": _("Enter your child's age in years."),
                    "invalid": _("Enter your child's age in years, as a number."),
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_LEEFTIJD}),
            )

    def clean_postcode(self) -> str:
        postcode = regels.postcode_clean(self.cleaned_data.get("postcode", ""))
        regels.voorrang_check(self.activiteit, postcode=postcode, nu=self.opening.nu)
        return postcode

    def clean_leeftijd(self) -> int:
        leeftijd = self.cleaned_data["leeftijd"]
        regels.leeftijd_check(self.activiteit, leeftijd=leeftijd)
        return leeftijd

    def clean_naam(self) -> str:
        naam = " ".join(self.cleaned_data["naam"].split())
        if not naam:
            raise forms.ValidationError(_("Enter your name."), code="required")
        return naam


class InschrijvingWijzigenForm(_PersonenMixin, forms.Form):
    """`maximum`: the most persons this registration may have now (the service checks again)."""

    def __init__(self, *args, activiteit: Activiteit, maximum: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activiteit = activiteit
        self.maximum = maximum or activiteit.max_personen_per_inschrijving
        self.fields["aantal_personen"] = _personen_field(self.maximum, label=_("Number of persons"))
