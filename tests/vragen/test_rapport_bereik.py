"""The report's reach section (families reached per gemeente of residence, by soort and thema) and series
in the aanbod table: figures on a small world, suppression, and who sees what."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from aanbod.models import Aanbod, Aanwezigheid, Inschrijving, Thema
from partners.models import Gemeente, Postcode
from tests import factories
from vragen.rapporten import Periode, build_rapport
from vragen.rapporten.bereik import GEEN, tel_bereik
from vragen.suppression import Count

JAAR = Periode(2025)
LATER = date(2026, 6, 1)  # 2025 is complete
Q1, Q2, Q3 = date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)


def at(year, month, day, hour=19):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def themas(db):
    return {slug: Thema.objects.get(slug=slug) for slug in ("slapen", "eten-en-drinken", "gedrag-en-grenzen")}


def registreer(doel, postcode, n=1, *, status=Inschrijving.Status.BEVESTIGD, personen=1, **extra):
    kind = "reeks" if doel._meta.model_name == "reeks" else "activiteit"
    return [
        factories.InschrijvingFactory(
            **{kind: doel, "activiteit": doel if kind == "activiteit" else None},
            postcode=postcode,
            status=status,
            aantal_personen=personen,
            **extra,
        )
        for _ in range(n)
    ]


def reeks_op(aanbod, locatie, starts, **kwargs):
    reeks = factories.ReeksFactory(aanbod=aanbod, bijeenkomsten=0, **kwargs)
    meetings = [
        factories.ActiviteitFactory(
            aanbod=aanbod,
            reeks=reeks,
            start=start,
            einde=start + timedelta(hours=2),
            locatie=locatie,
            capaciteit=None,
        )
        for start in starts
    ]
    return reeks, meetings


@pytest.fixture
def wereld(gemeente_a, gemeente_b, themas):
    """Gent (9000, 9040) and Antwerpen (2000): a course (series) in Gent in Q1, an information evening
    in Antwerpen in Q2, and what must not count: cancelled, waiting, a cancelled activity and series."""
    assert set(Gemeente.objects.voor_postcode("9040")) == {gemeente_a}
    assert Postcode.objects.filter(code="1804").count() == 2
    in_gent = factories.LocatieFactory(gemeente=gemeente_a, postcode="9000")
    in_antwerpen = factories.LocatieFactory(gemeente=gemeente_b, postcode="2000")
    cursus = factories.AanbodFactory(soort=Aanbod.Soort.OUDERCURSUS, themas=[themas["slapen"]])
    reeks, meetings = reeks_op(
        cursus, in_gent, [at(2025, 2, 3), at(2025, 2, 10), at(2025, 2, 17), at(2025, 4, 7)], capaciteit=12
    )
    gent = registreer(reeks, "9000", 4) + registreer(reeks, "9040", 1, personen=2)
    # One whose personal data was erased after the course: still a family reached.
    gent += registreer(reeks, "9040", 1, naam="", email="", gewist_op=at(2025, 12, 1))
    registreer(reeks, "9000", 1, status=Inschrijving.Status.GEANNULEERD)
    registreer(reeks, "9000", 2, status=Inschrijving.Status.WACHTLIJST)
    registreer(reeks, "2000", 2)  # Antwerpen families at a course in Gent
    registreer(reeks, "", 1)  # no postcode
    registreer(reeks, "1804", 1)  # Vilvoorde or Zemst: unknown
    # Attendance per meeting: the first three meetings 6, 5, 4 families (1 person each, one of 2).
    for meeting, came in zip(meetings, (6, 5, 4, 0), strict=True):
        for index, inschrijving in enumerate(gent):
            Aanwezigheid.objects.create(inschrijving=inschrijving, activiteit=meeting, aanwezig=index < came)
    avond = factories.AanbodFactory(
        soort=Aanbod.Soort.VORMINGSAVOND, themas=[themas["slapen"], themas["eten-en-drinken"]]
    )
    in_mei = factories.ActiviteitFactory(aanbod=avond, start=at(2025, 5, 12), locatie=in_antwerpen)
    registreer(in_mei, "9000", 7)
    registreer(in_mei, "2000", 3)
    registreer(in_mei, "", 2)  # unknown, but not at an activity in Gent
    geschrapt = factories.ActiviteitFactory(
        aanbod=avond, start=at(2025, 5, 19), locatie=in_gent, geannuleerd=True
    )
    registreer(geschrapt, "9000", 5)
    geschrapte_reeks, _m = reeks_op(cursus, in_gent, [at(2025, 3, 3), at(2025, 3, 10)], geannuleerd=True)
    registreer(geschrapte_reeks, "9000", 5)
    # A course whose first meeting was cancelled counts in the quarter of its first meeting held (Q3).
    zonder_thema = factories.AanbodFactory(soort=Aanbod.Soort.OUDERCURSUS, themas=[])
    later, (eerste, _tweede) = reeks_op(zonder_thema, in_gent, [at(2025, 6, 30), at(2025, 7, 7)])
    eerste.geannuleerd = True
    eerste.save()
    registreer(later, "9052", 5)
    registreer(later, "", 6)
    return {"reeks": reeks, "meetings": meetings}


def test_families_are_counted_once_per_registration_by_residence(wereld, gemeente_a, themas):
    bereik = tel_bereik(gemeente=gemeente_a, van=JAAR.van, tot=JAAR.tot)
    # Q1: the course (6 families of Gent, the erased one included, not per meeting); Q2: the evening
    # in Antwerpen (7 of Gent); Q3: the course whose first meeting was cancelled (5).
    assert bereik.inwoners.per_kwartaal == {Q1: 6, Q2: 7, Q3: 5}
    assert bereik.inwoners.kwartaal("soort", Q1) == {"oudercursus": 6}
    assert bereik.inwoners.kwartaal("soort", Q2) == {"vormingsavond": 7}
    assert bereik.inwoners.kwartaal("soort", Q3) == {"oudercursus": 5}
    slapen, eten = themas["slapen"].pk, themas["eten-en-drinken"].pk
    assert bereik.inwoners.kwartaal("thema", Q2) == {slapen: 7, eten: 7}
    assert bereik.inwoners.kwartaal("thema", Q3) == {GEEN: 5}
    # Unknown gemeente, at activities held in Gent: no postcode, or 1804 (two gemeenten).
    assert bereik.onbekend == {Q1: 2, Q3: 6}


def test_another_gemeente_counts_its_own_residents_only(wereld, gemeente_b):
    bereik = tel_bereik(gemeente=gemeente_b, van=JAAR.van, tot=JAAR.tot)
    assert bereik.inwoners.per_kwartaal == {Q1: 2, Q2: 3}
    # The evening in Antwerpen had two families without a postcode.
    assert bereik.onbekend == {Q2: 2}


def test_published_reach_tables(wereld, gemeente_a, themas):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=LATER)
    soort = rapport.tabel("bereik_soort")
    assert soort.titel == "Families reached by kind of aanbod (living in Gent)"
    assert soort.kop == ["Kind of aanbod", "Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025", "2025", "2024"]
    assert soort.totaal[0] == "Families reached"
    assert soort.totaal[1][:2] == [Count(6), Count(7)]
    # Q3: 5 families, all at one course: with the total the other kinds would read 0, so it is hidden.
    assert soort.totaal[1][2] == Count(None, "hidden")
    assert soort.rij("oudercursus")[2] == Count(5)
    assert soort.rij("oudercursus")[4] == Count(11)  # the year: once per series, Q1 6 + Q3 5
    assert soort.rij("vormingsavond")[4] == Count(7)
    assert [str(c) for c in soort.rij("workshop")] == ["< 5"] * 6
    thema = rapport.tabel("bereik_thema")
    assert thema.rij(themas["eten-en-drinken"].pk)[1] == Count(7)
    assert thema.rij(themas["slapen"].pk)[4] == Count(13)
    assert thema.rij(GEEN)[2] == Count(5)
    onbekend = rapport.tabel("bereik_onbekend")
    # Q1 2, Q2 0, Q3 6, Q4 0; the year (8) may not be a number while a quarter is "< 5" (Q3 and the
    # year would give Q1 + Q2 + Q4); 2024 had none.
    assert [str(c) for c in onbekend.rij("onbekend")] == ["< 5", "< 5", "6", "< 5", "x", "< 5"]


def test_a_small_gemeente_shows_no_small_count(wereld, gemeente_b):
    rapport = build_rapport(gemeente=gemeente_b, periode=JAAR, min_cell=5, today=LATER)
    for slug in ("bereik_soort", "bereik_thema", "bereik_onbekend"):
        tabel = rapport.tabel(slug)
        cells = [c for _label, row in tabel.rijen for c in row] + (
            list(tabel.totaal[1]) if tabel.totaal else []
        )
        assert not any(isinstance(c, Count) and c.shown and c.value < 5 for c in cells), slug


def test_series_count_once_in_the_aanbod_table_with_attendance_per_meeting(wereld, gemeente_a, themas):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=1, kwartaal=1, today=LATER)
    activities, places, registered, came, waiting, _pressure = rapport.tabel("aanbod").rij(
        themas["slapen"].pk
    )
    # Three meetings of the course in Q1 (the cancelled series does not count); the course's 12 places
    # once; its confirmed persons once (4 + 2 + 1 Gent, 2 Antwerpen, 2 unknown); persons who came: 7 + 6 + 4 (one family of two).
    assert (activities, places) == (3, 12)
    assert (registered, came, waiting) == (
        Count(11, threshold=1),
        Count(7 + 6 + 4, threshold=1),
        Count(2, threshold=1),
    )
    tweede = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=1, kwartaal=2, today=LATER)
    activities, places, registered, came, waiting, _pressure = tweede.tabel("aanbod").rij(themas["slapen"].pk)
    # Q2: only the course's fourth meeting (nobody came); its registrations were counted in Q1.
    assert (activities, places, registered.value, came.value, waiting.value) == (1, 0, 0, 0, 0)


def test_the_page_shows_the_reach_section(client, dora, wereld):
    client.force_login(dora)
    page = client.get("/rapporten/gent/?jaar=2025").content.decode()
    assert "Families reached by kind of aanbod (living in Gent)" in page
    assert '<th scope="row">Parenting course</th>' in page
    assert 'id="cap-bereik_thema"' in page


def test_a_municipality_user_sees_only_its_own_gemeente(client, dora, dora_b, wereld):
    client.force_login(dora)
    assert client.get("/rapporten/antwerpen/?jaar=2025").status_code == 404
    assert client.get("/rapporten/antwerpen/export/bereik_soort.csv?jaar=2025").status_code == 404
    gent = client.get("/rapporten/gent/export/bereik_soort.csv?jaar=2025").content.decode("utf-8-sig")
    assert "Families reached;6;7;" in gent
    client.force_login(dora_b)
    assert client.get("/rapporten/gent/export/bereik_soort.csv?jaar=2025").status_code == 404
    antwerpen = client.get("/rapporten/antwerpen/export/bereik_soort.csv?jaar=2025").content.decode(
        "utf-8-sig"
    )
    # Antwerpen's own residents: 2 in Q1 and 3 in Q2, both below the threshold.
    assert "Families reached;< 5;< 5;" in antwerpen
