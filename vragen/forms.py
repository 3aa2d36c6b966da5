"""Forms of the vragen app: quick registration, the parent's question and pickup, answers, signals."""

import re
import secrets
from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from aanbod.models import Thema
from partners.models import Gemeente, Partner

from . import codes
from .models import Kanaal, Leeftijdsband, Signaal, Vraag, Vraagsteller

_POSTCODE = re.compile(r"\b([1-9]\d{3})\b")

# The session key under which quick registration remembers the previous entry's choices.
SESSION_DEFAULTS = "vragen_registratie"

# How far back a staff member may date a registration (a phone call of last week, not of last year).
MAX_DAYS_BACK = 90


def resolve_gemeente(text: str) -> tuple[Gemeente | None, list[Gemeente]]:
    """Find the gemeente someone typed: a postcode, a name (any case or accents), or "9000 Gent".

    Returns (the gemeente, []) when there is exactly one, else (None, up to 8 candidates).
    """
    text = (text or "").strip()
    if not text:
        return None, []
    postcode = _POSTCODE.search(text)
    name = slugify(_POSTCODE.sub(" ", text))
    if postcode:
        found = list(Gemeente.objects.voor_postcode(postcode.group(1)).distinct())
        if name and len(found) > 1:
            found = [
                g for g in found if g.slug.startswith(name) or slugify(g.naam_fr).startswith(name)
            ] or found
        if len(found) == 1:
            return found[0], []
        if found:
            return None, found[:8]
    if not name:
        return None, []
    exact = list(Gemeente.objects.filter(Q(slug=name) | Q(naam_fr__iexact=text)))
    if len(exact) == 1:
        return exact[0], []
    starting = list(Gemeente.objects.filter(Q(slug__startswith=name) | Q(naam_fr__istartswith=text))[:9])
    if len(starting) == 1:
        return starting[0], []
    return None, (exact or starting)[:8]


def gemeente_opties():
    """The names offered as type-ahead (a <datalist>): the network's werkgebied, with postcodes."""
    return Gemeente.objects.werkgebied().prefetch_related("postcodes").order_by("naam")


class GemeenteInput(forms.TextInput):
    """A text input that brings its own <datalist> of gemeenten (for pages that do not add one)."""

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"gemeenten-{name}"
        self.attrs["list"] = list_id
        html = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((g.naam, " ".join(p.code for p in g.postcodes.all())) for g in gemeente_opties()),
        )
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


class GemeenteField(forms.CharField):
    """A text field that takes a gemeente's name or postcode and cleans to a Gemeente."""

    default_error_messages = {
        "unknown": _("We do not know this gemeente or postcode. Check the spelling, or type the postcode."),
        "ambiguous": _("Several gemeenten match. Did you mean %(options)s?"),
    }

    def __init__(self, **kwargs):
        attrs = {"list": "gemeenten", "autocomplete": "off", "spellcheck": "false", "autocapitalize": "words"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)
        # No max_length validator: it would run on the cleaned Gemeente. The input is capped instead.
        self.widget.attrs.setdefault("maxlength", "100")

    def prepare_value(self, value):
        if isinstance(value, Gemeente):
            return value.naam
        if isinstance(value, int):
            gemeente = Gemeente.objects.filter(pk=value).first()
            return gemeente.naam if gemeente else ""
        return value

    def to_python(self, value):
        if isinstance(value, Gemeente):
            return value
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > 100:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        gemeente, candidates = resolve_gemeente(text)
        if gemeente:
            return gemeente
        if candidates:
            options = ", ".join(g.naam for g in candidates)
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"options": options}
            )
        raise forms.ValidationError(self.error_messages["unknown"], code="unknown")


class ThemaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


def _themas():
    return Thema.objects.filter(actief=True).order_by("naam")


