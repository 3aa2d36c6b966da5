"""The wegwijzer list's cheap render: the same HTML as Django's form templates, fragments per language and
data version, the count from the page's own query, and a constant number of queries.

Tests in several languages use the real catalogues (`translations`) and compare with what Django renders
itself or with gettext, so they hold whatever the translators write.
"""

import re

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from aanbod.filters import AanbodFilter, choice_lists
from aanbod.models import Aanbod, Thema
from aanbod.templatetags.wegwijzer import field_group, language_links, widget_html
from aanbod.views import wegwijzer
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl-be", "en", "fr"]
# Empty, valid, refused and hostile values for every <input> of the filter form.
QUERIES = [
    "",
    "q=slapen&gemeente=Gent&van=2026-12-07&tot=2026-12-13&gratis=1&kansentarief=ja",
    "q=a%22b%3Cc&gemeente=xyzzy&van=bad&tot=2020-01-01&gratis=0&kansentarief=nee",
    "gemeente=%22%3E%3Cscript%3E&van=2026-12-10&tot=2026-12-01&gratis=on",
    "van=31/12/2026&tot=&q=" + "x" * 300,
]
INPUTS = ["q", "gemeente", "van", "tot", "gratis", "kansentarief"]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", QUERIES)
def test_filter_inputs_render_as_django_renders_them(translations, gemeente_a, language, query):
    with translation.override(language):
        form = AanbodFilter(QueryDict(query)).form
        form.is_valid()
        for name in INPUTS:
            field = form[name]
            assert widget_html(field) == str(field), (name, query)
            if name not in ("gratis", "kansentarief"):
                assert field_group(field) == field.as_field_group(), (name, query)


def test_a_refused_value_is_marked_and_described(gemeente_a):
    form = AanbodFilter(QueryDict("gemeente=xyzzy&van=bad")).form
    form.is_valid()
    for name in ("gemeente", "van"):
        html = field_group(form[name])
        assert 'aria-invalid="true"' in html
        assert f'aria-describedby="id_{name}_error"' in html
        assert f'<ul class="errorlist" id="id_{name}_error">' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_shows_the_chosen_filters_in_every_language(translations, client, gemeente_a, language):
    prefix = {"nl-be": "", "en": "/en", "fr": "/fr"}[language]
    thema = Thema.objects.get(slug="slapen")
    query = (
        "gemeente=Gent&leeftijd=2&thema=slapen&soort=workshop&taal=fr&van=2026-12-07&tot=2026-12-13"
        "&kansentarief=1&q=slaap"
    )
    client.get(f"{prefix}/aanbod/")  # the fragments (options, "my children") now come from the cache
    html = client.get(f"{prefix}/aanbod/?{query}").content.decode()
    assert f'lang="{language[:2]}"' in html
    assert 'name="gemeente" value="Gent"' in html
    assert 'type="search" name="q" value="slaap"' in html
    assert '<option value="2" selected>' in html
    assert f'<option value="{thema.slug}" selected>' in html
    assert '<option value="workshop" selected>' in html
    assert '<option value="fr" selected>' in html
    assert 'name="van" value="2026-12-07"' in html
    assert 'name="tot" value="2026-12-13"' in html
    assert 'name="kansentarief" id="id_kansentarief" checked>' in html
    assert 'name="gratis" id="id_gratis">' in html
    assert html.count(" selected>") == 4 + 1  # four filters and "best match" in the sort select
    with translation.override(language):
        assert str(Thema.objects.get(slug="slapen").label) in html
        assert translation.gettext("Add child") in html  # "my children", in this page's language


def test_my_children_is_cached_per_language(translations, client, db):
    client.get("/fr/aanbod/")
    with translation.override("en"):
        expected = translation.gettext("Add child")
    with translation.override("fr"):
        french = translation.gettext("Add child")
    assert expected != french
    html = client.get("/en/aanbod/").content.decode()
    assert expected in html
    assert french not in html


def test_language_links_are_the_translated_urls(rf_request_for):
    with translation.override("en"):
        request = rf_request_for("/en/aanbod/?q=slapen&gemeente=Gent")
        links = {link["code"]: link["url"] for link in language_links({"request": request})}
    assert links == {
        "nl-be": "/aanbod/?q=slapen&gemeente=Gent",
        "en": "/en/aanbod/?q=slapen&gemeente=Gent",
        "fr": "/fr/aanbod/?q=slapen&gemeente=Gent",
    }


@pytest.fixture
def rf_request_for():
    from django.urls import resolve

    def make(url):
        request = RequestFactory().get(url)
        request.resolver_match = resolve(request.path_info)
        return request

    return make


# ---- The count in the page's own query --------------------------------------------------------------
@pytest.fixture
def vijfentwintig(db):
    return [factories.AanbodFactory(titel=f"Aanbod {i:02}") for i in range(25)]


