"""Every public POST and the API is rate-limited: each limit trips at its threshold and recovers.

Time is moved forward with a fake clock in the limiters' modules instead of sleeping.
"""

import time as real_time

import pytest

from tests import factories


class Clock:
    """`time` as the limiter sees it: real, plus an offset the test moves forward."""

    def __init__(self):
        self.offset = 0.0

    def time(self):
        return real_time.time() + self.offset

    def monotonic(self):
        return real_time.monotonic()

    def sleep(self, seconds):
        real_time.sleep(seconds)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("huisvanhetkind.lib.ratelimit.time", clock)
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", clock)
    return clock


def statuses(send, times: int) -> list[int]:
    return [send().status_code for _ in range(times)]


def test_registration_limit_trips_and_recovers(client, db, clock):
    activiteit = factories.ActiviteitFactory()
    url = f"/activiteiten/{activiteit.pk}/inschrijven/"

    def send():
        return client.post(url, {"naam": "", "email": "not-an-address"})

    assert set(statuses(send, 60)) == {200}  # form errors, but served
    response = send()
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    clock.advance(2 * 3600)
    assert send().status_code == 200


def test_question_limit_trips_and_recovers(client, db, clock):
    def send():
        return client.post("/vraag/", {"gemeente": "", "tekst": "kort"})

    assert set(statuses(send, 10)) == {200}
    assert send().status_code == 429
    clock.advance(2 * 3600)
    assert send().status_code == 200


def test_pickup_code_guessing_trips_and_recovers(client, db, clock):
    def send():
        return client.post("/vraag/antwoord/", {"code": "AAAA-BBBB-CCCC"})

    assert set(statuses(send, 10)) == {404}
    assert send().status_code == 429
    clock.advance(2 * 3600)
    assert send().status_code == 404


def test_failed_logins_trip_and_recover(client, db, clock):
    """allauth locks the account's login after 5 failures in 5 minutes: even the right password is refused
    with a clear message, until the window has passed."""
    factories.UserFactory(email="partner@example.org", mfa=False)

    def send(password="wrong"):
        return client.post("/en/accounts/login/", {"login": "partner@example.org", "password": password})

    assert set(statuses(send, 5)) == {200}
    response = send(factories.PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    clock.advance(6 * 60)
    response = send(factories.PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_login_attempts_per_address_answer_429(client, db, clock):
    def send():
        return client.post("/accounts/login/", {"login": "nobody@example.org", "password": "x"})

    codes = statuses(send, 31)
    assert codes[-1] == 429
    assert 429 not in codes[:10]
    clock.advance(2 * 60)
    assert send().status_code == 200


def test_password_reset_trips_and_recovers(client, db, clock):
    factories.UserFactory(email="partner@example.org")

    def send():
        return client.post("/accounts/password/reset/", {"email": "partner@example.org"})

    assert {code for code in statuses(send, 5)} <= {200, 302}
    assert send().status_code == 429
    clock.advance(2 * 60)
    assert send().status_code in (200, 302)


def test_api_limit_trips_and_recovers(client, db, clock, settings):
    settings.HSDS_RATE_PER_MINUTE = 3
    settings.HSDS_CACHE_SECONDS = 0

    def send():
        return client.get("/api/hsds/services")

    assert set(statuses(send, 3)) == {200}
    response = send()
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    clock.advance(2 * 60)
    assert send().status_code == 200


def test_limits_fail_open_when_the_cache_is_down(client, db, settings):
    from huisvanhetkind.cache import FailOpenRedisCache

    settings.CACHES = {
        "default": {
            "BACKEND": "huisvanhetkind.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    FailOpenRedisCache._down_until = 0.0
    try:
        codes = statuses(lambda: client.post("/vraag/", {"gemeente": "", "tekst": "kort"}), 12)
    finally:
        FailOpenRedisCache._down_until = 0.0
    assert 429 not in codes
