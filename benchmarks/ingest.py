"""`manage.py bench ingest`: synthetic X mentions through the real ingestion path
(normalize → upsert → triage), against a raw COPY of the same rows in the same run."""

import io
import json
import random
import time
from datetime import datetime, timedelta, timezone

from django.db import connection

from listening.choices import SourceKind
from listening.ingestion import mention_ingest
from listening.models import Brand, Mention, Source
from listening.polling import source_success_record
from platforms.x.fetch import normalize_tweet

OPENERS = ["@LumioFR", "Hey @Lumio_EN", "Franchement", "Bon", "Honestly", "Merci", "Thanks", "Wow", "Alors", "So"]
MIDDLES = ["toujours pas de fibre depuis {n} jours", "my bill doubled this month", "la box redémarre sans arrêt",
           "the app crashes at login", "service client au top", "is roaming included in Spain?",
           "technicien venu en {n} heures, parfait", "no signal in {town} since this morning",
           "comment changer de forfait ?", "new LumiBox launch on the {n}th"]
BATCH = 5000  # items per ingestion call, as a busy poll or an import hands over
TOWNS = ["Lille", "Lyon", "Nice", "Nantes", "Rennes", "Toulouse", "Metz", "Brest"]


def synthetic_tweets(n: int, seed: int = 1) -> tuple[list[dict], dict[str, dict]]:
    rng = random.Random(seed)
    start = datetime.now(timezone.utc) - timedelta(days=7)
    users = {str(i): {"id": str(i), "username": f"user{i}", "name": f"User {i}",
                      "public_metrics": {"followers_count": int(rng.paretovariate(1.2) * 50)}}
             for i in range(max(1, n // 5))}
    tweets = []
    for i in range(n):
        text = f"{rng.choice(OPENERS)} {rng.choice(MIDDLES).format(n=rng.randint(2, 30), town=rng.choice(TOWNS))} #{i}"
        tweets.append({"id": str(10**17 + i), "text": text, "author_id": str(rng.randrange(len(users))),
                       "created_at": (start + timedelta(seconds=i * 5)).isoformat().replace("+00:00", "Z"),
                       "conversation_id": str(10**17 + i), "lang": rng.choice(["fr", "en"]),
                       "public_metrics": {"retweet_count": rng.randint(0, 20), "reply_count": rng.randint(0, 5),
                                          "like_count": rng.randint(0, 100), "quote_count": rng.randint(0, 3)}})
    return tweets, users


def _copy_rows_per_s(mentions: list[Mention]) -> float | None:
    """COPY the same mention rows into an unindexed scratch table shaped like the real one."""
    if connection.vendor != "postgresql":
        return None
    fields = [f for f in Mention._meta.concrete_fields if not f.primary_key]
    buffer = io.StringIO()
    for m in mentions:
        values = []
        for f in fields:
            value = getattr(m, f.attname)
            value = json.dumps(value) if f.get_internal_type() == "JSONField" else value
            values.append("\\N" if value is None else str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n"))
        buffer.write("\t".join(values) + "\n")
    columns = ", ".join(f.column for f in fields)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_scratch")
        cursor.execute("CREATE TABLE bench_copy_scratch (LIKE listening_mention INCLUDING DEFAULTS INCLUDING IDENTITY)")
        buffer.seek(0)
        started = time.perf_counter()
        cursor.copy_expert(f"COPY bench_copy_scratch ({columns}) FROM STDIN", buffer)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy_scratch")
    return len(mentions) / elapsed


def bench_ingest(*, n: int, keep: bool = False) -> dict:
    tweets, users = synthetic_tweets(n)
    brand, _ = Brand.objects.get_or_create(slug="bench-ingest", defaults={"name": "Bench (ingest)"})
    Mention.objects.filter(brand=brand).delete()
    source, _ = Source.objects.get_or_create(brand=brand, kind=SourceKind.X_SEARCH, target="bench",
                                             defaults={"enabled": False})
    started = time.perf_counter()
    for offset in range(0, n, BATCH):
        items = [normalize_tweet(t, users) for t in tweets[offset:offset + BATCH]]
        mention_ingest(brand=brand, platform=source.platform, items=items, source=source, flushed_by_next_commit=True)
        source_success_record(source=source, cursor={"since_id": items[-1].external_id})  # as a poll does
    elapsed = time.perf_counter() - started
    stored = list(Mention.objects.filter(brand=brand))
    rows_per_s = _copy_rows_per_s(stored)
    if not keep:
        Mention.objects.filter(brand=brand).delete()
    mentions_per_s = n / elapsed
    return {"benchmark": "ingest", "n": n, "database": connection.vendor, "seconds": round(elapsed, 2),
            "mentions_per_s": round(mentions_per_s), "rows_per_s": round(rows_per_s) if rows_per_s else None,
            "ratio": round(mentions_per_s / rows_per_s, 3) if rows_per_s else None,
            "stored": len(stored)}


def print_json(stdout, result: dict) -> None:
    stdout.write(json.dumps(result))
