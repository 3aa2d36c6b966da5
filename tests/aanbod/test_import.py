"""Import of aanbod and activities from spreadsheets: the resources, the file formats and the admin flow."""

import datetime as dt
import io
import time

import openpyxl
import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from aanbod import importeren
from aanbod.models import Aanbod, Activiteit, Locatie
from tests import factories

pytestmark = pytest.mark.django_db

AANBOD_HEADER = "titel;partner;soort;samenvatting;themas;gemeenten;leeftijd_van;leeftijd_tot;kosten;prijs"
ACTIVITEIT_HEADER = "aanbod;datum;begin;einde;locatie;straat;postcode;gemeente;capaciteit"


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def csv_bytes(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def run(resource_class, content: bytes, *, fmt=importeren.CSV, dry_run: bool = False):
    dataset = fmt(encoding="utf-8-sig").create_dataset(content)
    return resource_class().import_data(dataset, dry_run=dry_run, raise_errors=False)


def row_errors(result) -> dict[int, dict[str, list[str]]]:
    """{row number: {column: [messages]}} of every invalid row."""
    errors = {}
    for invalid in result.invalid_rows:
        errors[invalid.number] = {key: [str(m) for m in value] for key, value in invalid.error_dict.items()}
    for number, row_errs in result.row_errors():
        errors[number] = {"error": [str(error.error) for error in row_errs]}
    return errors


def with_mfa(user):
    """Admin users need an authenticator (partners.middleware.AdminRequiresMFAMiddleware)."""
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    return user


@pytest.fixture
def partner(db):
    return factories.PartnerFactory(naam="Opvoedingswinkel Gent", slug="opvoedingswinkel-gent")


@pytest.fixture
def aanbod(partner):
    return factories.AanbodFactory(partner=partner, titel="Slapen zonder zorgen", slug="slapen-zonder-zorgen")


def valid_aanbod_file() -> bytes:
    return csv_bytes(
        AANBOD_HEADER,
        "Slapen zonder zorgen;Opvoedingswinkel Gent;vormingsavond;Een avond over slapen.;slapen;Gent;0;3;"
        "gratis;",
        "Babymassage;opvoedingswinkel-gent;Workshop;Samen leren masseren.;;Gent, 11002;0;1;betalend;7,50",
    )


# --- a valid file, and a re-import --------------------------------------------------------------------------


def test_valid_aanbod_file_imports_everything(partner):
    result = run(importeren.AanbodResource, valid_aanbod_file())
    assert row_errors(result) == {}
    assert result.totals["new"] == 2
    slapen = Aanbod.objects.get(slug="slapen-zonder-zorgen")
    assert slapen.partner == partner
    assert slapen.status == Aanbod.Status.GEPUBLICEERD
    assert [t.slug for t in slapen.themas.all()] == ["slapen"]
    assert [g.naam for g in slapen.gemeenten.all()] == ["Gent"]
    massage = Aanbod.objects.get(slug="babymassage")
    assert massage.soort == Aanbod.Soort.WORKSHOP
    assert str(massage.prijs) == "7.50"
    assert sorted(g.naam for g in massage.gemeenten.all()) == ["Antwerpen", "Gent"]


def test_reimport_updates_instead_of_duplicating(partner):
    run(importeren.AanbodResource, valid_aanbod_file())
    again = run(importeren.AanbodResource, valid_aanbod_file())
    assert (again.totals["new"], again.totals["skip"]) == (0, 2)
    changed = valid_aanbod_file().replace(b"Een avond over slapen.", b"Een avond over rustig slapen.")
    result = run(importeren.AanbodResource, changed)
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 1, 1)
    assert Aanbod.objects.count() == 2
    assert Aanbod.objects.get(slug="slapen-zonder-zorgen").samenvatting == "Een avond over rustig slapen."


def test_valid_activities_file_imports_and_reimports(aanbod):
    content = csv_bytes(
        ACTIVITEIT_HEADER,
        f"slapen-zonder-zorgen;{in_days(10)};19:30;21:30;Huis van het Kind Gent;Kerkstraat 1;9000;Gent;20",
        f"slapen-zonder-zorgen;{in_days(17)};19u30;21u30;Huis van het Kind Gent;Kerkstraat 1;9000;Gent;",
    )
    result = run(importeren.ActiviteitResource, content)
    assert row_errors(result) == {}
    assert result.totals["new"] == 2
    first, second = Activiteit.objects.order_by("start")
    assert timezone.localtime(first.start).time() == dt.time(19, 30)
    assert first.einde - first.start == dt.timedelta(hours=2)
    assert (first.capaciteit, second.capaciteit) == (20, None)
    assert first.locatie == second.locatie and Locatie.objects.count() == 1
    assert first.locatie.gemeente.naam == "Gent"
    again = run(importeren.ActiviteitResource, content)
    assert (again.totals["new"], again.totals["skip"]) == (0, 2)
    assert Activiteit.objects.count() == 2


