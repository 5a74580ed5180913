"""When the session has ended, what htmx asks for (the live bar's poll, the pane, a pane's form)
opens the login page as a page, instead of swapping it into the live bar or the pane."""

import pytest

from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db


def test_htmx_requests_are_sent_to_the_login_page_as_a_whole_page(client):
    mention = MentionFactory()
    for method, path in (("get", "/queue/new/?since=0"), ("get", f"/?open={mention.pk}"),
                         ("post", f"/mentions/{mention.pk}/label/")):
        response = getattr(client, method)(path, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="pane")
        assert response.status_code == 200, path
        assert response["HX-Redirect"].startswith("/login/?next=/"), path
        assert response.content == b""


def test_a_plain_request_still_gets_the_redirect(client):
    response = client.get("/queue/new/?since=0")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
