"""Replies that go nowhere: accepted after a short delay, with an id made from the reply's
idempotency key, so sending the same reply again gives the same id (nothing to look for)."""

import time

from django.conf import settings
from django.utils.translation import gettext as _

from platforms.base import Sender
from platforms.errors import PlatformError

KEY = "sandbox"
DELAY_SECONDS = 0.4  # long enough to see the reply "sending", short enough for an inline demo


class SandboxSender(Sender):
    def __init__(self, credential):
        super().__init__(credential)
        if not settings.SANDBOX_ALLOWED:
            raise PlatformError(
                _("The credential “%(name)s” is the demo's sandbox, which publishes nothing: it is refused with "
                  "production settings. An admin must give the source a real credential (or, on a test "
                  "installation only, set ALLOW_SANDBOX=true).") % {"name": credential.name}, permanent=True)

    def send(self, response) -> str:
        time.sleep(DELAY_SECONDS)
        return f"sandbox-{response.idempotency_key}"

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        return None  # sending again is harmless: the sandbox gives the same id
