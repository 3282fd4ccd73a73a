"""The plan's URLs: public pages under /p/<slug>/plan/, the coordinators' and expert groups' pages under
/verwaltung/."""

from django.urls import path  # noqa: F401  (the sections below add their paths)

from teilhabe.plan import views, workspace

app_name = "plan"

urlpatterns = [
    # Public pages (views.py)
    path("p/<slug:slug>/plan/", views.plan_view, name="plan"),
    path("p/<slug:slug>/plan/fassung/<str:number>/", views.version_view, name="version"),
    path("p/<slug:slug>/plan/fassung/<str:number>/abschnitt/<str:key>/", views.section_view, name="section"),
    path("p/<slug:slug>/plan/massnahmen/", views.measures_view, name="measures"),
    path("p/<slug:slug>/plan/massnahmen/<str:code>/", views.measure_view, name="measure"),
    # Documents and comparison (documents.py, diff)
    # Coordinators' plan workspace (workspace.py)
    path("verwaltung/p/<slug:slug>/plan/", workspace.versions_view, name="work_versions"),
    path("verwaltung/p/<slug:slug>/plan/neu/", workspace.version_create_view, name="work_version_create"),
    path("verwaltung/p/<slug:slug>/plan/massnahmen/", workspace.measures_view, name="work_measures"),
    path("verwaltung/p/<slug:slug>/plan/massnahmen/<str:pk>/", workspace.measure_status_view, name="work_measure"),
    path("verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/", workspace.version_editor_view, name="work_editor"),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/titel/",
        workspace.version_edit_view,
        name="work_version_edit",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/konsultation/",
        workspace.version_consult_view,
        name="work_version_consult",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/beschluss/",
        workspace.version_adopt_view,
        name="work_version_adopt",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/abschnitte/neu/",
        workspace.version_section_add_view,
        name="work_section_add",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/abschnitte/<uuid:key>/",
        workspace.version_section_edit_view,
        name="work_section_edit",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/abschnitte/<uuid:key>/verschieben/",
        workspace.version_section_move_view,
        name="work_section_move",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/abschnitte/<uuid:key>/entfernen/",
        workspace.version_section_remove_view,
        name="work_section_remove",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/abschnitte/<uuid:key>/uebersetzungen/",
        workspace.version_section_translate_view,
        name="work_section_translate",
    ),
    path(
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/abschnitte/<uuid:key>/stellungnahme/",
        workspace.section_comment_view,
        name="work_section_comment",
    ),
    path("verwaltung/beitraege/<str:pk>/massnahmen/", workspace.contribution_measures_view, name="work_links"),
    path(
        "verwaltung/beitraege/<str:pk>/massnahmen/<str:measure>/entfernen/",
        workspace.contribution_measure_unlink_view,
        name="work_unlink",
    ),
    # Expert groups (groups.py)
]
