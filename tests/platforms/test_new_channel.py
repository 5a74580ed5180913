"""A channel is its package: besides its line in the registry and the migration of its new
choices, nothing outside platforms/<name>/ names it. Filters, badges, character counts,
credential fields, help texts, reports and the composer all follow from the registry."""

import re
from pathlib import Path

from django.conf import settings

from listening.badges import badges_css
from listening.choices import OWN_ACCOUNT_HELP, TARGET_HELP, Platform
from platforms.registry import PLATFORMS

ROOT = Path(settings.BASE_DIR)
# Data makers (the demo, benchmarks) pick platforms on purpose; migrations freeze history.
NOT_CODE = ("migrations", "tests", ".venv", "demo.py", "demo_crisis.py", "demo_data", "bench", "registry.py", "locale", "node_modules")
# Where platforms that predate the registry are still named outside their packages (settings'
# per-platform quota variables). No new entry belongs here.
LEGACY = {"twitter": {"config/settings.py"}, "facebook": {"config/settings.py"}, "blog": {"config/settings.py"}}


def _package_of(platform) -> Path:
    """platforms/<name>/, from where its connector is defined."""
    return Path("platforms") / platform.source_kinds[0].connector.__module__.split(".")[1]


def _files():
    for pattern in ("**/*.py", "templates/**/*.html", "static/**/*.css", "static/**/*.js"):
        for path in ROOT.glob(pattern):
            relative = path.relative_to(ROOT)
            if not any(part.startswith(NOT_CODE) or part in NOT_CODE for part in relative.parts):
                yield relative, path.read_text(encoding="utf-8")


def _patterns(platform) -> re.Pattern:
    """Code that names the platform: its key, label, source kinds or credential fields as a string
    ("mastodon", 'bluesky_handle'), its badge class (platform-mastodon), its choice constants
    (Platform.MASTODON, SourceKind.MASTODON_HASHTAG)."""
    literals = sorted({platform.key, str(platform.label)} | {k.value for k in platform.source_kinds}
                      | set(platform.credential_fields))
    constants = sorted({platform.constant} | {k.constant for k in platform.source_kinds})
    return re.compile("|".join([
        r"""(["'])(?:""" + "|".join(re.escape(w) for w in literals) + r")\1",
        r"platform-" + re.escape(platform.key) + r"\b",
        r"\b(?:Platform|SourceKind)\.(?:" + "|".join(constants) + r")\b",
    ]))


def test_no_file_outside_a_platforms_package_names_it():
    offenders = []
    # Platform packages are each other's strangers (test_registry forbids imports between them).
    files = [(r, t) for r, t in _files() if not (r.parts[0] == "platforms" and len(r.parts) > 2)]
    for platform in PLATFORMS.values():
        pattern = _patterns(platform)
        for relative, text in files:
            if str(relative) in LEGACY.get(platform.key, ()):
                continue
            offenders += [f"{relative}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not offenders, "\n".join(offenders)


def test_the_check_sees_a_channel_named_outside_its_package():
    mastodon = PLATFORMS["mastodon"]
    pattern = _patterns(mastodon)
    for leak in ('if mention.platform == "mastodon":', "<span class='platform-mastodon'>", "Platform.MASTODON",
                 "secrets['mastodon_access_token']", '{% if kind == "mastodon_hashtag" %}'):
        assert pattern.search(leak), leak
    assert not pattern.search("A Mastodon-like server counts graphemes.")


def test_everything_a_person_sees_of_a_channel_comes_from_its_package():
    css = badges_css()
    for platform in (p for p in PLATFORMS.values() if not p.answers_any_platform):  # the sandbox has no mentions
        assert Platform(platform.key).label == platform.label  # filters, reports by platform, exports
        assert f".platform-{platform.key} {{ color: {platform.color}; }}" in css  # its badge
        assert platform.sender is not None or platform.no_reply_reason  # the composer can say why not
        for kind in platform.source_kinds:
            assert kind.target_help in TARGET_HELP  # what to write in "watched"
    assert len(OWN_ACCOUNT_HELP) == sum(1 for p in PLATFORMS.values() if p.own_account_help)


def test_the_badge_stylesheet_is_served_to_everyone(client):
    answer = client.get("/platforms.css")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/css")
    assert ".platform-mastodon" in answer.content.decode() and ".platform-bluesky" in answer.content.decode()
