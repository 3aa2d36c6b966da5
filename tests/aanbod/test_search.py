"""Full-text search: Dutch stemming, compounds and typos on PostgreSQL; the plain fallback elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aanbod.models import Aanbod, Thema
from aanbod.search import _search_fallback, clean_query, prefix_forms, search_aanbod, words_of
from tests import factories


def found(query: str) -> list[str]:
    """Titles matching `query`, best first."""
    result = search_aanbod(Aanbod.objects.gepubliceerd(), query)
    return [a.titel for a in result.queryset.order_by("-rank", "titel")]


@pytest.fixture
def slaap(db):
    probleem = factories.AanbodFactory(
        titel="Slaapproblemen bij baby's",
        samenvatting="Een avond over doorslapen en nachtelijk wakker worden.",
        beschrijving="Een verpleegkundige geeft tips.",
    )
    zorgen = factories.AanbodFactory(
        titel="Rustig slapen zonder zorgen",
        samenvatting="Tips voor een goede nachtrust.",
        beschrijving="Voor ouders van jonge kinderen.",
    )
    verhaal = factories.AanbodFactory(
        titel="Voorlezen in de bib",
        samenvatting="Verhalen in de bib.",
        beschrijving="Kom met je kind naar de bib; na het verhaal is het tijd om te slapen.",
    )
    factories.AanbodFactory(
        titel="Peuterturnen",
        samenvatting="Bewegen met peuters van 2 tot 4.",
        beschrijving="In de sporthal.",
    )
    factories.AanbodFactory(
        titel="Koken met weinig geld", samenvatting="Gezond en goedkoop.", beschrijving="Recepten."
    )
    return probleem, zorgen, verhaal


# ---- PostgreSQL ---------------------------------------------------------------------------------
def test_stemming_lets_slapen_slaap_and_slaapproblemen_meet(postgres, slaap):
    assert "Slaapproblemen bij baby's" in found("slaapproblemen")
    for query in ("slapen", "slaap"):
        titles = found(query)
        assert "Slaapproblemen bij baby's" in titles
        assert "Rustig slapen zonder zorgen" in titles
        assert "Koken met weinig geld" not in titles


def test_a_match_in_the_title_ranks_above_one_in_the_description(postgres, slaap):
    titles = found("slapen")
    assert titles.index("Rustig slapen zonder zorgen") < titles.index("Voorlezen in de bib")


def test_typo_still_finds_the_word(postgres, slaap):
    result = search_aanbod(Aanbod.objects.gepubliceerd(), "peuetr")
    assert [a.titel for a in result.queryset] == ["Peuterturnen"]
    assert result.fuzzy is True


def test_exact_words_are_not_reported_as_fuzzy(postgres, slaap):
    result = search_aanbod(Aanbod.objects.gepubliceerd(), "peuterturnen")
    assert result.fuzzy is False
    assert [a.titel for a in result.queryset] == ["Peuterturnen"]


@pytest.mark.parametrize("narrowed", [False, True])
def test_the_typo_pass_runs_only_when_nothing_matches_with_other_filters_or_not(postgres, slaap, narrowed):
    """`slaapprob` is no word of any document, only the beginning of one: the probe for the stemmed words
    finds nothing, the one for the prefixes must still keep the typo pass away."""
    exact = search_aanbod(Aanbod.objects.gepubliceerd(), "slaapprob", narrowed=narrowed)
    assert exact.fuzzy is False
    assert [a.titel for a in exact.queryset] == ["Slaapproblemen bij baby's"]
    typo = search_aanbod(Aanbod.objects.gepubliceerd(), "peuetr", narrowed=narrowed)
    assert typo.fuzzy is True
    assert [a.titel for a in typo.queryset] == ["Peuterturnen"]


def test_the_typo_pass_finds_partner_and_thema_names(postgres, db):
    aanbod = factories.AanbodFactory(
        titel="Babbelmoment", samenvatting="Koffie en een babbel.", themas=[Thema.objects.get(slug="slapen")]
    )
    aanbod.partner.naam = "Opvoedingswinkel Zonnestraal"
    aanbod.partner.save()
    factories.AanbodFactory(titel="Koken met weinig geld", samenvatting="Gezond en goedkoop.")
    for typo in ("zonnestarl", "sleepp"):  # the partner's name; the thema's English name (Sleep)
        result = search_aanbod(Aanbod.objects.gepubliceerd(), typo)
        assert result.fuzzy is True
        assert [a.titel for a in result.queryset] == ["Babbelmoment"]


def test_a_word_too_short_for_a_prefix_is_found_whole(postgres, db):
    factories.AanbodFactory(titel="Babbelen in de XL-zaal", samenvatting="Voor iedereen.")
    factories.AanbodFactory(titel="Koken met weinig geld", samenvatting="Gezond en goedkoop.")
    result = search_aanbod(Aanbod.objects.gepubliceerd(), "xl")
    assert result.fuzzy is False
    assert [a.titel for a in result.queryset] == ["Babbelen in de XL-zaal"]


def test_a_match_costs_one_probe_and_the_page_one_statement(postgres, slaap):
    """The probe answers whether anything matches (and sets the typo pass's threshold in the same
    statement); the page's statement finds, ranks and counts the matches itself: no list of ids in
    between, and no statement of its own for a setting."""
    with CaptureQueriesContext(connection) as captured:
        result = search_aanbod(Aanbod.objects.gepubliceerd(), "slapen")
        assert len(captured.captured_queries) == 1
        titles = [a.titel for a in result.queryset.order_by("-rank", "titel")]
    assert len(captured.captured_queries) == 2
    assert titles[:2] == ["Rustig slapen zonder zorgen", "Slaapproblemen bij baby's"]
    assert not any(q["sql"].lstrip().upper().startswith("SET") for q in captured.captured_queries)


def test_the_typo_pass_sets_its_own_threshold(postgres, slaap):
    """`peuetr` is 0.43 similar to `Peuterturnen`, below pg_trgm's default threshold (0.6)."""
    with connection.cursor() as cursor:
        cursor.execute("RESET pg_trgm.word_similarity_threshold")
    result = search_aanbod(Aanbod.objects.gepubliceerd(), "peuetr")
    assert result.fuzzy is True
    assert [a.titel for a in result.queryset] == ["Peuterturnen"]


