from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Outgoing webhooks")

    def ready(self):
        from core.events import published
        from integrations.receivers import on_published

        published.connect(on_published, dispatch_uid="integrations.on_published")
