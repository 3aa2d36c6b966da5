"""Forms of the partners' portal: aanbod, activities (one or a weekly series), opening hours, locations,
cancelling an activity and marking attendance.

Dates and times are asked separately (a date picker and time pickers work well on a phone) and combined
in the network's time zone, so 19:00 stays 19:00 whatever the season.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aanbod.models import Aanbod, Activiteit, Doelgroep, Locatie, Openingsuur, Taal, Thema
from aanbod.services.activiteiten import MAX_WEKEN, local_moment, weekly_dates
from aanbod.services.inschrijvingen import inschrijfregels_validate
from partners.forms import ImageUploadField
from partners.models import Gemeente, Partner


def needs_place(field: forms.Field) -> None:
    """A location is needed unless the activity is online: not "(optional)", and the form says when."""
    field.required = False
    field.show_optional = False
    field.help_text = _("Needed, unless the activity takes place online.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def unique_slug(titel: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(titel)[:150] or "aanbod"
    slug, n = base, 2
    # Slugs are one URL space for every partner: whether one is taken is looked up past the scope.
    qs = Aanbod._base_manager.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class AanbodForm(forms.ModelForm):
    afbeelding = ImageUploadField(label=_("Picture"), required=False)
    doelgroepen = forms.MultipleChoiceField(
        label=_("Who is it for?"),
        choices=Doelgroep.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Aanbod
        fields = [
            "titel",
            "soort",
            "samenvatting",
            "beschrijving",
            "afbeelding",
            "themas",
            "doelgroepen",
            "aanstaande_ouders",
            "leeftijd_van",
            "leeftijd_tot",
            "gemeenten",
            "locaties",
            "talen",
            "kosten",
            "prijs",
            "kansentarief",
            "kosten_toelichting",
            "inschrijving_nodig",
            "contact_email",
            "contact_telefoon",
            "website",
        ]
        widgets = {
            "beschrijving": forms.Textarea(attrs={"rows": 8}),
            "samenvatting": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "themas": forms.CheckboxSelectMultiple,
            "gemeenten": forms.CheckboxSelectMultiple,
            "locaties": forms.CheckboxSelectMultiple,
            "talen": forms.CheckboxSelectMultiple,
            "kosten": forms.RadioSelect,
        }
        help_texts = {
            "leeftijd_van": _("Leave both ages empty when it is for parents of children of every age."),
        }

    def __init__(self, *args, user, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["themas"].queryset = Thema.objects.filter(actief=True)
        self.fields["talen"].queryset = Taal.objects.all()
        self.fields["gemeenten"].queryset = Gemeente.objects.werkgebied()
        # The partner scope holds its own locations and the shared ones: what one may pick.
        self.fields["locaties"].queryset = Locatie.objects.select_related("gemeente")
        self.fields["locaties"].help_text = _("Add a new location under “Locations” in the menu.")
        self.fields["prijs"].widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0"})
        for name in ("leeftijd_van", "leeftijd_tot"):
            self.fields[name].widget.attrs.update({"min": "0", "max": "25", "inputmode": "numeric"})
        self.fields["contact_telefoon"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        _add_partner_choice(self, partners)

    def clean(self):
        data = super().clean()
        van, tot = data.get("leeftijd_van"), data.get("leeftijd_tot")
        if (van is None) != (tot is None):
            self.add_error(
                "leeftijd_tot" if tot is None else "leeftijd_van", _("Fill in both ages, or neither.")
            )
        elif van is not None and van > tot:
            self.add_error("leeftijd_tot", _("The age range must run from low to high."))
        if data.get("kosten") == Aanbod.Kosten.BETALEND and data.get("prijs") is None:
            self.add_error("prijs", _("A paid aanbod needs a price."))
        if data.get("kosten") == Aanbod.Kosten.GRATIS:
            data["prijs"] = None
        return data

    def _post_clean(self):
        # The slug is set by the view; skip the model's unique check on it until then.
        if not self.instance.slug:
            self.instance.slug = unique_slug(self.cleaned_data.get("titel") or "")
        super()._post_clean()


# The registration rules' moments (aanbod.models.Inschrijfregels): the model field, the label, the time
# when only a date is given, and the help text.
REGEL_MOMENTEN = (
    (
        "inschrijven_inwoners_vanaf",
        _("Residents may register from (optional)"),
        dt.time(0, 0),
        _(
            "Priority for residents: families whose postcode is in the network's werkgebied may register "
            "from this moment, everyone else from the moment below. A date without a time: from midnight."
        ),
    ),
    (
        "inschrijven_vanaf",
        _("Everyone may register from (optional)"),
        dt.time(0, 0),
        _("Empty: registration is open as soon as this is published (or from the residents' moment)."),
    ),
    (
        "annuleren_tot",
        _("Families may cancel online until (optional)"),
        dt.time(23, 59),
        _(
            "After this moment the family's page no longer offers to cancel or change, and asks them to "
            "phone you."
        ),
    ),
)


class InschrijfregelsMixin:
    """The registration rules of an activity or a series as portal form fields (dates and times apart,
    as elsewhere in the portal), checked with `inschrijfregels_validate`."""

    def add_inschrijfregels_fields(self, instance=None) -> None:
        for naam, label, _tijd, help_text in REGEL_MOMENTEN:
            self.fields[f"{naam}_datum"] = forms.DateField(
                label=label, widget=DateInput(), required=False, help_text=help_text
            )
            self.fields[f"{naam}_tijd"] = forms.TimeField(label=_("at"), widget=TimeInput(), required=False)
            moment = getattr(instance, naam, None)
            if moment:
                lokaal = timezone.localtime(moment)
                self.initial.update({f"{naam}_datum": lokaal.date(), f"{naam}_tijd": lokaal.time()})
        self.fields["leeftijd_controleren"] = forms.BooleanField(
            label=_("Check the child's age"),
            required=False,
            initial=getattr(instance, "leeftijd_controleren", False),
            help_text=_(
                "The form asks the child's age in years and accepts only ages in the aanbod's age range "
                "(%(range)s). The age is not kept."
            )
            % {"range": self._leeftijden()},
        )

    def _leeftijden(self) -> str:
        aanbod = self.aanbod
        if aanbod.leeftijd_van is None:
            return _("this aanbod has none yet")
        return _("%(van)d to %(tot)d years") % {"van": aanbod.leeftijd_van, "tot": aanbod.leeftijd_tot}

    def clean_inschrijfregels(self, data: dict, *, sluit_op, laatste_start) -> dict:
        """The rules as model field values; form errors for what is not valid."""
        regels = {"leeftijd_controleren": bool(data.get("leeftijd_controleren"))}
        ok = True
        for naam, _label, standaard, _help in REGEL_MOMENTEN:
            datum, tijd = data.get(f"{naam}_datum"), data.get(f"{naam}_tijd")
            regels[naam] = None
            if datum:
                try:
                    regels[naam] = local_moment(datum, tijd or standaard)
                except ValidationError as exc:
                    self.add_error(f"{naam}_tijd", exc)
                    ok = False
            elif tijd:
                self.add_error(f"{naam}_datum", _("Give a date too, or leave the time empty."))
                ok = False
        if ok:
            try:
                inschrijfregels_validate(
                    aanbod=self.aanbod, sluit_op=sluit_op, laatste_start=laatste_start, **regels
                )
            except ValidationError as exc:
                for naam, errors in exc.error_dict.items():
                    self.add_error(naam if naam == "leeftijd_controleren" else f"{naam}_datum", errors)
        return regels


class ActiviteitForm(InschrijfregelsMixin, forms.ModelForm):
    datum = forms.DateField(label=_("Date"), widget=DateInput())
    van = forms.TimeField(label=_("Start time"), widget=TimeInput())
    tot = forms.TimeField(label=_("End time"), widget=TimeInput())
    inschrijven_tot_datum = forms.DateField(
        label=_("Registration closes on"), widget=DateInput(), required=False
    )
    inschrijven_tot_tijd = forms.TimeField(label=_("at"), widget=TimeInput(), required=False)

    class Meta:
        model = Activiteit
        fields = [
            "titel",
            "locatie",
            "online",
            "capaciteit",
            "max_personen_per_inschrijving",
            "inschrijving_nodig",
        ]

    def __init__(self, *args, user, aanbod, **kwargs):
        super().__init__(*args, **kwargs)
        self.aanbod = aanbod
        self.instance.aanbod = aanbod
        self.fields["locatie"].queryset = Locatie.objects.select_related("gemeente")
        needs_place(self.fields["locatie"])
        self.fields["capaciteit"].widget.attrs.update({"min": "0", "inputmode": "numeric"})
        self.fields["max_personen_per_inschrijving"].widget.attrs.update({"min": "1", "inputmode": "numeric"})
        self.order_fields(["datum", "van", "tot"])
        if self.instance.pk:
            start = timezone.localtime(self.instance.start)
            einde = timezone.localtime(self.instance.einde)
            self.initial.update({"datum": start.date(), "van": start.time(), "tot": einde.time()})
            if self.instance.inschrijven_tot:
                deadline = timezone.localtime(self.instance.inschrijven_tot)
                self.initial.update(
                    {"inschrijven_tot_datum": deadline.date(), "inschrijven_tot_tijd": deadline.time()}
                )
        else:
            self.initial.setdefault("inschrijving_nodig", aanbod.inschrijving_nodig)
        # A meeting of a series follows the series' rules: only a single activity has its own.
        self.met_regels = not self.instance.reeks_id
        if self.met_regels:
            self.add_inschrijfregels_fields(self.instance if self.instance.pk else None)

    def clean(self):
        data = super().clean()
        datum, van, tot = data.get("datum"), data.get("van"), data.get("tot")
        if datum and van and tot:
            try:
                start = local_moment(datum, van)
                einde = local_moment(datum, tot)
            except ValidationError as exc:
                self.add_error("van", exc)
                return data
            if einde <= start:
                self.add_error("tot", _("The end time must be after the start time."))
            self.instance.start, self.instance.einde = start, einde
        if not data.get("locatie") and not data.get("online"):
            self.add_error("locatie", _("Choose a location, or tick “online”."))
        d_datum, d_tijd = data.get("inschrijven_tot_datum"), data.get("inschrijven_tot_tijd")
        if d_datum:
            try:
                self.instance.inschrijven_tot = local_moment(d_datum, d_tijd or dt.time(23, 59))
            except ValidationError as exc:
                self.add_error("inschrijven_tot_tijd", exc)
            else:
                if self.instance.start and self.instance.inschrijven_tot > self.instance.start:
                    self.add_error(
                        "inschrijven_tot_datum", _("Registration must close before the activity starts.")
                    )
        else:
            self.instance.inschrijven_tot = None
        if self.met_regels:
            start = self.instance.start if not self.has_error("van") and datum and van else None
            regels = self.clean_inschrijfregels(
                data, sluit_op=self.instance.inschrijven_tot or start, laatste_start=start
            )
            for naam, waarde in regels.items():
                setattr(self.instance, naam, waarde)
        return data


def _add_partner_choice(form: forms.ModelForm, partners) -> None:
    """A member of several partners says for which one a new object is (first field of the form)."""
    if partners is not None and len(partners) > 1 and form.instance.pk is None:
        form.fields["partner"] = forms.ModelChoiceField(
            label=_("For which organisation?"),
            queryset=Partner.objects.filter(pk__in=[p.pk for p in partners]),
            initial=partners[0].pk,
        )
        form.order_fields(["partner"])


def parse_dates(text: str) -> list[dt.date]:
    """Dates typed one per line or separated by commas: 2026-04-08, 8/4/2026 or 08-04-2026."""
    dates = []
    for part in re.split(r"[\s,;]+", text or ""):
        if not part:
            continue
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
            try:
                dates.append(dt.datetime.strptime(part, fmt).date())
                break
            except ValueError:
                continue
        else:
            raise ValidationError(
                _("“%(value)s” is not a date we understand. Write it as 8/4/2026."), params={"value": part}
            )
    return dates


class ReeksForm(InschrijfregelsMixin, forms.Form):
    """A weekly series: the same weekday and time from one date to another, skipping given dates."""

    weekdag = forms.TypedChoiceField(label=_("Every"), choices=Openingsuur.Weekdag.choices, coerce=int)
    van = forms.TimeField(label=_("Start time"), widget=TimeInput())
    tot = forms.TimeField(label=_("End time"), widget=TimeInput())
    vanaf = forms.DateField(label=_("First date"), widget=DateInput())
    tot_en_met = forms.DateField(label=_("Last date"), widget=DateInput())
    overslaan = forms.CharField(
        label=_("Skip these dates (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example school holidays. One date per line, like 8/4/2026."),
    )
    titel = forms.CharField(
        label=_("Title"),
        max_length=150,
        required=False,
        help_text=_("Only when it differs from the aanbod's title."),
    )
    locatie = forms.ModelChoiceField(label=_("Location"), queryset=Locatie.objects.none(), required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    capaciteit = forms.IntegerField(
        label=_("Capacity (persons)"), min_value=0, required=False, help_text=_("Empty: no limit.")
    )
    max_personen_per_inschrijving = forms.IntegerField(
        label=_("Maximum persons per registration"), min_value=1, max_value=50, initial=4
    )
    inschrijving_nodig = forms.BooleanField(label=_("Registration needed"), required=False, initial=True)
    sluit_uren_voor = forms.IntegerField(
        label=_("Registration closes … hours before the start"),
        min_value=0,
        max_value=24 * 30,
        required=False,
        help_text=_("Empty: registration stays open until the start."),
    )

    als_reeks = forms.BooleanField(
        label=_("Families register once for the whole series (a course)"),
        required=False,
        help_text=_("The capacity and the waiting list are then for the series, not for each date."),
    )
    laat_instappen_tot_deel = forms.IntegerField(
        label=_("Late joining allowed until meeting number"),
        min_value=1,
        max_value=MAX_WEKEN,
        required=False,
        help_text=_("Only for a course. Empty: only before the first meeting."),
    )
    herinnering_per_bijeenkomst = forms.BooleanField(
        label=_("Send a reminder before every meeting"),
        required=False,
        help_text=_("Only for a course. Otherwise one reminder before the first meeting."),
    )

    def __init__(self, *args, user, aanbod, **kwargs):
        super().__init__(*args, **kwargs)
        self.aanbod = aanbod
        self.fields["locatie"].queryset = Locatie.objects.select_related("gemeente")
        needs_place(self.fields["locatie"])
        if not self.is_bound:
            self.initial.setdefault("inschrijving_nodig", aanbod.inschrijving_nodig)
            self.initial.setdefault(
                "als_reeks", aanbod.soort in {Aanbod.Soort.OUDERCURSUS, Aanbod.Soort.GROEPSAANBOD}
            )
        self.add_inschrijfregels_fields()
        veld = self.fields["inschrijven_inwoners_vanaf_datum"]
        veld.help_text = format_lazy(
            "{} {}",
            veld.help_text,
            _("Single dates (not a course) each get the moments below moved by as many weeks as their date."),
        )

    def clean_overslaan(self):
        return parse_dates(self.cleaned_data.get("overslaan", ""))

    def clean(self):
        data = super().clean()
        van, tot = data.get("van"), data.get("tot")
        if van and tot and tot <= van:
            self.add_error("tot", _("The end time must be after the start time."))
        vanaf, tot_en_met = data.get("vanaf"), data.get("tot_en_met")
        if vanaf and tot_en_met:
            if tot_en_met < vanaf:
                self.add_error("tot_en_met", _("The last date must come after the first date."))
            elif vanaf < timezone.localdate():
                self.add_error("vanaf", _("The first date is in the past."))
            elif data.get("weekdag") is not None and "overslaan" in data:
                datums = weekly_dates(
                    weekdag=data["weekdag"], vanaf=vanaf, tot_en_met=tot_en_met, overslaan=data["overslaan"]
                )
                if not datums:
                    self.add_error("tot_en_met", _("There is no such weekday between these dates."))
                elif len(datums) > MAX_WEKEN:
                    self.add_error(
                        "tot_en_met",
                        ngettext(
                            "A series can have at most %(max)d activity.",
                            "A series can have at most %(max)d activities.",
                            MAX_WEKEN,
                        )
                        % {"max": MAX_WEKEN},
                    )
                elif van and tot:
                    for datum in datums:
                        try:
                            local_moment(datum, van)
                            local_moment(datum, tot)
                        except ValidationError as exc:
                            self.add_error("van", exc)
                            break
                data["datums"] = datums
        if not data.get("locatie") and not data.get("online"):
            self.add_error("locatie", _("Choose a location, or tick “online”."))
        datums = data.get("datums") or []
        start = laatste_start = None
        if datums and van and not self.has_error("van"):
            start = local_moment(datums[0], van)
            # A course may be cancelled online until its last meeting; single dates each until their own.
            laatste_start = local_moment(datums[-1], van) if data.get("als_reeks") else start
        sluit_uren = data.get("sluit_uren_voor")
        sluit_op = start - dt.timedelta(hours=sluit_uren) if start and sluit_uren else start
        data["regels"] = self.clean_inschrijfregels(data, sluit_op=sluit_op, laatste_start=laatste_start)
        return data


class AnnuleerForm(forms.Form):
    reden = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=250,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("We send this to everyone who registered."),
    )


class OpeningsuurForm(forms.ModelForm):
    class Meta:
        model = Openingsuur
        fields = ["weekdag", "van", "tot", "locatie", "opmerking"]
        widgets = {"van": TimeInput(), "tot": TimeInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locatie"].queryset = Locatie.objects.select_related("gemeente")

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["tot"] <= data["van"]:
            self.add_error("tot", _("The end time must be after the start time."))
        return data


OpeningsuurFormSet = forms.inlineformset_factory(
    Aanbod, Openingsuur, form=OpeningsuurForm, extra=1, can_delete=True, max_num=21, validate_max=True
)


class LocatieForm(forms.ModelForm):
    class Meta:
        model = Locatie
        fields = ["naam", "straat", "postcode", "gemeente", "rolstoeltoegankelijk", "toelichting"]

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = Gemeente.objects.all()
        self.fields["gemeente"].required = False
        self.fields["gemeente"].help_text = _("We find it from the postcode if you leave it empty.")
        self.fields["postcode"].widget.attrs.update(
            {"inputmode": "numeric", "pattern": "[1-9][0-9]{3}", "autocomplete": "postal-code"}
        )
        self.fields["straat"].widget.attrs["autocomplete"] = "address-line1"
        _add_partner_choice(self, partners)

    def clean_postcode(self):
        code = (self.cleaned_data.get("postcode") or "").strip()
        if not re.fullmatch(r"[1-9][0-9]{3}", code):
            raise ValidationError(_("A Belgian postcode has four digits, like 9000."))
        return code

    def clean(self):
        data = super().clean()
        code, gemeente = data.get("postcode"), data.get("gemeente")
        if not code:
            return data
        kandidaten = list(Gemeente.objects.voor_postcode(code))
        if gemeente is None:
            if len(kandidaten) == 1:
                data["gemeente"] = self.instance.gemeente = kandidaten[0]
            elif not kandidaten:
                self.add_error("postcode", _("We do not know this postcode. Check it, please."))
            else:
                self.add_error("gemeente", _("This postcode belongs to more than one gemeente: choose one."))
        elif gemeente not in kandidaten:
            self.add_error("postcode", _("This postcode is not in %(gemeente)s.") % {"gemeente": gemeente})
        return data
