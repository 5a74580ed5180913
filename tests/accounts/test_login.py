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
