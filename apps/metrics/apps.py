from django.apps import AppConfig


class MetricsConfig(AppConfig):
    """Migrations only: see this package's docstring."""

    name = "apps.metrics"
    label = "metrics"
