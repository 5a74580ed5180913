"""`manage.py bench queue --mentions N`: server time of the queue and the mention page on a
large database. Mentions are seeded once with COPY under brands named "Bench …" and reused
by later runs; the real views are then timed through Django's test client."""

import gc
import math
import random
import re
import time
import uuid
from datetime import timedelta
from itertools import accumulate

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from complaints import selectors
from complaints.priority import compute_priority
from listening.choices import OPEN_STATUSES, EventKind, Label, Platform, SourceKind, Status
from listening.models import Author, Brand, Mention, MentionEvent, Source
from listening.pgcopy import copy_rows, formatters_for
from responses.models import Response
from sla.models import SLAPolicy

BRANDS = [("bench-queue-lumio", "Bench Lumio", 5), ("bench-queue-rail", "Bench Rail", 3),
          ("bench-queue-shop", "Bench Shop", 2)]
SEARCH_WORD = "retard"  # a common French complaint word, so the search has thousands of matches
# A word found mostly in praise, which sits at the bottom of the queue: Postgres walks the
# priority index past every higher mention before it finds a page of them.
LOW_PRIORITY_WORD, LOW_PRIORITY_REQUESTS = "technicien", 20
TARGET_P95_MS = 50
DAYS, CHUNK, MAX_AUTHORS = 90, 50_000, 50_000
OPEN = [s.value for s in OPEN_STATUSES]
SLA_MINUTES = {Label.COMPLAINT: 60, Label.QUESTION: 240, Label.PRAISE: 1440, Label.OTHER: 1440}
PLATFORMS, PLATFORM_CUM = [Platform.TWITTER, Platform.FACEBOOK, Platform.BLOG, Platform.OTHER], [70, 92, 97, 100]
SOURCE_KIND = {Platform.TWITTER: SourceKind.X_SEARCH, Platform.FACEBOOK: SourceKind.FACEBOOK_PAGE,
               Platform.BLOG: SourceKind.FEED, Platform.OTHER: SourceKind.FILE_IMPORT}
LABELS, LABEL_CUM = [Label.COMPLAINT, Label.QUESTION, Label.PRAISE, Label.OTHER], [35, 55, 70, 100]
# Most of the last days' mentions are still open; older ones are mostly resolved or ignored.
STATUSES = [Status.NEW, Status.OPEN, Status.WAITING, Status.RESOLVED, Status.IGNORED]
RECENT_CUM, OLDER_CUM = [45, 57, 65, 90, 100], [12, 20, 25, 805, 1000]
TOWNS = ["Lille", "Lyon", "Nantes", "Rennes", "Toulouse", "Brest", "Leeds", "Bristol"]
OPENERS = {"fr": ["", "@{brand}", "Bonjour {brand},", "Franchement {brand},", "Sérieusement,"],
           "en": ["", "@{brand}", "Hi {brand},", "Honestly {brand},", "Seriously,"]}
PHRASES = {
    "fr": {Label.COMPLAINT: ["ma commande a {n} jours de retard", "encore un retard de livraison et personne ne répond",
                             "le remboursement est toujours en retard", "plus d'internet depuis {n} jours à {town}",
                             "facture deux fois plus chère ce mois-ci", "l'appli plante à chaque connexion",
                             "colis perdu, le suivi ne marche pas", "train annulé, {n} minutes de retard à {town}"],
           Label.QUESTION: ["comment changer mon adresse de livraison ?", "vous livrez à {town} le samedi ?",
                            "où trouver ma facture dans l'appli ?", "l'offre dure combien de jours ?"],
           Label.PRAISE: ["merci pour la réponse rapide", "livré en avance, bravo", "super accueil à {town}",
                          "le technicien a tout réglé en {n} minutes"],
           Label.OTHER: ["vu votre pub à {town}", "qui participe au jeu concours ?", "nouvelle boutique à {town}",
                         "je regarde les nouveautés du mois"]},
    "en": {Label.COMPLAINT: ["my order is {n} days late", "another delivery delay and nobody answers",
                             "still waiting for my refund", "no internet for {n} days in {town}",
                             "my bill doubled this month", "the app crashes at every login",
                             "parcel lost and tracking is broken", "train cancelled, {n} minutes delay in {town}"],
           Label.QUESTION: ["how do I change my delivery address?", "do you deliver to {town} on Saturdays?",
                            "where is my invoice in the app?", "how long does the offer last?"],
           Label.PRAISE: ["thanks for the quick answer", "delivered early, well done", "lovely staff in {town}",
                          "the engineer fixed it in {n} minutes"],
           Label.OTHER: ["saw your ad in {town}", "who is entering the contest?", "new shop opening in {town}",
                         "browsing this month's new products"]},
}
REPLIES = {"fr": "Bonjour, nous regardons votre dossier et revenons vers vous très vite.",
           "en": "Hello, we are looking into it and will get back to you shortly."}


