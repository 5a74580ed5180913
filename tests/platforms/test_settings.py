"""Each platform declares its settings in its package; config/settings.py reads them strictly."""

import os
import subprocess
import sys

from django.conf import settings

from platforms.registry import PLATFORMS


def test_every_declared_platform_setting_is_read():
    declared = [s for p in PLATFORMS.values() for s in p.settings]
    assert {"FACEBOOK_GRAPH_VERSION", "FACEBOOK_APP_SECRET", "FACEBOOK_WEBHOOK_VERIFY_TOKEN"} <= {s.name for s in declared}
    for setting in declared:
        assert isinstance(getattr(settings, setting.name), setting.type), setting.name
    assert set(settings.PLATFORM_QUOTAS) == {p.key for p in PLATFORMS.values() if p.quota_setting}


def test_a_bad_platform_setting_stops_start_up():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "FACEBOOK_REQUESTS_PER_15_MIN": "plenty"}
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                         text=True, cwd=settings.BASE_DIR, timeout=120)
    assert run.returncode != 0 and "FACEBOOK_REQUESTS_PER_15_MIN='plenty' is not a whole number" in run.stderr
