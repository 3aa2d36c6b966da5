"""Signal reports: numbers equal direct counts, small numbers never show, access per gemeente, exports."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from aanbod.models import Inschrijving, Thema
from tests import factories
from vragen.models import Kanaal, Signaal, Vraag
from vragen.rapporten import Periode, PeriodeError, build_rapport
from vragen.rapporten.periode import kwartaal_einde
from vragen.suppression import Count

JAAR = Periode(2025)
URL = "/rapporten/gent/?jaar=2025"
LATER = date(2026, 6, 1)  # a day on which 2025 is complete
KWARTALEN = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)]


@pytest.fixture
def themas(db):
    return {slug: Thema.objects.get(slug=slug) for slug in ("slapen", "eten-en-drinken", "gedrag-en-grenzen")}


@pytest.fixture
def vragen(gemeente_a, gemeente_b, themas, partner_a, partner_b):
    """Gent: 30 questions in 2025 and 9 in 2024; Antwerpen: 20 in 2025 that must never be counted."""
    slapen, eten, gedrag = themas["slapen"], themas["eten-en-drinken"], themas["gedrag-en-grenzen"]
    for i in range(30):
        thema_set = [slapen] if i < 12 else [eten] if i < 27 else [gedrag]
        if i in (0, 1):
            thema_set = [slapen, eten]
        factories.VraagFactory(
            gemeente=gemeente_a,
            datum=date(2025, 1 + (i * 7) % 12, 1 + i),
            themas=thema_set,
            kanaal="telefoon" if i < 20 else "persoonlijk" if i < 27 else "website",
            leeftijdsband="0-1" if i < 10 else "1-3" if i < 27 else "3-6",
            vraagsteller="ouder" if i < 28 else "grootouder",
            doorverwezen_naar=partner_a if i < 8 else partner_b if i < 10 else None,
        )
    for i in range(9):
        factories.VraagFactory(
            gemeente=gemeente_a, datum=date(2024, 3, 1 + i), themas=[slapen], kanaal="telefoon"
        )
    for i in range(20):
        factories.VraagFactory(
            gemeente=gemeente_b, datum=date(2025, 2, 1 + i), themas=[gedrag], kanaal="email"
        )


def shown(count: Count):
    return count.value if count.shown else str(count)


def direct(gemeente, van, tot, **filters):
    return Vraag.objects.filter(gemeente=gemeente, datum__gte=van, datum__lte=tot, **filters).count()


def test_report_numbers_equal_direct_counts(vragen, gemeente_a, themas):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=LATER)
    prev = rapport.vorige
    assert rapport.totaal == Count(direct(gemeente_a, JAAR.van, JAAR.tot), threshold=5)
    # 2024's nine questions all fell in its first quarter: its year total would give away the three
    # empty quarters (0 + 0 + 0), so it is hidden.
    assert str(rapport.totaal_vorig) == "x"
    tables = {
        "themas": lambda key, van, tot: direct(
            gemeente_a, van, tot, themas__pk=None if key == "geen" else key
        ),
        "kanaal": lambda key, van, tot: direct(gemeente_a, van, tot, kanaal=key),
        "leeftijd": lambda key, van, tot: direct(gemeente_a, van, tot, leeftijdsband=key),
        "vraagsteller": lambda key, van, tot: direct(gemeente_a, van, tot, vraagsteller=key),
        "doorverwijzingen": lambda key, van, tot: direct(
            gemeente_a, van, tot, doorverwezen_naar=None if key == "geen" else key
        ),
    }
    # The columns: four quarters, the year, the previous year.
    spans = [(q, kwartaal_einde(q)) for q in KWARTALEN] + [(JAAR.van, JAAR.tot), (prev.van, prev.tot)]
    checked = 0
    for slug, count_of in tables.items():
        tabel = rapport.tabel(slug)
        assert len(tabel.kop) == 1 + 6
        for key, (_label, cells) in zip(tabel.sleutels, tabel.rijen, strict=True):
            if key == "andere":
                continue
            for cell, (van, tot) in zip(cells, spans, strict=True):
                truth = count_of(key, van, tot)
                if cell.shown:
                    assert cell.value == truth, (slug, key, van)
                    checked += 1
                elif cell.state == "small":
                    assert truth < 5, (slug, key, van)
                else:
                    assert truth >= 5, (slug, key, van)
    assert checked >= 6


def shown_or_hidden(cell: Count, truth: int) -> bool:
    """A cell of at least the threshold is shown, or hidden as a complement; never "< 5"."""
    return cell.value == truth if cell.shown else cell.state == "hidden"


def test_concrete_figures(vragen, gemeente_a, themas, partner_a, partner_b):
    # The partners existed before 2025: each has its own row.
    type(partner_a).objects.update(aangemaakt_op=timezone.make_aware(datetime(2020, 1, 1)))
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=LATER)
    assert rapport.totaal == Count(30, threshold=5)
    assert str(rapport.totaal_vorig) == "x"  # 9 in Q1 2024 and nothing after: it would pin the zeros
    jaar = 4  # the columns: Q1-Q4 2025, 2025, 2024
    per_thema = rapport.tabel("themas")
    assert shown_or_hidden(per_thema.rij(themas["slapen"].pk)[jaar], 12)
    assert shown_or_hidden(per_thema.rij(themas["eten-en-drinken"].pk)[jaar], 17)
    assert shown(per_thema.rij(themas["gedrag-en-grenzen"].pk)[jaar]) == "< 5"
    kanaal = rapport.tabel("kanaal")
    assert shown_or_hidden(kanaal.rij("telefoon")[jaar], 20)
    assert shown_or_hidden(kanaal.rij("persoonlijk")[jaar], 7)
    assert shown(kanaal.rij("website")[jaar]) == "< 5"
    assert shown(kanaal.rij("email")[jaar]) == "< 5"
    assert kanaal.totaal[1][jaar] == Count(30, threshold=5)
    verwezen = rapport.tabel("doorverwijzingen")
    assert shown_or_hidden(verwezen.rij(partner_a.pk)[jaar], 8)
    assert shown(verwezen.rij(partner_b.pk)[jaar]) == "< 5"
    assert shown_or_hidden(verwezen.rij("geen")[jaar], 20)
    # One "< 5" beside shown numbers needs a hidden complement in its column.
    assert sum(cells[jaar].state == "hidden" for _label, cells in verwezen.rijen) >= 1


def test_degenerate_totals_are_hidden_in_every_table(gemeente_a, themas):
    """Fifteen questions in each of the first two quarters: the empty quarters' zeros would follow from
    the year's total."""
    for i in range(30):
        factories.VraagFactory(
            gemeente=gemeente_a, datum=date(2025, 1 + i % 6, 1 + i), themas=[themas["slapen"]]
        )
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=LATER)
    totals = {str(t.totaal[1][4]) for t in rapport.tabellen if t.slug in {"themas", "leeftijd", "kanaal"}}
    assert totals == {"x"}
    assert str(rapport.totaal) == "x"
    assert str(rapport.tabel("trend").totaal[1][0]) == "x"


