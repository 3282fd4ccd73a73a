"""The registry's URLs: the public directory per process, self-registration and the coordinators' registry."""

from django.urls import path

from teilhabe.stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("p/<slug:slug>/organisationen/", views.directory_view, name="directory"),
    path("organisationen/registrieren/", views.register_view, name="register"),
    path("organisationen/meine/", views.mine_view, name="mine"),
    path("organisationen/<str:pk>/vertreten/", views.represent_view, name="represent"),
    path("organisationen/vertretung/<str:pk>/verlassen/", views.leave_view, name="leave"),
    path("verwaltung/organisationen/", views.registry_view, name="registry"),
    path("verwaltung/organisationen/neu/", views.organisation_new_view, name="new"),
    path("verwaltung/organisationen/<str:pk>/", views.organisation_work_view, name="work"),
    path("verwaltung/organisationen/<str:pk>/pruefen/", views.organisation_check_view, name="check"),
    path("verwaltung/organisationen/<str:pk>/uebersetzung/", views.translation_view, name="translation"),
    path("verwaltung/organisationen/<str:pk>/kontakte/", views.contact_add_view, name="contact_add"),
    path(
        "verwaltung/organisationen/<str:pk>/kontakte/<str:contact>/loeschen/",
        views.contact_delete_view,
        name="contact_delete",
    ),
    path(
        "verwaltung/organisationen/<str:pk>/vertretung/<str:representative>/bestaetigen/",
        views.representative_verify_view,
        name="verify",
    ),
    path(
        "verwaltung/organisationen/<str:pk>/vertretung/<str:representative>/entfernen/",
        views.representative_remove_view,
        name="remove",
    ),
]
