def test_pages_send_security_headers(cm_client):
    response = cm_client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_health_check_answers_without_login_and_checks_the_database(client, db):
    response = client.get("/healthz", HTTP_HOST="not-an-allowed-host")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_inline_styles_are_allowed_in_the_admin_only_and_scripts_never(client, admin_user):
    client.force_login(admin_user)
    admin_policy = client.get("/admin/")["Content-Security-Policy"]
    app_policy = client.get("/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_policy
    assert "'unsafe-inline'" not in app_policy
    assert "script-src 'self';" in admin_policy
