"""The parent's side: /vraag/ and /vraag/antwoord/."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection

from vragen import codes
from vragen.models import Bericht, Gesprek, Kanaal, Vraag

from .conftest import PARENT_IP, PARENT_UA

CODE = re.compile(r'<strong aria-hidden="true">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</strong>')


def ask(client, data, **extra):
    response = client.post("/vraag/", data, **extra)
    match = CODE.search(response.content.decode())
    return response, match.group(1) if match else None


def test_form_renders_without_contact_fields(parent_client, db):
    response = parent_client.get("/vraag/")
    html = response.content.decode()
    assert response.status_code == 200
    for forbidden in ('type="email"', 'type="tel"', 'name="naam"', 'name="email"', 'name="telefoon"'):
        assert forbidden not in html
    assert 'list="gemeenten"' in html
    assert "<datalist" in html


def test_form_prefills_thema_from_the_query(parent_client, slapen):
    response = parent_client.get("/vraag/?thema=slapen")
    assert response.context["form"].initial["thema"] == slapen.pk


def test_asking_registers_a_website_vraag_and_a_gesprek(parent_client, vraag_data, gemeente_a, slapen):
    response, code = ask(parent_client, vraag_data)
    assert response.status_code == 200
    assert code is not None
    vraag = Vraag.objects.get()
    assert vraag.kanaal == Kanaal.WEBSITE
    assert vraag.gemeente == gemeente_a
    assert list(vraag.themas.all()) == [slapen]
    assert vraag.leeftijdsband == "1-3"
    assert vraag.geregistreerd_door is None
    gesprek = vraag.gesprek
    assert gesprek.code_hash == codes.code_hash(code)
    assert code not in gesprek.code_hash
    assert gesprek.berichten.get().tekst == vraag_data["tekst"]
    assert response["Cache-Control"].startswith("no-store")
    spelled = ", ".join(" ".join(group) for group in code.split("-"))
    assert spelled in response.content.decode()


def test_gemeente_by_name_any_case(parent_client, vraag_data, gemeente_a):
    vraag_data["gemeente"] = "gent"
    _response, code = ask(parent_client, vraag_data)
    assert code is not None
    assert Vraag.objects.get().gemeente == gemeente_a


def test_unknown_gemeente_is_a_form_error(parent_client, vraag_data):
    vraag_data["gemeente"] = "Atlantis"
    response, code = ask(parent_client, vraag_data)
    assert code is None
    assert response.status_code == 200
    assert "We do not know this gemeente" in response.content.decode()
    assert Vraag.objects.count() == 0


def test_ambiguous_postcode_asks_which_gemeente(parent_client, vraag_data):
    vraag_data["gemeente"] = "1040"
    response, code = ask(parent_client, vraag_data)
    assert code is None
    assert "Etterbeek" in response.content.decode()


def test_question_without_thema_is_fine(parent_client, vraag_data):
    vraag_data["thema"] = ""
    _response, code = ask(parent_client, vraag_data)
    assert code is not None
    assert Vraag.objects.get().themas.count() == 0


def test_honeypot_blocks_robots(parent_client, vraag_data):
    vraag_data["website"] = "http://spam.example"
    response, code = ask(parent_client, vraag_data)
    assert code is None
    assert Vraag.objects.count() == 0
    assert "Leave this field empty" in response.content.decode()


def test_sending_the_same_form_twice_asks_once(parent_client, vraag_data):
    _first, code = ask(parent_client, vraag_data)
    second, again = ask(parent_client, vraag_data)
    assert code is not None
    assert again is None
    assert "already sent" in second.content.decode()
    assert Vraag.objects.count() == 1


def test_form_is_rate_limited_per_client(parent_client, vraag_data):
    for n in range(10):
        vraag_data["eenmalig"] = f"token-{n}"
        response, code = ask(parent_client, vraag_data)
        assert code is not None
    vraag_data["eenmalig"] = "token-last"
    response, code = ask(parent_client, vraag_data)
    assert response.status_code == 429
    assert code is None
    other, other_code = ask(parent_client, vraag_data, REMOTE_ADDR="198.51.100.4")
    assert other_code is not None


def _all_database_text() -> str:
    """Every row of every table, and every decoded session, as one string."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    for session in Session.objects.all():
        parts.append(repr(SessionStore().decode(session.session_data)))
    return "\n".join(parts)


