"""The sandbox: a built-in platform for the demo. Its credential (marked demo, no secrets)
answers mentions of any platform without network: public and private replies are accepted
after a short delay and get a platform id, so the whole path reply → sent → first response
time works on the demo data. It listens to nothing, and production settings refuse it."""

from django.utils.translation import gettext_lazy as _

from platforms.base import Platform
from platforms.sandbox.send import KEY, SandboxSender

PLATFORM = Platform(
    key=KEY, constant="SANDBOX", label=_("Sandbox (demo, publishes nothing)"),
    sender=SandboxSender,
    answers_any_platform=True,
)
