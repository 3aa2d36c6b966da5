def test_home_renders_in_three_languages(client, db):
    for prefix in ("", "/en", "/fr"):
        response = client.get(f"{prefix}/")
        assert response.status_code == 200


def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")
    assert response.json()["database"] == "ok"
