from django.test import override_settings

from tests.factories import UserFactory


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_for_a_while(client, db):
    UserFactory(username="camille")
    for _ in range(3):
        assert _login(client, "camille", "wrong").status_code == 200
    locked = _login(client, "camille", "pass-word-123")  # even the right password
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_many_accounts_from_one_address_are_throttled_too(client, db):
    for name in ("a", "b", "c"):
        _login(client, name, "wrong")
    assert _login(client, "d", "wrong").status_code == 429


def test_a_successful_login_goes_to_the_queue(client, community_manager):
    response = _login(client, "camille", "pass-word-123")
    assert response.status_code == 302 and response["Location"] == "/"


def _login_from(client, username, password, *, remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/login/", {"username": username, "password": password}, **headers)


@override_settings(LOGIN_FAILURE_LIMIT=3, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_one_attackers_failures_do_not_lock_out_everyone(client, db):
    UserFactory(username="alex")
    for name in ("a", "b", "c", "d"):
        _login_from(client, name, "wrong", remote="10.0.0.2", forwarded="203.0.113.5")
    assert _login_from(client, "e", "wrong", remote="10.0.0.2", forwarded="203.0.113.5").status_code == 429
    # The admin comes through the same proxy from another address.
    ok = _login_from(client, "alex", "pass-word-123", remote="10.0.0.2", forwarded="198.51.100.7")
    assert ok.status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_forged_forwarded_address_does_not_escape_the_lock(client, db):
    """X-Forwarded-For is the client's own word unless a trusted proxy added it: the proxy
    appends the address it saw, so only the last untrusted address counts."""
    for n in range(3):  # directly, not through the proxy: the header is ignored
        _login_from(client, f"u{n}", "wrong", remote="198.51.100.9", forwarded=f"192.0.2.{n}")
    assert _login_from(client, "u9", "wrong", remote="198.51.100.9", forwarded="192.0.2.77").status_code == 429
    for n in range(3):  # through the proxy, with a forged first hop
        _login_from(client, f"v{n}", "wrong", remote="10.0.0.2", forwarded=f"192.0.2.{n}, 203.0.113.8")
    assert _login_from(client, "v9", "wrong", remote="10.0.0.2",
                       forwarded="192.0.2.99, 203.0.113.8").status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_the_account_lock_holds_for_lookalike_spellings_of_the_username(client, db):
    UserFactory(username="manager")
    for n, spelling in enumerate(["ｍanager", "MANAGER", "Manager"]):  # full-width m, capitals
        _login_from(client, spelling, "wrong", remote=f"198.51.100.{n + 1}")
    locked = _login_from(client, "manager", "pass-word-123", remote="198.51.100.50")
    assert locked.status_code == 429
