"""The wegwijzer: parents find aanbod and activities. Public, no login; only published aanbod."""

import hashlib
from datetime import timedelta
from functools import wraps
from itertools import groupby

import segno
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from partners.models import Netwerk

from ..filters import AanbodFilter, Sort, choice_lists
from ..ical import calendar_for
from ..models import Aanbod, Activiteit, Locatie, Openingsuur
from ..search import clean_query, understand_query

PAGE_SIZE = 20
AGENDA_PAGE_SIZE = 50
DETAIL_ACTIVITIES = 12
FEED_LIMIT = 500
POSTER_DAYS = 7
POSTER_LIMIT = 60


def data_version() -> int | None:
    """The wegwijzer's data version (PostgreSQL, migration 0008), or None where there is none."""
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value, is_called FROM hvhk_wegwijzer_versie")
            last_value, is_called = cursor.fetchone()
    except DatabaseError:
        return None
    return last_value if is_called else 0


def cached_for_visitors(view):
    """Serve a public page from the cache to anonymous visitors while its data has not changed.

    The key holds the full path (language prefix and filters) and the data version, which every write
    to the tables the page shows advances; WEGWIJZER_PAGE_CACHE_SECONDS (default 60) only bounds the
    tiny window between a write and its commit. Never for a logged-in user, never for a request that has
    messages to show, never on SQLite (no version): then the view simply runs.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = getattr(settings, "WEGWIJZER_PAGE_CACHE_SECONDS", 60)
        if not seconds or request.user.is_authenticated or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        version = data_version()
        if version is None:
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(f"{version}|{request.get_full_path()}".encode()).hexdigest()
        key = f"wegwijzer:page:v1:{digest}"
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, response.content, seconds)
        return response

    return wrapper


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int) -> Page:
    """A page of results; a page number past the end shows the last page, nonsense shows the first."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def komende_activiteiten() -> QuerySet:
    return (
        Activiteit.objects.filter(einde__gte=timezone.now(), geannuleerd=False)
        .select_related("locatie__gemeente")
        .order_by("start", "pk")
    )


def with_card_data(queryset: QuerySet) -> QuerySet:
    """What an aanbod card shows, in a fixed number of queries: partner, next activity, opening hours."""
    return (
        queryset.select_related("partner")
        # Wide columns a card never shows (the search document above all).
        .defer("search_vector", "beschrijving", "voorgestelde_wijziging", "afwijsreden")
        .prefetch_related(
            Prefetch("activiteiten", queryset=komende_activiteiten()[:1], to_attr="volgende"),
            Prefetch("openingsuren", queryset=Openingsuur.objects.order_by("weekdag", "van")),
        )
    )


def filter_context(filterset: AanbodFilter) -> dict:
    return {
        "filter": filterset,
        "form": filterset.form,
        "sort_choices": Sort.CHOICES,
        "sort": filterset.sort_order,
        "explicit_sort": filterset.cleaned.get("sort") or "",
        "active_filters": active_filter_labels(filterset),
        "choices": choice_lists(),
        "share_query": shareable_query(filterset),
    }


def active_filter_labels(filterset: AanbodFilter) -> list[tuple[str, str]]:
    """(parameter, label) of each active filter, for ‘remove this filter’ links."""
    labels = []
    for name, value in filterset.active().items():
        if name == "gemeente":
            text = _("In or near %(gemeente)s") % {"gemeente": ", ".join(g.naam for g in value)}
        elif name == "leeftijd":
            text = dict(choice_lists()["leeftijd"]).get(str(value), str(value))
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
    understood = understand_query(
        query,
        find_gemeente=not request.GET.get("gemeente"),
        find_leeftijd=not request.GET.get("leeftijd"),
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
    filterset = AanbodFilter(request.GET)
    page = paginate(request, with_card_data(filterset.qs), PAGE_SIZE)
    return render(
        request,
        "aanbod/wegwijzer/aanbod_list.html",
        {"page": page, "fuzzy": filterset.fuzzy, **filter_context(filterset)},
    )


@require_safe
def aanbod_detail(request: HttpRequest, slug: str) -> HttpResponse:
    aanbod = get_object_or_404(
        Aanbod.objects.published()
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
        .with_bezetting()
        .order_by("start", "pk")[: DETAIL_ACTIVITIES + 1]
    )
    for activiteit in activiteiten:
        activiteit.aanbod = aanbod  # spare a query per activity in the template
    # Series that have not ended: one registration block each, with every meeting listed.
    reeksen = []
    for reeks in aanbod.reeksen.order_by("id"):
        reeks.aanbod = aanbod
        if reeks.bijeenkomsten and reeks.einde >= now:
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
    filterset = AanbodFilter(request.GET)
    page = paginate(request, agenda_queryset(filterset).with_bezetting(), AGENDA_PAGE_SIZE)
    return render(
        request,
        "aanbod/wegwijzer/agenda.html",
        {"page": page, "days": by_day(page.object_list), **filter_context(filterset)},
    )


def ics_response(body: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_safe
@cache_control(max_age=900, public=True)
def agenda_ics(request: HttpRequest) -> HttpResponse:
    filterset = AanbodFilter(request.GET)
    activiteiten = agenda_queryset(filterset)[:FEED_LIMIT]
    naam = _("%(netwerk)s — calendar") % {"netwerk": Netwerk.load().naam}
    return ics_response(calendar_for(activiteiten, naam=naam), "agenda.ics", attachment=False)


@require_safe
def activiteit_ics(request: HttpRequest, pk: int) -> HttpResponse:
    activiteit = get_object_or_404(
        Activiteit.objects.published().select_related("aanbod__partner", "locatie__gemeente"), pk=pk
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
    filterset = AanbodFilter(request.GET)
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
            **filter_context(filterset),
        },
    )
