from celery.signals import worker_init
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and triage")

    def ready(self):
        from complaints.classifier import lifecycle  # models are importable only once apps are ready

        worker_init.connect(lifecycle.worker_preload, weak=False, dispatch_uid="complaints.classifier.preload")