def test_the_agenda_lists_the_activities_of_what_the_search_finds(postgres, client, slaap):
    """Unsorted, the search is the agenda's set of aanbod (`narrowed`: the planner sees the query)."""
    probleem, zorgen, _verhaal = slaap
    peuter = Aanbod.objects.get(titel="Peuterturnen")
    koken = Aanbod.objects.get(titel="Koken met weinig geld")
    for aanbod in (probleem, zorgen, peuter, koken):
        factories.ActiviteitFactory(aanbod=aanbod)

    def agenda(query: str) -> set[str]:
        page = client.get("/en/agenda/", {"q": query}).context["page"]
        return {a.aanbod.titel for a in page.object_list}

    assert agenda("slaapprob") == {"Slaapproblemen bij baby's"}
    assert agenda("slapen") == {"Slaapproblemen bij baby's", "Rustig slapen zonder zorgen"}
    assert agenda("peuetr") == {"Peuterturnen"}  # the typo pass
    assert agenda("xylofoonconcert") == set()


def test_accents_do_not_matter(postgres, db):
    factories.AanbodFactory(titel="Crèche-uurtje", samenvatting="Even spelen in de crèche.")
    assert found("creche") == ["Crèche-uurtje"]
    assert found("CRÈCHE") == ["Crèche-uurtje"]


def test_several_words_must_all_match(postgres, slaap):
    assert found("slapen baby") == ["Slaapproblemen bij baby's"]


def test_nothing_similar_finds_nothing(postgres, slaap):
    result = search_aanbod(Aanbod.objects.gepubliceerd(), "xylofoonconcert")
    assert list(result.queryset) == []


def test_index_follows_edits_without_a_manual_step(postgres, slaap):
    probleem = slaap[0]
    probleem.titel = "Nachtmerries en nachtangst"
    probleem.save()
    assert found("nachtangst") == ["Nachtmerries en nachtangst"]

    probleem.themas.add(Thema.objects.get(slug="zindelijkheid"))
    assert found("zindelijkheid") == ["Nachtmerries en nachtangst"]

    probleem.partner.naam = "Vroedvrouwen Bloesem"
    probleem.partner.save()
    assert found("bloesem") == ["Nachtmerries en nachtangst"]

    Thema.objects.filter(slug="zindelijkheid").update(naam_en="Potty time")
    assert found("potty") == ["Nachtmerries en nachtangst"]

    probleem.themas.clear()
    assert found("zindelijkheid") == []


