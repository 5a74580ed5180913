"""The suite's split into unit, integration and browser tests (tests/conftest.py): each test
gets one kind from what it uses, and a unit test cannot reach Postgres or Redis."""

import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg2
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.conftest import UnitTestReachedAService, kind_of_test

ROOT = Path(__file__).resolve().parents[1]


def test_this_test_is_a_unit_test(request):
    assert [m.name for m in request.node.iter_markers() if m.name in ("unit", "integration", "browser")] == ["unit"]


def test_a_test_using_the_database_is_an_integration_test(request, db):
    assert [m.name for m in request.node.iter_markers() if m.name in ("unit", "integration", "browser")] == [
        "integration"]


def test_every_test_under_tests_browser_is_a_browser_test(request):
    class BrowserTest:
        path = ROOT / "tests" / "browser" / "test_page.py"
        config = request.config
        fixturenames = ["db", "live_server"]

        def get_closest_marker(self, name):
            return None

    assert kind_of_test(BrowserTest()) == "browser"
    assert kind_of_test(request.node) == "unit"


def test_a_unit_test_cannot_reach_the_database():
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        get_user_model().objects.exists()
    with pytest.raises(UnitTestReachedAService, match="Postgres"):
        psycopg2.connect("postgres://postgres@127.0.0.1:5432/postgres")


def test_a_unit_test_cannot_reach_redis():
    with pytest.raises(UnitTestReachedAService, match="Redis"):
        cache.get("anything")


def _run_pytest(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini"),
         "--rootdir", str(tmp_path), *args, str(tmp_path / "suite")],
        cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
        timeout=120)


def test_each_kind_runs_alone_and_a_unit_test_touching_redis_fails(tmp_path):
    (tmp_path / "pytest.ini").write_text(textwrap.dedent("""\
        [pytest]
        DJANGO_SETTINGS_MODULE = tests.settings
        addopts = --strict-markers
        markers =
            unit: u
            integration: i
            browser: b
        """))
    suite = tmp_path / "suite"
    (suite / "browser").mkdir(parents=True)
    (suite / "conftest.py").write_text(
        "from tests.conftest import _clear_cache, _unit_tests_stay_unit, pytest_collection_modifyitems  # noqa\n")
    (suite / "test_mixed.py").write_text(textwrap.dedent("""\
        import pytest
        from django.core.cache import cache

        def test_pure():
            assert 1 + 1 == 2

        def test_uses_the_cache_without_saying_so():
            cache.get("key")

        def test_uses_the_database(db):
            pass

        @pytest.mark.integration
        def test_says_it_uses_redis():
            pass
        """))
    (suite / "browser" / "test_page.py").write_text("def test_in_a_browser():\n    pass\n")

    unit_run = _run_pytest(tmp_path, "-m", "unit", "-v")
    assert unit_run.returncode == 1, unit_run.stdout + unit_run.stderr
    assert "test_mixed.py::test_pure PASSED" in unit_run.stdout
    assert "test_mixed.py::test_uses_the_cache_without_saying_so FAILED" in unit_run.stdout
    assert "UnitTestReachedAService: A unit test may not use Redis" in unit_run.stdout
    assert "1 failed, 1 passed, 3 deselected" in unit_run.stdout

    integration = _run_pytest(tmp_path, "--collect-only", "-q", "-m", "integration")
    assert integration.returncode == 0, integration.stdout + integration.stderr
    assert sorted(line.split("::")[-1] for line in integration.stdout.splitlines() if "::" in line) == [
        "test_says_it_uses_redis", "test_uses_the_database"]
