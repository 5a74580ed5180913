"""Settings a platform declares: its package says which environment variables it reads, of
what type, with what default; config/settings.py reads them all from the environment with
the same strict parsing as every other setting (config/env.py), so a bad value stops
start-up. Code reads them from django.conf.settings as usual.

Each platform keeps its declarations in its own `settings.py` (read by its `__init__`), and
names its request quota there: PLATFORM_QUOTAS (platforms/quota.py) is built from them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable, and the name in django.conf.settings
    type: type  # str, int or bool
    default: object
    help: str  # what it is for, in one line (README lists them)
    quota: bool = False  # the platform's requests per 15 minutes, shared by all workers


def quota_setting(settings: tuple[Setting, ...]) -> str:
    return next((s.name for s in settings if s.quota), "")
