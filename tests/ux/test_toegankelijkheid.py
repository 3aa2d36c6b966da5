"""The accessibility statement: generated from the Netwerk and the measured state, linked in the footer."""

import datetime as dt

import pytest
from django.urls import reverse

from partners.models import Netwerk

pytestmark = pytest.mark.django_db


@pytest.fixture
def netwerk():
    netwerk = Netwerk.load()
    netwerk.naam = "Huis van het Kind Lochristi"
    netwerk.email = "huis@example.org"
    netwerk.save()
    return netwerk


def test_statement_is_linked_from_every_footer(client, netwerk):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("toegankelijkheid")}"' in html


def test_statement_without_manual_check_is_partial(client, netwerk):
    html = client.get(reverse("toegankelijkheid")).content.decode()

    assert "This website partly complies with WCAG 2.1 AA" in html
    assert "Nobody has checked this website by hand yet" in html
    assert "axe-core 4" in html
    assert 'href="mailto:huis@example.org"' in html
    assert "Huis van het Kind Lochristi wants everyone" in html


def test_statement_after_a_manual_check_without_problems_is_full(client, netwerk):
    netwerk.toegankelijkheid_beoordeeld_op = dt.date(2026, 11, 2)
    netwerk.save()

    html = client.get(reverse("toegankelijkheid")).content.decode()

    assert "This website fully complies with WCAG 2.1 AA" in html
    assert "2 November 2026" in html or "2 november 2026" in html


def test_statement_lists_known_problems(client, netwerk):
    netwerk.toegankelijkheid_beoordeeld_op = dt.date(2026, 11, 2)
    netwerk.toegankelijkheid_problemen = "De kaart heeft geen tekstversie.\n\nPDF's zijn niet toegankelijk."
    netwerk.save()

    html = client.get("/en/toegankelijkheid/").content.decode()

    assert "partly complies" in html
    assert '<ul lang="nl"><li>De kaart heeft geen tekstversie.</li>' in html
    assert "<li>PDF&#x27;s zijn niet toegankelijk.</li></ul>" in html