@pytest.mark.parametrize("page", [None, "1", "2", "3", "999", "0", "-1", "abc", "2.0", ""])
@pytest.mark.parametrize("in_query", [True, False])
def test_the_counted_page_is_the_page_paginate_gives(vijfentwintig, page, in_query):
    queryset = Aanbod.objects.gepubliceerd().order_by("titel", "pk")
    request = RequestFactory().get("/aanbod/", {} if page is None else {"page": page})
    expected = Paginator(queryset, 10).get_page(request.GET.get("page"))
    got = wegwijzer.paginate_with_count(request, queryset, 10, in_query=in_query)
    assert got.number == expected.number
    assert got.paginator.count == expected.paginator.count == 25
    assert [a.pk for a in got.object_list] == [a.pk for a in expected.object_list]


def test_the_rows_of_a_counted_page_are_read_by_id_without_the_filters(vijfentwintig):
    """The second step reads ten known ids and takes the first step's annotations (here a computed sort
    key) along; the cards' loader reads them from the unfiltered list, without the filters."""
    from django.db.models import Value

    queryset = (
        Aanbod.objects.gepubliceerd()
        .filter(titel__startswith="Aanbod")
        .annotate(sleutel=Value(7))
        .order_by("-titel", "pk")
    )
    request = RequestFactory().get("/aanbod/")
    page = wegwijzer.paginate_with_count(request, queryset, 10, in_query=True)
    assert page.paginator.count == 25
    assert [a.pk for a in page.object_list] == [a.pk for a in queryset[:10]]
    assert {a.sleutel for a in page.object_list} == {7}
    with CaptureQueriesContext(connection) as captured:
        cards = wegwijzer.card_loader(Aanbod.objects.gepubliceerd())(
            wegwijzer.paginate_with_count(request, queryset, 10, in_query=True, card_rows=True).object_list
        )
    assert [a.pk for a in cards] == [a.pk for a in queryset[:10]]
    assert {a.sleutel for a in cards} == {7}
    rows_sql = next(
        q["sql"]
        for q in captured.captured_queries
        if '"aanbod_aanbod"."titel"' in q["sql"] and "COUNT" not in q["sql"]
    )
    assert "LIKE" not in rows_sql.upper() and "GLOB" not in rows_sql.upper()


@pytest.mark.parametrize("page", [None, "2", "999", "0"])
@pytest.mark.parametrize("in_query", [True, False])
def test_card_rows_are_the_page_without_its_aanbod_rows(vijfentwintig, page, in_query):
    queryset = Aanbod.objects.gepubliceerd().order_by("titel", "pk")
    request = RequestFactory().get("/aanbod/", {} if page is None else {"page": page})
    expected = wegwijzer.paginate_with_count(request, queryset, 10, in_query=in_query)
    got = wegwijzer.paginate_with_count(request, queryset, 10, in_query=in_query, card_rows=True)
    assert (got.number, got.paginator.count) == (expected.number, 25)
    assert all(isinstance(row, wegwijzer.CardRow) for row in got.object_list)
    assert [row.pk for row in got.object_list] == [a.pk for a in expected.object_list]


def test_an_empty_list_counts_nothing(db):
    request = RequestFactory().get("/aanbod/", {"page": "3"})
    page = wegwijzer.paginate_with_count(request, Aanbod.objects.gepubliceerd(), 10, in_query=True)
    assert page.number == 1
    assert page.paginator.count == 0
    assert list(page.object_list) == []


def test_a_ranked_list_needs_no_count_query(client, vijfentwintig):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/aanbod/?leeftijd=2")
    assert response.context["page"].paginator.count == 25
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "OVER ()" in counts[0].upper()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/aanbod/")  # in name order: a count of its own, the page from the index
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "OVER" not in counts[0].upper()


@pytest.mark.parametrize(
    ("query", "windowed"),
    [
        ("van=2030-01-07&tot=2030-01-13", True),
        ("sort=name&gemeente=gent", True),
        ("taal=fr", False),
        ("gratis=1", False),
    ],
)
def test_a_list_filtered_on_many_related_rows_counts_in_its_page_query(
    client, gemeente_a, vijfentwintig, query, windowed
):
    """The dates' and a gemeente's sets are built in full for a count: the page counts in the same statement
    instead of building them twice. Filters on the aanbod's own columns count apart, from the index."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/aanbod/?{query}").status_code == 200
    counts = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and 'AS "places"' not in q["sql"]  # not the gemeente's places
    ]
    assert len(counts) == 1
    assert ("OVER" in counts[0].upper()) is windowed


@pytest.mark.parametrize(
    ("query", "ordered"),
    [("", False), ("leeftijd=2", False), ("q=slapen", True), ("thema=slapen", True), ("sort=soonest", True)],
)
def test_the_count_window_is_ordered_for_costly_sort_keys_only(db, query, ordered):
    """A rank, a subquery or a distance is computed below an ordered window; keys of bare columns keep
    OVER () and the cheaper top-of-the-list sort."""
    window = wegwijzer.total_count(AanbodFilter(QueryDict(query)).qs)
    assert (window.order_by is not None) is ordered


def test_the_window_count_does_not_carry_the_search_document(postgres, client, vijfentwintig):
    """PostgreSQL feeds a window bare columns and computes other expressions above it: with OVER () the
    rank's whole search_vector was buffered for every match. Ordered as the page, the rank is computed
    below the window."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/aanbod/?q=aanbod")
    assert response.context["page"].paginator.count == 25
    (sql,) = [q["sql"] for q in captured.captured_queries if "COUNT(*) OVER" in q["sql"].upper()]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE, COSTS OFF) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    window = next(i for i, line in enumerate(plan) if "WindowAgg" in line)
    # The window's own output, then its input's.
    outputs = [line.strip() for line in plan[window + 1 :] if line.strip().startswith("Output:")]
    below = outputs[1]
    assert "ts_rank(" in below
    assert not re.search(r"(: |, )aanbod_aanbod\.search_vector(,|$)", below), below


