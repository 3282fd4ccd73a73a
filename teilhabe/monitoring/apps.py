from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Figures over processes (docs/metrics.md); above contributions in the layering (docs/architecture.md)."""

    name = "teilhabe.monitoring"
    label = "monitoring"
