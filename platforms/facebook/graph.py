"""facebook-sdk's GraphAPI client, and the Graph error codes Écoute tells apart."""

import facebook
from django.conf import settings

from platforms.http import HTTP_TIMEOUT

KEY = "facebook"
PAGE_KIND = "facebook_page"
REAUTH_CODES = {190, 102}
PERMISSION_CODES = {10} | set(range(200, 300))
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001}


def graph_client(token: str) -> facebook.GraphAPI:
    graph = facebook.GraphAPI(access_token=token, timeout=HTTP_TIMEOUT[1])
    # facebook-sdk 3.1.0 only accepts Graph versions 2.8–3.1, all retired by Meta, and its
    # constructor refuses anything newer. Set the current version here, the one place
    # where a client is made, from settings.FACEBOOK_GRAPH_VERSION.
    graph.version = settings.FACEBOOK_GRAPH_VERSION
    return graph
