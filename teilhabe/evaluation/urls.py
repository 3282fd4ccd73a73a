"""The evaluation's URLs: public pages under /p/<slug>/, the team's under /verwaltung/p/<slug>/evaluation/."""

from django.urls import path

from teilhabe.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("p/<slug:slug>/fragebogen/", views.questionnaire_view, name="questionnaire"),
    path("p/<slug:slug>/fragebogen/danke/", views.questionnaire_thanks_view, name="questionnaire_thanks"),
    path("p/<slug:slug>/indikatoren/", views.indicators_public_view, name="indicators_public"),
    path("verwaltung/evaluation/", views.mine_view, name="mine"),
    path("verwaltung/p/<slug:slug>/evaluation/", views.overview_view, name="overview"),
    path("verwaltung/p/<slug:slug>/evaluation/papier/", views.paper_entry_view, name="paper"),
    path(
        "verwaltung/p/<slug:slug>/evaluation/papier/fragebogen.pdf",
        views.questionnaire_pdf_view,
        name="questionnaire_pdf",
    ),
    path("verwaltung/p/<slug:slug>/evaluation/qualitaet/", views.quality_view, name="quality"),
    path("verwaltung/p/<slug:slug>/evaluation/qualitaet/<str:phase>/", views.quality_phase_view, name="quality_phase"),
    path("verwaltung/p/<slug:slug>/evaluation/notizen/", views.notes_view, name="notes"),
    path("verwaltung/p/<slug:slug>/evaluation/indikatoren/", views.indicators_manage_view, name="indicators"),
    path(
        "verwaltung/p/<slug:slug>/evaluation/indikatoren/import/",
        views.measurements_import_view,
        name="measurements_import",
    ),
    path("verwaltung/p/<slug:slug>/evaluation/indikatoren/<str:pk>/", views.indicator_view, name="indicator"),
]
