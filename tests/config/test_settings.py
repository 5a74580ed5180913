import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_networks

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough-and-random-4f9c2e7b1d8a6053",
    "CREDENTIALS_KEY": "dGVzdHMtb25seS1rZXktMDEyMzQ1Njc4OWFiY2RlZmc=",
    "ALLOWED_HOSTS": "ecoute.example.com",
    "ECOUTE_VAR_DIR": "/tmp/ecoute-settings-test",
}


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        env={**PRODUCTION_ENV, **env}, timeout=120,
    )


@pytest.mark.parametrize("raw, expected", [("true", True), ("Yes", True), ("1", True), ("on", True),
                                           ("false", False), ("no", False), ("0", False), ("", False)])
def test_booleans_are_read_strictly(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_a_value_that_is_not_a_boolean_is_an_error(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG")


def test_unset_boolean_takes_its_default(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG") is False
    assert env_bool("SOME_FLAG", default=True) is True


def test_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("N", "x12")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 3)
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_debug_with_a_bad_value_stops_the_app():
    result = _manage("check", DEBUG="sometimes")
    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_a_credentials_key():
    result = _manage("check", CREDENTIALS_KEY="")
    assert result.returncode != 0
    assert "CREDENTIALS_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_without_database_url_the_app_uses_a_sqlite_file(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
         "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'], s.DEBUG)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true",
             "ECOUTE_VAR_DIR": str(tmp_path)},
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True",
                                     "django.core.cache.backends.locmem.LocMemCache", "True"], result.stderr


def test_the_demos_first_start_on_sqlite_prints_no_warning(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true",
           "ECOUTE_VAR_DIR": str(tmp_path)}
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, capture_output=True,
                             text=True, timeout=300, env=env)
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "ecoute.sqlite3").exists()
    output = migrate.stdout + migrate.stderr
    assert "WARNING" not in output.upper() and "W040" not in output, output


def test_postgres_keeps_every_system_check():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
         "print(s.DATABASES['default']['ENGINE'], s.SILENCED_SYSTEM_CHECKS)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**PRODUCTION_ENV, "DATABASE_URL": "postgres://ecoute@127.0.0.1:5432/ecoute"})
    assert result.stdout.split() == ["django.db.backends.postgresql", "[]"], result.stderr


def test_debug_is_off_unless_asked():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=PRODUCTION_ENV,
    )
    assert result.stdout.split() == ["False", "31536000", "True"], result.stderr


def test_trusted_proxies_are_addresses_or_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 172.16.0.0/12")
    assert env_networks("TRUSTED_PROXIES") == ["127.0.0.1", "172.16.0.0/12"]
    monkeypatch.setenv("TRUSTED_PROXIES", "proxy.local")
    with pytest.raises(ImproperlyConfigured, match="'proxy.local' is not an IP address or network"):
        env_networks("TRUSTED_PROXIES")
