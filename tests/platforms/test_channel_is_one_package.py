"""A channel added after the platforms layout is its package, one registry line and the
migration of its choices: nothing else in Écoute names it, and every screen and service
that lists platforms offers it because it asks the registry."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from listening.badges import badges_css
from listening.choices import KIND_PLATFORM, Platform, SourceKind
from listening.forms import SECRET_FIELDS
from platforms.registry import PLATFORMS
from responses.composing import length_rule
from responses.report_days import PLATFORMS as REPORT_PLATFORMS

ROOT = Path(settings.BASE_DIR)
# Channels held to the rule; a channel joins when it is added as a package.
PACKAGED_CHANNELS = ("instagram",)
# Where a channel may be named outside its package: the registry, migrations (they freeze the
# choices), tests, translations, docs, and the demo data maker (it picks platforms on purpose).
ALLOWED = ("platforms/registry.py", "listening/migrations/", "complaints/migrations/", "responses/migrations/",
           "accounts/migrations/", "tests/", "locale/", "docs/", "README.md", "pipeline/demo.py",
           "pipeline/demo_data/")
CODE = {".py", ".html", ".css", ".js", ".txt", ".toml", ".ini", ".cfg", ".yml", ".yaml"}
SKIP_DIRS = {".venv", ".git", "node_modules", "__pycache__", "staticfiles"}


def _files_outside(package: str):
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if (any(part in SKIP_DIRS for part in relative.parts) or not path.is_file() or path.suffix not in CODE
                or (path.parent == ROOT / "static" / "vendor")):
            continue
        name = relative.as_posix()
        if name.startswith(f"platforms/{package}/") or name.startswith(ALLOWED):
            continue
        yield name, path


@pytest.mark.parametrize("key", PACKAGED_CHANNELS)
def test_nothing_outside_the_channels_package_names_it(key):
    channel = PLATFORMS[key]
    words = {key, channel.constant, *(kind.value for kind in channel.source_kinds),
             *(kind.constant for kind in channel.source_kinds), *channel.credential_fields}
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")\b", re.IGNORECASE)
    offenders = []
    for name, path in _files_outside(key):
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


@pytest.mark.parametrize("key", PACKAGED_CHANNELS)
def test_everything_that_lists_platforms_offers_the_channel(key, cm_client):
    channel = PLATFORMS[key]
    assert key in Platform.values and key in REPORT_PLATFORMS  # filters, stored choices, reports by platform
    for kind in channel.source_kinds:
        assert kind.value in SourceKind.values and KIND_PLATFORM[kind.value] == key
    assert set(channel.credential_fields) <= set(SECRET_FIELDS)  # the admin's credential form
    for visibility, rule in channel.lengths.items():  # the composer's character count
        assert length_rule(platform=key, visibility=visibility).limit == rule.limit
    assert f".platform-{key} {{" in badges_css() and cm_client.get("/platforms.css").status_code == 200
    queue = cm_client.get("/").content.decode()
    assert f'<option value="{key}"' in queue  # the queue's platform filter
    if channel.webhook is not None:
        assert cm_client.post(f"/webhooks/{key}/", data=b"{}", content_type="application/json").status_code == 403
    labels = [kind.label for kind in channel.source_kinds] + list(channel.credential_fields.values())
    with translation.override("en"):
        english = [str(label) for label in labels]
    with translation.override("fr"):
        assert all(str(label) != said for label, said in zip(labels, english))  # the French UI
