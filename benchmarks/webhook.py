"""`manage.py bench webhook`: from a signed Facebook delivery posted to /webhooks/facebook/ to the
mention counted by the queue's live endpoint (the "N new mentions" bar's /queue/new/), with
gunicorn, a Celery worker and beat running as in docker-compose.yml. Deliveries go out at a
steady rate, one new comment each; a watcher asks the live endpoint for each one's token
every few tens of milliseconds until it is counted."""

import random
import secrets
import threading
import time
import urllib.parse
import urllib.request

from django.db.models import Max

from benchmarks import figures
from benchmarks.deliveries import feed_delivery, signed
from benchmarks.load import PAGE_ID, LoadError, mention_texts, prepare, signed_in_session
from benchmarks.pages import live_bar_count
from benchmarks.stack import Stack
from listening.models import Mention

POLL_S = 0.05


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers={**headers, "X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def _counted(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "X-Forwarded-Proto": "https",
                                                   "Accept-Language": "en"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return live_bar_count(response.read().decode())


def bench_webhook(*, deliveries: int = 120, rate: float = 2.0, mentions: int = 1_000_000, beat: bool = True,
                  ingest_worker: bool = True, log=None) -> dict:
    log = log or (lambda message: None)
    if not 1 <= deliveries <= 2000 or not 0.1 <= rate <= 50:
        raise LoadError("--deliveries must be 1–2000 and --rate 0.1–50 per second: every run is bounded.")
    log(f"Seeding up to {mentions} bench mentions (reused when already there)...")
    ready = prepare(mentions=mentions, feeder_rate=0, log=log)
    plan = ready["plan"]
    since = Mention.objects.aggregate(top=Max("id"))["top"] or 0
    person = signed_in_session(ready["cms"][0])
    cookie = f"sessionid={person['session']}"
    texts, run = mention_texts(random.Random(3)), secrets.token_hex(3)
    pending: dict[str, float] = {}
    latencies: list[float] = []
    errors: list[str] = []
    lock, sending_done = threading.Lock(), threading.Event()
    stack = Stack(env_extra={"FACEBOOK_APP_SECRET": plan["app_secret"]}, beat=beat, ingest_worker=ingest_worker,
                  log=log)
    with stack:
        hook = f"{stack.url}/webhooks/facebook/"

        def watch():
            while not (sending_done.is_set() and not pending):
                with lock:
                    tokens = list(pending.items())
                for token, posted in tokens:
                    query = urllib.parse.urlencode({"q": token, "since": since, "brand": plan["brand"]})
                    try:
                        if _counted(f"{stack.url}/queue/new/?{query}", cookie) >= 1:
                            with lock:
                                latencies.append(time.monotonic() - posted)
                                pending.pop(token, None)
                    except OSError as error:
                        errors.append(f"live endpoint: {error}")
                    if time.monotonic() - posted > 60:  # counted as never visible
                        with lock:
                            pending.pop(token, None)
                time.sleep(POLL_S)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        log(f"Posting {deliveries} deliveries, {rate}/s...")
        start = time.monotonic()
        for n in range(deliveries):
            time.sleep(max(0.0, start + n / rate - time.monotonic()))
            token = f"{run}w{n}"
            body, headers = signed(feed_delivery(
                page_id=PAGE_ID, post_id=f"{PAGE_ID}_{run}", created_time=int(time.time()),
                comments=[{"id": token, "author_id": f"bench-fan-{n % 500}", "author_name": "Bench fan",
                           "text": f"{texts[n % len(texts)]} ref {token}"}]), plan["app_secret"])
            posted = time.monotonic()
            try:
                status = _post(hook, body, headers)
            except OSError as error:
                errors.append(f"webhook: {error}")
                continue
            if status == 200:
                with lock:
                    pending[token] = posted
            else:
                errors.append(f"webhook answered {status}")
        sending_done.set()
        watcher.join(timeout=90)
    result = figures.webhook_figures(latencies, sent=deliveries)
    return {"benchmark": "webhook", "platform": "facebook", "rate_per_s": rate, "poll_interval_s": POLL_S,
            "ingest_worker": ingest_worker, "beat": beat,
            "errors": len(errors), "first_errors": errors[:5], **result,
            "note": "the queue page's live bar itself asks every 15 s (templates/complaints/partials/new_bar.html)",
            "worker_tasks": figures.task_durations(stack.worker_log_lines()),
            "stack_logs": str(stack.logs)}