class VraagRegistratieForm(forms.Form):
    """Quick registration of one question at the desk or on the phone: keyboard first, under 15 seconds.

    Selects jump by typing the first letters; the gemeente takes a name or a postcode.
    """

    gemeente = GemeenteField(label=_("Gemeente"), help_text=_("Name or postcode."))
    thema = ThemaChoiceField(queryset=_themas(), label=_("Thema"), empty_label="—")
    ook_thema = ThemaChoiceField(
        queryset=_themas(), label=_("Also about (optional)"), required=False, empty_label="—"
    )
    leeftijdsband = forms.ChoiceField(label=_("Child's age"), choices=Leeftijdsband.choices)
    vraagsteller = forms.ChoiceField(label=_("Asked by"), choices=Vraagsteller.choices)
    kanaal = forms.ChoiceField(label=_("Channel"), choices=Kanaal.choices)
    doorverwezen_naar = forms.ModelChoiceField(
        queryset=Partner.objects.none(), label=_("Referred to"), required=False, empty_label=_("Not referred")
    )
    datum = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    geregistreerd_bij = forms.ModelChoiceField(
        queryset=Partner.objects.none(), label=_("Registered at"), required=False
    )

    # What the next registration starts from (kept in the session).
    REMEMBERED = ("gemeente", "leeftijdsband", "vraagsteller", "kanaal", "geregistreerd_bij")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["thema"].queryset = _themas()
        self.fields["ook_thema"].queryset = _themas()
        self.fields["doorverwezen_naar"].queryset = Partner.objects.actief()
        self.fields["datum"].initial = timezone.localdate
        self.fields["kanaal"].initial = Kanaal.PERSOONLIJK
        self.fields["leeftijdsband"].initial = Leeftijdsband.ONBEKEND
        self.fields["vraagsteller"].initial = Vraagsteller.OUDER
        eigen = Partner.objects.in_scope() if not user.is_coordinator else Partner.objects.actief()
        field = self.fields["geregistreerd_bij"]
        field.queryset = eigen
        self.enige_partner = None
        if not user.is_coordinator:
            mine = list(eigen.distinct()[:2])
            field.required = len(mine) != 1
            field.empty_label = None
            if len(mine) == 1:
                # One organisation: nothing to choose.
                self.enige_partner = mine[0]
                field.initial = mine[0].pk
                field.widget = forms.HiddenInput()
        else:
            field.empty_label = _("(the network)")

    @staticmethod
    def default_gemeente(user) -> Gemeente | None:
        """Where most questions of this user come from: the one gemeente of their partner's werkgebied, or
        of the network's; None when there are several."""
        eigen = list(Gemeente.objects.filter(partners__in=Partner.objects.in_scope()).distinct()[:2])
        if len(eigen) == 1 and not user.is_coordinator:
            return eigen[0]
        netwerk = list(Gemeente.objects.filter(netwerken__isnull=False).distinct()[:2])
        return netwerk[0] if len(netwerk) == 1 else None

    def clean_geregistreerd_bij(self):
        return self.cleaned_data.get("geregistreerd_bij") or self.enige_partner

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        today = timezone.localdate()
        if datum > today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        if datum < today - timedelta(days=MAX_DAYS_BACK):
            raise forms.ValidationError(
                _("Register questions of the last %(days)s days only."), params={"days": MAX_DAYS_BACK}
            )
        return datum

    def themas(self) -> list[Thema]:
        themas = [self.cleaned_data["thema"]]
        ook = self.cleaned_data.get("ook_thema")
        if ook and ook not in themas:
            themas.append(ook)
        return themas

    def vraag_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "gemeente": data["gemeente"],
            "leeftijdsband": data["leeftijdsband"],
            "vraagsteller": data["vraagsteller"],
            "kanaal": data["kanaal"],
            "datum": data["datum"],
            "doorverwezen_naar": data.get("doorverwezen_naar"),
            "geregistreerd_bij": data.get("geregistreerd_bij"),
        }

    def remembered(self) -> dict:
        """The values to start the next registration from, as session-safe primitives."""
        data = self.cleaned_data
        return {
            "gemeente": data["gemeente"].pk,
            "leeftijdsband": data["leeftijdsband"],
            "vraagsteller": data["vraagsteller"],
            "kanaal": data["kanaal"],
            "geregistreerd_bij": data["geregistreerd_bij"].pk if data.get("geregistreerd_bij") else None,
        }

    @staticmethod
    def initial_for(vraag: Vraag) -> dict:
        themas = list(vraag.themas.order_by("naam"))
        return {
            "gemeente": vraag.gemeente,
            "thema": themas[0].pk if themas else None,
            "ook_thema": themas[1].pk if len(themas) > 1 else None,
            "leeftijdsband": vraag.leeftijdsband,
            "vraagsteller": vraag.vraagsteller,
            "kanaal": vraag.kanaal,
            "datum": vraag.datum,
            "doorverwezen_naar": vraag.doorverwezen_naar_id,
            "geregistreerd_bij": vraag.geregistreerd_bij_id,
        }