def test_no_line_shows_a_single_suppressed_cell_beside_a_shown_total(vragen, gemeente_a):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=LATER)
    for slug in ("themas", "leeftijd", "vraagsteller", "kanaal", "doorverwijzingen"):
        tabel = rapport.tabel(slug)
        for column in range(6):
            cells = [cells[column] for _label, cells in tabel.rijen]
            total = tabel.totaal[1][column]
            if total.shown:
                assert sum(c.suppressed for c in cells) != 1, (slug, column)
        for _label, cells in [*tabel.rijen, tabel.totaal]:
            if cells[4].shown:  # the year: the sum of its four quarters
                assert sum(c.suppressed for c in cells[:4]) != 1, (slug, _label)


def test_trend_counts_questions_per_quarter(vragen, gemeente_a):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=1, today=LATER)  # nothing suppressed
    trend = rapport.tabel("trend")
    assert trend.kop == ["Quarter", "2025", "2024"]
    per_quarter = [cells[0].value for _label, cells in trend.rijen]
    assert per_quarter == [direct(gemeente_a, q, kwartaal_einde(q)) for q in KWARTALEN]
    assert trend.totaal[1][0].value == 30
    assert [cells[1].value for _label, cells in trend.rijen] == [9, 0, 0, 0]


def test_only_quarters_that_have_ended_are_published(vragen, gemeente_a, settings):
    """A quarter is shown REPORT_PUBLICATION_DAYS after its end: late registrations are in by then."""
    from vragen.forms import MAX_DAYS_BACK

    assert settings.REPORT_PUBLICATION_DAYS >= MAX_DAYS_BACK
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=1, today=date(2025, 10, 15))
    assert rapport.kwartalen == KWARTALEN[:2]
    assert rapport.totaal is None  # the year is not complete
    kanaal = rapport.tabel("kanaal")
    assert kanaal.kop[1:] == ["Q1 2025", "Q2 2025", "2024"]
    trend = rapport.tabel("trend")
    assert [cells[0] for _label, cells in trend.rijen][2:] == [None, None]


