"""`manage.py bench load`: Écoute as a care team feels it. Over the queue benchmark's seeded
mentions (1M by default, seeded once and reused), gunicorn, a Celery worker and beat run as
docker-compose.yml runs them (benchmarks/stack.py), and Locust (headless, benchmarks/locustfile.py)
plays, first, one community manager alone and one manager alone (the single-user figures),
then 20 community managers, 2 managers on reports, and a feeder posting 50 mentions/s to the
Facebook webhook, some of which are timed until the queue's live endpoint counts them.
Prints one JSON object: p50/p95/p99 and errors per action, each next to its single-user p95."""

import importlib.util
import json
import math
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Count, Max
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts import roles
from benchmarks import figures
from benchmarks.stack import ROOT, Stack
from benchmarks.queue import PHRASES, REPLIES, SEARCH_WORD, TOWNS, BenchError, bench_seed
from complaints.classifier.lifecycle import model_train
from complaints.models import ClassifierModel
from listening.choices import OPEN_STATUSES, CredentialPlatform, Label, SourceKind
from listening.models import Credential, Mention, Source
from responses.models import NotificationKind, Response
from responses.report_days import report_days_refresh
from sla.models import SLATarget

COMMUNITY_MANAGERS, REPORT_READERS = 20, 2
PAGE_ID = "1048576000bench"  # the bench Page the feeder's deliveries are about
SANDBOX = "Bench sandbox (publishes nothing)"


class LoadError(Exception):
    pass


def _people(prefix: str, count: int, role: str) -> list:
    group = Group.objects.get_or_create(name=role)[0]
    people = []
    for i in range(1, count + 1):
        user, created = get_user_model().objects.get_or_create(username=f"{prefix}-{i:02d}",
                                                               defaults={"first_name": f"Bench {i}"})
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        people.append(user)
    return people


def signed_in_session(user) -> dict:
    """A session as the login page would leave it, and a CSRF secret for its forms."""
    session = SessionStore()
    session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": settings.AUTHENTICATION_BACKENDS[0],
                    "_auth_user_hash": user.get_session_auth_hash()})
    session.create()
    return {"session": session.session_key, "csrf": get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)}


def mention_texts(rng: random.Random, n: int = 200) -> list[str]:
    out = []
    for _i in range(n):
        lang = rng.choice(["fr", "en"])
        label = rng.choice([Label.COMPLAINT, Label.COMPLAINT, Label.QUESTION, Label.PRAISE, Label.OTHER])
        out.append(rng.choice(PHRASES[lang][label]).format(n=rng.randint(2, 45), town=rng.choice(TOWNS)))
    return out


def _classifier_ready(log) -> str:
    """Ingestion classifies each mention; without an active model it would skip that work."""
    active = ClassifierModel.objects.filter(is_active=True).first()
    if active is None:
        log("No active classifier in this database: training one (once; later runs reuse it)...")
        active = model_train(force=True, folds=2, note="bench load").model
    return active.version


