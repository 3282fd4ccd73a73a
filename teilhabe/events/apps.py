from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "teilhabe.events"
    label = "events"
    verbose_name = "Events"
