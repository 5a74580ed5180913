from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Responses")

    def ready(self):
        from core.events import published
        from responses.receivers import on_published

        published.connect(on_published, dispatch_uid="responses.on_published")
