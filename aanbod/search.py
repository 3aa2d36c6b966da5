"""Full-text search over aanbod: ranked on PostgreSQL, a plain case-insensitive match on SQLite.

On PostgreSQL the document (title, summary, description, thema names in three languages, partner name)
is a stored `search_vector`, kept current by triggers (migration 0005_search) and GIN-indexed. A query
matches when either
- its `websearch` parse with the `hvhk_dutch` configuration matches (stemming: `slapen`, `slaap` → `slap`),
- or every word is the beginning of a word in the document (`slaap` finds `slaapproblemen`); for a Dutch
  verb or plural the open-syllable form is tried as well (`slapen` → `slaap*`).
Only when nothing matches at all does a typo-tolerant pass run: pg_trgm word similarity against titles,
summaries, partner and thema names (`peuetr` → `peuter`), found through GIN trigram indexes (migration
0010). It runs only when it is needed, and the caller is told (`SearchResult.fuzzy`) so the page can say so.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQueryField, TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils.text import slugify

from partners.models import Gemeente, Partner, Postcode

from .models import Aanbod, Thema

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
MIN_PREFIX_LENGTH = 3
TRIGRAM_THRESHOLD = 0.4
CONFIG = "hvhk_dutch"
SIMPLE_CONFIG = "hvhk_simple"

_WORD = re.compile(r"[^\W_]+")
_VOWELS = "aeiou"
_DUTCH_ENDINGS = ("en", "es", "e", "s")


@dataclass
class SearchResult:
    queryset: QuerySet
    fuzzy: bool = False
    # With `probe=False`: the typo pass, for a list that came out empty. It probes whether the words
    # match anything at all and gives None when they do (the list is empty for its other filters).
    typo: Callable[[], "SearchResult | None"] | None = None


def clean_query(value: str | None) -> str:
    """A search text safe for any database: no NUL or control characters, normalised, at most 200 chars.

    PostgreSQL rejects NUL bytes in text; a 5,000-character paste is cut rather than refused.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFC", str(value))
    value = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in value)
    value = " ".join(value.split())
    return value[:MAX_QUERY_LENGTH].strip()


def words_of(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:MAX_WORDS]


def prefix_forms(word: str) -> list[str]:
    """The beginnings a word may have inside a Dutch compound: `slapen` → slapen, slap, slaap."""
    forms = [word]
    for ending in _DUTCH_ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 4:
            forms.append(stem)
            # An open syllable loses its doubled vowel (slaap → slapen, boom → bomen): try it back,
            # but only for a one-syllable stem (slap), not for kinder or wandel.
            if (
                stem[-1] not in _VOWELS
                and stem[-2] in _VOWELS
                and stem[-2] != "i"
                and not any(ch in _VOWELS for ch in stem[:-2])
            ):
                forms.append(stem[:-1] + stem[-2] + stem[-1])
            break
    return list(dict.fromkeys(forms))


def _prefix_query(words: list[str]) -> str | None:
    """The words as beginnings of words, for `to_tsquery`: `slapen baby` → ('slapen':* | 'slap':* | …) & …"""
    groups = []
    for word in words:
        if len(word) < MIN_PREFIX_LENGTH:
            continue
        groups.append("(" + " | ".join(f"'{form}':*" for form in prefix_forms(word)) + ")")
    if not groups:
        return None
    return " & ".join(groups)


def search_aanbod(
    queryset: QuerySet, query: str, *, narrowed: bool = False, probe: bool = True
) -> SearchResult:
    """Narrow `queryset` (of Aanbod) to what matches `query`, annotated with a `rank` (higher is better).

    `narrowed`: other conditions narrow the result, or it is a set other rows are looked up in (the
    agenda); the page's statement then shows the planner the query, to weigh against the rest.
    `probe=False`: the words are taken to match, without asking first; a caller whose list comes out
    empty asks `SearchResult.typo()` for the typo pass. A list that finds something (most searches) then
    costs its page statement alone.
    """
    query = clean_query(query)
    words = words_of(query)
    if not words:
        return SearchResult(queryset.annotate(rank=Value(0.0, output_field=FloatField())))
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, words, narrowed=narrowed, probe=probe)
    return SearchResult(_search_fallback(queryset, query, words))