@pytest.mark.parametrize("query", ["", "q=aanbod", "q=anbod", "gemeente=gent&sort=soonest", "leeftijd=0-3"])
def test_query_count_does_not_grow_with_the_page(
    client, gemeente_a, monkeypatch, django_assert_max_num_queries, query
):
    counted = []
    for size in (5, 25):
        monkeypatch.setattr(wegwijzer, "PAGE_SIZE", size)
        for i in range(size - Aanbod.objects.count()):
            aanbod = factories.AanbodFactory(titel=f"Aanbod {size}-{i}")
            factories.OpeningsuurFactory(aanbod=aanbod)
        cache.clear()  # every fragment to build: the most queries a page can make
        # At most: the data version, the netwerk, three choice lists, the gemeente in the text, the
        # search probe, the page (ids and count, then rows), the cards' next activities and hours; the
        # typo fallback adds none (once four, now subqueries of the page's).
        with django_assert_max_num_queries(12) as captured:
            response = client.get(f"/aanbod/?{query}")
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == size
        counted.append(len(captured.captured_queries))
    assert counted[0] == counted[1]


# ---- Fragments per data version (PostgreSQL) ---------------------------------------------------------
def test_an_edited_thema_shows_in_the_filter_at_once(postgres, client, settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 60
    client.get("/en/aanbod/")
    Thema.objects.filter(slug="slapen").update(naam_en="Sleeping well")
    assert '<option value="slapen">Sleeping well</option>' in client.get("/en/aanbod/").content.decode()


def test_choice_lists_are_kept_per_language_and_version(translations, db):
    with translation.override("fr"):
        french = choice_lists(7)
    with translation.override("en"):
        english = choice_lists(7)
    assert french["soort"] != english["soort"]
    Thema.objects.filter(slug="slapen").update(naam_en="Sleeping well")
    with translation.override("en"):
        assert ("slapen", "Sleeping well") not in choice_lists(7)["thema"]  # the same version: cached
        assert ("slapen", "Sleeping well") in choice_lists(8)["thema"]


# ---- The typo fallback (PostgreSQL) -------------------------------------------------------------------
def test_the_typo_fallback_finds_and_says_so(postgres, client):
    factories.AanbodFactory(titel="Peuterturnen", samenvatting="Bewegen met peuters.")
    factories.AanbodFactory(titel="Koken met weinig geld", samenvatting="Gezond en goedkoop.")
    response = client.get("/en/aanbod/?q=peuetr")
    assert [a.titel for a in factories.listed_aanbod(response)] == ["Peuterturnen"]
    assert response.context["fuzzy"] is True
    response = client.get("/en/aanbod/?q=peuter")
    assert [a.titel for a in factories.listed_aanbod(response)] == ["Peuterturnen"]
    assert response.context["fuzzy"] is False


def test_only_a_typo_costs_a_probe_and_a_second_page(postgres, client):
    """A search that finds something (most do) costs its page statement alone; one that finds nothing
    then asks whether the words match anything at all (the probe), and reads the page of close words."""
    factories.AanbodFactory(titel="Peuterturnen", samenvatting="Bewegen met peuters.")
    counted = {}
    for query in ("peuter", "peuetr"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/en/aanbod/?q={query}")
        assert [a.titel for a in factories.listed_aanbod(response)] == ["Peuterturnen"]
        counted[query] = len(captured.captured_queries)
    assert counted["peuetr"] == counted["peuter"] + 2


def test_query_without_writes_the_query_as_querydict_does():
    from aanbod.templatetags.wegwijzer import query_without

    request = RequestFactory().get(
        "/aanbod/", {"q": "ouders & baby's", "gemeente": "Sint-Niklaas", "x": ["é", "a b"], "page": "2"}
    )
    expected = request.GET.copy()
    for name in ("q", "page"):
        expected.pop(name)
    assert query_without({"request": request}, "q") == f"/aanbod/?{expected.urlencode()}"
    assert query_without({"request": request}, "q", "gemeente", "x") == "/aanbod/"