def test_no_ip_address_or_user_agent_is_stored_anywhere(parent_client, vraag_data):
    _response, code = ask(parent_client, vraag_data)
    parent_client.post("/vraag/antwoord/", {"code": code})
    parent_client.post("/vraag/antwoord/", {"code": code, "tekst": "Nog een vraag."})
    parent_client.post("/vraag/antwoord/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    stored = _all_database_text()
    assert Bericht.objects.count() == 2
    assert PARENT_IP not in stored
    assert PARENT_UA not in stored
    assert "unique-ua-marker" not in stored


def test_pickup_shows_the_conversation(parent_client, gesprek_en_code):
    gesprek, code = gesprek_en_code
    response = parent_client.post("/vraag/antwoord/", {"code": code})
    assert response.status_code == 200
    assert "Hoe leer ik slapen?" in response.content.decode()
    assert response["Cache-Control"].startswith("no-store")


def test_pickup_forgives_typing(parent_client, gesprek_en_code):
    _gesprek, code = gesprek_en_code
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parent_client.post("/vraag/antwoord/", {"code": typed}).status_code == 200


def test_pickup_ignores_a_code_in_the_address(parent_client, gesprek_en_code):
    _gesprek, code = gesprek_en_code
    response = parent_client.get(f"/vraag/antwoord/?code={code}")
    assert response.status_code == 200
    assert response.context["form"]["code"].value() is None
    assert "Hoe leer ik slapen?" not in response.content.decode()


@pytest.mark.parametrize("wrong", ["ZZZZ-ZZZZ-ZZZZ", "not a code", "", "ABC"])
def test_wrong_code_is_a_404(parent_client, gesprek_en_code, wrong):
    response = parent_client.post("/vraag/antwoord/", {"code": wrong})
    assert response.status_code == 404
    assert "Hoe leer ik slapen?" not in response.content.decode()


def test_wrong_codes_are_rate_limited(parent_client, gesprek_en_code):
    _gesprek, code = gesprek_en_code
    statuses = [
        parent_client.post("/vraag/antwoord/", {"code": f"ZZZZ-ZZZZ-ZZ{n:02d}"}).status_code
        for n in range(10)
    ]
    assert statuses == [404] * 10
    # Now even the right code waits: guessing must not be able to tell right from wrong.
    response = parent_client.post("/vraag/antwoord/", {"code": code})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    other = parent_client.post("/vraag/antwoord/", {"code": code}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200


def test_a_code_opens_only_its_own_gesprek(parent_client, gemeente_a, slapen, eten):
    from vragen.services import gesprek_start

    first, first_code = gesprek_start(
        gemeente=gemeente_a, themas=[slapen], leeftijdsband="0-1", tekst="Eerste vraag"
    )
    second, second_code = gesprek_start(
        gemeente=gemeente_a, themas=[eten], leeftijdsband="3-6", tekst="Tweede vraag"
    )
    html = parent_client.post("/vraag/antwoord/", {"code": first_code}).content.decode()
    assert "Eerste vraag" in html
    assert "Tweede vraag" not in html
    parent_client.post("/vraag/antwoord/", {"code": first_code, "tekst": "Vervolg op de eerste"})
    assert second.berichten.count() == 1
    assert first.berichten.count() == 2


def test_follow_up_reopens_and_restarts_retention(parent_client, gesprek_en_code, coordinator):
    from vragen.services import gesprek_answer

    gesprek, code = gesprek_en_code
    gesprek_answer(gesprek=gesprek, user=coordinator, tekst="Probeer een vast slaapritueel.")
    gesprek.refresh_from_db()
    assert gesprek.status == Gesprek.Status.BEANTWOORD
    # Times are kept to the hour: move the last message back a day to see the retention restart.
    before = gesprek.laatste_bericht_op - timedelta(days=1)
    Gesprek.objects.filter(pk=gesprek.pk).update(laatste_bericht_op=before)
    html = parent_client.post("/vraag/antwoord/", {"code": code}).content.decode()
    assert "Probeer een vast slaapritueel." in html
    response = parent_client.post("/vraag/antwoord/", {"code": code, "tekst": "Dank u! En overdag?"})
    assert response.status_code == 200
    gesprek.refresh_from_db()
    assert gesprek.status == Gesprek.Status.OPEN
    assert gesprek.laatste_bericht_op > before


def test_empty_follow_up_is_a_form_error(parent_client, gesprek_en_code):
    _gesprek, code = gesprek_en_code
    response = parent_client.post("/vraag/antwoord/", {"code": code, "tekst": ""})
    assert response.status_code == 400
    assert Bericht.objects.count() == 1


def test_closed_gesprek_takes_no_follow_up(parent_client, gesprek_en_code, coordinator):
    from vragen.services import gesprek_answer

    gesprek, code = gesprek_en_code
    gesprek_answer(gesprek=gesprek, user=coordinator, tekst="Tot ziens.", sluiten=True)
    html = parent_client.post("/vraag/antwoord/", {"code": code}).content.decode()
    assert "This conversation is closed" in html
    response = parent_client.post("/vraag/antwoord/", {"code": code, "tekst": "Toch nog iets"})
    assert response.status_code == 400
    assert gesprek.berichten.count() == 2


def test_new_question_mails_coordinators_without_its_text(
    parent_client, vraag_data, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(parent_client, vraag_data)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].bcc == [coordinator.email]
    assert vraag_data["tekst"] not in mailoutbox[0].body
    assert "/admin/vragen/gesprek/" in mailoutbox[0].body


# The empty question form: rendered once (huisvanhetkind.lib.pagecache.form_for_visitors), yet every
# visitor gets tokens of their own, and no browser or proxy may keep it.
TOKENS = re.compile(r'name="(csrfmiddlewaretoken|eenmalig)" value="([^"]+)"')


def tokens(response) -> dict[str, str]:
    return dict(TOKENS.findall(response.content.decode()))


def test_the_question_form_is_kept_by_no_browser_or_proxy(parent_client, db):
    response = parent_client.get("/vraag/")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    assert not response.has_header("ETag")
    assert not response.has_header("Last-Modified")


def test_every_visit_gets_its_own_one_time_and_csrf_tokens(db):
    from django.test import Client

    from huisvanhetkind.lib.pagecache import ONE_TIME_TOKEN

    first, second = (tokens(Client().get("/vraag/")) for _ in range(2))
    assert set(first) == set(second) == {"csrfmiddlewaretoken", "eenmalig"}
    assert first["eenmalig"] != second["eenmalig"]
    assert first["csrfmiddlewaretoken"] != second["csrfmiddlewaretoken"]
    assert ONE_TIME_TOKEN not in (first["eenmalig"], second["eenmalig"])


def test_postgres_the_empty_form_is_rendered_once_and_sent_with_fresh_tokens(
    postgres, settings, vraag_data, gemeente_a
):
    from django.test import Client

    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 60
    first = Client().get("/vraag/")
    assert "vragen/vraag_stellen.html" in [t.name for t in first.templates]
    parent = Client(enforce_csrf_checks=True)
    stored = parent.get("/vraag/")
    assert stored.templates == []  # from the page cache
    assert stored.content.decode().count("<form") == first.content.decode().count("<form")
    assert "csrftoken" in stored.cookies  # the stored page's token comes with its cookie
    assert tokens(stored)["eenmalig"] != tokens(first)["eenmalig"]
    response, code = ask(parent, {**vraag_data, **tokens(stored)})
    assert response.status_code == 200
    assert code is not None
    # Another thema in the address is another page.
    assert Client().get("/vraag/?thema=slapen").templates


def test_postgres_a_logged_in_user_gets_the_form_rendered(postgres, settings, client, alice):
    from django.test import Client

    settings.WEGWIJZER_PAGE_CACHE_SECONDS = 60
    Client().get("/vraag/")  # stored for visitors
    client.force_login(alice)
    assert "vragen/vraag_stellen.html" in [t.name for t in client.get("/vraag/").templates]