def test_formulas_are_neutralised_at_the_boundary(partner, client):
    content = csv_bytes(
        AANBOD_HEADER,
        '=HYPERLINK("http://evil.example");Opvoedingswinkel Gent;vormingsavond;'
        "+cmd|' /C calc'!A0;;Gent;0;3;gratis;",
        "@SUM(A1:A9);Opvoedingswinkel Gent;workshop;Gewoon.;;Gent;0;3;gratis;",
    )
    result = run(importeren.AanbodResource, content)
    assert row_errors(result) == {}
    titels = sorted(Aanbod.objects.values_list("titel", "samenvatting"))
    assert titels == [('HYPERLINK("http://evil.example")', "cmd|' /C calc'!A0"), ("SUM(A1:A9)", "Gewoon.")]
    # Not in the published aanbod, so not in the HSDS API either.
    body = client.get("/api/hsds/services?per_page=100").content.decode()
    assert "=HYPERLINK" not in body and "+cmd" not in body and "@SUM" not in body


def test_a_title_with_a_line_break_is_imported_on_one_line(aanbod):
    content = csv_bytes(
        ACTIVITEIT_HEADER,
        f'slapen-zonder-zorgen;{in_days(10)};19:30;21:30;"Huis van het\nKind Gent";Kerkstraat 1;9000;Gent;20',
    )
    result = run(importeren.ActiviteitResource, content)
    assert row_errors(result) == {}
    assert Locatie.objects.get().naam == "Huis van het Kind Gent"


# --- every kind of error: nothing written, each named on its row --------------------------------------------


def test_aanbod_file_with_errors_writes_nothing_and_names_them(partner):
    content = csv_bytes(
        AANBOD_HEADER,
        "Goed aanbod;Opvoedingswinkel Gent;workshop;Alles klopt.;;Gent;;;gratis;",
        "Onbekende gemeente;Opvoedingswinkel Gent;workshop;Tekst.;;Atlantis;;;gratis;",
        "Zonder partner;;workshop;Tekst.;;Gent;;;gratis;",
        "Goed aanbod;Opvoedingswinkel Gent;workshop;Nog eens.;;Gent;;;gratis;",
        "Onbekende partner;Vzw Nergens;workshop;Tekst.;;Gent;;;gratis;",
        "Verkeerde leeftijden;Opvoedingswinkel Gent;workshop;Tekst.;;Gent;12;3;gratis;",
        "Betalend zonder prijs;Opvoedingswinkel Gent;workshop;Tekst.;;Gent;;;betalend;",
    )
    result = run(importeren.AanbodResource, content)
    errors = row_errors(result)
    assert set(errors) == {2, 3, 4, 5, 6, 7}
    assert "Atlantis" in errors[2]["gemeenten"][0]
    assert errors[3]["partner"] == ["Fill in the partner."]
    assert errors[4]["slug"] == ["Duplicate: the same as row 1."]
    assert "Vzw Nergens" in errors[5]["partner"][0]
    assert any("low to high" in message for message in sum(errors[6].values(), []))
    assert any("price" in message for message in sum(errors[7].values(), []))
    assert Aanbod.objects.count() == 0


