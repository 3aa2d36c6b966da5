"""Series in the activities import: rows with the same `reeks` key in one aanbod become one Reeks, its
settings from its first row; every problem is an error of its row, and a file with one writes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aanbod import importeren
from aanbod.models import Activiteit, Reeks
from tests import factories

from .test_import import csv_bytes, in_days, row_errors, run, upload, with_mfa

pytestmark = pytest.mark.django_db

HEADER = (
    "aanbod;datum;begin;einde;locatie;straat;postcode;gemeente;capaciteit;inschrijving_nodig;inschrijven_tot;"
    "reeks;laat_instappen_tot;herinnering_per_bijeenkomst;titel"
)
ZAAL = "Huis van het Kind Gent;Kerkstraat 1;9000;Gent"


@pytest.fixture
def aanbod(db):
    partner = factories.PartnerFactory(naam="Opvoedingswinkel Gent", slug="opvoedingswinkel-gent")
    return factories.AanbodFactory(partner=partner, titel="Positief opvoeden", slug="positief-opvoeden")


def on_the_minute(reeks):
    """Dates in a spreadsheet have whole minutes: so must the meetings a file refers to."""
    for meeting in reeks.bijeenkomsten:
        Activiteit.objects.filter(pk=meeting.pk).update(
            start=meeting.start.replace(second=0), einde=meeting.einde.replace(second=0)
        )
    return Reeks.objects.get(pk=reeks.pk)


def series_file(capaciteit: str = "12") -> bytes:
    return csv_bytes(
        HEADER,
        f"positief-opvoeden;{in_days(10)};19:30;21:30;{ZAAL};{capaciteit};;;najaar;2;ja;Les 1",
        f"positief-opvoeden;{in_days(17)};19:30;21:30;{ZAAL};;;;najaar;;;Les 2",
        f"positief-opvoeden;{in_days(24)};19:30;21:30;{ZAAL};{capaciteit};ja;;Najaar;;ja;Les 3",
        f"positief-opvoeden;{in_days(12)};10:00;12:00;{ZAAL};20;;;;;;Infoavond",
    )


def test_rows_with_one_key_become_one_series_with_the_first_rows_settings(aanbod):
    result = run(importeren.ActiviteitResource, series_file())
    assert row_errors(result) == {}
    reeks = Reeks.objects.get()
    meetings = reeks.bijeenkomsten
    assert [m.titel for m in meetings] == ["Les 1", "Les 2", "Les 3"]
    assert reeks.aanbod == aanbod
    assert reeks.capaciteit == 12
    assert reeks.herinnering_per_bijeenkomst is True
    assert reeks.laat_instappen_tot == meetings[1]
    assert reeks.deadline == meetings[1].start
    assert reeks.inschrijven_tot is None
    # The places, the deadline and registration are the series'; a meeting has none of its own.
    assert {(m.capaciteit, m.inschrijving_nodig, m.inschrijven_tot) for m in meetings} == {(None, True, None)}
    enkel = Activiteit.objects.get(reeks__isnull=True)
    assert (enkel.titel, enkel.capaciteit) == ("Infoavond", 20)
    assert [m.deel for m in meetings] == [(1, 3), (2, 3), (3, 3)]


def test_importing_again_updates_the_series_instead_of_adding_one(aanbod):
    assert row_errors(run(importeren.ActiviteitResource, series_file())) == {}
    reeks = Reeks.objects.get()
    again = run(importeren.ActiviteitResource, series_file(capaciteit="15"))
    assert row_errors(again) == {}
    assert again.totals["new"] == 0
    assert Reeks.objects.get().pk == reeks.pk
    assert Reeks.objects.get().capaciteit == 15
    assert Activiteit.objects.filter(reeks=reeks).count() == 3
    assert Activiteit.objects.count() == 4


def test_a_series_that_exists_gains_a_date_under_any_key(aanbod):
    reeks = on_the_minute(factories.ReeksFactory(aanbod=aanbod, capaciteit=8, bijeenkomsten=2))
    first, second = reeks.bijeenkomsten
    lines = [
        f"positief-opvoeden;{timezone.localtime(m.start):%d/%m/%Y;%H:%M};{timezone.localtime(m.einde):%H:%M};"
        f"{ZAAL};8;;;bestaand;;;"
        for m in (first, second)
    ]
    content = csv_bytes(HEADER, *lines, f"positief-opvoeden;{in_days(30)};19:30;21:30;{ZAAL};;;;bestaand;;;")
    assert row_errors(run(importeren.ActiviteitResource, content)) == {}
    assert Reeks.objects.get().pk == reeks.pk
    assert Activiteit.objects.filter(reeks=reeks).count() == 3


def test_the_same_key_in_two_aanbod_is_two_series(aanbod):
    factories.AanbodFactory(partner=aanbod.partner, titel="Babymassage", slug="babymassage")
    content = csv_bytes(
        HEADER,
        f"positief-opvoeden;{in_days(10)};19:30;21:30;{ZAAL};12;;;najaar;;;",
        f"babymassage;{in_days(10)};10:00;11:00;{ZAAL};6;;;najaar;;;",
    )
    assert row_errors(run(importeren.ActiviteitResource, content)) == {}
    assert sorted(Reeks.objects.values_list("capaciteit", flat=True)) == [6, 12]


def test_series_mistakes_are_errors_of_their_rows_and_nothing_is_written(aanbod):
    content = csv_bytes(
        HEADER,
        f"positief-opvoeden;{in_days(10)};19:30;21:30;{ZAAL};12;;;najaar;;;",
        f"positief-opvoeden;{in_days(17)};19:30;21:30;{ZAAL};14;;;najaar;;;",
        f"positief-opvoeden;{in_days(24)};19:30;21:30;{ZAAL};;nee;;najaar;;;",
        f"positief-opvoeden;{in_days(11)};19:30;21:30;{ZAAL};;;;;2;misschien;",
        f"positief-opvoeden;{in_days(12)};19:30;21:30;{ZAAL};;;{in_days(11)};voorjaar;1;;",
        f"positief-opvoeden;{in_days(13)};19:30;21:30;{ZAAL};;;;zomer;3;misschien;",
    )
    errors = row_errors(run(importeren.ActiviteitResource, content))
    assert set(errors) == {2, 3, 4, 5, 6}
    assert errors[2] == {
        "capaciteit": [
            "The series “najaar” takes this from its first row (row 1): leave it empty here or write "
            "the same."
        ]
    }
    assert errors[3] == {
        "inschrijving_nodig": ["A series is always registered for, as a whole: leave this empty or write ja."]
    }
    assert errors[4]["laat_instappen_tot"] == ["Only for a series: fill in the reeks column too."]
    assert errors[4]["herinnering_per_bijeenkomst"] == ["Only for a series: fill in the reeks column too."]
    assert errors[5]["laat_instappen_tot"] == [
        "Give a last day to register or the meeting until which families may join, not both."
    ]
    assert errors[6] == {
        "laat_instappen_tot": ["Write a meeting number from 1 to 1 (the dates of this series in the file)."],
        "herinnering_per_bijeenkomst": ["Write ja or nee, not “misschien”."],
    }
    assert Reeks.objects.count() == 0
    assert Activiteit.objects.count() == 0


def test_an_activity_with_registrations_of_its_own_cannot_join_a_series(aanbod):
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=5)
    eigen = factories.ActiviteitFactory(aanbod=aanbod, start=start)
    factories.InschrijvingFactory(activiteit=eigen)
    reeks = on_the_minute(factories.ReeksFactory(aanbod=aanbod, bijeenkomsten=1))
    [meeting] = reeks.bijeenkomsten

    def row(activiteit, sleutel):
        start, einde = timezone.localtime(activiteit.start), timezone.localtime(activiteit.einde)
        return f"positief-opvoeden;{start:%d/%m/%Y;%H:%M};{einde:%H:%M};{ZAAL};;;;{sleutel};;;"

    errors = row_errors(
        run(importeren.ActiviteitResource, csv_bytes(HEADER, row(eigen, "najaar"), row(meeting, "")))
    )
    assert errors[1]["reeks"] == [
        "This activity has registrations of its own, so it cannot become a meeting of a series."
    ]
    assert errors[2]["reeks"] == [
        "This date is a meeting of a series already: give it a key in the reeks column, the same for every "
        "date of that series."
    ]
    assert Activiteit.objects.get(pk=eigen.pk).reeks_id is None
    assert Reeks.objects.count() == 1


def test_the_templates_hold_a_series_that_imports_and_the_help_page_explains_it(client, coordinator):
    factories.AanbodFactory(partner=factories.PartnerFactory(), slug="slapen-zonder-zorgen")
    for fmt, content in [
        (importeren.CSV, importeren.sjabloon_csv("activiteiten")),
        (importeren.XLSX, importeren.sjabloon_xlsx("activiteiten")),
    ]:
        assert row_errors(run(importeren.ActiviteitResource, content, fmt=fmt)) == {}
    reeks = Reeks.objects.get()
    assert (reeks.capaciteit, reeks.aantal_bijeenkomsten, reeks.herinnering_per_bijeenkomst) == (12, 2, True)
    assert reeks.laat_instappen_tot == reeks.bijeenkomsten[1]
    assert Activiteit.objects.filter(reeks__isnull=True).count() == 1

    client.force_login(with_mfa(coordinator))
    page = client.get(reverse("admin:aanbod_aanbodimport_sjabloon")).content.decode()
    assert 'id="reeks"' in page
    assert "<code>laat_instappen_tot</code>" in page and "<td>najaar</td>" in page


def test_the_admin_preview_writes_no_series_and_the_confirm_does(client, coordinator, aanbod):
    client.force_login(with_mfa(coordinator))
    preview = upload(client, series_file(), resource=1, fmt=0, name="activiteiten.csv")
    assert preview.status_code == 200
    assert Reeks.objects.count() == Activiteit.objects.count() == 0
    response = client.post(
        reverse("admin:aanbod_aanbodimport_process_import"), preview.context["confirm_form"].initial
    )
    assert response.status_code == 302
    assert Reeks.objects.get().aantal_bijeenkomsten == 3