class VraagStellenForm(forms.Form):
    """A parent's anonymous question. Deliberately no field for a name, e-mail address or phone."""

    gemeente = GemeenteField(
        label=_("Where do you live?"),
        help_text=_("Your gemeente or postcode, so we can point you to help nearby."),
    )
    thema = ThemaChoiceField(
        queryset=_themas(),
        label=_("What is your question about?"),
        required=False,
        empty_label=_("I am not sure / something else"),
    )
    leeftijdsband = forms.ChoiceField(
        label=_("How old is your child?"), choices=Leeftijdsband.choices, initial=Leeftijdsband.ONBEKEND
    )
    tekst = forms.CharField(
        label=_("Your question"),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "Write it in your own words, in any language. Please do not write your name, "
            "address or phone number: we do not need them."
        ),
    )
    # A honeypot: invisible to people, filled in by form-filling robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # A one-time token: sending the same form twice (a reload) asks only once.
    eenmalig = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thema"].queryset = _themas()
        if not self.is_bound:
            self.initial.setdefault("eenmalig", secrets.token_urlsafe(16))

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean(self):
        data = super().clean()
        if self.is_robot:
            raise forms.ValidationError(_("Please leave the field “Leave this field empty” empty."))
        return data

    def themas(self) -> list[Thema]:
        thema = self.cleaned_data.get("thema")
        return [thema] if thema else []


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your pickup code"),
        max_length=40,
        help_text=_("The 12 characters you wrote down, for example 7KQ2-M9XD-4T0B."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if codes.normalise(code) is None:
            raise forms.ValidationError(
                _("A pickup code has 12 letters and digits, like 7KQ2-M9XD-4T0B. Check what you typed.")
            )
        return code


class VervolgForm(forms.Form):
    """The parent's follow-up; the code comes along in a hidden field, never in the address."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    tekst = forms.CharField(
        label=_("Ask a follow-up question"),
        min_length=2,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Please do not write your name, address or phone number."),
    )


class AntwoordForm(forms.Form):
    tekst = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The parent reads this with their pickup code. Write plainly; point to aanbod or a "
            "partner where that helps."
        ),
    )
    sluiten = forms.BooleanField(label=_("Close the conversation (no follow-up questions)"), required=False)


class SignaalForm(forms.ModelForm):
    gemeente = GemeenteField(label=_("Gemeente"), help_text=_("Name or postcode."))
    thema = ThemaChoiceField(queryset=_themas(), label=_("Thema"))

    class Meta:
        model = Signaal
        fields = ["gemeente", "thema", "titel", "tekst", "bron_partner"]
        help_texts = {
            "titel": _("In a few words: a gap, a waiting list, a need that grows."),
            "tekst": _(
                "What do you see, since when, how often? Never write names or details that could "
                "identify a family."
            ),
        }
        widgets = {"tekst": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thema"].queryset = _themas()
        field = self.fields["bron_partner"]
        if user.is_coordinator:
            field.queryset = Partner.objects.actief()
            field.required = False
        else:
            field.queryset = Partner.objects.in_scope()
            field.required = True
            field.empty_label = None


class PeriodeForm(forms.Form):
    """A report's year on the publication grid: ?jaar=2025 (the older ?van=…&tot=… is taken as the
    year of `tot`), and ?kwartaal=1-4 for the quarter of the aanbod table."""

    jaar = forms.CharField(
        label=_("Year"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2025", "size": "6"}),
    )
    kwartaal = forms.TypedChoiceField(
        choices=[("", "")] + [(str(q), str(q)) for q in range(1, 5)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.HiddenInput,
    )
    van = forms.CharField(required=False, widget=forms.HiddenInput)
    tot = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        from .rapporten.periode import Periode, PeriodeError

        data = super().clean()
        try:
            data["periode"] = Periode.from_query(data.get("jaar"), data.get("van"), data.get("tot"))
        except PeriodeError as error:
            raise forms.ValidationError(str(error)) from None
        return data
