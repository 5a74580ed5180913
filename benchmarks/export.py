"""`manage.py bench export --mentions 1000000`: the year-long mentions.csv downloaded from a real
gunicorn started with the production settings (config/gunicorn.conf.py), over N synthetic mentions
seeded like `bench reports`. Measures the rows received, the time, whether the file ends with its
"End of export" line, and the peak memory of the worker that streamed it."""

import http.client
import os
import socket
import subprocess
import sys
import time as clock
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from benchmarks.reports import _agents, _brands, _delete, _seed
from listening.models import Mention

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie() -> str:
    manager, _created = get_user_model().objects.get_or_create(username="bench-manager")
    manager.groups.add(Group.objects.get_or_create(name=roles.MANAGER)[0])
    session = SessionStore()
    session.update({"_auth_user_id": str(manager.pk), "_auth_user_backend": settings.AUTHENTICATION_BACKENDS[0],
                    "_auth_user_hash": manager.get_session_auth_hash()})
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _peak_rss_mb(master_pid: int) -> float:
    """The largest peak resident size (VmHWM) among the server's worker processes."""
    peak = 0
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    return round(peak / 1024, 1)


def _start_server(port: int) -> subprocess.Popen:
    db = connection.settings_dict  # the database this process uses (a test run's has another name)
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "DATABASE_URL": "",
           "POSTGRES_HOST": db["HOST"] or "localhost", "POSTGRES_PORT": str(db["PORT"] or 5432),
           "POSTGRES_DB": db["NAME"], "POSTGRES_USER": db["USER"] or "", "POSTGRES_PASSWORD": db["PASSWORD"] or ""}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
                               "config.wsgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            clock.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start within 60 s")


def _download(port: int, path: str, cookie: str) -> dict:
    started = clock.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    lines, complete_transfer, tail = 0, True, b""
    try:
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
            tail = (tail + chunk)[-300:]
    except http.client.IncompleteRead:
        complete_transfer = False  # the server stopped mid-stream
    conn.close()
    last = tail.rstrip(b"\r\n").rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
    return {"status": response.status, "seconds": round(clock.perf_counter() - started, 1),
            "rows": max(0, lines - 2), "transfer_complete": complete_transfer, "last_line": last,
            "says_complete": last.startswith("End of export")}


def bench_export(*, n: int, keep: bool = False) -> dict:
    if connection.vendor != "postgresql":
        return {"benchmark": "export", "error": "This benchmark needs PostgreSQL (it writes with COPY)."}
    now = timezone.now()
    brands, agents = _brands(), _agents()
    seed_seconds = None
    if Mention.objects.filter(brand__in=brands).count() != n:
        _delete(brands)
        started = clock.perf_counter()
        _seed(n=n, brands=brands, agents=agents, now=now)
        seed_seconds = round(clock.perf_counter() - started, 1)
    today = timezone.localdate()
    start = today - timedelta(days=364)
    query = "&".join(f"brand={b.pk}" for b in brands) + f"&start={start.isoformat()}&end={today.isoformat()}"
    port = _free_port()
    cookie = _session_cookie()
    server = _start_server(port)
    try:
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # the worker loads the app first
        warm.request("GET", "/healthz")
        warm.getresponse().read()
        warm.close()
        figures = _download(port, f"{reverse('responses:report-mentions-csv')}?{query}", cookie)
        figures["worker_peak_rss_mb"] = _peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    in_period = Mention.objects.filter(brand__in=brands, posted_at__date__gte=start).count()
    result = {"benchmark": "export", "mentions": n, "seed_seconds": seed_seconds, "mentions_in_period": in_period,
              "server": "gunicorn -c config/gunicorn.conf.py (1 worker)", **figures}
    result["complete"] = figures["says_complete"] and figures["rows"] == in_period
    if not keep:
        _delete(brands)
    return result
