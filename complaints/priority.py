"""The priority score: what to answer first, and why, in words a community manager reads.

score = label weight + author reach + engagement velocity + waiting time + personal data.
Each part is capped so one signal can't drown the others: a praise tweet from a celebrity
stays below a fresh complaint from a customer with a hundred followers only when
it has no momentum. Reasons are stored as data and put into words when displayed."""

import math
from dataclasses import dataclass
from datetime import datetime

LABEL_POINTS = {"complaint": 400, "question": 250, "praise": 60, "other": 20, "": 150}
MAX_REACH, MAX_ENGAGEMENT, MAX_WAITING, PERSONAL_DATA_POINTS = 200, 150, 150, 120
OPEN = {"new", "open", "waiting"}


@dataclass(frozen=True)
class Priority:
    score: int
    reasons: list[dict]


def compute_priority(
    *, label: str, followers: int, reposts: int, quotes: int, replies: int, likes: int,
    posted_at: datetime, now: datetime, status: str, answered: bool, personal_data: list[str],
) -> Priority:
    reasons: list[dict] = []
    score = LABEL_POINTS.get(label, LABEL_POINTS[""])
    if label:
        reasons.append({"code": "label", "label": label})

    if followers >= 1000:
        reasons.append({"code": "followers", "n": followers})
    score += min(MAX_REACH, int(40 * math.log10(1 + max(0, followers))))

    hours_since_post = max((now - posted_at).total_seconds() / 3600, 0.0)
    shares = reposts + quotes
    engagement = shares * 2 + replies + likes / 5
    velocity = engagement / max(hours_since_post, 1.0)
    score += min(MAX_ENGAGEMENT, int(30 * math.log2(1 + velocity)))
    if shares >= 10:
        reasons.append({"code": "reposts", "n": shares, "hours": max(1, round(hours_since_post))})

    if status in OPEN and not answered and status != "waiting":
        if hours_since_post >= 1:
            reasons.append({"code": "waiting", "hours": int(hours_since_post)})
        score += min(MAX_WAITING, int(25 * hours_since_post))

    if personal_data:
        reasons.append({"code": "personal_data", "kinds": personal_data})
        score += PERSONAL_DATA_POINTS

    if status not in OPEN:
        score = 0  # closed mentions leave the queue; their history keeps the reasons
    return Priority(score=score, reasons=reasons)