def _search_postgres(queryset: QuerySet, words: list[str], *, narrowed: bool, probe: bool) -> SearchResult:
    # The queries as SQL of our own (they name no column): as SearchQuery objects they were resolved and
    # compiled anew in the probe and three times in the page's statement (match, rank, count window), for
    # 1.3 ms of Python a search (the list with `slapen` 13.4 → 12.1 ms in process).
    text_query = _TsQuery("websearch_to_tsquery(%s::regconfig, %s)", (CONFIG, " ".join(words)))
    prefix = _prefix_query(words)
    prefix_query = (
        None if prefix is None else _TsQuery("to_tsquery(%s::regconfig, %s)", (SIMPLE_CONFIG, prefix))
    )
    combined = text_query if prefix_query is None else text_query.or_(prefix_query)
    # Whether anything matches: the stemmed words first, then the prefixes (the query is the OR of both).
    # The GIN index finds a word at once but must walk every word that starts with a prefix (`slap…`):
    # the probe of `slapen` takes 0.8 ms instead of 1.2 (planning included), and nothing to find costs two
    # index probes.
    queries = [text_query] if prefix_query is None else [text_query, prefix_query]
    if not probe:
        return SearchResult(
            _full_text(queryset, combined, narrowed=narrowed),
            typo=lambda: None if _has_any(queryset, queries) else _typo_pass(queryset, words),
        )
    if _has_any(queryset, queries):
        return SearchResult(_full_text(queryset, combined, narrowed=narrowed))
    return _typo_pass(queryset, words)


def _full_text(queryset: QuerySet, combined: "_TsQuery", *, narrowed: bool) -> QuerySet:
    """`queryset` narrowed to the full-text matches of `combined`, ranked."""
    if narrowed:
        # Other filters narrow the list further, or its matches are a set other rows are looked up in
        # (the agenda's activities): the planner weighs the search against the rest, seeing the query.
        # It tests the search documents of what the filters leave, a few hundred rows, cheaper than
        # every match's id from the index; it walks the activities in order of start until a page of
        # them belongs to a match, where the opaque query, estimated at 0.5% of the aanbod, made it
        # fetch every activity of every match (agenda `q=slapen`: 60 ms of SQL instead of 10).
        matched = queryset.filter(_Matches(F("search_vector"), combined))
    else:
        # The page's own statement finds the matches through the GIN index, ranks and counts them:
        # each match is read once. The query is opaque to the planner (`_Opaque`), which would
        # otherwise expect a prefix query to match most of the aanbod and read the whole table.
        matched = queryset.filter(_Matches(F("search_vector"), _Opaque(combined, output_field=_TSQUERY)))
    rank = Func(F("search_vector"), combined, function="ts_rank", output_field=FloatField())
    return matched.annotate(rank=rank)


def _typo_pass(queryset: QuerySet, words: list[str]) -> SearchResult:
    """Nothing matched: perhaps a typo. Needs the threshold the probe (`_has_any`) sets."""
    # Compare with the words of titles, summaries and names.
    phrase = " ".join(words)
    similar = queryset.annotate(
        rank=Greatest(
            TrigramWordSimilarity(phrase, "titel"),
            TrigramWordSimilarity(phrase, "samenvatting"),
            TrigramWordSimilarity(phrase, "partner__naam"),
        )
    )
    # The same rule as `rank >= TRIGRAM_THRESHOLD` (the greatest is above it when one of them is), written
    # with pg_trgm's `%>` (its threshold set by the probe above) so the GIN trigram indexes (migration 0010)
    # find the candidates instead of a similarity computed for every aanbod. Partner and thema matches come
    # in as arrays of ids computed once in the same statement (`= ANY(ARRAY(…))`), keeping every branch of
    # the OR on aanbod's own indexes: no round trip for them, and no list of hundreds of ids to plan twice.
    # The phrase `%>` compares with is opaque to the planner (`_Opaque`): estimating `samenvatting %> 'x'`
    # computes the similarity of every summary in the column's statistics (2.5 ms of planning, of 20).
    hidden = _Opaque(Value(phrase, output_field=TextField()))
    # The partner and thema sets as plain SQL (they name no column of the outer query): as three querysets,
    # their expressions resolved when built and compiled again for the page's statement, they cost the
    # typo pass 1.5 ms of Python.
    partners = RawSQL(
        f"SELECT id FROM {Partner._meta.db_table} WHERE naam %%> (SELECT %s::text)",
        (phrase,),
    )
    in_thema = RawSQL(
        f"SELECT aanbod_id FROM {Aanbod.themas.through._meta.db_table} WHERE thema_id = ANY(ARRAY("
        f"SELECT id FROM {Thema._meta.db_table} WHERE GREATEST(word_similarity(%s, naam), "
        f"word_similarity(%s, naam_en), word_similarity(%s, naam_fr)) >= {float(TRIGRAM_THRESHOLD)}))",
        (phrase, phrase, phrase),
    )
    condition = (
        Q(titel__trigram_word_similar=hidden)
        | Q(samenvatting__trigram_word_similar=hidden)
        | Q(_AnyOf(F("partner_id"), partners))
        | Q(_AnyOf(F("pk"), in_thema))
    )
    return SearchResult(similar.filter(condition), fuzzy=True)


