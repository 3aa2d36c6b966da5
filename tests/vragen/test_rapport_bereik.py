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
    slapen = themas["slapen"].pk
    # The course: 6 families of Gent (the erased one included), once, not per meeting; the evening in
    # Antwerpen (slapen and eten: its first thema is slapen): 7; the course whose first meeting was
    # cancelled: 5, no thema.
    assert bereik.per_cel == {
        ("oudercursus", slapen): 6,
        ("vormingsavond", slapen): 7,
        ("oudercursus", GEEN): 5,
    }
    # What took registrations that year anywhere (the cancelled evening and course did not).
    assert bereik.mogelijk == {("oudercursus", slapen), ("vormingsavond", slapen), ("oudercursus", GEEN)}
    # Unknown gemeente, at activities held in Gent: no postcode (1 + 6) or 1804 (two gemeenten).
    assert bereik.onbekend == 8


def test_another_gemeente_counts_its_own_residents_only(wereld, gemeente_b, themas):
    bereik = tel_bereik(gemeente=gemeente_b, van=JAAR.van, tot=JAAR.tot)
    slapen = themas["slapen"].pk
    assert bereik.per_cel == {("oudercursus", slapen): 2, ("vormingsavond", slapen): 3}
    assert bereik.onbekend == 2  # the evening in Antwerpen had two families without a postcode


def test_published_reach_tables(wereld, gemeente_a, themas):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=LATER)
    soort = rapport.tabel("bereik_soort")
    assert soort.titel == "Families reached by kind of aanbod (living in Gent)"
    assert soort.kop == ["Kind of aanbod", "2025", "2024"]
    assert soort.totaal == ("Families reached", [Count(18), Count(None, "small")])
    assert soort.rij("oudercursus") == [Count(11), Count(None, "small")]
    assert soort.rij("vormingsavond")[0] == Count(7)
    assert str(soort.rij("workshop")[0]) == "< 5"
    thema = rapport.tabel("bereik_thema")
    assert thema.rij(themas["slapen"].pk)[0] == Count(13)
    assert thema.rij(GEEN)[0] == Count(5)
    assert str(thema.rij(themas["eten-en-drinken"].pk)[0]) == "< 5"
    assert thema.totaal[1][0] == Count(18)
    assert rapport.tabel("bereik_onbekend").rij("onbekend") == [Count(8), Count(None, "small")]


def test_reach_waits_for_the_whole_year(wereld, gemeente_a):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=date(2026, 2, 1))
    assert rapport.kwartalen  # three quarters of 2025 are published ...
    assert rapport.tabel("bereik_soort").totaal[1][0] is None  # ... but the year's reach is not yet
    assert rapport.tabel("bereik_onbekend").rij("onbekend")[0] is None


def test_a_small_gemeente_shows_no_small_count(wereld, gemeente_b, themas):
    rapport = build_rapport(gemeente=gemeente_b, periode=JAAR, min_cell=5, today=LATER)
    for slug in ("bereik_soort", "bereik_thema", "bereik_onbekend"):
        tabel = rapport.tabel(slug)
        cells = [c for _label, row in tabel.rijen for c in row] + (
            list(tabel.totaal[1]) if tabel.totaal else []
        )
        assert not any(isinstance(c, Count) and c.shown and c.value < 5 for c in cells), slug
    # Two and three families at two kinds: both "< 5". The course without a thema took registrations
    # (of Gent's families), so Antwerpen's 0 there is a "< 5" that must not be pinned down either: the
    # total (5) and the slapen row (5) would give it, so one of them is hidden.
    soort, thema = rapport.tabel("bereik_soort"), rapport.tabel("bereik_thema")
    assert [str(soort.rij(k)[0]) for k in ("oudercursus", "vormingsavond")] == ["< 5", "< 5"]
    assert str(thema.rij(GEEN)[0]) == "< 5"
    assert {str(soort.totaal[1][0]), str(thema.rij(themas["slapen"].pk)[0])} & {"x"}
    assert soort.totaal[1][0] == thema.totaal[1][0]


def test_series_count_once_in_the_aanbod_table_with_attendance_per_meeting(wereld, gemeente_a, themas):
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=1, kwartaal=1, today=LATER)
    activities, places, registered, came, waiting, _pressure = rapport.tabel("aanbod").rij(
        themas["slapen"].pk
    )
    # Three meetings of the course in Q1 (the cancelled series does not count); the course's 12 places
    # once; its confirmed persons once (4 + 2 + 1 Gent, 2 Antwerpen, 2 unknown); persons who came per
    # meeting: 7 + 6 + 4 (one family of two).
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
    assert "Families reached;18;< 5" in gent
    client.force_login(dora_b)
    assert client.get("/rapporten/gent/export/bereik_soort.csv?jaar=2025").status_code == 404
    antwerpen = client.get("/rapporten/antwerpen/export/bereik_soort.csv?jaar=2025").content.decode(
        "utf-8-sig"
    )
    # Antwerpen's own residents (2 at the course in Gent, 3 at the evening), not Gent's.
    assert "Parenting course;< 5;< 5" in antwerpen
    assert "Families reached;18" not in antwerpen


def test_registrations_at_an_activity_that_no_longer_takes_them_still_count(gemeente_a, themas):
    start = at(2025, 9, 9)
    aanbod = factories.AanbodFactory(soort=Aanbod.Soort.WORKSHOP, themas=[themas["gedrag-en-grenzen"]])
    drop_in = factories.ActiviteitFactory(aanbod=aanbod, start=start, einde=start + timedelta(hours=2))
    registreer(drop_in, "9000", 6)
    type(drop_in).objects.filter(pk=drop_in.pk).update(inschrijving_nodig=False)
    rapport = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5, today=LATER)
    assert rapport.tabel("bereik_soort").rij("workshop")[0] == Count(6)
