"""The registry is the one list of platforms: everything else asks it."""

import ast
import re
from pathlib import Path

from django.conf import settings

from listening.choices import KIND_PLATFORM, CredentialPlatform, Platform, SourceKind
from listening.forms import SECRET_FIELDS
from platforms.registry import PLATFORMS, connector_for, platform_of_kind

ROOT = Path(settings.BASE_DIR)
# Data makers (the demo, benchmarks) pick platforms on purpose; migrations freeze history.
NOT_CODE = ("migrations", "tests", ".venv", "demo.py", "demo_crisis.py", "demo_data", "bench", "registry.py")


def _app_modules():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if any(part.startswith(NOT_CODE) or part in NOT_CODE for part in relative.parts):
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_choices_come_from_the_registry():
    assert [value for value, _ in Platform.choices] == [
        *(key for key, p in PLATFORMS.items() if not p.answers_any_platform), "other"]
    assert [value for value, _ in CredentialPlatform.choices] == [*PLATFORMS, "other"]
    kinds = [kind.value for p in PLATFORMS.values() for kind in p.source_kinds]
    assert [value for value, _ in SourceKind.choices] == [*kinds, "file_import"]
    assert {kind: KIND_PLATFORM[kind] for kind in kinds} == {
        kind.value: p.key for p in PLATFORMS.values() for kind in p.source_kinds}
    assert set(SECRET_FIELDS) == {name for p in PLATFORMS.values() for name in p.credential_fields}


def test_every_source_kind_has_a_connector(db):
    for p in PLATFORMS.values():
        for kind in p.source_kinds:
            assert platform_of_kind(kind.value) is p
            assert connector_for(type("S", (), {"kind": kind.value})) is not None


def test_only_the_registry_imports_a_platform_package():
    packages = {f"platforms.{path.name}" for path in (ROOT / "platforms").iterdir()
                if path.is_dir() and (path / "__init__.py").exists()}
    assert packages, "no platform packages found"
    offenders = []
    for relative, source in _app_modules():
        if relative.parts[0] == "platforms" and len(relative.parts) > 2:
            continue  # inside a platform package: its own modules
        for node in ast.walk(ast.parse(source)):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{relative}: {name}" for name in names
                          if any(name == p or name.startswith(p + ".") for p in packages)]
    assert offenders == []


def test_no_module_outside_the_platform_packages_names_a_platform():
    constants = {p.constant for p in PLATFORMS.values()} | {k.constant for p in PLATFORMS.values() for k in p.source_kinds}
    pattern = re.compile(r"\b(?:Platform|SourceKind)\.(" + "|".join(sorted(constants)) + r")\b")
    offenders = []
    for relative, source in _app_modules():
        if relative.parts[0] == "platforms":
            continue
        offenders += [f"{relative}: {m.group(0)}" for m in pattern.finditer(source)]
    assert offenders == []