class _Opaque(Func):
    """`(SELECT expression)`: a value the planner cannot see into (an InitPlan, computed once).

    It then estimates a condition on it with the operator's default selectivity instead of from the
    column's statistics: a full-text match with 0.5% of the rows, where the prefix query `slapen` →
    'slap' | 'slapen':* | 'slaap':* was estimated at two thirds of the aanbod (the planner would read the
    whole table and test every search document), and a trigram `%>` with 1%, where the estimate itself
    computed the similarity of every value in the statistics. Indexes still serve the condition."""

    template = "(SELECT %(expressions)s)"


_TSQUERY = SearchQueryField()


class _TsQuery(RawSQL):
    """A tsquery written in SQL, with its parameters; `or_` makes the query that matches either."""

    def __init__(self, sql: str, params: tuple):
        super().__init__(sql, params, output_field=_TSQUERY)

    def or_(self, other: "_TsQuery") -> "_TsQuery":
        return _TsQuery(f"{self.sql} || {other.sql}", (*self.params, *other.params))


class _Matches(Func):
    """`search_vector @@ query`, for a query of our own SQL (`_TsQuery`, opaque or not)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _AnyOf(Func):
    """`value = ANY(ARRAY(subquery))`: the subquery runs once (an InitPlan) and its array can drive an index
    scan inside an OR, where `IN (subquery)` would be tested row by row."""

    arg_joiner = " = ANY(ARRAY"
    template = "(%(expressions)s))"
    output_field = BooleanField()


def _has_any(queryset: QuerySet, queries: list["_TsQuery"]) -> bool:
    """Whether anything in `queryset` matches one of the full-text `queries` (tried in order, in one
    statement), found through the GIN index: nothing to find costs an index probe, much to find stops at
    the first hit.

    Each query is opaque to the planner (`_Opaque`), which takes the GIN index however many matches the
    statistics promise, and each is tried in a MATERIALIZED CTE, planned for all its rows, never for the
    first only: `exists()` would read the table in order, hoping for an early hit, and a query that matches
    nothing (a typo) would test every row's search document. A CTE is still read lazily, and `OR` tries
    the next one only when the one before found nothing. The rows of `queryset` are compiled once.
    """
    visible = queryset.order_by().values("pk", "search_vector").query
    visible_sql, visible_params = visible.sql_with_params()
    ctes, tests, params = [], [], []
    for i, query in enumerate(queries):
        query_sql, query_params = query.sql, query.params
        ctes.append(
            f"matched{i} AS MATERIALIZED (SELECT 1 FROM ({visible_sql}) AS visible "
            f"WHERE visible.search_vector @@ (SELECT {query_sql}))"
        )
        tests.append(f"EXISTS (SELECT 1 FROM matched{i})")
        params += [*visible_params, *query_params]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT {' OR '.join(tests)}, {_SET_THRESHOLD}", params)
        return cursor.fetchone()[0]


# `%>` (the typo pass) compares with pg_trgm.word_similarity_threshold: the probe that decides whether the
# typo pass runs makes it ours for this connection, in its own SELECT (a constant: no parameter).
_SET_THRESHOLD = f"set_config('pg_trgm.word_similarity_threshold', '{float(TRIGRAM_THRESHOLD)}', false)"


def _search_fallback(queryset: QuerySet, query: str, words: list[str]) -> QuerySet:
    """SQLite (a laptop): every word must occur somewhere, case-insensitively (ASCII case folding)."""
    through = Aanbod.themas.through
    for word in words:
        in_thema = Exists(
            through.objects.filter(aanbod_id=OuterRef("pk")).filter(
                Q(thema__naam__icontains=word)
                | Q(thema__naam_en__icontains=word)
                | Q(thema__naam_fr__icontains=word)
            )
        )
        queryset = queryset.filter(
            Q(titel__icontains=word)
            | Q(samenvatting__icontains=word)
            | Q(beschrijving__icontains=word)
            | Q(partner__naam__icontains=word)
            | in_thema
        )
    first = words[0]
    return queryset.annotate(
        rank=Case(
            When(titel__icontains=query, then=Value(4)),
            When(titel__icontains=first, then=Value(3)),
            When(samenvatting__icontains=first, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


# ---- Understanding a gemeente and an age in free text ---------------------------------------------
# "cursus lokeren" → q "cursus", gemeente Lokeren; "slapen 2 jaar" → q "slapen", leeftijd 2.
_AGE = re.compile(
    r"(?<![\w-])(\d{1,2})\s*-?\s*(?:jaar|jarige?n?|j|ans?|years?|year-old|yrs?)(?:\s+old)?(?![\w-])",
    re.IGNORECASE,
)
_POSTCODE_WORD = re.compile(r"(?<![\w-])[1-9][0-9]{3}(?![\w-])")
# Gemeente names that are also everyday words: taken as a gemeente only when written with a capital.
_AMBIGUOUS_NAMES = {"as", "boom", "bree", "ham", "lint", "mol", "peer", "zele", "kapelle-op-den-bos"}
_MAX_NAME_WORDS = 4


@dataclass
class UnderstoodQuery:
    text: str
    gemeente: str = ""
    leeftijd: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.gemeente) or self.leeftijd is not None


def understand_query(
    query: str, *, find_gemeente: bool = True, find_leeftijd: bool = True
) -> UnderstoodQuery:
    """Take a gemeente (name or postcode) and a child's age out of a search text.

    Returns the rest of the text and what was recognised (the gemeente's name as a visitor would type
    it in the gemeente filter). Reads the gemeenten once; nothing is recognised in an empty text.
    """
    text = clean_query(query)
    result = UnderstoodQuery(text=text)
    if not text:
        return result
    if find_leeftijd:
        match = _AGE.search(text)
        if match and int(match.group(1)) <= 25:
            result.leeftijd = int(match.group(1))
            text = (text[: match.start()] + " " + text[match.end() :]).strip()
    if find_gemeente:
        postcode = _POSTCODE_WORD.search(text)
        if postcode and Postcode.objects.filter(code=postcode.group(0)).exists():
            result.gemeente = postcode.group(0)
            text = (text[: postcode.start()] + " " + text[postcode.end() :]).strip()
        else:
            tokens = text.split()
            candidates = {}
            for size in range(min(_MAX_NAME_WORDS, len(tokens)), 0, -1):
                for start in range(len(tokens) - size + 1):
                    words = tokens[start : start + size]
                    candidates.setdefault(slugify(" ".join(words)), (start, size))
            found = dict(Gemeente.objects.filter(slug__in=candidates).values_list("slug", "naam"))
            for slug, (start, size) in sorted(candidates.items(), key=lambda item: -item[1][1]):
                if slug not in found:
                    continue
                if slug in _AMBIGUOUS_NAMES and not tokens[start][:1].isupper():
                    continue
                result.gemeente = found[slug]
                text = " ".join(tokens[:start] + tokens[start + size :])
                break
    result.text = " ".join(text.split())
    return result
