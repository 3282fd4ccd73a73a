"""The plan's URLs: public pages under /p/<slug>/plan/, the coordinators' and expert groups' pages under
/verwaltung/."""

from django.urls import path  # noqa: F401  (the sections below add their paths)

from teilhabe.plan import diff, documents, groups, views, workspace

app_name = "plan"

urlpatterns = [
    # Public pages (views.py)
    path("p/<slug:slug>/plan/", views.plan_view, name="plan"),
    path("p/<slug:slug>/plan/fassung/<str:number>/", views.version_view, name="version"),
    path("p/<slug:slug>/plan/fassung/<str:number>/abschnitt/<str:key>/", views.section_view, name="section"),
    path("p/<slug:slug>/plan/massnahmen/", views.measures_view, name="measures"),
    path("p/<slug:slug>/plan/massnahmen/<str:code>/", views.measure_view, name="measure"),
    # Documents and comparison (documents.py, diff.py)
    path("p/<slug:slug>/plan/vergleich/", diff.diff_view, name="diff"),
    path("p/<slug:slug>/plan/fassung/<str:number>/plan.pdf", documents.pdf_view, name="pdf"),
    path(
        "p/<slug:slug>/plan/fassung/<str:number>/massnahmen.<str:format>",
        documents.measures_file_view,
        name="measures_file",
    ),
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
        "verwaltung/p/<slug:slug>/plan/fassungen/<int:number>/uebersetzungen/",
        workspace.version_translate_view,
        name="work_version_translate",
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
    path("verwaltung/fachgruppen/", groups.my_groups_view, name="group_mine"),
    path("verwaltung/p/<slug:slug>/fachgruppen/", groups.groups_view, name="groups"),
    path("verwaltung/fachgruppen/<str:pk>/", groups.group_view, name="group"),
    path("verwaltung/fachgruppen/<str:pk>/sitzungen/", groups.meeting_add_view, name="group_meeting_add"),
    path("verwaltung/fachgruppen/<str:pk>/mitglieder/", groups.members_view, name="group_members"),
    path(
        "verwaltung/fachgruppen/<str:pk>/mitglieder/<str:member>/entfernen/",
        groups.member_remove_view,
        name="group_member_remove",
    ),
    path("verwaltung/fachgruppen/<str:pk>/entwurf/", groups.draft_view, name="group_editor"),
    path("verwaltung/fachgruppen/<str:pk>/entwurf/beginnen/", groups.draft_start_view, name="group_draft_start"),
    path("verwaltung/fachgruppen/<str:pk>/entwurf/neu/", groups.section_add_view, name="group_section_add"),
    path("verwaltung/fachgruppen/<str:pk>/entwurf/<uuid:key>/", groups.section_edit_view, name="group_section_edit"),
    path(
        "verwaltung/fachgruppen/<str:pk>/entwurf/<uuid:key>/verschieben/",
        groups.section_move_view,
        name="group_section_move",
    ),
    path(
        "verwaltung/fachgruppen/<str:pk>/entwurf/<uuid:key>/entfernen/",
        groups.section_remove_view,
        name="group_section_remove",
    ),
    path(
        "verwaltung/fachgruppen/<str:pk>/entwurf/<uuid:key>/uebersetzungen/",
        groups.section_translate_view,
        name="group_section_translate",
    ),
    path("verwaltung/fachgruppen/<str:pk>/uebernehmen/", groups.adopt_view, name="group_adopt"),
]
