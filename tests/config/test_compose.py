"""docker-compose.yml as `docker-compose config` resolves it (no container is started)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "p/a#s?s@w:rd$x%2F"
pytestmark = pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")


@pytest.fixture(scope="module")
def compose(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("compose")
    shutil.copy(ROOT / "docker-compose.yml", folder)
    (folder / ".env").write_text(f"POSTGRES_PASSWORD={PASSWORD}\nSECRET_KEY=compose-test\n")
    env = {"PATH": os.environ["PATH"], "HOME": str(folder)}
    out = subprocess.run(["docker-compose", "config"], cwd=folder, env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return yaml.safe_load(out)


def _settings_value(env: dict, expression: str):
    code = f"import json; from django.conf import settings; print(json.dumps({expression}))"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={
                                "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
                                "CREDENTIALS_KEY": "dGVzdHMtb25seS1rZXktMDEyMzQ1Njc4OWFiY2RlZmc=",
                                "ECOUTE_VAR_DIR": "/tmp/ecoute-compose-test", "SECRET_KEY": "compose-test", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("service", ["web", "worker", "beat", "migrate"])
def test_a_password_with_url_characters_reaches_the_app_as_written(compose, service):
    env = {k: str(v).replace("$$", "$") for k, v in compose["services"][service]["environment"].items()}
    database = _settings_value(env, "{k: settings.DATABASES['default'][k] for k in ('HOST', 'NAME', 'USER', 'PASSWORD')}")
    assert database == {"HOST": "postgres", "NAME": "ecoute", "USER": "ecoute", "PASSWORD": PASSWORD}


def test_the_database_gets_the_same_password(compose):
    assert str(compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]).replace("$$", "$") == PASSWORD


def test_the_web_port_is_published_on_localhost_only(compose):
    ports = compose["services"]["web"]["ports"]
    assert ports and all(str(p.get("host_ip") if isinstance(p, dict) else p).startswith("127.0.0.1") for p in ports)


def test_web_runs_the_threaded_server_settings(compose):
    command = compose["services"]["web"]["command"]
    assert command[:3] == ["gunicorn", "-c", "config/gunicorn.conf.py"]
    assert _settings_value({"TRUSTED_PROXIES": compose["services"]["web"]["environment"]["TRUSTED_PROXIES"]},
                           "settings.TRUSTED_PROXIES")
