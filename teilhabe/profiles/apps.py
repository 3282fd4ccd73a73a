from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Voluntary self-descriptions of participants (docs/representativeness.md); just above events in the layers so
    that paper forms and analog entry (above it) can record them, and the monitoring (above them all) counts them."""

    name = "teilhabe.profiles"
    label = "profiles"
