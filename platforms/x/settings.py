"""X's settings (declared here, read from the environment by config/settings.py)."""

from platforms.settings import Setting

SETTINGS = (
    Setting("X_REQUESTS_PER_15_MIN", int, 450,
            "X API requests per 15 minutes for this installation, shared by all workers.", quota=True),
)
