"""The municipality report's spelotheek section: loans per age band, suppressed like every count."""

from datetime import date

import pytest
from django.urls import reverse

from aanbod.spelotheek.models import UitleenTelling
from vragen.rapporten import Periode, build_rapport

pytestmark = pytest.mark.django_db

JAAR = Periode.of_months(date(2025, 1, 1), date(2025, 12, 1))


def tel(partner, gemeente, band, aantal, maand=date(2025, 3, 1)):
    UitleenTelling.objects.create(
        partner=partner, maand=maand, leeftijdsband=band, gemeente=gemeente, aantal=aantal
    )


def test_report_counts_loans_per_age_band_with_suppression(partner_a, gemeente_a, gemeente_b):
    tel(partner_a, gemeente_a, "0-3", 12)
    tel(partner_a, gemeente_a, "3-6", 9)
    tel(partner_a, gemeente_a, "6-12", 2)  # small: "< 5", and another cell hidden with it
    tel(partner_a, gemeente_b, "0-3", 40)  # another gemeente: not in this report
    tel(partner_a, gemeente_a, "0-3", 7, maand=date(2024, 5, 1))  # the previous period
    tabel = build_rapport(gemeente=gemeente_a, periode=JAAR, min_cell=5).tabel("spelotheek")
    assert not tabel.weggelaten
    now = [cells[0] for _label, cells in tabel.rijen]
    assert str(now[2]) == "< 5"
    assert sum(1 for cell in now if not cell.shown) >= 2  # the small cell cannot be worked out
    assert tabel.totaal[1][1] is not None


def test_report_page_shows_the_spelotheek_section(client, dora, partner_a, gemeente_a):
    from allauth.mfa.models import Authenticator

    tel(partner_a, gemeente_a, "0-3", 12)
    Authenticator.objects.get_or_create(user=dora, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(dora)
    response = client.get(reverse("rapport", kwargs={"slug": gemeente_a.slug}) + "?van=2025-01&tot=2025-12")
    assert response.status_code == 200
    assert "Toy library: loans by age band" in response.text