def test_other_gemeente_is_never_counted(vragen, gemeente_b):
    rapport = build_rapport(gemeente=gemeente_b, periode=JAAR, min_cell=5, today=LATER)
    assert str(rapport.totaal) == "x"  # all 20 in the first quarter: the year would pin three zeros
    assert shown_or_hidden(rapport.tabel("kanaal").rij("email")[0], 20)
    assert rapport.tabel("kanaal").totaal[1][0] == Count(20, threshold=5)


def test_aanbod_use_by_thema_equals_direct_counts(gemeente_a, themas):
    now = timezone.make_aware(datetime(2025, 5, 20, 19))
    aanbod = factories.AanbodFactory(themas=[themas["slapen"]])
    held = factories.ActiviteitFactory(aanbod=aanbod, start=now - timedelta(days=3), capaciteit=10)
    factories.ActiviteitFactory(aanbod=aanbod, start=now - timedelta(days=2), capaciteit=10, geannuleerd=True)
    factories.ActiviteitFactory(aanbod=aanbod, start=now + timedelta(days=60), capaciteit=10)  # next quarter
    factories.ActiviteitFactory(
        aanbod=aanbod,
        start=now - timedelta(days=1),
        capaciteit=10,
        locatie=factories.LocatieFactory(gemeente=factories.gemeente("11002"), postcode="2000"),
    )
    for n in range(8):
        factories.InschrijvingFactory(activiteit=held, aantal_personen=1, aanwezig=n < 6)
    for _n in range(12):
        factories.InschrijvingFactory(activiteit=held, status=Inschrijving.Status.WACHTLIJST)
    factories.InschrijvingFactory(activiteit=held, status=Inschrijving.Status.GEANNULEERD)
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, kwartaal=2, today=LATER)
    assert rapport.tabel("aanbod").titel == "Use of the aanbod by thema in Q2 2025"
    activities, places, registered, came, waiting, pressure = rapport.tabel("aanbod").rij(themas["slapen"].pk)
    assert (activities, places) == (1, 10)
    assert (registered, came, waiting) == (
        Count(8, threshold=5),
        Count(6, threshold=5),
        Count(12, threshold=5),
    )
    assert pressure in {"1.20", "1,20"}


def test_signals_in_the_report(gemeente_a, gemeente_b, themas):
    today = timezone.localdate()
    doorgegeven = factories.SignaalFactory(titel="Wachtlijst slaapconsult", status=Signaal.Status.DOORGEGEVEN)
    Signaal.objects.filter(pk=doorgegeven.pk).update(doorgegeven_op=today)
    factories.SignaalFactory(titel="Nog niet besproken")
    factories.SignaalFactory(titel="Andere gemeente", gemeente=gemeente_b, status=Signaal.Status.DOORGEGEVEN)
    rapport = build_rapport(gemeente=gemeente_a, periode=Periode(today.year), min_cell=5)
    assert [s.titel for s in rapport.signalen] == ["Wachtlijst slaapconsult"]
    assert rapport.tabel("signalen").rij(themas["slapen"].pk) == [1, 0, 1]


# --- the page ------------------------------------------------------------------------------------


def test_page_shows_charts_and_tables_without_inline_style(client, dora, vragen):
    client.force_login(dora)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") >= 6
    assert 'role="img"' in html
    assert "style=" not in html
    assert "<style" not in html
    assert "&lt; 5" in html
    assert 'class="table report-table"' in html
    assert "rapporten.css" in html


