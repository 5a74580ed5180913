from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Responses")

    def ready(self):
        from core.events import published
        from listening.services import mention_logged
        from responses.receivers import on_published
        from responses.timing import on_mention_logged

        mention_logged.connect(on_mention_logged, dispatch_uid="responses.timing")
        published.connect(on_published, dispatch_uid="responses.on_published")
