"""Forms of the spelotheek: the catalogue's filters (public) and the counter's forms (staff)."""

import re
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aanbod.filters import LeeftijdField, leeftijd_choices
from aanbod.models import Levensfase
from aanbod.search import clean_query
from partners.models import Partner

from .models import Categorie, Lid, Speelgoed, Uitlening

# A label's QR code holds the public URL of the toy; the counter accepts it as well as the typed code.
_URL_PK = re.compile(r"/spelotheek/(\d+)/?$")


class CatalogusFilter(forms.Form):
    """The catalogue's filters. An invalid value is ignored (and said), never an error page."""

    q = forms.CharField(
        label=_("Search words"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search", "autocomplete": "off"}),
    )
    leeftijd = LeeftijdField(label=_("Age of your child"), required=False)
    categorie = forms.ChoiceField(label=_("Category"), required=False)
    spelotheek = forms.ChoiceField(label=_("Toy library"), required=False)
    beschikbaar = forms.BooleanField(label=_("Available now"), required=False)

    def __init__(self, *args, spelotheken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leeftijd"].widget.choices = leeftijd_choices()
        self.fields["categorie"].choices = [("", _("All categories")), *Categorie.choices]
        self.fields["spelotheek"].choices = [("", _("All toy libraries"))] + [
            (p.slug, p.naam) for p in spelotheken
        ]

    def value(self, name):
        """The cleaned value of a field, or None when it was empty or invalid (invalid ones are ignored)."""
        if not self.is_bound:
            return None
        self.is_valid()
        if name in self.errors:
            return None
        return self.cleaned_data.get(name) or None

    def apply(self, queryset):
        q = self.value("q")
        if q:
            q = clean_query(q)
            queryset = queryset.filter(
                Q(naam__icontains=q) | Q(beschrijving__icontains=q) | Q(code__iexact=q)
            )
        leeftijd = self.value("leeftijd")
        if leeftijd == Levensfase.AANSTAAND:
            queryset = queryset.filter(leeftijd_van=0)
        elif isinstance(leeftijd, Levensfase):
            low, high = leeftijd.leeftijden
            queryset = queryset.filter(leeftijd_van__lt=high, leeftijd_tot__gte=low)
        elif leeftijd is not None:
            queryset = queryset.filter(leeftijd_van__lte=leeftijd, leeftijd_tot__gte=leeftijd)
        if categorie := self.value("categorie"):
            queryset = queryset.filter(categorie=categorie)
        if spelotheek := self.value("spelotheek"):
            queryset = queryset.filter(partner__slug=spelotheek)
        if self.value("beschikbaar"):
            queryset = queryset.filter(status=Speelgoed.Status.BESCHIKBAAR)
        return queryset

    def active(self) -> list[tuple[str, str]]:
        """(parameter, label) of each filter in use, for ‘remove this filter’ links."""
        labels = []
        for name in ("q", "leeftijd", "categorie", "spelotheek", "beschikbaar"):
            value = self.value(name)
            if value is None:
                continue
            if name == "q":
                text = f"“{value}”"
            elif name == "beschikbaar":
                text = str(self.fields[name].label)
            else:
                flat = []
                for key, label in self.fields[name].widget.choices:
                    flat += label if isinstance(label, list | tuple) else [(key, label)]
                text = str(dict((str(k), v) for k, v in flat).get(str(self.data.get(name)), value))
            labels.append((name, text))
        return labels


class LidnummerForm(forms.Form):
    lidnummer = forms.CharField(
        label=_("Member number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


# --- The counter ---------------------------------------------------------------------------------------


def speelgoed_for_code(partner: Partner, value: str) -> Speelgoed | None:
    """The partner's toy with this code, or the one a scanned label's URL points to."""
    value = value.strip()
    match = _URL_PK.search(value)
    queryset = Speelgoed.objects.filter(partner=partner)
    if match:
        return queryset.filter(pk=int(match.group(1))).first()
    return queryset.filter(code__iexact=value).first()


class UitleenForm(forms.Form):
    """Lend: the member's number and the toy's code (typed, or filled in by the camera)."""

    lidnummer = forms.CharField(
        label=_("Member number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=_("Item code"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "data-scan": ""}
        ),
    )

    def __init__(self, *args, partner: Partner, **kwargs):
        self.partner = partner
        super().__init__(*args, **kwargs)

    def clean_lidnummer(self):
        lid = Lid.objects.filter(
            partner=self.partner, lidnummer=self.cleaned_data["lidnummer"].strip()
        ).first()
        if lid is None:
            raise forms.ValidationError(_("No member with this number."), code="unknown")
        return lid

    def clean_code(self):
        speelgoed = speelgoed_for_code(self.partner, self.cleaned_data["code"])
        if speelgoed is None:
            raise forms.ValidationError(_("No item with this code."), code="unknown")
        return speelgoed


class CodeForm(forms.Form):
    """The counter's return box (its own ids: it shares the page with the lend form)."""

    code = forms.CharField(
        label=_("Item code"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "data-scan": ""}
        ),
    )

    def __init__(self, *args, partner: Partner, **kwargs):
        self.partner = partner
        kwargs.setdefault("auto_id", "terug_%s")
        super().__init__(*args, **kwargs)

    def clean_code(self):
        speelgoed = speelgoed_for_code(self.partner, self.cleaned_data["code"])
        if speelgoed is None:
            raise forms.ValidationError(_("No item with this code."), code="unknown")
        return speelgoed


class TerugbrengForm(forms.Form):
    controle = forms.ChoiceField(
        label=_("Pieces check"),
        choices=Uitlening.Controle.choices,
        widget=forms.RadioSelect,
        initial="compleet",
    )
    ontbrekende_stukken = forms.IntegerField(
        label=_("Pieces missing"), min_value=0, max_value=999, required=False
    )
    opmerking = forms.CharField(label=_("Note"), max_length=250, required=False)

    def clean(self):
        data = super().clean()
        if data.get("controle") == Uitlening.Controle.ONTBREKEN and not data.get("ontbrekende_stukken"):
            self.add_error("ontbrekende_stukken", _("Say how many pieces are missing."))
        return data


class LidForm(forms.Form):
    naam = forms.CharField(label=_("Household name"), max_length=120)
    email = forms.EmailField(label=_("E-mail"), required=False)
    telefoon = forms.CharField(label=_("Phone"), max_length=30, required=False)
    postcode = forms.RegexField(
        label=_("Postcode"),
        regex=r"^[1-9][0-9]{3}$",
        required=False,
        help_text=_("Only for anonymous figures per municipality."),
    )
    bijdrage = forms.DecimalField(
        label=_("Fee paid (€)"), min_value=0, max_digits=6, decimal_places=2, initial=Decimal(5)
    )
    kansentarief = forms.BooleanField(label=_("Kansentarief"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("telefoon"):
            raise forms.ValidationError(_("Give an e-mail address or a phone number."), code="contact")
        return data


class BetalingForm(forms.Form):
    bedrag = forms.DecimalField(label=_("Fee paid (€)"), min_value=0, max_digits=6, decimal_places=2)
    kansentarief = forms.BooleanField(label=_("Kansentarief"), required=False)
