from django.apps import AppConfig


class PipelineConfig(AppConfig):
    """The steps that span apps: poll → store → classify → triage (pipeline/ingestion.py) and
    the demo data. It sits above listening, complaints, sla and responses and may import them all."""

    name = "pipeline"

    def ready(self):
        from listening.steps import ingest_steps_install
        from pipeline.ingestion import TriageSteps

        ingest_steps_install(TriageSteps())
