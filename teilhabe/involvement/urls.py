"""Involvement URLs: an organisation's public page beside the directory, the coordinators' pages under
/verwaltung/p/<slug>/beteiligung/."""

from django.urls import path

from teilhabe.involvement import views

app_name = "involvement"

urlpatterns = [
    path("p/<slug:slug>/organisationen/<str:pk>/", views.organisation_view, name="organisation"),
    path("verwaltung/p/<slug:slug>/beteiligung/", views.coverage_view, name="coverage"),
    path("verwaltung/p/<slug:slug>/beteiligung/matrix.<str:format>", views.coverage_export_view, name="export"),
    path("verwaltung/p/<slug:slug>/beteiligung/zelle/", views.coverage_cell_view, name="cell"),
    path("verwaltung/p/<slug:slug>/einladungen/", views.invitations_view, name="invitations"),
    path("verwaltung/p/<slug:slug>/einladungen/<str:pk>/", views.invitation_view, name="invitation"),
    path("verwaltung/p/<slug:slug>/einladungen/<str:pk>/erinnern/", views.invitation_remind_view, name="remind"),
    path("verwaltung/p/<slug:slug>/lenkungsgruppe/", views.steering_view, name="steering"),
    path(
        "verwaltung/p/<slug:slug>/lenkungsgruppe/mitglieder/<str:pk>/entfernen/",
        views.steering_member_remove_view,
        name="steering_member_remove",
    ),
]
