from django.urls import path

from teilhabe.contributions import views

app_name = "contributions"
urlpatterns = [
    path("p/<slug:slug>/beitraege/", views.contribution_list_view, name="list"),
    path("p/<slug:slug>/beitraege/neu/", views.contribution_create_view, name="create"),
    path("p/<slug:slug>/moderation/", views.moderation_view, name="moderation"),
    path("beitraege/<str:pk>/", views.contribution_detail_view, name="detail"),
    path("beitraege/<str:pk>/eingereicht/", views.contribution_submitted_view, name="submitted"),
    path("beitraege/<str:pk>/bestaetigt/", views.contribution_confirmed_view, name="submitted_confirmed"),
    path("beitraege/<str:pk>/unterstuetzen/", views.support_view, name="support"),
    path("beitraege/<str:pk>/kommentieren/", views.comment_view, name="comment"),
    path("beitraege/<str:pk>/melden/", views.flag_view, name="flag"),
    path("beitraege/<str:pk>/sprache/", views.contribution_language_view, name="language"),
    path("beitraege/<str:pk>/pdf/", views.contribution_pdf_view, name="pdf"),
    path("bestaetigen/<str:token>/", views.contribution_confirm_view, name="confirm"),
]