def test_activities_file_with_errors_writes_nothing_and_names_them(aanbod):
    content = csv_bytes(
        ACTIVITEIT_HEADER,
        f"slapen-zonder-zorgen;{in_days(10)};19:30;21:30;Nieuwe zaal;Kerkstraat 1;9000;Gent;20",
        f"slapen-zonder-zorgen;{in_days(-3)};19:30;21:30;;;;;",
        f"bestaat-niet;{in_days(10)};10:00;11:00;;;;;",
        f"slapen-zonder-zorgen;{in_days(10)};19:30;21:30;;;;;",
        f"slapen-zonder-zorgen;{in_days(12)};19:30;21:30;Andere zaal;Markt 1;9000;Atlantis;",
        "slapen-zonder-zorgen;morgen;half acht;21:30;;;;;",
    )
    result = run(importeren.ActiviteitResource, content)
    errors = row_errors(result)
    assert set(errors) == {2, 3, 4, 5, 6}
    assert errors[2]["datum"] == ["This date is in the past."]
    assert "bestaat-niet" in errors[3]["aanbod"][0]
    assert errors[4]["datum"] == ["Duplicate: the same as row 1."]
    assert "Atlantis" in errors[5]["gemeente"][0]
    assert set(errors[6]) == {"datum", "begin"}
    assert Activiteit.objects.count() == 0
    assert Locatie.objects.count() == 0  # the new place of row 1 was rolled back too


# --- spreadsheets: semicolons, odd cell types, merged cells -------------------------------------------------


def test_comma_separated_csv_without_bom_works(partner):
    content = valid_aanbod_file().decode("utf-8-sig").replace(";", "|").replace(",", ";").replace("|", ",")
    # Now the separator is a comma and the lists use semicolons; prices lose their decimal comma.
    content = content.replace("7;50", "7.50")
    result = run(importeren.AanbodResource, content.encode())
    assert row_errors(result) == {}
    assert Aanbod.objects.count() == 2


def test_windows_1252_csv_from_excel_works(partner, client, coordinator):
    content = (
        "titel;partner;soort;samenvatting\n"
        "Café voor ouders;Opvoedingswinkel Gent;ontmoetingsmoment;Één keer per maand.\n"
    )
    result = run(importeren.AanbodResource, content.encode("cp1252"))
    assert row_errors(result) == {}
    assert Aanbod.objects.get().titel == "Café voor ouders"
    # Through the admin as well, where the file is stored between preview and confirmation.
    Aanbod.objects.all().delete()
    client.force_login(with_mfa(coordinator))
    preview = upload(client, content.encode("cp1252"), resource=0, fmt=0, name="excel.csv")
    response = client.post(
        reverse("admin:aanbod_aanbodimport_process_import"), preview.context["confirm_form"].initial
    )
    assert response.status_code == 302
    assert Aanbod.objects.get().samenvatting == "Één keer per maand."


