"""How long to wait before trying again after failures in a row: a source's polls, a reply's
sends. Exponential with full jitter, so many failures at once don't retry in step."""

import random

BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 60 * 60


def backoff_seconds(failures: int) -> float:
    """1, 2, 4 ... minutes (each drawn between half and all of it), capped at an hour."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, failures - 1))
    return random.uniform(ceiling / 2, ceiling)
