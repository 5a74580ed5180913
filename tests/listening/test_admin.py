from listening.choices import Platform, SourceKind
from listening.models import Brand, Credential, Source
from tests.factories import BrandFactory

SECRET = "AAAAbearer-do-not-show-me-42"


def _credential():
    credential = Credential(brand=BrandFactory(), platform=Platform.TWITTER, name="@LumioFR API")
    credential.set_secrets({"bearer_token": SECRET})
    credential.save()
    return credential


def _form_data(credential, **secrets):
    return {"brand": credential.brand_id, "platform": credential.platform, "name": credential.name,
            "is_valid": "on", "invalid_reason": "", **secrets}


def test_stored_secrets_are_never_shown_back(client, admin_user):
    credential = _credential()
    client.force_login(admin_user)
    for page in ("/admin/listening/credential/", f"/admin/listening/credential/{credential.pk}/change/"):
        body = client.get(page).content.decode()
        assert SECRET not in body
        assert credential.secrets_encrypted not in body
    assert "Stored. Leave empty to keep it." in body


def test_an_empty_field_keeps_the_secret_and_a_new_value_replaces_it(client, admin_user):
    credential = _credential()
    client.force_login(admin_user)
    url = f"/admin/listening/credential/{credential.pk}/change/"
    assert client.post(url, _form_data(credential, bearer_token="")).status_code == 302
    assert Credential.objects.get(pk=credential.pk).secrets == {"bearer_token": SECRET}
    client.post(url, _form_data(credential, bearer_token="new-token", consumer_key="ck-1"))
    assert Credential.objects.get(pk=credential.pk).secrets == {"bearer_token": "new-token", "consumer_key": "ck-1"}
    client.post(url, _form_data(credential, clear=["consumer_key"]))
    assert Credential.objects.get(pk=credential.pk).secrets == {"bearer_token": "new-token"}


def test_an_admin_adds_a_brand_with_its_sources_on_one_page(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/listening/brand/add/").status_code == 200
    response = client.post("/admin/listening/brand/add/", {
        "name": "Lumio", "slug": "lumio", "time_zone": "Europe/Paris", "own_accounts": "@LumioFR",
        "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "0",
        "sources-0-kind": SourceKind.FEED, "sources-0-target": "https://blog.example/feed.xml",
        "sources-0-enabled": "on", "sources-0-poll_every_minutes": "15", "sources-0-keywords": "",
        "credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(brand=Brand.objects.get(slug="lumio"))
    assert source.target == "https://blog.example/feed.xml" and source.poll_every_minutes == 15


def test_a_wrong_time_zone_is_refused_in_plain_words(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/listening/brand/add/", {
        "name": "X", "slug": "x", "time_zone": "Paris/Europe",
        "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0",
        "credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0",
    })
    assert "is not a time zone name such as Europe/Paris" in response.content.decode()


def test_an_admin_gives_a_brand_a_team_for_assignment_in_turn(client, admin_user):
    from accounts import roles
    from tests.factories import UserFactory

    camille = UserFactory(username="camille", role=roles.COMMUNITY_MANAGER)
    UserFactory(username="no-role-visitor")
    client.force_login(admin_user)
    page = client.get("/admin/listening/brand/add/").content.decode()
    assert "camille" in page and "no-role-visitor" not in page
    response = client.post("/admin/listening/brand/add/", {
        "name": "Lumio", "slug": "lumio", "time_zone": "Europe/Paris", "own_accounts": "",
        "auto_assign_to": [camille.pk],
        "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0",
        "credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Brand.objects.get(slug="lumio").auto_assign_to.all()) == [camille]