class BenchError(Exception):
    pass


def _copy(model, rows) -> int:
    """COPY dicts of field values into the model's table; fields left out get their default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
    now = timezone.now()
    defaults = {f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default() for f in fields}
    names, count = [f.attname for f in fields], 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            tuples = [tuple(row.get(name, defaults[name]) for name in names) for row in rows[start:start + CHUNK]]
            copy_rows(cursor.cursor, model._meta.db_table, [f.column for f in fields], tuples, formatters_for(fields))
            count += len(tuples)
    return count


def _setup():
    """The bench brands with their (disabled) sources and SLA policies, and community managers."""
    brands = [Brand.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name, _w in BRANDS]
    sources = {}
    for brand in brands:
        for platform, kind in SOURCE_KIND.items():
            sources[brand.pk, platform] = Source.objects.get_or_create(
                brand=brand, kind=kind, target="bench", defaults={"enabled": False})[0].pk
        for label, minutes in SLA_MINUTES.items():
            SLAPolicy.objects.get_or_create(brand=brand, label=label, defaults={"first_response_minutes": minutes})
    group = Group.objects.get_or_create(name=roles.COMMUNITY_MANAGER)[0]
    agents = []
    for name in ["bench-cm", "bench-agent-1", "bench-agent-2", "bench-agent-3", "bench-agent-4"]:
        user, created = get_user_model().objects.get_or_create(username=name)
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        agents.append(user)
    return brands, sources, agents


def _authors(rng, wanted: int) -> list[tuple[int, str, int]]:
    existing = Author.objects.filter(external_id__startswith="bq-author-")
    have = existing.count()
    _copy(Author, [{"platform": rng.choices(PLATFORMS, cum_weights=PLATFORM_CUM)[0], "external_id": f"bq-author-{k}",
                    "handle": f"client{k}", "display_name": f"Client {k}",
                    "followers_count": min(2_000_000, int(rng.paretovariate(1.1) * 40))} for k in range(have, wanted)])
    return list(existing.values_list("id", "platform", "followers_count").order_by("id"))


def _mention_rows(rng, *, start: int, count: int, now, brands, sources, authors, agents):
    span, recent = DAYS * 86400, max(count * 3 // DAYS, 150)  # a small seed still fills two queue pages
    brand_cum = list(accumulate(w for _s, _n, w in BRANDS))
    threads: dict = {}
    for i in range(count):
        posted = now - timedelta(seconds=span * (1 - (i + rng.random()) / count) + 60)
        brand = rng.choices(brands, cum_weights=brand_cum)[0]
        author_id, platform, followers = authors[int(len(authors) * rng.random() ** 2)]  # a few frequent posters
        lang, label = "fr" if rng.random() < 0.6 else "en", rng.choices(LABELS, cum_weights=LABEL_CUM)[0]
        text = " ".join(filter(None, [rng.choice(OPENERS[lang]).format(brand=brand.name.split()[-1]),
                                      rng.choice(PHRASES[lang][label])])).format(n=rng.randint(2, 45),
                                                                                   town=rng.choice(TOWNS))
        status = rng.choices(STATUSES, cum_weights=RECENT_CUM if i >= count - recent else OLDER_CUM)[0]
        assigned = {Status.NEW: 0, Status.OPEN: 0.85, Status.WAITING: 0.85, Status.RESOLVED: 0.9}.get(status, 0.3)
        answered = status in (Status.WAITING, Status.RESOLVED)
        replied = min(posted + timedelta(minutes=rng.randint(5, 600)), now) if answered else None
        external_id = f"bq-{start + i}"
        thread = threads.get((brand.pk, platform)) if rng.random() < 0.15 else None
        threads[brand.pk, platform] = thread or external_id
        counts = {"reposts_count": int(rng.paretovariate(2)) - 1, "likes_count": int(rng.paretovariate(1.5)) - 1,
                  "replies_count": rng.randint(0, 3), "quotes_count": 0}
        priority = compute_priority(label=label, followers=followers, reposts=counts["reposts_count"], quotes=0,
                                    replies=counts["replies_count"], likes=counts["likes_count"], posted_at=posted,
                                    now=now, status=status, answered=replied is not None, personal_data=[])
        yield {"brand_id": brand.pk, "source_id": sources[brand.pk, platform], "platform": platform,
               "external_id": external_id, "author_id": author_id, "text": text, "language": lang,
               "title": text[:80] if platform == Platform.BLOG else "", "posted_at": posted, "fetched_at": posted,
               "conversation_id": thread or external_id, "in_reply_to_id": thread or "", **counts,
               "label": label, "predicted_label": label, "confidence": round(rng.uniform(0.55, 0.99), 3),
               "model_version": "bench", "status": status, "priority": priority.score,
               "priority_reasons": priority.reasons,
               "first_response_due_at": posted + timedelta(minutes=SLA_MINUTES[label]),
               "first_response_at": replied, "assignee_id": rng.choice(agents).pk if rng.random() < assigned else None,
               "resolved_at": replied + timedelta(hours=rng.randint(1, 48)) if status == Status.RESOLVED else None}


def _history(*, after_id: int, brand_ids: list[int], agents) -> int:
    """What the mention page shows for open mentions: received, classified, assigned,
    opened, and for those waiting for the customer, our reply."""
    rows = list(Mention.objects.filter(pk__gt=after_id, brand_id__in=brand_ids, status__in=OPEN).values_list(
        "id", "status", "assignee_id", "label", "confidence", "posted_at", "first_response_at", "language"))
    names = {a.pk: a.get_username() for a in agents}
    _copy(Response, [{"mention_id": pk, "author_id": who, "text": REPLIES[lang], "status": "sent", "attempts": 1,
                      "idempotency_key": uuid.uuid4(), "created_at": replied, "sent_at": replied}
                     for pk, status, who, _l, _c, _p, replied, lang in rows if status == Status.WAITING and replied])
    responses = dict(Response.objects.filter(mention_id__gt=after_id, mention__brand_id__in=brand_ids)
                     .values_list("mention_id", "id"))
    events = []
    for pk, status, who, label, confidence, posted, replied, _lang in rows:
        events += [{"mention_id": pk, "kind": EventKind.CREATED, "at": posted, "data": {}},
                   {"mention_id": pk, "kind": EventKind.CLASSIFIED, "at": posted, "data": {
                       "label": label, "confidence": confidence, "model_version": "bench"}}]
        step = posted + timedelta(minutes=3)
        if who:
            events.append({"mention_id": pk, "kind": EventKind.ASSIGNED, "actor_id": who, "at": step,
                           "data": {"to": names.get(who, "")}})
        if status != Status.NEW:
            events.append({"mention_id": pk, "kind": EventKind.STATUS_CHANGED, "actor_id": who, "at": step,
                           "data": {"from": Status.NEW, "to": Status.OPEN}})
        if pk in responses:
            events += [{"mention_id": pk, "kind": EventKind.REPLIED, "actor_id": who, "at": replied,
                        "data": {"response": responses[pk], "visibility": "public", "channel": "ecoute"}},
                       {"mention_id": pk, "kind": EventKind.STATUS_CHANGED, "actor_id": who, "at": replied,
                        "data": {"from": Status.OPEN, "to": Status.WAITING}}]
    return _copy(MentionEvent, events)


def bench_seed(*, mentions: int, seed: int = 5) -> dict:
    """Adds bench mentions until there are `mentions` of them; reuses what is already there."""
    rng, started = random.Random(seed), time.perf_counter()
    with transaction.atomic():
        brands, sources, agents = _setup()
        have = Mention.objects.filter(brand__in=brands).count()
        added = 0
        if have < mentions:
            authors = _authors(rng, min(MAX_AUTHORS, max(20, mentions // 20)))
            after_id = Mention.objects.aggregate(top=Max("id"))["top"] or 0
            rows = _mention_rows(rng, start=have, count=mentions - have, now=timezone.now(), brands=brands,
                                 sources=sources, authors=authors, agents=agents)
            while batch := [row for _i, row in zip(range(CHUNK), rows)]:
                added += _copy(Mention, batch)
            _history(after_id=after_id, brand_ids=[b.pk for b in brands], agents=agents)
    if added:
        # As autovacuum would have done by then: statistics (or the planner guesses on empty
        # tables), the visibility map for index-only scans, and the search indexes' pending
        # lists merged (a COPY leaves its new words in a list every search would scan).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"  # VACUUM can't run in a test's transaction
        with connection.cursor() as cursor:
            for model in (Author, Mention, MentionEvent, Response):
                cursor.execute(f"{command} {model._meta.db_table}")
    return {"brands": brands, "user": agents[0], "added": added, "seconds": round(time.perf_counter() - started, 1)}


def _percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)  # nearest rank: p95 of 200 requests is the 190th fastest
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2)


def _explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    text = "\n".join(plan)
    used = re.findall(r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)", text)
    return {"top": plan[0].strip(), "execution_ms": float(re.search(r"Execution Time: ([\d.]+)", text).group(1)),
            "indexes": sorted(set(used))}


def _page(client, name: str, calls: list[tuple[str, dict]], *, warm_up: int, headers=None) -> dict:
    """Times each call; one extra untimed call counts the page's queries and finds the
    queue's own query (the one fetching a page and one row) for EXPLAIN. cpu_p50_ms is the
    web process's own CPU time per request (Python and templates, not the database's): on a
    shared machine it moves far less with the other processes' load than the elapsed time."""
    for path, params in calls[:warm_up]:
        client.get(path, params, secure=True, headers=headers)
    times, cpu = [], []
    for path, params in calls:
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, params, secure=True, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise BenchError(f"{name}: {path} {params} answered {response.status_code} instead of 200.")
    with CaptureQueriesContext(connection) as captured:
        client.get(*calls[0], secure=True, headers=headers)
    result = {"p50_ms": _percentile(times, 50), "p95_ms": _percentile(times, 95), "cpu_p50_ms": _percentile(cpu, 50),
              "queries": len(captured),
              "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 2)}
    page_query = [q["sql"] for q in captured.captured_queries
                  if 'FROM "listening_mention"' in q["sql"] and f"LIMIT {selectors.PAGE_SIZE + 1}" in q["sql"]]
    if page_query:
        result["explain"] = _explain(page_query[0])
    return result


def bench_queue(*, mentions: int, requests: int = 200, log=None) -> dict:
    if mentions < 1 or requests < 1:
        raise BenchError("--mentions and --requests must both be at least 1.")
    if connection.vendor != "postgresql":
        raise BenchError("The queue benchmark needs Postgres (it seeds with COPY and measures full-text search); "
                         f"DATABASE_URL points at {connection.vendor}.")
    if log:
        log(f"Seeding up to {mentions} bench mentions (reused when already there)...")
    seeded = bench_seed(mentions=mentions)
    brands, user = seeded["brands"], seeded["user"]
    bench_open = Mention.objects.filter(brand__in=brands, status__in=OPEN)
    rows = {"mentions": Mention.objects.filter(brand__in=brands).count(), "open_mentions": bench_open.count(),
            "authors": Author.objects.filter(external_id__startswith="bq-author-").count(),
            "events": MentionEvent.objects.filter(mention__brand__in=brands).count(),
            "search_matches_open": selectors.search_filter(bench_open, SEARCH_WORD).count(),
            "low_priority_matches_open": selectors.search_filter(bench_open, LOW_PRIORITY_WORD).count()}
    if not rows["open_mentions"]:
        raise BenchError("No open bench mention to open a mention page with.")
    _first, cursor = selectors.queue_mentions(filters=selectors.QueueFilters(), user=user)
    picked = list(bench_open.order_by("?").values_list("pk", flat=True)[:requests])
    mention_ids = (picked * requests)[:requests]
    if log:
        log(f"Timing {requests} requests per page...")
    queue, warm = reverse("complaints:queue"), min(requests, 10)
    client = Client()
    client.force_login(user)
    # The bench talks to the views in-process: "testserver" must be an allowed host, and
    # static URLs must not need a collectstatic manifest (a lookup of negligible cost).
    plain_static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    filtered = {"brand": brands[0].pk, "label": Label.COMPLAINT, "platform": Platform.TWITTER}
    gc.freeze()  # as config/wsgi.py does once the app is loaded in each web worker
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], STORAGES=plain_static):
        pages = {"queue_default": _page(client, "queue_default", [(queue, {})] * requests, warm_up=warm),
                 "queue_filtered": _page(client, "queue_filtered", [(queue, filtered)] * requests, warm_up=warm),
                 "queue_search": _page(client, "queue_search", [(queue, {"q": SEARCH_WORD})] * requests, warm_up=warm),
                 "queue_search_low_priority": _page(client, "queue_search_low_priority", [
                     (queue, {"q": LOW_PRIORITY_WORD})] * min(requests, LOW_PRIORITY_REQUESTS), warm_up=1)}
        if cursor:  # the next page as the queue's infinite scroll asks for it
            pages["queue_next_page"] = _page(client, "queue_next_page", [(queue, {"after": cursor})] * requests,
                                             warm_up=warm, headers={"HX-Request": "true"})
        pages["mention"] = _page(client, "mention", [(reverse("complaints:mention", args=[pk]), {})
                                                     for pk in mention_ids], warm_up=warm)
    queue_p95 = max(page["p95_ms"] for name, page in pages.items() if name.startswith("queue_"))
    return {"benchmark": "queue", "database": connection.vendor, "mentions": rows["mentions"],
            "added_now": seeded["added"], "seed_seconds": seeded["seconds"], "requests": requests, "rows": rows,
            "pages": pages, "target_p95_ms": TARGET_P95_MS, "queue_p95_within_target": queue_p95 <= TARGET_P95_MS}
