"""The one spreadsheet dialect and the formula guard (huisvanhetkind.lib.spreadsheets)."""

import csv
import io

import pytest

from huisvanhetkind.lib.spreadsheets import cell, csv_response, csv_text, neutralise

FORMULAS = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_cell_neutralises_text_that_starts_a_formula(value):
    assert cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Sara Peeters", "", 3, -5, 2.5, None])
def test_cell_leaves_other_values_alone(value):
    assert cell(value) == value


def test_csv_text_is_semicolons_with_a_bom_and_guarded():
    text = csv_text([["Naam", "Aantal"], ["=HYPERLINK(1)", 3], [None, "a;b"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["Naam", "Aantal"], ["'=HYPERLINK(1)", "3"], ["", "a;b"]]
    assert text.endswith("\r\n")


def test_csv_response_is_a_download_never_cached():
    response = csv_response([["a"]], filename="x.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', 'HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "SUM(A1:A9)"),
        ("==@=x", "x"),
        ("- een lijstje", "een lijstje"),
        ("+32 9 123 45 67", "+32 9 123 45 67"),
        ("-5", "-5"),
        ("Gewone tekst", "Gewone tekst"),
    ],
)
def test_neutralise_takes_the_formula_start_off_imported_text(value, expected):
    assert neutralise(value) == expected
