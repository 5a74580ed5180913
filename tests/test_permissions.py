"""Who may open what: every page needs a login, every view checks the role."""

import pytest
from django.test import Client

from tests.factories import MentionFactory, UserFactory

PAGES = ["/", "/mentions/{pk}/", "/admin/", "/admin/listening/credential/", "/admin/listening/source/"]


@pytest.fixture
def mention(db):
    return MentionFactory()


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_users_are_sent_to_login(client, mention, page):
    response = client.get(page.format(pk=mention.pk), follow=True)
    assert response.redirect_chain, "no redirect"
    assert response.request["PATH_INFO"] == "/login/"
    assert "Sign in" in response.content.decode()


@pytest.mark.parametrize("role, page, status", [
    ("Community manager", "/", 200), ("Community manager", "/mentions/{pk}/", 200),
    ("Community manager", "/admin/", 403), ("Community manager", "/admin/listening/credential/", 403),
    ("Manager", "/", 200), ("Manager", "/admin/", 403), ("Manager", "/admin/listening/source/", 403),
    ("Admin", "/", 200), ("Admin", "/admin/", 200), ("Admin", "/admin/listening/credential/", 200),
    ("Admin", "/admin/listening/source/", 200), ("Admin", "/admin/auth/user/", 200),
    (None, "/", 403), (None, "/mentions/{pk}/", 403), (None, "/admin/", 403),
])
def test_role_matrix(client, mention, role, page, status):
    client.force_login(UserFactory(role=role))
    assert client.get(page.format(pk=mention.pk)).status_code == status


MUTATIONS = ["/mentions/{pk}/status/", "/mentions/{pk}/assign/", "/mentions/{pk}/label/", "/mentions/{pk}/note/",
             "/mentions/{pk}/presence/", "/queue/take-next/", "/queue/bulk/", "/mentions/{pk}/reply/",
             "/mentions/{pk}/handled-elsewhere/", "/notifications/read/"]


@pytest.mark.parametrize("url", MUTATIONS)
def test_mutations_refuse_get(cm_client, mention, url):
    assert cm_client.get(url.format(pk=mention.pk)).status_code == 405


@pytest.mark.parametrize("url", MUTATIONS + ["/queue/new/", "/notifications/"])
@pytest.mark.parametrize("role, allowed", [(None, False), ("Community manager", True), ("Manager", True)])
def test_every_queue_endpoint_checks_the_role(client, mention, url, role, allowed):
    client.force_login(UserFactory(role=role))
    method = client.get if url in ("/queue/new/", "/notifications/") else client.post
    status = method(url.format(pk=mention.pk), {"status": "open", "label": "question", "text": "n", "action": "resolve",
                                                  "mention": [mention.pk]}).status_code
    assert (status != 403) is allowed


@pytest.mark.parametrize("action, data", [("status", {"status": "resolved"}), ("assign", {"assignee": "me"}),
                                          ("label", {"label": "praise"})])
def test_mutations_need_the_csrf_token(community_manager, mention, action, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_manager)
    assert client.post(f"/mentions/{mention.pk}/{action}/", data).status_code == 403
    mention.refresh_from_db()
    assert mention.status == "new" and mention.assignee is None and mention.label == "complaint"


def test_a_user_without_role_cannot_change_a_mention(client, mention):
    client.force_login(UserFactory())
    assert client.post(f"/mentions/{mention.pk}/status/", {"status": "resolved"}).status_code == 403
