from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Every benchmark of Écoute and the `bench` command that runs them; no models, no pages."""

    name = "benchmarks"
