from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Hannover demo configuration: builds data only, holds no models."""

    name = "teilhabe.demo"
    label = "demo"