def test_the_search_document_stays_in_its_row(postgres, db):
    """Read for every match's rank: kept in the row (aanbod/0021), not behind a TOAST probe per match."""
    aanbod = factories.AanbodFactory(beschrijving=" ".join(f"woord{i}" for i in range(300)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_size(search_vector) FROM aanbod_aanbod WHERE id = %s", [aanbod.pk])
        assert cursor.fetchone()[0] > 2100  # over the default TOAST target: out of line without 0021
        cursor.execute("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'aanbod_aanbod'")
        (toast,) = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {toast}")
        assert cursor.fetchone()[0] == 0


def test_thema_names_in_other_languages_are_searchable(postgres, db):
    factories.AanbodFactory(titel="Babbelmoment", themas=[Thema.objects.get(slug="slapen")])
    assert found("sleep") == ["Babbelmoment"]
    assert found("sommeil") == ["Babbelmoment"]


def test_nul_bytes_and_odd_unicode_do_not_reach_postgres(postgres, client, slaap):
    for q in ("sla\x00pen", "\u202eslapen\u0000", "😴 slapen", "' OR 1=1 --", "slapen:*&|!()"):
        response = client.get("/aanbod/", {"q": q})
        assert response.status_code == 200


# ---- SQLite (and the fallback function on any database) ----------------------------------------
def test_fallback_matches_every_word_in_any_field(db, slaap):
    queryset = _search_fallback(Aanbod.objects.gepubliceerd(), "slapen bib", ["slapen", "bib"])
    assert [a.titel for a in queryset] == ["Voorlezen in de bib"]


def test_fallback_matches_partner_and_thema_names(db):
    aanbod = factories.AanbodFactory(titel="Babbelmoment", themas=[Thema.objects.get(slug="slapen")])
    aanbod.partner.naam = "Opvoedingswinkel Zonnestraal"
    aanbod.partner.save()
    assert [a.titel for a in _search_fallback(Aanbod.objects.all(), "x", ["zonnestraal"])] == ["Babbelmoment"]
    assert [a.titel for a in _search_fallback(Aanbod.objects.all(), "x", ["sleep"])] == ["Babbelmoment"]


def test_sqlite_search_is_case_insensitive_and_ranks_titles_first(db, slaap):
    if connection.vendor != "sqlite":
        pytest.skip("the fallback is what SQLite uses")
    titles = found("SLAPEN")
    assert titles[0] == "Rustig slapen zonder zorgen"
    assert set(titles) == {"Rustig slapen zonder zorgen", "Voorlezen in de bib", "Slaapproblemen bij baby's"}
    assert found("doorslapen") == ["Slaapproblemen bij baby's"]


# ---- Cleaning the query -------------------------------------------------------------------------
def test_clean_query_strips_control_characters_and_cuts_long_text():
    assert clean_query("  slapen\x00\x01 en\teten \u200b ") == "slapen en eten"
    assert len(clean_query("a" * 5000)) == 200
    assert clean_query(None) == ""


def test_words_of_keeps_letters_of_any_script():
    assert words_of("Ça va? ثلاثة, 3-6 jaar!") == ["ça", "va", "ثلاثة", "3", "6", "jaar"]


def test_prefix_forms_undo_the_open_syllable():
    assert prefix_forms("slapen") == ["slapen", "slap", "slaap"]
    assert prefix_forms("peuter") == ["peuter"]
    assert prefix_forms("kinderen") == ["kinderen", "kinder"]


# ---- The list asks for the typo pass only when it comes out empty (PostgreSQL) -----------------------
def test_the_list_finds_matches_without_probing_first(postgres, client, slaap):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/aanbod/", {"q": "slapen"})
    assert response.context["fuzzy"] is False
    assert "Rustig slapen zonder zorgen" in [a.titel for a in factories.listed_aanbod(response)]
    assert not [q["sql"] for q in captured.captured_queries if "MATERIALIZED" in q["sql"]]


def test_an_empty_list_of_a_typo_shows_what_comes_close(postgres, client, slaap):
    response = client.get("/aanbod/", {"q": "peuetr"})
    assert response.context["fuzzy"] is True
    assert [a.titel for a in factories.listed_aanbod(response)] == ["Peuterturnen"]


def test_a_list_left_empty_by_its_filters_is_no_typo(postgres, client, slaap):
    """`slapen` matches, but not for parents-to-be: the list is empty, and says nothing of close words."""
    response = client.get("/aanbod/", {"q": "slapen", "leeftijd": "aanstaand"})
    assert response.context["fuzzy"] is False
    assert response.context["page"].paginator.count == 0
