"""The feeds' settings (declared here, read from the environment by config/settings.py)."""

from platforms.settings import Setting

SETTINGS = (
    Setting("FEED_REQUESTS_PER_15_MIN", int, 3000,
            "Feed downloads per 15 minutes for this installation, shared by all workers.", quota=True),
)
