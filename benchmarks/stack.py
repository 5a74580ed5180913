"""Écoute as docker-compose.yml runs it, on 127.0.0.1, for the benchmarks that need real
processes: gunicorn with config/gunicorn.conf.py, a Celery worker (concurrency 2), the worker
that only stores arriving mentions (queue "ingest", concurrency 1) and beat,
all with the production settings (DEBUG off, X-Forwarded-Proto trusted as behind the proxy)
on this process's database and Redis. Every process is started in its own session and its
whole group is stopped on exit, so no worker outlives the benchmark."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from celery import current_app as celery_app
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
STOP_SECONDS = 30


class StackError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(*, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The compose file's environment for this machine: the database by its parts, the same
    Redis, secrets shared with this process (sessions it creates must be valid there, and
    credentials it stored must decrypt), DEBUG off."""
    db = connection.settings_dict
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY,
           "CREDENTIALS_KEY": ",".join(settings.CREDENTIALS_KEYS), "DATABASE_URL": "",
           "POSTGRES_HOST": db["HOST"] or "localhost", "POSTGRES_PORT": str(db["PORT"] or 5432),
           "POSTGRES_DB": db["NAME"], "POSTGRES_USER": db["USER"] or "", "POSTGRES_PASSWORD": db["PASSWORD"] or "",
           "REDIS_URL": settings.REDIS_URL, "TRUST_X_FORWARDED_PROTO": "true", "TRUSTED_PROXIES": "127.0.0.1",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.update(extra or {})
    return env


def _static_fresh() -> bool:
    """collectstatic's manifest is newer than every file of static/ (it compresses every file
    again each time: a minute on a busy machine)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    return all(path.stat().st_mtime < built for folder in settings.STATICFILES_DIRS
               for path in Path(folder).rglob("*") if path.is_file())


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


class Stack:
    """with Stack(...) as stack: stack.url is the web address; everything stops on exit."""

    def __init__(self, *, env_extra: dict[str, str] | None = None, beat: bool = True, ingest_worker: bool = True,
                 log=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = production_env(port=self.port, extra=env_extra)
        self.beat, self.ingest_worker = beat, ingest_worker
        self.log = log or (lambda message: None)
        self.logs = Path(tempfile.mkdtemp(prefix="ecoute-bench-"))
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, args: list[str], *, niceness: int = 0) -> None:
        """niceness: a lower CPU priority, as docker-compose.yml runs worker-train (`nice -n`)."""
        out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        command = (["nice", "-n", str(niceness)] if niceness else []) + [sys.executable, "-m", *args]
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        out.close()

    def __enter__(self):
        if not settings.REDIS_URL:
            raise StackError("Set REDIS_URL: the benchmark runs a real Celery worker on it.")
        # A benchmark stopped with SIGTERM (a timeout, Ctrl-C's cousin) still stops what it started.
        self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self.log(f"Collecting static files, then starting gunicorn, a worker and beat on {self.url} "
                     f"(logs in {self.logs})...")
            if not _static_fresh():
                subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                               env=self.env, check=True)
            purged = celery_app.control.purge()
            if purged:
                self.log(f"Dropped {purged} task(s) left in the queue by an earlier run.")
            self._start("web", ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"])
            self._start("worker", ["celery", "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2",
                                   "-Q", "celery,ingest,send", "-n", f"bench-{self.port}@%h"])
            self._start("worker-train", ["celery", "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "1",
                                         "-Q", "train", "-n", f"train-{self.port}@%h"], niceness=15)
            if self.ingest_worker:  # docker-compose.yml's worker-ingest
                self._start("worker-ingest", ["celery", "-A", "config", "worker", "--loglevel", "INFO",
                                              "--concurrency", "1", "-Q", "ingest", "-n", f"ingest-{self.port}@%h"])
            if self.beat:
                self._start("beat", ["celery", "-A", "config", "beat", "--loglevel", "INFO", "--scheduler",
                                     "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile", ""])
            self._wait_ready()
        except BaseException:
            self.stop()
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        signal.signal(signal.SIGTERM, self._previous_sigterm)

    def _wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        web = worker = False
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise StackError(f"{name} stopped at start (exit {process.returncode}); see {self.logs}/{name}.log")
            if not web:
                try:
                    request = urllib.request.Request(self.url + "/healthz", headers={"X-Forwarded-Proto": "https"})
                    web = urllib.request.urlopen(request, timeout=2).status == 200
                except OSError:
                    pass
            worker = worker or all(b" ready." in (self.logs / f"{name}.log").read_bytes()
                                   for name in self.processes if name.startswith("worker"))
            if web and worker:
                return
            time.sleep(0.3)
        raise StackError(f"The web server or the worker was not ready within {timeout:.0f} s; see {self.logs}")

    def worker_log_lines(self) -> list[str]:
        lines = []
        for path in sorted(self.logs.glob("worker*.log")):
            lines += path.read_text(errors="replace").splitlines()
        return lines

    def stop(self) -> None:
        """SIGTERM to each leader (gunicorn and Celery stop their children gracefully), then
        SIGKILL to whatever is left in each process group after a wait."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)  # stragglers in the group, if any
            except ProcessLookupError:
                pass
            process.wait()
        self.processes.clear()
