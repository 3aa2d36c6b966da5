"""The header's menu and the footer are kept per language, login state, network record and page
(`cached_include`, aanbod/templatetags/wegwijzer.py): what varies must still vary, what depends on the
page's own URL (the language switcher) is never kept."""

import re

import pytest
from django.urls import reverse

from partners.models import Netwerk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 0


def current_links(content: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" aria-current="page"', content)


def test_the_menu_marks_the_page_it_is_on(client):
    assert current_links(client.get("/aanbod/").content.decode()) == ["/aanbod/"]
    assert current_links(client.get("/agenda/").content.decode()) == ["/agenda/"]
    assert current_links(client.get("/aanbod/").content.decode()) == ["/aanbod/"]
    assert current_links(client.get("/").content.decode()) == []


def test_login_state_is_never_shared(client, alice):
    login, logout, portal = (
        f'href="{reverse(name)}"' for name in ("account_login", "account_logout", "partner_dashboard")
    )
    anonymous = client.get("/aanbod/").content.decode()
    assert login in anonymous and portal not in anonymous and logout not in anonymous
    client.force_login(alice)
    logged_in = client.get("/aanbod/").content.decode()
    assert logout in logged_in and portal in logged_in and login not in logged_in
    client.logout()
    again = client.get("/aanbod/").content.decode()
    assert login in again and portal not in again and logout not in again


def test_each_language_has_its_own_menu_and_the_switcher_follows_the_page(translations, client):
    dutch = client.get("/aanbod/?q=slapen").content.decode()
    english = client.get("/en/aanbod/?q=slapen").content.decode()
    assert "Hulp zoeken" not in english and "Find support" in english
    assert dutch.count('href="/en/aanbod/?q=slapen"') == 2  # <link rel="alternate"> and the switcher
    other = client.get("/en/aanbod/?q=baby").content.decode()
    assert 'href="/aanbod/?q=baby"' in other and "q=slapen" not in other


def test_a_change_to_the_network_shows_at_once(client):
    netwerk = Netwerk.load()
    netwerk.naam = "Huis van het Kind Eerste"
    netwerk.telefoon = "09 123 45 67"
    netwerk.save()
    assert (
        client.get("/aanbod/").content.decode().count("Huis van het Kind Eerste") >= 3
    )  # title, header, footer
    netwerk.naam = "Huis van het Kind Tweede"
    netwerk.telefoon = "09 765 43 21"
    netwerk.save()
    content = client.get("/aanbod/").content.decode()
    assert "Huis van het Kind Eerste" not in content and "09 123 45 67" not in content
    assert "<span>Huis van het Kind Tweede</span>" in content and "09 765 43 21" in content
