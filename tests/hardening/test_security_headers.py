import pytest

PUBLIC_PAGES = ["/", "/en/", "/privacy/"]


def csp_of(response) -> str:
    return response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_carry_every_security_header(client, db, url):
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert len(response.headers["X-Request-ID"]) >= 8


def test_hsts_is_sent_over_https_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/admin/login/", "/healthz"])
def test_csp_has_no_unsafe_sources(client, db, url):
    response = client.get(url)
    policy = csp_of(response)
    assert "unsafe-" not in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy


def test_admin_carries_security_headers(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/admin/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-" not in csp_of(response)


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, db, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"
    assert csrf["secure"] is True


def test_request_id_from_a_proxy_is_kept_when_sane(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "abcdef12-3456"})
    assert response.headers["X-Request-ID"] == "abcdef12-3456"
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"


def test_security_txt_names_a_contact_and_expiry(client, db):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Contact: mailto:" in body
    assert "Expires: " in body
