"""Single sign-on against a fake OpenID Connect provider at the HTTP boundary: a real RS256
token checked against the provider's JWKS, roles and teams from the roles claim, local
accounts still signing in."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from accounts import roles
from accounts.models import TeamMembership
from tests.factories import BrandFactory, UserFactory

PROVIDER = "https://id.example.test"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def sso(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "ecoute", "client-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/jwks"
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "accounts.oidc.EcouteOIDCBackend"]


def _provider(http, *, nonce, claims, signing_key=KEY):
    jwk = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
    http.get(f"{PROVIDER}/jwks", json={"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
    id_token = jwt.encode({"iss": PROVIDER, "aud": "ecoute", "sub": "u-42", "nonce": nonce, "iat": int(time.time()),
                           "exp": int(time.time()) + 300, "email": claims["email"]},
                          signing_key, algorithm="RS256", headers={"kid": "k1"})
    http.post(f"{PROVIDER}/token", json={"id_token": id_token, "access_token": "at-1", "token_type": "Bearer"})
    http.get(f"{PROVIDER}/userinfo", json=claims)


def _sign_in(client, http, claims, **provider):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(f"{PROVIDER}/authorize")
    query = parse_qs(urlsplit(start["Location"]).query)
    _provider(http, nonce=query["nonce"][0], claims=claims, **provider)
    return client.get("/oidc/callback/", {"code": "code-1", "state": query["state"][0]})


def test_the_provider_signs_a_new_person_in_with_the_team_roles_it_states(db, client, http, sso):
    alpha = BrandFactory(slug="alpha")
    done = _sign_in(client, http, {"sub": "u-42", "email": "lea@corp.example", "preferred_username": "lea",
                                   "given_name": "Léa", "ecoute_roles": ["alpha:manager", "ghost:admin"]})
    assert done.status_code == 302 and urlsplit(done["Location"]).path == "/"
    user = client.get("/").wsgi_request.user
    assert user.is_authenticated and user.username == "lea" and user.first_name == "Léa"
    assert list(TeamMembership.objects.filter(user=user).values_list("brand__slug", "role")) == [
        ("alpha", roles.MANAGER)]
    assert roles.brand_ids_for(user) == {alpha.pk}
    token_request = next(r for r in http.request_history if r.url == f"{PROVIDER}/token")
    assert parse_qs(token_request.text)["code"] == ["code-1"]


def test_each_sign_in_follows_the_claim_and_no_claim_leaves_roles_to_admins(db, client, http, sso):
    user = UserFactory(username="lea", email="lea@corp.example", role=roles.ADMIN)
    _sign_in(client, http, {"sub": "u-42", "email": "lea@corp.example", "ecoute_roles": ["community_manager"]})
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [roles.COMMUNITY_MANAGER]
    client.logout()
    _sign_in(client, http, {"sub": "u-42", "email": "lea@corp.example"})
    assert list(user.groups.values_list("name", flat=True)) == [roles.COMMUNITY_MANAGER]


def test_a_token_not_signed_by_the_provider_is_refused(db, client, http, sso):
    done = _sign_in(client, http, {"sub": "u-42", "email": "eve@corp.example"}, signing_key=OTHER_KEY)
    assert done.status_code == 302 and urlsplit(done["Location"]).path == "/login/"
    page = client.get("/login/")
    assert not page.wsgi_request.user.is_authenticated
    assert "Single sign-on did not confirm who you are" in page.content.decode()


def test_local_accounts_keep_working_and_the_login_page_offers_sso(db, client, sso):
    page = client.get("/login/").content.decode()
    assert 'id="sso-login"' in page
    UserFactory(username="camille", role=roles.COMMUNITY_MANAGER)
    response = client.post("/login/", {"username": "camille", "password": "pass-word-123"})
    assert response.status_code == 302


def test_without_configuration_sso_is_off(db, client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert 'id="sso-login"' not in client.get("/login/").content.decode()