def test_page_never_prints_a_suppressed_value(client, dora, vragen):
    client.force_login(dora)
    html = client.get(URL).content.decode()
    label = Thema.objects.get(slug="gedrag-en-grenzen").label
    gedrag_row = re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', html, re.S).group(1)
    assert ">3<" not in gedrag_row
    assert "&lt; 5" in gedrag_row


def test_empty_period_is_friendly(client, dora, db):
    client.force_login(dora)
    response = client.get("/rapporten/gent/?jaar=2010")
    assert response.status_code == 200
    assert "Fewer than 5 questions" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["van=2025-13", "van=gisteren", "jaar=vorig", "jaar=1999", "jaar=2101", "kwartaal=5"],
)
def test_bad_period_is_a_400_with_a_message(client, dora, query):
    client.force_login(dora)
    response = client.get(f"/rapporten/gent/?{query}")
    assert response.status_code == 400
    assert response.context["form"].errors


def test_older_links_snap_to_the_year_of_the_grid():
    assert Periode.from_query(None, "2025-03-17", "2025-05-02") == Periode(2025)
    assert Periode.from_query(None, "2022-01", "2025-06") == Periode(2025)
    assert Periode.from_query("2024", "2022-01", "2025-06") == Periode(2024)
    assert Periode(2025).vorige() == Periode(2024)
    with pytest.raises(PeriodeError):
        Periode.from_query("2025-02-30x")


def test_overlapping_links_give_the_same_report(client, dora, vragen):
    """The subtraction of issue 12: two overlapping periods a month apart. Both are the year's report."""
    client.force_login(dora)
    first = client.get("/rapporten/gent/export/themas.csv?van=2022-01&tot=2025-06").content
    second = client.get("/rapporten/gent/export/themas.csv?van=2022-01&tot=2025-05").content
    month = client.get("/rapporten/gent/export/themas.csv?van=2025-06&tot=2025-06").content
    assert first == second == month == client.get("/rapporten/gent/export/themas.csv?jaar=2025").content


def aanbod_in_2025(i, gemeente, themas):
    """An activity (i even) or a series (i odd) in Gent in 2025, with a registration of a family of Gent."""
    start = timezone.make_aware(datetime(2025, 1 + i % 12, 3, 19))
    aanbod = factories.AanbodFactory(themas=list(themas.values())[: 1 + i % 2])
    if i % 2:
        reeks = factories.ReeksFactory(aanbod=aanbod, bijeenkomsten=0)
        for week in range(3):
            factories.ActiviteitFactory(
                aanbod=aanbod,
                reeks=reeks,
                start=start + timedelta(weeks=week),
                einde=start + timedelta(weeks=week, hours=2),
                locatie__gemeente=gemeente,
            )
        factories.InschrijvingFactory(reeks=reeks, activiteit=None, postcode="9000")
    else:
        activiteit = factories.ActiviteitFactory(aanbod=aanbod, start=start, locatie__gemeente=gemeente)
        factories.InschrijvingFactory(activiteit=activiteit, postcode="9000", aanwezig=True)


def test_report_query_count_does_not_grow(client, coordinator, gemeente_a, themas):
    client.force_login(coordinator)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    factories.VraagFactory(
        gemeente=gemeente_a,
        datum=date(2025, 4, 1),
        themas=[themas["slapen"]],
        doorverwezen_naar=factories.PartnerFactory(),
    )
    factories.SignaalFactory(status=Signaal.Status.DOORGEGEVEN)
    aanbod_in_2025(9, gemeente_a, themas)  # in the quarter of the aanbod table (Q4)
    aanbod_in_2025(10, gemeente_a, themas)
    queries()
    few = queries()
    for i in range(20):
        factories.VraagFactory(
            gemeente=gemeente_a,
            datum=date(2025, 1 + i % 12, 2),
            themas=list(themas.values())[: 1 + i % 3],
            doorverwezen_naar=factories.PartnerFactory(),
        )
        factories.SignaalFactory(status=Signaal.Status.DOORGEGEVEN)
        aanbod_in_2025(i, gemeente_a, themas)
    assert queries() == few


