"""A parent reads the portal in Dutch by default, and in English or French when they choose."""

import pytest
from django.utils import translation


@pytest.mark.parametrize(
    ("prefix", "language"),
    [("", "nl-be"), ("/en", "en"), ("/fr", "fr")],
)
def test_front_page_speaks_the_chosen_language(client, db, translations, prefix, language):
    with translation.override(language):
        find_support = translation.gettext("Find support")
        ask = translation.gettext("Ask a question")
    response = client.get(f"{prefix}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert find_support in html
    assert ask in html


def test_dutch_and_french_catalogues_really_translate(translations):
    for language in ("nl-be", "fr"):
        with translation.override(language):
            assert translation.gettext("Find support") != "Find support"
            assert translation.gettext("Ask a question") != "Ask a question"
