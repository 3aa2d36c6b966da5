"""Forms for registering for an activity and changing a registration."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from aanbod.models import Activiteit, Inschrijving

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