# --- exports -------------------------------------------------------------------------------------


def test_csv_export_matches_the_page(client, dora, vragen):
    client.force_login(dora)
    response = client.get("/rapporten/gent/export/kanaal.csv?jaar=2025")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    # The one dialect of every export: `;`, UTF-8 with a byte order mark (Excel in Belgium).
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1:] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025", "2025", "2024"]
    kanalen = [value for value, _label in Kanaal.choices]
    body = dict(zip(kanalen, rows[1:8], strict=True))
    assert body["telefoon"][5] in {"20", "x"}
    assert body["website"][5] == "< 5"
    assert rows[8][-2:] == ["30", "x"]
    assert "fewer than 5" in response.content.decode()


def test_every_table_exports_as_csv_and_xlsx(client, coordinator, vragen):
    client.force_login(coordinator)
    rapport = build_rapport(gemeente=factories.gemeente(), periode=JAAR)
    for tabel in rapport.tabellen:
        for formaat in ("csv", "xlsx"):
            response = client.get(f"/rapporten/gent/export/{tabel.slug}.{formaat}?jaar=2025")
            assert response.status_code == 200, (tabel.slug, formaat)


def test_xlsx_workbook_has_every_table(client, dora, vragen):
    client.force_login(dora)
    response = client.get("/rapporten/gent/export/alles.xlsx?jaar=2025")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 1 + 13  # with the spelotheek and the reach sections
    sheet = workbook.worksheets[5]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    kanalen = [value for value, _label in Kanaal.choices]
    body = dict(zip(kanalen, rows[:7], strict=True))
    assert body["telefoon"][5] in {20, "x"}
    assert body["website"][5] == "< 5"
    assert rows[7][-2:] == (30, "x")


def test_unknown_export_is_a_404(client, dora, db):
    client.force_login(dora)
    assert client.get("/rapporten/gent/export/geheim.csv").status_code == 404
    assert client.get("/rapporten/gent/export/alles.csv").status_code == 404
    assert client.get("/rapporten/gent/export/themas.pdf").status_code == 404


# --- who may read --------------------------------------------------------------------------------

ROLES = ["bob", "alice", "charlie", "dora", "dora_b", "coordinator"]
EXPECTED = {
    # role: (/rapporten/, /rapporten/gent/, /rapporten/antwerpen/)
    "bob": (200, 404, 404),
    "alice": (200, 404, 404),
    "charlie": (200, 404, 404),
    "dora": (200, 200, 404),
    "dora_b": (200, 404, 200),
    "coordinator": (200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_report_permission_matrix(client, request, role, gemeente_a, gemeente_b):
    client.force_login(request.getfixturevalue(role))
    index, gent, antwerpen = EXPECTED[role]
    assert client.get("/rapporten/").status_code == index
    assert client.get("/rapporten/gent/").status_code == gent
    assert client.get("/rapporten/antwerpen/").status_code == antwerpen
    assert client.get("/rapporten/gent/export/kanaal.csv").status_code == gent
    assert client.get("/rapporten/antwerpen/export/alles.xlsx").status_code == antwerpen


def test_anonymous_is_sent_to_login(client, db):
    for url in ("/rapporten/", "/rapporten/gent/", "/rapporten/gent/export/kanaal.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_index_lists_only_own_gemeenten(client, dora):
    client.force_login(dora)
    response = client.get("/rapporten/")
    assert [g.slug for g in response.context["gemeenten"]] == ["gent"]


def test_index_without_access_says_so(client, bob):
    client.force_login(bob)
    assert "do not have access" in client.get("/rapporten/").content.decode()


def test_coordinator_jumps_to_a_gemeente_by_postcode(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/rapporten/?gemeente=2000")
    assert response.status_code == 302
    assert response["Location"] == "/rapporten/antwerpen/"


def test_municipality_user_cannot_jump_to_another_gemeente(client, dora):
    client.force_login(dora)
    response = client.get("/rapporten/?gemeente=2000")
    assert response.status_code == 200


def test_unknown_gemeente_is_a_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/rapporten/atlantis/").status_code == 404
