"""Authors' follower counts, for the priority's reach. Instagram gives none with a comment or
a mention; business discovery (GET /{ig-user-id}?fields=business_discovery.username(…))
tells them for professional accounts only — which is where reach matters: shops, press,
creators. Each answer, a refusal included (a personal account), is kept a day in the shared
cache, and a poll looks up a few authors at most: every lookup costs the Graph quota."""

import logging
from dataclasses import replace

import facebook
import requests
from django.core.cache import cache

from platforms.errors import PlatformError
from platforms.instagram.graph import GRAPH_QUOTA
from platforms.normalized import NormalizedMention
from platforms.quota import quota_take

logger = logging.getLogger(__name__)
LOOKUPS_PER_POLL = 10
KEEP_SECONDS = 24 * 3600


def _key(username: str) -> str:
    return f"instagram:followers:{username}"


def _followers(graph, account: str, username: str) -> int:
    quota_take(GRAPH_QUOTA)
    found = graph.get_object(account, fields=f"business_discovery.username({username}){{followers_count}}")
    return max(0, int((found.get("business_discovery") or {}).get("followers_count") or 0))


def reach_add(graph, account: str, items: list[NormalizedMention]) -> None:
    """Sets the authors' follower counts where Instagram tells them; never fails the poll."""
    keys = {_key(item.author.handle): item.author.handle for item in items if item.author and item.author.handle}
    counts = {keys[key]: value for key, value in cache.get_many(list(keys)).items()}
    wanted = set(keys.values())
    for username in sorted(wanted - set(counts))[:LOOKUPS_PER_POLL]:
        try:
            counts[username] = _followers(graph, account, username)
        except (facebook.GraphAPIError, KeyError, TypeError, ValueError):
            counts[username] = 0  # not a professional account, or no longer there
        except (PlatformError, requests.RequestException) as error:  # quota or network: try next poll
            logger.info("Instagram reach lookups stopped for this poll: %s", error)
            break
        cache.set(_key(username), counts[username], timeout=KEEP_SECONDS)
    for item in items:
        if item.author and counts.get(item.author.handle):
            item.author = replace(item.author, followers_count=counts[item.author.handle])
