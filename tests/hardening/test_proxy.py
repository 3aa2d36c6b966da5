"""Behind the TLS proxy (docker-compose.yml: Caddy, RATELIMIT_TRUSTED_PROXIES=1) every request comes from
the proxy's address: the limits must count the parent behind it, and a shared secret (a pickup code)
also per code, so that no single client can lock everyone out."""

import pytest
import yaml
from django.test import Client

from huisvanhetkind.lib.ratelimit import client_ip
from tests.hardening.test_rate_limits import Clock, statuses
from tests.test_compose import ROOT

PROXY = "172.18.0.5"


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("huisvanhetkind.lib.ratelimit.time", clock)
    return clock


@pytest.fixture
def behind_proxy(settings):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    settings.RATELIMIT_TRUSTED_PROXIES = int(
        compose["services"]["web"]["environment"]["RATELIMIT_TRUSTED_PROXIES"]
    )
    return settings


def parent(address: str) -> Client:
    """A browser behind Caddy: Caddy connects, and X-Forwarded-For holds the address it saw."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def test_proxy_client_is_the_right_most_untrusted_address(rf, behind_proxy):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"  # what the client wrote itself (left) is not believed


def test_proxy_one_guessing_client_does_not_lock_out_other_parents(db, behind_proxy, clock, gemeente_a):
    from vragen.models import Leeftijdsband
    from vragen.services import gesprek_start

    _gesprek, code = gesprek_start(
        gemeente=gemeente_a, themas=[], leeftijdsband=Leeftijdsband.values[0], tekst="Vraag"
    )
    attacker = parent("198.51.100.66")

    def guess():
        return attacker.post("/vraag/antwoord/", {"code": "AAAA-BBBB-CCCC"})

    assert set(statuses(guess, 10)) == {404}
    assert guess().status_code == 429
    assert parent("203.0.113.7").post("/vraag/antwoord/", {"code": code}).status_code == 200
    assert parent("203.0.113.8").post("/vraag/antwoord/", {"code": "AAAA-BBBB-CCCD"}).status_code == 404


def test_proxy_question_limit_is_per_parent_not_site_wide(db, behind_proxy, clock):
    busy = parent("198.51.100.66")

    def send():
        return busy.post("/vraag/", {"gemeente": "", "tekst": "kort"})

    assert set(statuses(send, 10)) == {200}
    assert send().status_code == 429
    assert parent("203.0.113.7").post("/vraag/", {"gemeente": "", "tekst": "kort"}).status_code == 200


def test_proxy_a_code_is_also_limited_per_code(db, behind_proxy, clock, gemeente_a):
    from vragen.models import Leeftijdsband
    from vragen.services import gesprek_start

    _gesprek, code = gesprek_start(
        gemeente=gemeente_a, themas=[], leeftijdsband=Leeftijdsband.values[0], tekst="Vraag"
    )
    _other, other_code = gesprek_start(
        gemeente=gemeente_a, themas=[], leeftijdsband=Leeftijdsband.values[0], tekst="Andere vraag"
    )
    results = [
        parent(f"203.0.113.{n}").post("/vraag/antwoord/", {"code": code}).status_code for n in range(31)
    ]
    assert set(results[:30]) == {200}
    assert results[30] == 429  # this one code, from a crowd of addresses
    assert parent("203.0.113.200").post("/vraag/antwoord/", {"code": other_code}).status_code == 200
    clock.advance(3 * 3600)
    assert parent("203.0.113.201").post("/vraag/antwoord/", {"code": code}).status_code == 200
