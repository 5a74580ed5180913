"""scripts/demo.sh prints the address it really serves: the one it hands to runserver, from
ECOUTE_PORT and ECOUTE_BIND."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _address(**env):
    return subprocess.run(
        ["bash", "-c", 'source scripts/_demo_address.sh && echo "$DEMO_ADDR $DEMO_URL $ALLOWED_HOSTS"'],
        cwd=ROOT, capture_output=True, text=True, timeout=30, env={"PATH": os.environ["PATH"], **env})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("env, expected", [
    ({}, "127.0.0.1:8000 http://127.0.0.1:8000/ localhost,127.0.0.1,127.0.0.1"),
    ({"ECOUTE_PORT": "8123"}, "127.0.0.1:8123 http://127.0.0.1:8123/ localhost,127.0.0.1,127.0.0.1"),
    ({"ECOUTE_BIND": "0.0.0.0", "ECOUTE_PORT": "9000"}, "0.0.0.0:9000 http://127.0.0.1:9000/ localhost,127.0.0.1"),
    ({"ECOUTE_BIND": "192.0.2.10"}, "192.0.2.10:8000 http://192.0.2.10:8000/ localhost,127.0.0.1,192.0.2.10"),
])
def test_the_address_comes_from_ecoute_port_and_ecoute_bind(env, expected):
    result = _address(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("env, message", [
    ({"ECOUTE_PORT": "http"}, "ECOUTE_PORT=http is not a port number"),
    ({"ECOUTE_PORT": "70000"}, "ECOUTE_PORT=70000 is not a port number"),
    ({"ECOUTE_BIND": "localhost:80"}, "ECOUTE_BIND=localhost:80 is not an IPv4 address"),
])
def test_a_wrong_address_stops_before_anything_is_installed(env, message):
    result = _address(**env)
    assert result.returncode == 1
    assert message in result.stderr


def test_demo_sh_serves_and_prints_the_same_address():
    script = (ROOT / "scripts" / "demo.sh").read_text()
    assert script.index("_demo_address.sh") < script.index("_venv.sh")
    assert 'echo "Écoute\'s demo is starting on $DEMO_URL' in script
    assert script.rstrip().endswith('runserver --noreload "$DEMO_ADDR"')


def test_runserver_answers_where_the_demo_says(tmp_path):
    port = _free_port()
    address = _address(ECOUTE_PORT=str(port)).stdout.split()
    demo_addr, demo_url, allowed_hosts = address
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true",
           "ECOUTE_VAR_DIR": str(tmp_path), "ALLOWED_HOSTS": allowed_hosts, "DJANGO_RUNSERVER_HIDE_WARNING": "true",
           "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", demo_addr],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{demo_url}login/", timeout=5) as response:
                    assert response.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "runserver did not answer"
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert re.search(rf"Starting development server at {re.escape(demo_url)}\n", output), output
    assert "WARNING" not in output, output
