"""The load benchmark's simulated people, run by Locust (headless) from `manage.py bench load`.

Community managers work a shift the way the browser tests do: the queue with filters, the live
bar, a mention, assign to me, take next, relabel, reply (on the sandbox), resolve, with 1–3 s
of thought between steps. Managers open reports. A feeder posts signed Facebook deliveries to
the webhook (50 mentions/s) and a watcher times some of them until the queue's live endpoint
counts them. Everything the run needs comes from the plan file (ECOUTE_LOAD_PLAN); every
request is written to ECOUTE_LOAD_SAMPLES when the run stops. No Django here: this process
only speaks HTTP to 127.0.0.1."""

import itertools
import json
import math
import os
import random
import time

from locust import HttpUser, SequentialTaskSet, between, constant, constant_throughput, events, task

from benchmarks.deliveries import feed_delivery, signed
from benchmarks.pages import live_bar_count, live_bar_since, mention_ids, taken_mention

PLAN = json.loads(open(os.environ["ECOUTE_LOAD_PLAN"], encoding="utf-8").read())
THINK = between(*PLAN["think_s"])

SAMPLES: list[tuple[str, float, bool, float]] = []
PENDING: dict[str, tuple[float, int]] = {}  # token -> (posted at, mentions in the delivery)
WEBHOOK_LATENCIES: list[float] = []
SENT = {"deliveries": 0, "mentions": 0, "watched": 0}
_people = {"cm": itertools.cycle(PLAN["cms"]), "manager": itertools.cycle(PLAN["managers"])}
_deliveries = itertools.count()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **_kwargs):
    SAMPLES.append((name, response_time, exception is None, time.time()))


@events.test_stop.add_listener
def _write(**_kwargs):
    with open(os.environ["ECOUTE_LOAD_SAMPLES"], "w", encoding="utf-8") as out:
        json.dump({"samples": SAMPLES, "webhook_latencies_s": WEBHOOK_LATENCIES, "sent": SENT,
                   "still_pending": len(PENDING)}, out)


class _Person(HttpUser):
    abstract = True
    kind = ""

    def on_start(self):
        person = next(_people[self.kind])
        # Behind the TLS proxy of docker-compose.yml: the session and CSRF cookies are Secure,
        # so they are sent by hand over this plain-HTTP loopback, as the proxy would pass them.
        self.client.headers.update({
            "Cookie": f"sessionid={person['session']}; csrftoken={person['csrf']}", "X-Forwarded-Proto": "https",
            "Origin": f"https://{self.host.split('://', 1)[1]}", "Accept-Language": "en"})
        self.csrf = person["csrf"]

    def post(self, path: str, data: dict, *, name: str, expect_location: str = ""):
        with self.client.post(path, data={**data, "csrfmiddlewaretoken": self.csrf}, name=name,
                              allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(expect_location):
                response.failure(f"{response.status_code} {location}")
            return location

    def page(self, path: str, params: dict | None = None, *, name: str) -> str:
        with self.client.get(path, params=params, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(str(response.status_code))
                return ""
            return response.text


class Shift(SequentialTaskSet):
    """One round of a community manager's work; the round repeats until the run ends."""

    def on_start(self):
        self.on_page, self.since, self.filters, self.opened, self.taken = [], "0", {}, None, None

    @task
    def open_queue(self):
        self.filters = random.choice(PLAN["queue_filters"])
        html = self.user.page("/", self.filters, name="queue")
        self.on_page = mention_ids(html)
        self.since = live_bar_since(html) or self.since

    @task
    def poll_live_bar(self):
        self.user.page("/queue/new/", {**self.filters, "since": self.since}, name="live_bar")

    @task
    def open_mention(self):
        self.opened = random.choice(self.on_page) if self.on_page else None
        if self.opened:
            self.user.page(f"/mentions/{self.opened}/", name="mention")

    @task
    def assign_to_me(self):
        if self.opened:
            self.user.post(f"/mentions/{self.opened}/assign/", {"assignee": "me"}, name="assign",
                           expect_location=f"/mentions/{self.opened}/")

    @task
    def take_next(self):
        location = self.user.post("/queue/take-next/", {"platform": random.choice(["twitter", "facebook"])},
                                  name="take_next")
        self.taken = taken_mention(location)

    @task
    def open_taken(self):
        if self.taken:
            self.user.page(f"/mentions/{self.taken}/", name="mention")

    @task
    def relabel(self):
        if self.taken:
            self.user.post(f"/mentions/{self.taken}/label/", {"label": random.choice(PLAN["labels"])}, name="relabel",
                           expect_location=f"/mentions/{self.taken}/")

    @task
    def reply(self):
        if self.taken:
            self.user.post(f"/mentions/{self.taken}/reply/", {"text": random.choice(PLAN["replies"]),
                                                              "visibility": "public"},
                           name="reply", expect_location=f"/mentions/{self.taken}/")

    @task
    def resolve(self):
        if self.taken:
            self.user.post(f"/mentions/{self.taken}/status/", {"status": "resolved"}, name="resolve",
                           expect_location="/")


class CommunityManager(_Person):
    kind = "cm"
    wait_time = THINK
    tasks = [Shift]


class ReportReader(_Person):
    kind = "manager"
    wait_time = THINK
    fixed_count = PLAN["report_readers"]

    @task
    def open_report(self):
        self.page("/reports/", random.choice(PLAN["report_queries"]), name="report")


class Feeder(HttpUser):
    """New comments on the bench Page, through the webhook, at a steady rate: several senders at
    one delivery a second each, so that a slow answer doesn't lower the rate."""

    fixed_count = math.ceil(PLAN["feeder_posts_per_s"])
    wait_time = constant_throughput(PLAN["feeder_posts_per_s"] / max(1, fixed_count))
    headers = {"X-Forwarded-Proto": "https"}

    @task
    def deliver(self):
        n = next(_deliveries)
        token = f"{PLAN['run']}x{n}"
        now = int(time.time())
        comments = [{"id": f"{token}c{k}", "author_id": f"bench-fan-{random.randint(1, 5000)}",
                     "author_name": "Bench fan",
                     "text": f"{random.choice(PLAN['texts'])} ref {token}"} for k in range(PLAN["mentions_per_post"])]
        body, headers = signed(feed_delivery(page_id=PLAN["page_id"], post_id=f"{PLAN['page_id']}_{PLAN['run']}",
                                             comments=comments, created_time=now), PLAN["app_secret"])
        posted = time.monotonic()
        with self.client.post("/webhooks/facebook/", data=body, headers={**headers, **self.headers}, name="webhook",
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(str(response.status_code))
                return
        SENT["deliveries"] += 1
        SENT["mentions"] += len(comments)
        if n % PLAN["watch_every"] == 0:
            PENDING[token] = (posted, len(comments))
            SENT["watched"] += 1


class Watcher(_Person):
    """Asks the live endpoint (the queue's "N new mentions" bar) for each watched delivery's
    token until it counts all of the delivery's mentions."""

    kind = "cm"
    fixed_count = 1 if PLAN["feeder_posts_per_s"] else 0
    wait_time = constant(PLAN["watch_interval_s"])

    @task
    def look(self):
        for token, (posted, expected) in list(PENDING.items()):
            html = self.page("/queue/new/", {"q": token, "since": PLAN["since"], "brand": PLAN["brand"]},
                             name="webhook_watch")
            if live_bar_count(html) >= expected:
                WEBHOOK_LATENCIES.append(time.monotonic() - posted)
                PENDING.pop(token, None)
