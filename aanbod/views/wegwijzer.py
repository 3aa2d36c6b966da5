"""The wegwijzer: parents find aanbod and activities. Public, no login; only published aanbod."""

import hashlib
from datetime import timedelta
from itertools import groupby

import segno
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import Col, CombinedExpression, ExpressionWrapper, OrderBy, RowRange, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from huisvanhetkind.lib import pagecache
from huisvanhetkind.lib.pagecache import cached_for_visitors, fragment_key
from partners.models import Netwerk

from ..filters import AanbodFilter, choice_lists
from ..ical import calendar_for, calendar_from_events, event_ical, reeks_info
from ..models import Aanbod, Activiteit, Inschrijving, Locatie, Openingsuur, Reeks
from ..search import clean_query, understand_query
from ..services.inschrijvingen import inschrijven_opening

PAGE_SIZE = 20
AGENDA_PAGE_SIZE = 50
DETAIL_ACTIVITIES = 12
FEED_LIMIT = 500
POSTER_DAYS = 7
POSTER_LIMIT = 60
FRAGMENT_SECONDS = 300


class CountedPaginator(Paginator):
    """A Paginator whose count is kept in the cache under `count_key` (None: counted every time)."""

    def __init__(self, *args, count_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return Paginator.count.func(self)
        count = cache.get(self.count_key)
        if count is None:
            count = Paginator.count.func(self)
            cache.set(self.count_key, count, FRAGMENT_SECONDS)
        return count


def count_key(request: HttpRequest, page: str, filterset: AanbodFilter) -> str | None:
    """The count of a filtered list does not change with its page, sort or language: one count for all
    of them while the data version holds (huisvanhetkind.lib.pagecache)."""
    prefix = fragment_key(request, f"count-{page}", per_language=False)
    if prefix is None:
        return None
    return prefix + hashlib.sha256(shareable_query(filterset).encode()).hexdigest()


def paginate(
    request: HttpRequest, queryset: QuerySet, per_page: int, *, count_key: str | None = None
) -> Page:
    """A page of results; a page number past the end shows the last page, nonsense shows the first."""
    return CountedPaginator(queryset, per_page, count_key=count_key).get_page(request.GET.get("page"))


def page_number(value: str | None) -> int | None:
    """The requested page as Paginator.get_page reads it: nonsense is the first, below 1 the last (None)."""
    try:
        number = int(value) if value is not None else 1
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else None


class CardRow:
    """A page's row before its card is known: the aanbod's id and what the list computed for it (the
    distance and place of the nearest location, the search rank, …). `load_cards` turns the rows whose
    cards are not in the cache into full aanbod; a page whose cards are all kept reads no aanbod rows."""

    __slots__ = ("pk", "annotations")

    def __init__(self, pk: int, annotations: dict):
        self.pk = pk
        self.annotations = annotations

    @classmethod
    def of(cls, key: tuple, names: list[str]) -> "CardRow":
        """From a row of `values_list("pk", *names, …)`: what follows the names is not the card's."""
        return cls(key[0], dict(zip(names, key[1 : 1 + len(names)], strict=True)))

    def __getattr__(self, name: str):
        try:
            return self.annotations[name]
        except KeyError:
            raise AttributeError(name) from None


def read_rows(rows: QuerySet, card_rows: list) -> list:
    """The aanbod of these CardRows, read by id from `rows` (an unfiltered list with what a card needs), in
    their order and with their annotations set. A row that went away between the queries is left out."""
    found = {row.pk: row for row in rows.filter(pk__in=[card.pk for card in card_rows]).order_by()}
    aanbod = []
    for card in card_rows:
        row = found.get(card.pk)
        if row is not None:
            row.__dict__.update(card.annotations)
            aanbod.append(row)
    return aanbod


def card_loader(rows: QuerySet):
    """The cards tag's `load_cards`: the aanbod of the cards it did not find in the cache, ready for the card
    template (CardRows read from `rows`; the next activity and opening hours prefetched)."""

    def load(cards: list) -> list:
        if cards and isinstance(cards[0], CardRow):
            cards = read_rows(rows, cards)
        prefetch_card_data(cards)
        return cards

    return load


def paginate_with_count(
    request: HttpRequest, queryset: QuerySet, per_page: int, *, in_query: bool, card_rows: bool = False
) -> Page:
    """`paginate`, with the total counted in the page's own query (COUNT(*) OVER ()) when `in_query`.

    A list in a computed order (search rank, distance, soonest activity) evaluates all its matches to
    order them anyway: the count then costs next to nothing, where a separate COUNT would run the whole
    filter again. A list in name order reads the title index and stops after one page; there a window
    would read every row, so the count is a query of its own. A page past the end (or an empty list past
    the first page) falls back to counting and shows the last page, as `paginate` does.

    The page's ids come first, with the total and the sort keys: a narrow query (the window buffers every
    match, so only its id and keys). With `card_rows` the page holds just those (CardRows): the cards tag
    takes the kept cards from the cache and loads only the others (`card_loader`), by id, so neither the
    aanbod rows of kept cards are read nor the filters, their subqueries and the search planned and run a
    second time. Without it the page holds the aanbod, read by id.
    """
    paginator = Paginator(queryset, per_page)
    names = list(queryset.query.annotations)
    number = page_number(request.GET.get("page")) if in_query else None
    page = None
    if number is not None:
        start = (number - 1) * per_page
        # The sort keys are selected too: ORDER BY then names them (a constant such as a search's
        # Value(0.0) rank cannot stand in ORDER BY by itself).
        keys = list(
            queryset.annotate(results_total=total_count(queryset)).values_list("pk", *names, "results_total")[
                start : start + per_page
            ]
        )
        if keys or number == 1:
            paginator.count = keys[0][-1] if keys else 0  # the cached_property, filled in
            page = Page([CardRow.of(key, names) for key in keys], number, paginator)
    if page is None:
        page = paginator.get_page(paginator.num_pages if in_query else request.GET.get("page"))
        if not card_rows:
            return page
        keys = (
            queryset.values_list("pk", *names)[page.start_index() - 1 : page.end_index()]
            if paginator.count
            else []
        )
        page.object_list = [CardRow.of(key, names) for key in keys]
    elif not card_rows:
        page.object_list = read_rows(queryset.order_by(), page.object_list)
    return page


def total_count(queryset: QuerySet) -> Window:
    """COUNT(*) over every row of `queryset`: OVER (), or ordered as the page when a sort key costs work.

    The window's order does not change the count (its frame is the whole list) but where the sort keys
    are computed: PostgreSQL feeds a window the bare columns and computes any other expression above it, so
    with `OVER ()` a search rank's whole search document (some 2.4 KB a row) was buffered for every match,
    spilling to disk for a thousand, and a distance or a subquery was carried as its inputs. Keys in the
    window's ORDER BY are computed below it, once, and the page's ORDER BY reuses the window's sort. For
    keys made of columns alone (an age span, a title) `OVER ()` stays: there the full sort an ordered
    window needs costs more than the top-20 sort after it.
    """
    order = list(queryset.query.order_by)
    annotations = queryset.query.annotations
    if any(_costly_key(key, annotations) for key in order):
        return Window(Count("*"), order_by=order, frame=RowRange(start=None, end=None))
    return Window(Count("*"))


def _costly_key(key, annotations: dict) -> bool:
    """Whether an order_by() entry is computed by more than column arithmetic (a function, a subquery)."""
    if isinstance(key, str):
        key = F(key.lstrip("-"))
    if isinstance(key, OrderBy):
        key = key.expression
    if isinstance(key, F):
        key = annotations.get(key.name)
        if key is None:
            return False  # a column of the model
    return not _columns_only(key)


def _columns_only(expression) -> bool:
    if isinstance(expression, Col | F | Value):
        return True
    if isinstance(expression, CombinedExpression | ExpressionWrapper):
        return all(_columns_only(source) for source in expression.get_source_expressions())
    return False


def komende_activiteiten() -> QuerySet:
    return (
        Activiteit.objects.filter(einde__gte=timezone.now(), geannuleerd=False)
        .select_related("locatie__gemeente")
        .order_by("start", "pk")
    )


def card_prefetches() -> list[Prefetch]:
    return [
        Prefetch("activiteiten", queryset=komende_activiteiten()[:1], to_attr="volgende"),
        Prefetch("openingsuren", queryset=Openingsuur.objects.order_by("weekdag", "van")),
    ]


def prefetch_card_data(cards: list) -> None:
    """The next activity and opening hours of these cards, in two queries (for cards not in the cache)."""
    prefetch_related_objects(cards, *card_prefetches())


def with_card_data(queryset: QuerySet, *, prefetch: bool = True) -> QuerySet:
    """What an aanbod card shows, in a fixed number of queries: partner, next activity, opening hours.

    `prefetch=False` leaves the last two to `prefetch_card_data`, which the cards tag calls only for the
    cards it did not find in the cache."""
    queryset = queryset.select_related("partner").defer(
        # Wide columns a card never shows (the search document above all).
        "search_vector",
        "beschrijving",
        "voorgestelde_wijziging",
        "afwijsreden",
    )
    return queryset.prefetch_related(*card_prefetches()) if prefetch else queryset


def filter_context(filterset: AanbodFilter, request: HttpRequest | None = None) -> dict:
    choices = choice_lists(getattr(request, "data_version", None))
    return {
        "filter": filterset,
        "form": filterset.form,
        "sort": filterset.sort_order,
        "explicit_sort": filterset.cleaned.get("sort") or "",
        "active_filters": active_filter_labels(filterset, choices),
        "choices": choices,
        "share_query": shareable_query(filterset),
    }


def active_filter_labels(filterset: AanbodFilter, choices: dict | None = None) -> list[tuple[str, str]]:
    """(parameter, label) of each active filter, for ‘remove this filter’ links."""
    labels = []
    for name, value in filterset.active().items():
        if name == "gemeente":
            text = _("In or near %(gemeente)s") % {"gemeente": ", ".join(g.naam for g in value)}
        elif name == "leeftijd":
            text = dict((choices or choice_lists())["leeftijd"]).get(str(value), str(value))
        elif name in ("gratis", "kansentarief"):
            text = str(filterset.form.fields[name].label)
        elif name in ("van", "tot"):
            text = f"{filterset.form.fields[name].label} {value:%d/%m/%Y}"
        elif name == "soort":
            text = str(Aanbod.Soort(value).label)
        elif name == "q":
            text = f"“{value}”"
        else:
            text = str(value)
        labels.append((name, text))
    return labels


def understood_url(request: HttpRequest) -> str | None:
    """This page's URL with a gemeente or an age in the search text moved to their own filters, or None.

    "cursus lokeren" becomes `?q=cursus&gemeente=Lokeren`: the page then shows them as filter chips the
    visitor can remove, and a removed one does not come back (it is no longer in the text).
    """
    query = request.GET.get("q", "")
    if not query or "page" in request.GET:
        return None
    flags = {
        "find_gemeente": not request.GET.get("gemeente"),
        "find_leeftijd": not request.GET.get("leeftijd"),
    }
    # What a text means reads the gemeenten and postcodes: kept for the data version, per text.
    understood = pagecache.for_version(
        request, ("understood", query, *flags.values()), lambda: understand_query(query, **flags)
    )
    if not understood.changed:
        return None
    params = request.GET.copy()
    params["q"] = understood.text
    if not understood.text:
        del params["q"]
    if understood.gemeente:
        params["gemeente"] = understood.gemeente
    if understood.leeftijd is not None:
        params["leeftijd"] = str(understood.leeftijd)
    return f"{request.path}?{params.urlencode()}"


@require_safe
@cached_for_visitors
def aanbod_list(request: HttpRequest) -> HttpResponse:
    if url := understood_url(request):
        return redirect(url)
    filterset = AanbodFilter(request.GET, request=request, typo_later=True)
    # Kept cards (with a data version) need only the page's ids: the cards tag loads the others.
    kept = getattr(request, "data_version", None) is not None

    def list_page(queryset: QuerySet) -> Page:
        return paginate_with_count(
            request,
            queryset if kept else with_card_data(queryset, prefetch=False),
            PAGE_SIZE,
            in_query=filterset.counts_in_query,
            card_rows=kept,
        )

    page = list_page(filterset.qs)
    if not page.paginator.count and (close := filterset.typo_fallback()) is not None:
        page = list_page(close)  # nothing matched the words: what comes close to them (a typo)
    return render(
        request,
        "aanbod/wegwijzer/aanbod_list.html",
        {
            "page": page,
            "fuzzy": filterset.fuzzy,
            "load_cards": card_loader(with_card_data(filterset.queryset.all(), prefetch=False)),
            **filter_context(filterset, request),
        },
    )


# Registration openings (`Inschrijfregels`) change the aanbod page at a moment, without a write: within
# this many seconds of one the page is rendered afresh for everyone and never kept (the page cache and the
# browsers' validators hold a page for up to a clock bucket), so the "Register" button appears at the
# opening itself, when parents are waiting for it. Upcoming openings are read once a minute.
OPENING_MARGIN_SECONDS = pagecache.TIME_BUCKET_SECONDS + pagecache.DEFAULT_MAX_AGE
OPENINGEN_CACHE_SECONDS = 60


def _openingen() -> dict[str, list[float]]:
    """{aanbod slug: [moments (timestamps) registration opens for someone]} from a margin ago on."""
    key = "wegwijzer:openingen:v1"
    openingen = cache.get(key)
    if openingen is None:
        sinds = timezone.now() - timedelta(seconds=OPENING_MARGIN_SECONDS + OPENINGEN_CACHE_SECONDS)
        openingen = {}
        for model in (Activiteit, Reeks):
            rows = model._base_manager.filter(
                Q(inschrijven_inwoners_vanaf__gte=sinds) | Q(inschrijven_vanaf__gte=sinds)
            ).values_list("aanbod__slug", "inschrijven_inwoners_vanaf", "inschrijven_vanaf")
            for slug, *momenten in rows:
                openingen.setdefault(slug, []).extend(m.timestamp() for m in momenten if m)
        cache.set(key, openingen, OPENINGEN_CACHE_SECONDS)
    return openingen


@require_safe
def aanbod_detail(request: HttpRequest, slug: str) -> HttpResponse:
    nu = timezone.now().timestamp()
    if any(abs(moment - nu) <= OPENING_MARGIN_SECONDS for moment in _openingen().get(slug, ())):
        response = _aanbod_detail(request, slug)
        patch_cache_control(response, private=True, no_cache=True)
        return response
    return _aanbod_detail_cached(request, slug)


@cached_for_visitors
def _aanbod_detail_cached(request: HttpRequest, slug: str) -> HttpResponse:
    return _aanbod_detail(request, slug)


def _aanbod_detail(request: HttpRequest, slug: str) -> HttpResponse:
    aanbod = get_object_or_404(
        Aanbod.objects.gepubliceerd()
        .select_related("partner")
        .prefetch_related(
            "themas",
            "talen",
            "gemeenten",
            Prefetch("locaties", queryset=Locatie.objects.select_related("gemeente")),
            Prefetch("openingsuren", queryset=Openingsuur.objects.select_related("locatie__gemeente")),
        ),
        slug=slug,
    )
    now = timezone.now()
    activiteiten = list(
        aanbod.activiteiten.filter(einde__gte=now, reeks__isnull=True)
        .select_related("locatie__gemeente")
        .met_bezetting()
        .order_by("start", "pk")[: DETAIL_ACTIVITIES + 1]
    )
    for activiteit in activiteiten:
        activiteit.aanbod = aanbod  # spare a query per activity in the template
        activiteit.opening = inschrijven_opening(activiteit)
    # Series that have not ended: one registration block each, with every meeting listed.
    reeksen = []
    for reeks in aanbod.reeksen.order_by("id"):
        reeks.aanbod = aanbod
        if reeks.bijeenkomsten and reeks.einde >= now:
            reeks.opening = inschrijven_opening(reeks)
            reeksen.append(reeks)
    reeksen.sort(key=lambda r: r.start)
    return render(
        request,
        "aanbod/wegwijzer/aanbod_detail.html",
        {
            "aanbod": aanbod,
            "reeksen": reeksen,
            "activiteiten": activiteiten[:DETAIL_ACTIVITIES],
            "meer_activiteiten": len(activiteiten) > DETAIL_ACTIVITIES,
            "op_afspraak": aanbod.soort in OP_AFSPRAAK,
            # Structured data: every coming date, the meetings of a series too.
            "alle_activiteiten": activiteiten[:DETAIL_ACTIVITIES]
            + [m for reeks in reeksen for m in reeks.bijeenkomsten if m.einde >= now],
        },
    )


# Aanbod that runs by appointment, by phone or through a consultant rather than on dates: the page says how
# to get in.
OP_AFSPRAAK = {
    Aanbod.Soort.CONSULTATIE,
    Aanbod.Soort.ADVIESGESPREK,
    Aanbod.Soort.HUISBEZOEK,
    Aanbod.Soort.INFOTHEEK,
}


def agenda_queryset(filterset: AanbodFilter, **kwargs) -> QuerySet:
    return filterset.activiteiten(**kwargs).select_related("aanbod__partner", "locatie__gemeente").with_deel()


def with_reeks_bezetting(queryset: QuerySet) -> QuerySet:
    """Annotate a series meeting with its series' places: `reeks_capaciteit` and `reeks_bezet` (persons
    confirmed for the series; a family registers for the series, not for one meeting). In the page's own
    query, no query per item; counted past the scope, as `met_bezetting` does (places are public)."""
    bezet = (
        Inschrijving._base_manager.filter(reeks_id=OuterRef("reeks_id"), status=Inschrijving.Status.BEVESTIGD)
        .order_by()
        .values("reeks_id")
        .annotate(totaal=Sum("aantal_personen"))
        .values("totaal")
    )
    return queryset.annotate(
        reeks_capaciteit=F("reeks__capaciteit"),
        reeks_bezet=Coalesce(Subquery(bezet, output_field=IntegerField()), 0),
    )


def by_day(activiteiten) -> list[tuple]:
    """[(date, [activiteit, …]), …] in local time."""
    return [
        (day, list(items))
        for day, items in groupby(activiteiten, key=lambda a: timezone.localtime(a.start).date())
    ]


@require_safe
@cached_for_visitors
def agenda(request: HttpRequest) -> HttpResponse:
    if url := understood_url(request):
        return redirect(url)
    filterset = AanbodFilter(request.GET, request=request)
    page = paginate(
        request,
        with_reeks_bezetting(agenda_queryset(filterset).met_bezetting()),
        AGENDA_PAGE_SIZE,
        count_key=count_key(request, "agenda", filterset),
    )
    return render(
        request,
        "aanbod/wegwijzer/agenda.html",
        {"page": page, "days": by_day(page.object_list), **filter_context(filterset, request)},
    )


def ics_response(body: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_safe
@cached_for_visitors(max_age=900)
def agenda_ics(request: HttpRequest) -> HttpResponse:
    filterset = AanbodFilter(request.GET, request=request)
    activiteiten = list(agenda_queryset(filterset)[:FEED_LIMIT])
    naam = _("%(netwerk)s — calendar") % {"netwerk": Netwerk.load().naam}
    return ics_response(feed_body(request, activiteiten, naam), "agenda.ics", attachment=False)


def feed_body(request: HttpRequest, activiteiten: list, naam: str) -> bytes:
    """The feed, each activity's VEVENT kept in the cache for its data version (one get_many)."""
    prefix = fragment_key(request, "ics-event")
    if prefix is None or not activiteiten:
        return calendar_for(activiteiten, naam=naam)
    keys = [f"{prefix}{activiteit.pk}" for activiteit in activiteiten]
    found = cache.get_many(keys)
    missing = [
        (key, activiteit) for key, activiteit in zip(keys, activiteiten, strict=True) if key not in found
    ]
    reeksen = reeks_info([activiteit for _key, activiteit in missing])
    fresh = {key: event_ical(activiteit, reeksen) for key, activiteit in missing}
    if fresh:
        cache.set_many(fresh, FRAGMENT_SECONDS)
    events = [found.get(key) or fresh[key] for key in keys]
    return calendar_from_events(events, naam=naam, sample=activiteiten[0])


@require_safe
@cached_for_visitors(max_age=900)
def activiteit_ics(request: HttpRequest, pk: int) -> HttpResponse:
    activiteit = get_object_or_404(
        Activiteit.objects.gepubliceerd().select_related("aanbod__partner", "locatie__gemeente"), pk=pk
    )
    return ics_response(
        calendar_for([activiteit], naam=activiteit.naam), f"activiteit-{activiteit.pk}.ics", attachment=True
    )


def shareable_query(filterset: AanbodFilter) -> str:
    """`?…` with the valid filters only, as cleaned (a poster's QR code must stay small)."""
    query = QueryDict(mutable=True)
    for name in filterset.form.fields:
        if name in filterset.form.errors or name == "sort":
            continue
        values = [clean_query(v)[:100] for v in filterset.data.getlist(name) if v]
        if values:
            query.setlist(name, values)
    return f"?{query.urlencode()}" if query else ""


@require_safe
def agenda_afdruk(request: HttpRequest) -> HttpResponse:
    """An A4 poster of the coming week's activities, with a QR code to the same agenda online."""
    filterset = AanbodFilter(request.GET, request=request)
    activiteiten = list(agenda_queryset(filterset, default_days=POSTER_DAYS)[: POSTER_LIMIT + 1])
    online = settings.SITE_URL + reverse("agenda") + shareable_query(filterset)
    try:
        qr = segno.make(online, error="m")
    except segno.DataOverflowError:  # cannot happen with cleaned values, but a poster needs no QR
        qr = None
    van = filterset.cleaned.get("van") or timezone.localdate()
    return render(
        request,
        "aanbod/wegwijzer/agenda_afdruk.html",
        {
            "days": by_day(activiteiten[:POSTER_LIMIT]),
            "meer": len(activiteiten) > POSTER_LIMIT,
            "online_url": online,
            "qr_data_uri": qr.svg_data_uri(scale=4, border=2) if qr else "",
            "qr_size": qr.symbol_size(scale=4, border=2)[0] if qr else 0,
            "van": van,
            "tot": filterset.cleaned.get("tot") or van + timedelta(days=POSTER_DAYS - 1),
            **filter_context(filterset, request),
        },
    )
