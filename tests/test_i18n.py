"""Translations: committed .mo files agree with their .po, and each language serves its own pages.

The .mo check compiles every locale/*/LC_MESSAGES/*.po with GNU msgfmt into a temporary file and compares
the two catalogues as gettext reads them (not the bytes, which differ between msgfmt versions). Without
msgfmt the check is skipped — or fails with REQUIRE_SERVICES=1, as in CI, which installs gettext.
"""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import missing

LOCALE = Path(settings.BASE_DIR) / "locale"


def catalogue(mo: Path) -> dict:
    with mo.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    return dict(translations._catalog)


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def test_every_po_has_a_mo_that_agrees(tmp_path):
    files = po_files()
    if not files:
        return  # nothing translated yet: nothing can disagree
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        missing("needs GNU msgfmt (apt install gettext) to compile the .po files")
    problems = []
    for po in files:
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo.relative_to(LOCALE)} is missing: run `make messages` and commit it")
            continue
        fresh = tmp_path / f"{po.parent.parent.name}-{po.stem}.mo"
        result = subprocess.run(
            [msgfmt, "--check-format", "-o", str(fresh), str(po)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            problems.append(f"{po.relative_to(LOCALE)} does not compile: {result.stderr.strip()}")
            continue
        if catalogue(fresh) != catalogue(mo):
            problems.append(f"{mo.relative_to(LOCALE)} is out of date with its .po: run `make messages`")
    assert problems == []


def test_catalogue_check_notices_a_stale_mo(tmp_path):
    """The comparison itself works: a .mo compiled from another .po is told apart."""
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        missing("needs GNU msgfmt (apt install gettext)")
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    old, new = tmp_path / "old.po", tmp_path / "new.po"
    old.write_text(header + 'msgid "Search"\nmsgstr "Zoeken"\n', encoding="utf-8")
    new.write_text(header + 'msgid "Search"\nmsgstr "Zoek"\n', encoding="utf-8")
    for po in (old, new):
        subprocess.run([msgfmt, "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    assert catalogue(old.with_suffix(".mo")) != catalogue(new.with_suffix(".mo"))
    assert catalogue(old.with_suffix(".mo"))["Search"] == "Zoeken"


@pytest.mark.parametrize(("prefix", "lang"), [("", "nl"), ("/en", "en"), ("/fr", "fr")])
def test_each_language_serves_the_front_page_with_its_lang(client, db, prefix, lang):
    response = client.get(f"{prefix}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()


def test_language_switcher_keeps_the_page_and_its_filters(client, db):
    html = client.get("/aanbod/", {"q": "slapen", "leeftijd": "0-3"}).content.decode()
    assert 'href="/en/aanbod/?q=slapen&amp;leeftijd=0-3" hreflang="en"' in html
    assert 'href="/fr/aanbod/?q=slapen&amp;leeftijd=0-3" hreflang="fr"' in html
    english = client.get("/en/agenda/").content.decode()
    assert 'href="/agenda/" hreflang="nl-be"' in english


def test_language_switcher_marks_the_current_language(client, db):
    html = client.get("/fr/partners/").content.decode()
    assert 'lang="fr" aria-current="true"' in html
