"""/healthz says unhealthy when Redis is down, as the pages then fail (a real Redis, stopped)."""

import shutil
import socket
import subprocess
import time

import pytest

PORT = 6392  # our own Redis for this test, never the shared one
pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")


def _wait(ready, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return True
        time.sleep(0.05)
    return False


def _listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
        return True
    except OSError:
        return False


def test_healthz_fails_while_redis_is_down_and_recovers(client, db, settings, tmp_path):
    settings.REDIS_URL = f"redis://127.0.0.1:{PORT}/0"
    server = subprocess.Popen(["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        assert _wait(_listening)
        assert client.get("/healthz").status_code == 200
        server.terminate()
        server.wait(timeout=10)
        down = client.get("/healthz")
        assert down.status_code == 503 and down.content == b"redis unavailable\n"
        server = subprocess.Popen(["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
        assert _wait(_listening)
        assert client.get("/healthz").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
