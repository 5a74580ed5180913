"""Who else is looking at a mention, or writing a reply to it, right now.

Each open mention page reports every few seconds; an entry not renewed within TTL seconds
is gone. Kept in the cache (Redis in production) under one key per mention: a
read-modify-write can lose a concurrent entry, which the next report restores — presence
is a courtesy, the "take next" claim is what prevents double answers."""

import time

from django.core.cache import cache

TTL = 30
VIEWING, REPLYING = "viewing", "replying"


def _key(mention_id: int) -> str:
    return f"presence:{mention_id}"


def presence_touch(*, mention_id: int, user, activity: str = VIEWING) -> None:
    entries = _alive(cache.get(_key(mention_id)) or {})
    name = user.get_full_name() or user.get_username()
    entries[str(user.pk)] = [name, REPLYING if activity == REPLYING else VIEWING, time.time() + TTL]
    cache.set(_key(mention_id), entries, timeout=TTL)


def presence_leave(*, mention_id: int, user) -> None:
    entries = _alive(cache.get(_key(mention_id)) or {})
    if entries.pop(str(user.pk), None) is not None:
        cache.set(_key(mention_id), entries, timeout=TTL)


def presence_others(*, mention_ids: list[int], user) -> dict[int, list[dict]]:
    """{mention id: [{"name", "activity"}]} of the other people on each mention."""
    found = cache.get_many([_key(pk) for pk in mention_ids])
    result = {}
    for pk in mention_ids:
        others = [{"name": name, "activity": activity}
                  for user_id, (name, activity, _expires) in _alive(found.get(_key(pk)) or {}).items()
                  if user_id != str(user.pk)]
        if others:
            result[pk] = others
    return result


def _alive(entries: dict) -> dict:
    now = time.time()
    return {user_id: entry for user_id, entry in entries.items() if entry[2] > now}
