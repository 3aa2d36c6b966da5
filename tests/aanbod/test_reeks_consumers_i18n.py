"""The strings that series added to the import, the HSDS API and the feeds are translated (nl, en, fr)."""

import pytest
from django.urls import reverse
from django.utils import translation

from aanbod.importeren import sjablonen

from .test_import import with_mfa

pytestmark = pytest.mark.django_db

MSGIDS = [
    "Part of a series: families register once, for every meeting.",
    "Only for a series: fill in the reeks column too.",
    "A series is always registered for, as a whole: leave this empty or write ja.",
    "This activity has registrations of its own, so it cannot become a meeting of a series.",
    "Give a last day to register or the meeting until which families may join, not both.",
    "A series of meetings",
]


@pytest.mark.parametrize("language", ["nl-be", "fr"])
def test_series_strings_are_translated(translations, language):
    with translation.override(language):
        for msgid in MSGIDS:
            assert translation.gettext(msgid) != msgid, msgid
        uitleg = {kolom.naam: str(kolom.uitleg) for kolom in sjablonen()["activiteiten"]}
    with translation.override("en"):
        english = {kolom.naam: str(kolom.uitleg) for kolom in sjablonen()["activiteiten"]}
    for naam in ("reeks", "laat_instappen_tot", "herinnering_per_bijeenkomst", "inschrijven_tot"):
        assert uitleg[naam] != english[naam], naam
    with translation.override(language):
        places = translation.ngettext(
            "Places left for the series %(naam)s (%(n)d meeting from %(start)s)",
            "Places left for the series %(naam)s (%(n)d meetings from %(start)s)",
            6,
        )
        assert places.startswith("Vrije plaatsen" if language == "nl-be" else "Places libres")


def test_the_import_help_page_speaks_dutch(client, coordinator, translations):
    client.force_login(with_mfa(coordinator))
    page = client.get(reverse("admin:aanbod_aanbodimport_sjabloon")).content.decode()
    assert "Een reeks bijeenkomsten" in page
    assert "Een cursus waarvoor gezinnen zich één keer inschrijven" in page
    form = client.get(reverse("admin:aanbod_aanbodimport_import")).content.decode()
    assert "samen worden ze één reeks" in form
