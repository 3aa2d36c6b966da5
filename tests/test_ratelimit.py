import logging

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from huisvanhetkind.lib import ratelimit as rl


@pytest.fixture
def rf():
    return RequestFactory()


def request_from(rf, ip="198.51.100.7", method="post", **meta):
    return getattr(rf, method)("/x/", REMOTE_ADDR=ip, **meta)


def test_parse_rate_reads_units_and_multipliers():
    assert rl.parse_rate("5/h") == (5, 3600)
    assert rl.parse_rate("10/m") == (10, 60)
    assert rl.parse_rate("3/10m") == (3, 600)
    assert rl.parse_rate("1/30s") == (1, 30)
    assert rl.parse_rate(" 100 / d ") == (100, 86400)


@pytest.mark.parametrize("bad", ["", "5", "5/y", "0/h", "five/h", "5/0m"])
def test_parse_rate_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        rl.parse_rate(bad)


def test_fixed_window_limits_after_the_limit(rf):
    limiter = rl.RateLimit("test-fixed", "3/h")
    results = [limiter.hit(request_from(rf)).limited for _ in range(5)]
    assert results == [False, False, False, True, True]


def test_limits_are_per_client_and_per_purpose(rf):
    limiter = rl.RateLimit("test-a", "1/h")
    other_purpose = rl.RateLimit("test-b", "1/h")
    assert limiter.hit(request_from(rf, "198.51.100.1")).limited is False
    assert limiter.hit(request_from(rf, "198.51.100.1")).limited is True
    assert limiter.hit(request_from(rf, "198.51.100.2")).limited is False
    assert other_purpose.hit(request_from(rf, "198.51.100.1")).limited is False


def test_ipv6_clients_are_grouped_by_their_64_network(rf):
    limiter = rl.RateLimit("test-v6", "1/h")
    assert limiter.hit(request_from(rf, "2001:db8:1:2::1")).limited is False
    assert limiter.hit(request_from(rf, "2001:db8:1:2:ffff::9")).limited is True
    assert limiter.hit(request_from(rf, "2001:db8:1:3::1")).limited is False


def test_peek_does_not_count_and_says_whether_one_more_is_allowed(rf):
    limiter = rl.RateLimit("test-peek", "2/h")
    assert limiter.peek(request_from(rf)).limited is False
    limiter.hit(request_from(rf))
    assert limiter.peek(request_from(rf)).remaining == 1
    limiter.hit(request_from(rf))
    assert limiter.peek(request_from(rf)).limited is True


def test_reset_forgets_the_client(rf):
    limiter = rl.RateLimit("test-reset", "1/h")
    limiter.hit(request_from(rf))
    limiter.reset(request_from(rf))
    assert limiter.hit(request_from(rf)).limited is False


def test_sliding_window_weighs_the_previous_window(rf, monkeypatch):
    limiter = rl.RateLimit("test-sliding", "4/m", sliding=True)
    clock = [600.0]  # the start of a window
    monkeypatch.setattr(rl.time, "time", lambda: clock[0])
    for _ in range(4):
        assert limiter.hit(request_from(rf)).limited is False
    clock[0] = 660.0 + 15  # a quarter into the next window: 3/4 of the previous 4 still count
    assert limiter.hit(request_from(rf)).limited is False  # 3 + 1
    assert limiter.hit(request_from(rf)).limited is True  # 3 + 2
    clock[0] = 660.0 + 59  # nearly the end: the previous window barely counts
    assert limiter.hit(request_from(rf)).limited is False


def test_the_cache_holds_no_ip_address(rf, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    limiter = rl.RateLimit("test-privacy", "5/h")
    limiter.hit(request_from(rf, "203.0.113.99"))
    stored = " ".join(str(key) for key in cache._cache)
    assert "203.0.113.99" not in stored
    assert "rl:" in stored


def test_trusted_proxy_setting_reads_forwarded_for(rf, settings):
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    request = request_from(rf, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.20")
    assert rl.client_ip(request) == "198.51.100.20"
    settings.RATELIMIT_TRUSTED_PROXIES = 0
    assert rl.client_ip(request) == "10.0.0.1"


def test_a_dead_cache_fails_open_and_logs(rf, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    limiter = rl.RateLimit("test-dead", "1/h")
    with caplog.at_level(logging.WARNING, logger="huisvanhetkind.lib.ratelimit"):
        assert [limiter.hit(request_from(rf)).limited for _ in range(3)] == [False, False, False]
    assert "cache unavailable" in caplog.text


def test_decorator_answers_429_with_retry_after(rf, db):
    @rl.ratelimit("test-view", "2/h", methods=["POST"])
    def view(request):
        return HttpResponse("ok")

    statuses = [view(request_from(rf)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    with translation.override("en"):
        response = view(request_from(rf))
    assert int(response["Retry-After"]) > 0
    assert "A short pause, please" in response.content.decode()


def test_decorator_ignores_other_methods(rf):
    @rl.ratelimit("test-get", "1/h", methods=["POST"])
    def view(request):
        return HttpResponse("ok")

    assert [view(request_from(rf, method="get")).status_code for _ in range(3)] == [200, 200, 200]


def test_decorator_without_block_lets_the_view_decide(rf):
    @rl.ratelimit("test-noblock", "1/h", block=False)
    def view(request):
        return HttpResponse("limited" if request.ratelimit.limited else "ok")

    assert [view(request_from(rf)).content for _ in range(2)] == [b"ok", b"limited"]


def test_disabled_setting_switches_limits_off(rf, settings):
    settings.RATELIMIT_ENABLED = False
    limiter = rl.RateLimit("test-off", "1/h")
    assert [limiter.hit(request_from(rf)).limited for _ in range(3)] == [False, False, False]


def test_redis_backend_counts_atomically(rf, redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    cache.clear()
    limiter = rl.RateLimit("test-redis", "2/m", sliding=True)
    assert [limiter.hit(request_from(rf)).limited for _ in range(3)] == [False, False, True]
