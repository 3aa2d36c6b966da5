"""Demo activities keep off public holidays, and school ones off the school holidays (issue 16, point 9)."""

from datetime import date

from vragen.management.demo_data import AANBOD, easter, is_public_holiday, is_school_holiday, weekly

VR = 4


def test_easter_dates():
    assert [easter(y) for y in (2025, 2026, 2027)] == [date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28)]


def test_no_activity_on_christmas_day():
    assert is_public_holiday(date(2026, 12, 25))
    assert not weekly(VR, "08:45", 60).matches(date(2026, 12, 25))


def test_school_rule_skips_the_christmas_holiday_only():
    rule = weekly(VR, "08:45", 60, school=True)
    assert not rule.matches(date(2027, 1, 1))
    assert is_school_holiday(date(2026, 12, 21)) and not is_school_holiday(date(2026, 12, 18))
    assert rule.matches(date(2026, 12, 18))
    assert rule.matches(date(2027, 1, 8))


def test_ouderkoffie_is_a_school_rule():
    ouderkoffie = next(a for a in AANBOD if a.slug == "ouderkoffie-de-regenboog")
    assert all(rule.school for rule in ouderkoffie.regels)
