"""What the reply fault tests run for real: our own Redis server (started and stopped by
the test, on a port of its own), a Celery worker process, and a fake X API on 127.0.0.1
that counts the replies posted to it and can hold one mid-request."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, seconds: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out after {seconds} s waiting for {what}")


class RedisServer:
    """A redis-server of our own that keeps nothing on disk: stopping it loses the queue,
    as a crashed Redis without persistence does."""

    def __init__(self, port: int):
        self.port, self.process = port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, 10, f"Redis on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def web_uses(redis: RedisServer):
    """This process (the web side) queues tasks on, and caches in, our own Redis."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, settings.CACHES)
    app.conf.broker_url, app.conf.task_always_eager = redis.url, False
    app._pool, app.amqp._producer_pool = None, None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis.url}}
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager, settings.CACHES = saved
        app._pool, app.amqp._producer_pool = None, None


class FakeX:
    """X's API v2 as the sender uses it: POST /2/tweets creates a reply; GET
    /2/users/<id>/tweets lists the brand's posts. `hold` makes the next POST wait, after X
    has stored the post, until `release` (a request that reached X but got no answer)."""

    def __init__(self):
        self.tweets, self.posts = [], 0
        self.holding, self._release, self._hold = threading.Event(), threading.Event(), False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                if self.path.split("?")[0] != "/2/tweets":
                    return self._json(404, {"title": "Not Found"})
                fake.posts += 1
                tweet = {"id": str(1900000000000000000 + fake.posts), "text": body["text"],
                         "referenced_tweets": [{"type": "replied_to", "id": body["reply"]["in_reply_to_tweet_id"]}]}
                fake.tweets.append(tweet)
                if fake._hold:
                    fake._hold = False
                    fake.holding.set()
                    fake._release.wait(60)
                self._json(201, {"data": {"id": tweet["id"], "text": tweet["text"]}})

            def do_GET(self):
                if re.match(r"^/2/users/\d+/tweets", self.path):
                    return self._json(200, {"data": list(reversed(fake.tweets)), "meta": {"result_count": len(fake.tweets)}})
                self._json(404, {"title": "Not Found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold_next_post(self):
        self._hold = True

    def release(self):
        self._release.set()

    def replies_to(self, external_id: str) -> list[dict]:
        return [t for t in self.tweets if t["referenced_tweets"][0]["id"] == external_id]

    def close(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()


class Worker:
    """`celery worker` (prefork, one child) in its own process, on our own Redis and the test database."""

    def __init__(self, *, redis: RedisServer, fake_x: FakeX, log: Path, env: dict | None = None):
        self.log = log
        db = settings.DATABASES["default"]
        self.env = {**os.environ, "REDIS_URL": redis.url, "FAKE_X_URL": fake_x.url,
                    "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                    "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT), **(env or {})}
        self.process = None

    def start(self):
        connection.close()  # the worker's connections must not share this process's socket
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("fault_worker.py"))],
                                        cwd=ROOT, env=self.env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=self.log.open("ab"))
        return self

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_child(self):
        """SIGKILL to the pool process running the task: the worker itself sees it die."""
        for pid in self.children():
            os.kill(pid, signal.SIGKILL)

    def kill(self):
        """SIGKILL to the whole worker, main process and child."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
