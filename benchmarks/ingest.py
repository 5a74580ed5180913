"""`manage.py bench ingest`: synthetic X mentions through the real ingestion path
(normalize → upsert → triage), against a raw COPY of the same rows in the same run; then the
same number of mentions split between two worker processes, each on its own source, started
together: how throughput scales with a second worker.

Each worker has loaded the active classifier before its clock starts, as a running worker has."""

import io
import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from complaints.classifier.lifecycle import active_pipeline

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


def synthetic_tweets(n: int, seed: int = 1, first_user: int = 0) -> tuple[list[dict], dict[str, dict]]:
    """first_user: where this set's author ids start (two sources mostly hear different people)."""
    rng = random.Random(seed)
    start = datetime.now(timezone.utc) - timedelta(days=7)
    users = {str(i): {"id": str(i), "username": f"user{i}", "name": f"User {i}",
                      "public_metrics": {"followers_count": int(rng.paretovariate(1.2) * 50)}}
             for i in range(first_user, first_user + max(1, n // 5))}
    tweets = []
    for i in range(n):
        text = f"{rng.choice(OPENERS)} {rng.choice(MIDDLES).format(n=rng.randint(2, 30), town=rng.choice(TOWNS))} #{i}"
        tweets.append({"id": str(10**17 + i), "text": text, "author_id": str(first_user + rng.randrange(len(users))),
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


def _delete(brand) -> None:
    with connection.cursor() as cursor:  # the ORM would load every row to cascade
        cursor.execute("DELETE FROM listening_mentionevent WHERE mention_id IN "
                       "(SELECT id FROM listening_mention WHERE brand_id = %s)", [brand.pk])
        cursor.execute("DELETE FROM listening_mention WHERE brand_id = %s", [brand.pk])


def _bench_source(slug: str) -> tuple[Brand, Source]:
    brand, _ = Brand.objects.get_or_create(slug=slug, defaults={"name": f"Bench ({slug})"})
    source, _ = Source.objects.get_or_create(brand=brand, kind=SourceKind.X_SEARCH, target="bench",
                                             defaults={"enabled": False})
    return brand, source


def _ingest_timed(*, brand: Brand, source: Source, tweets: list[dict], users: dict) -> tuple[float, float]:
    """(start, end) wall-clock times of storing the tweets as polls hand them over."""
    started = time.time()
    for offset in range(0, len(tweets), BATCH):
        items = [normalize_tweet(t, users) for t in tweets[offset:offset + BATCH]]
        mention_ingest(brand=brand, platform=source.platform, items=items, source=source, flushed_by_next_commit=True)
        source_success_record(source=source, cursor={"since_id": items[-1].external_id})  # as a poll does
    return started, time.time()


def bench_ingest_worker(*, n: int, part: int) -> dict:
    """One of the parallel workers: its own brand, source and authors, its own tweets. It says
    "ready" once set up with its model loaded, and starts when told "go" on its input, so that
    the workers start together."""
    tweets, users = synthetic_tweets(n, seed=100 + part, first_user=10_000_000 * (part + 1))
    brand, source = _bench_source(f"bench-ingest-{part}")
    _delete(brand)
    active_pipeline()
    print("ready", flush=True)
    sys.stdin.readline()
    started, ended = _ingest_timed(brand=brand, source=source, tweets=tweets, users=users)
    stored = Mention.objects.filter(brand=brand).count()
    _delete(brand)
    return {"part": part, "n": n, "started": started, "ended": ended, "stored": stored}


def _database_url() -> str:
    db = connection.settings_dict  # the children use the database this process uses (a test's too)
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _parallel(*, n: int, workers: int) -> dict:
    """n mentions split between `workers` processes started together: their throughput together."""
    env = {**os.environ, "DATABASE_URL": _database_url()}
    children = [subprocess.Popen([sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", "ingest-worker",
                                  "--n", str(n // workers), "--part", str(part)],
                                 env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for part in range(workers)]
    try:
        for child in children:
            if child.stdout.readline().strip() != "ready":
                raise RuntimeError("An ingest worker failed to start.")
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        results = []
        for child in children:
            out, _err = child.communicate(timeout=3600)
            if child.returncode:
                raise RuntimeError(f"An ingest worker failed (exit {child.returncode}).")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    spread = max(r["started"] for r in results) - min(r["started"] for r in results)
    elapsed = max(r["ended"] for r in results) - min(r["started"] for r in results)
    total = sum(r["n"] for r in results)
    return {"workers": workers, "n": total, "seconds": round(elapsed, 2), "mentions_per_s": round(total / elapsed),
            "start_spread_s": round(spread, 2), "stored": sum(r["stored"] for r in results)}


def bench_ingest(*, n: int, keep: bool = False, workers: int = 2) -> dict:
    tweets, users = synthetic_tweets(n)
    brand, source = _bench_source("bench-ingest")
    _delete(brand)
    active_pipeline()  # loaded once per worker process, before its first batch
    load_before = os.getloadavg()[0]
    started, ended = _ingest_timed(brand=brand, source=source, tweets=tweets, users=users)
    elapsed = ended - started
    stored = list(Mention.objects.filter(brand=brand))
    rows_per_s = _copy_rows_per_s(stored)
    if not keep:
        _delete(brand)
    mentions_per_s = n / elapsed
    result = {"benchmark": "ingest", "n": n, "database": connection.vendor, "seconds": round(elapsed, 2),
              "mentions_per_s": round(mentions_per_s), "rows_per_s": round(rows_per_s) if rows_per_s else None,
              "ratio": round(mentions_per_s / rows_per_s, 3) if rows_per_s else None,
              "stored": len(stored), "classifier_active": active_pipeline() is not None}
    if workers > 1:
        parallel = _parallel(n=n, workers=workers)
        parallel["scaling"] = round(parallel["mentions_per_s"] / mentions_per_s, 2)
        result["parallel"] = parallel
    result["cores"] = os.cpu_count()
    result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]  # before, after
    return result


def print_json(stdout, result: dict) -> None:
    stdout.write(json.dumps(result))