def xlsx(rows: list[list], *, merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_with_odd_cell_types_and_merged_cells(aanbod):
    day = timezone.localdate() + dt.timedelta(days=20)
    serial = (day - dt.date(1899, 12, 30)).days
    content = xlsx(
        [
            ["Aanbod", "Datum", "Begin", "Einde", "Locatie", "Straat", "Postcode", "Gemeente", "Capaciteit"],
            # A date as a serial number, times as fractions of a day, a postcode and a NIS code as numbers.
            ["slapen-zonder-zorgen", serial, 0.8125, 0.89583333, "Zaal", "Kerkstraat 1", 9000, 44021, 20.0],
            # A real date cell and time cells; the aanbod cell is merged with the one above.
            [
                None,
                day + dt.timedelta(days=1),
                dt.time(10),
                dt.time(12),
                "Zaal",
                "Kerkstraat 1",
                9000,
                "Gent",
                15,
            ],
            # A datetime cell and text times; the empty rows after it are ignored.
            [
                None,
                dt.datetime.combine(day + dt.timedelta(days=2), dt.time()),
                "9u",
                "11.30",
                None,
                None,
                None,
                None,
                None,
            ],
            [None, None, None, None, None, None, None, None, None],
        ],
        merge="A2:A4",
    )
    result = run(importeren.ActiviteitResource, content, fmt=importeren.XLSX)
    assert row_errors(result) == {}
    starts = [timezone.localtime(a.start) for a in Activiteit.objects.order_by("start")]
    assert [(s.date(), s.time()) for s in starts] == [
        (day, dt.time(19, 30)),
        (day + dt.timedelta(days=1), dt.time(10)),
        (day + dt.timedelta(days=2), dt.time(9)),
    ]
    assert {a.aanbod for a in Activiteit.objects.all()} == {aanbod}
    assert Activiteit.objects.order_by("start").last().einde.astimezone(starts[0].tzinfo).time() == dt.time(
        11, 30
    )


def test_templates_download_and_import_as_they_are(client, coordinator):
    client.force_login(with_mfa(coordinator))
    for naam in ("aanbod", "activiteiten"):
        for extensie in ("csv", "xlsx"):
            url = reverse("admin:aanbod_aanbodimport_sjabloon_download", args=[naam, extensie])
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Disposition"].endswith(f'sjabloon-{naam}.{extensie}"')
    page = client.get(reverse("admin:aanbod_aanbodimport_sjabloon"))
    assert page.status_code == 200
    for kolom in importeren.sjablonen()["activiteiten"]:
        assert f"<code>{kolom.naam}</code>" in page.content.decode()
    # The example rows of the templates import once their partner exists.
    factories.PartnerFactory(naam="Opvoedingswinkel Gent")
    for fmt, content in [
        (importeren.CSV, importeren.sjabloon_csv("aanbod")),
        (importeren.XLSX, importeren.sjabloon_xlsx("aanbod")),
    ]:
        assert row_errors(run(importeren.AanbodResource, content, fmt=fmt)) == {}
    result = run(importeren.ActiviteitResource, importeren.sjabloon_xlsx("activiteiten"), fmt=importeren.XLSX)
    assert row_errors(result) == {}


# --- the admin flow -----------------------------------------------------------------------------------------


def upload(client, content: bytes, *, resource: int, fmt: int, name: str):
    url = reverse("admin:aanbod_aanbodimport_import")
    upload_file = io.BytesIO(content)
    upload_file.name = name
    return client.post(url, {"resource": resource, "format": fmt, "import_file": upload_file})


def test_admin_preview_then_confirm(client, coordinator, partner):
    client.force_login(with_mfa(coordinator))
    assert client.get(reverse("admin:aanbod_aanbodimport_changelist")).status_code == 302
    page = client.get(reverse("admin:aanbod_aanbodimport_import"))
    assert page.status_code == 200
    assert reverse("admin:aanbod_aanbodimport_sjabloon") in page.content.decode()
    # The columns the page announces are the templates' columns, not internal field names.
    assert "datum, begin, einde" in page.content.decode()
    assert "inschrijven_tot_moment" not in page.content.decode()

    preview = upload(client, valid_aanbod_file(), resource=0, fmt=0, name="aanbod.csv")
    assert preview.status_code == 200
    assert Aanbod.objects.count() == 0  # the preview is a dry run
    confirm = preview.context["confirm_form"]
    response = client.post(reverse("admin:aanbod_aanbodimport_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Aanbod.objects.count() == 2


def test_admin_preview_with_errors_offers_no_confirm(client, coordinator, partner):
    client.force_login(with_mfa(coordinator))
    content = csv_bytes(AANBOD_HEADER, "Fout;;workshop;Tekst.;;Atlantis;;;gratis;")
    preview = upload(client, content, resource=0, fmt=0, name="aanbod.csv")
    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    text = preview.content.decode()
    assert "Atlantis" in text and "Fill in the partner." in text
    assert Aanbod.objects.count() == 0


def test_admin_import_is_for_coordinators_only(client, alice, charlie, partner):
    url = reverse("admin:aanbod_aanbodimport_import")
    assert client.get(url).status_code == 302  # to the admin login
    for outsider in (alice, charlie):
        client.force_login(outsider)
        assert client.get(url).status_code == 302
        assert upload(client, valid_aanbod_file(), resource=0, fmt=0, name="a.csv").status_code == 302
    staff = with_mfa(factories.UserFactory(email="staff@example.org", is_staff=True))
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("admin:aanbod_aanbodimport_sjabloon_download", args=["aanbod", "csv"])).status_code
        == 404
    )
    assert Aanbod.objects.count() == 0


# --- a large file -------------------------------------------------------------------------------------------


def test_ten_thousand_activities_import_in_reasonable_time(aanbod):
    lines = [ACTIVITEIT_HEADER]
    start = timezone.localdate() + dt.timedelta(days=1)
    for number in range(10_000):
        day = (start + dt.timedelta(days=number // 10)).strftime("%d/%m/%Y")
        hour = 8 + number % 10
        lines.append(f"slapen-zonder-zorgen;{day};{hour}:00;{hour}:45;Zaal;Kerkstraat 1;9000;Gent;12")
    began = time.monotonic()
    result = run(importeren.ActiviteitResource, csv_bytes(*lines))
    seconds = time.monotonic() - began
    assert row_errors(result) == {}
    assert Activiteit.objects.count() == 10_000
    assert seconds < 60, f"10,000 rows took {seconds:.0f} s"