def _seeded_breaches_told(brands) -> int:
    """The seeded open mentions' breaches, as told long ago (one read notice per SLA to a bench
    user): what the alert runs would have left behind as those mentions aged. One statement;
    letting `send_sla_alerts` find them all at once would take tens of minutes."""
    told = _people("bench-load-told", 1, roles.MANAGER)[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO responses_notification (user_id, mention_id, kind, target, message, created_at, read_at, "
            "emailed_at) SELECT %s, m.id, %s, t.target, '', now(), now(), now() FROM listening_mention m "
            "CROSS JOIN unnest(%s::text[]) AS t(target) WHERE m.brand_id = ANY(%s) AND m.status = ANY(%s) "
            "ON CONFLICT DO NOTHING",
            [told.pk, NotificationKind.BREACH, list(SLATarget.values), [b.pk for b in brands],
             [s.value for s in OPEN_STATUSES]])
        added = cursor.rowcount
        cursor.execute("ANALYZE responses_notification")  # or the planner takes the table for empty
    return added


def prepare(*, mentions: int, feeder_rate: float, log) -> dict:
    """Everything the run needs in the database; returns the plan Locust reads (minus the host)."""
    seeded = bench_seed(mentions=mentions)
    brands = seeded["brands"]
    for brand in brands:  # replies go to the sandbox, as in the demo
        Credential.objects.get_or_create(brand=brand, platform=CredentialPlatform.SANDBOX, name=SANDBOX)
    source, _created = Source.objects.update_or_create(
        brand=brands[0], kind=SourceKind.FACEBOOK_PAGE, target=PAGE_ID,
        defaults={"enabled": True, "poll_every_minutes": 24 * 60})  # no schedule: it only receives webhooks
    version = _classifier_ready(log)
    # Seeded rows skipped what beat does as mentions arrive: without this, the first minute of the
    # run would be the worker alerting on tens of thousands of old breaches and packing every
    # report day, a backlog a running installation never has.
    log("Catching up on SLA alerts and report days for the seeded mentions (quick once done)...")
    _seeded_breaches_told(brands)
    report_days_refresh()
    cms = _people("bench-load-cm", COMMUNITY_MANAGERS, roles.COMMUNITY_MANAGER)
    managers = _people("bench-load-manager", REPORT_READERS, roles.MANAGER)
    rng = random.Random(20)
    first = brands[0].pk
    today = timezone.localdate()
    all_brands = [("brand", b.pk) for b in brands]
    report_queries = [dict([*all_brands, ("start", (today - timedelta(days=days - 1)).isoformat()),
                            ("end", today.isoformat())]) for days in (30, 30, 90, 365)]
    return {
        "seeded": seeded, "source": source, "cms": cms, "managers": managers, "model_version": version,
        "plan": {
            "run": secrets.token_hex(3), "think_s": [1, 3], "labels": [Label.COMPLAINT, Label.QUESTION, Label.OTHER],
            "replies": list(REPLIES.values()), "texts": mention_texts(rng), "report_readers": REPORT_READERS,
            "queue_filters": [{}, {"brand": first}, {"brand": first, "label": Label.COMPLAINT},
                              {"platform": "twitter", "language": "fr"}, {"label": Label.QUESTION, "order": "age"},
                              {"assignee": "me"}, {"q": SEARCH_WORD}, {"period": "24h"}],
            "report_queries": report_queries, "page_id": PAGE_ID, "brand": first,
            "app_secret": secrets.token_hex(16), "feeder_posts_per_s": feeder_rate / 10, "mentions_per_post": 10,
            "watch_every": 5, "watch_interval_s": 0.1,
            "cms": [signed_in_session(u) for u in cms], "managers": [signed_in_session(u) for u in managers]},
    }


def _locust(*, plan: dict, users: int, seconds: int, classes: list[str], workdir: Path, name: str, log) -> dict:
    plan_path, samples_path = workdir / f"{name}-plan.json", workdir / f"{name}-samples.json"
    plan_path.write_text(json.dumps(plan))
    log(f"Locust, {name}: {users} user(s) ({', '.join(classes)}) for {seconds} s...")
    env = {"ECOUTE_LOAD_PLAN": str(plan_path), "ECOUTE_LOAD_SAMPLES": str(samples_path), "PYTHONPATH": str(ROOT)}
    with open(workdir / f"{name}-locust.log", "wb") as out:
        subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
                        "--users", str(users), "--spawn-rate", str(max(1, users // 4)), "--run-time", f"{seconds}s",
                        "--stop-timeout", "10", "--host", plan["host"], "--exit-code-on-error", "0",
                        "--only-summary", "--loglevel", "WARNING", *classes],
                       cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, check=True,
                       timeout=seconds + 120)
    if not samples_path.exists():
        raise LoadError(f"Locust wrote no samples; see {workdir}/{name}-locust.log")
    return json.loads(samples_path.read_text())


def _kept(run: dict, *, warm_up_s: float) -> list[tuple[str, float, bool]]:
    """Samples after the ramp-up, without the watcher's own requests."""
    samples = run["samples"]
    if not samples:
        return []
    start = min(s[3] for s in samples) + warm_up_s
    return [(name, ms, ok) for name, ms, ok, at in samples if at >= start and name != "webhook_watch"]


def _backlog_drained(since, source, expected: int, timeout: float = 60) -> dict:
    """Waits for the worker to store the feeder's mentions and send the queued replies."""
    deadline = time.monotonic() + timeout
    while True:
        stored = Mention.objects.filter(source=source, fetched_at__gte=since).count()
        queued = Response.objects.filter(created_at__gte=since, status__in=["queued", "sending"]).count()
        if (stored >= expected and not queued) or time.monotonic() > deadline:
            return {"mentions_stored": stored, "replies_still_queued": queued}
        time.sleep(1)


def bench_load(*, mentions: int = 1_000_000, seconds: int = 90, single_seconds: int = 60,
               feeder_rate: float = 50, beat: bool = True, ingest_worker: bool = True, log=None) -> dict:
    log = log or (lambda message: None)
    if connection.vendor != "postgresql":
        raise LoadError("The load benchmark needs Postgres (the queue benchmark's seeding uses COPY).")
    if importlib.util.find_spec("locust") is None:
        raise LoadError("Locust is not installed: run `bash scripts/bench.sh load`, or "
                        "`pip install -r requirements-bench.txt` first.")
    if not 60 <= seconds <= 600 or not 10 <= single_seconds <= 300:
        raise LoadError("--seconds must be 60–600 and --single-seconds 10–300: every run is bounded.")
    log(f"Seeding up to {mentions} bench mentions (reused when already there)...")
    try:
        ready = prepare(mentions=mentions, feeder_rate=feeder_rate, log=log)
    except BenchError as error:
        raise LoadError(str(error)) from None
    plan, source = ready["plan"], ready["source"]
    plan["since"] = Mention.objects.aggregate(top=Max("id"))["top"] or 0
    workdir = Path(tempfile.mkdtemp(prefix="ecoute-load-"))
    started = timezone.now()
    env = {"ALLOW_SANDBOX": "true", "FACEBOOK_APP_SECRET": plan["app_secret"]}
    with Stack(env_extra=env, beat=beat, ingest_worker=ingest_worker, log=log) as stack:
        plan["host"] = stack.url
        # Alone: one person at a time, shorter pauses so that each action is timed often enough.
        alone = {**plan, "think_s": [0.1, 0.3]}
        single_cm = _locust(plan=alone, users=1, seconds=single_seconds, classes=["CommunityManager"],
                            workdir=workdir, name="single-cm", log=log)
        single_report = _locust(plan=alone, users=1, seconds=max(10, single_seconds // 2), classes=["ReportReader"],
                                workdir=workdir, name="single-report", log=log)
        feeders = math.ceil(plan["feeder_posts_per_s"])
        loaded = _locust(plan=plan, users=COMMUNITY_MANAGERS + REPORT_READERS + feeders + (1 if feeders else 0),
                         seconds=seconds, classes=["CommunityManager", "ReportReader", "Feeder", "Watcher"],
                         workdir=workdir, name="loaded", log=log)
        log("Waiting for the worker to finish the feeder's mentions and the replies...")
        drained = _backlog_drained(started, source, loaded["sent"]["mentions"])
    single = figures.action_figures(_kept(single_cm, warm_up_s=3) + _kept(single_report, warm_up_s=3))
    under_load = figures.action_figures(_kept(loaded, warm_up_s=10))
    verdict = figures.load_verdict(loaded={a: f for a, f in under_load.items() if a != "webhook"}, single=single)
    replies = dict(Response.objects.filter(created_at__gte=started, author__in=ready["cms"])
                   .values_list("status").annotate(n=Count("id")))
    return {"benchmark": "load", "mentions": Mention.objects.count(), "server": "gunicorn -c config/gunicorn.conf.py "
            "(3 gthread workers × 4 threads), celery worker -Q celery,ingest,send --concurrency 2"
            + (", worker-ingest -Q ingest --concurrency 1" if ingest_worker else "")
            + ", worker-train -Q train --concurrency 1 at nice 15" + (", beat" if beat else ""),
            "cores": os.cpu_count(), "seconds": seconds, "single_user_seconds": single_seconds,
            "people": {"community_managers": COMMUNITY_MANAGERS, "report_readers": REPORT_READERS,
                       "think_s": plan["think_s"], "single_user_think_s": alone["think_s"]},
            "feeder": {"target_mentions_per_s": feeder_rate, **loaded["sent"],
                       "mentions_per_s": round(loaded["sent"]["mentions"] / seconds, 1),
                       "webhook_post": under_load.get("webhook"), **drained},
            "webhook_to_visible": figures.webhook_figures(loaded["webhook_latencies_s"],
                                                          sent=loaded["sent"]["watched"]),
            "replies": replies, "model_version": ready["model_version"], **verdict,
            "worker_tasks": figures.task_durations(stack.worker_log_lines()),
            "logs": str(workdir), "stack_logs": str(stack.logs)}
