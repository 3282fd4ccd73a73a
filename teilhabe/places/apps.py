from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "teilhabe.places"
    label = "places"
