"""The ideas competition's URLs: public pages under /p/<slug>/ideenwettbewerbe/, the coordinators' pages under
/verwaltung/."""

from django.urls import path

from teilhabe.competitions import applications, grants, jury, views, workspace

app_name = "competitions"

urlpatterns = [
    # Public pages (views.py)
    path("p/<slug:slug>/ideenwettbewerbe/", views.calls_view, name="public_calls"),
    path("p/<slug:slug>/ideenwettbewerbe/<str:pk>/", views.call_view, name="public_call"),
    path("p/<slug:slug>/ideenwettbewerbe/<str:pk>/unterstuetzung/", views.support_view, name="public_support"),
    path(
        "p/<slug:slug>/ideenwettbewerbe/<str:pk>/unterstuetzung/<str:application>/",
        views.support_toggle_view,
        name="support_toggle",
    ),
    path(
        "p/<slug:slug>/ideenwettbewerbe/<str:pk>/projekte/<str:grant>/", grants.public_grant_view, name="public_grant"
    ),
    # Applicants' pages (applications.py)
    path("p/<slug:slug>/ideenwettbewerbe/<str:pk>/bewerben/", applications.apply_view, name="apply"),
    path("antraege/", applications.my_applications_view, name="applications_mine"),
    path("antraege/<str:pk>/", applications.application_view, name="application"),
    path("antraege/<str:pk>/bearbeiten/", applications.application_edit_view, name="application_edit"),
    path("antraege/<str:pk>/einreichen/", applications.application_submit_view, name="application_submit"),
    path("antraege/<str:pk>/zurueckziehen/", applications.application_withdraw_view, name="application_withdraw"),
    path(
        "antraege/<str:pk>/oeffentliche-zusammenfassung/",
        applications.summary_consent_view,
        name="summary_consent",
    ),
    path("antraege/<str:pk>/dateien/", applications.application_file_add_view, name="application_file_add"),
    path("antraege/<str:pk>/dateien/<str:file>/", applications.application_file_view, name="application_file"),
    path(
        "antraege/<str:pk>/dateien/<str:file>/entfernen/",
        applications.application_file_remove_view,
        name="application_file_remove",
    ),
    # The funds and their ledger (workspace.py)
    path("verwaltung/fonds/", workspace.funds_view, name="funds"),
    path("verwaltung/fonds/<str:pk>/", workspace.fund_view, name="fund"),
    path("verwaltung/fonds/<str:pk>/haushaltsjahr/", workspace.fund_year_view, name="fund_year"),
    path("verwaltung/fonds/<str:pk>/buchen/", workspace.entry_add_view, name="entry_add"),
    path("verwaltung/fonds/<str:pk>/vorgaben/", workspace.fund_defaults_view, name="fund_defaults"),
    path(
        "verwaltung/fonds/<str:pk>/buchungen/<str:entry>/korrigieren/",
        workspace.entry_correct_view,
        name="entry_correct",
    ),
    # Calls (workspace.py)
    path("verwaltung/p/<slug:slug>/ideenwettbewerbe/", workspace.calls_view, name="calls"),
    path("verwaltung/p/<slug:slug>/ideenwettbewerbe/neu/", workspace.call_create_view, name="call_create"),
    path("verwaltung/ideenwettbewerbe/<str:pk>/", workspace.call_view, name="call"),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/zusammenfassung.<str:format>",
        workspace.call_summary_view,
        name="call_summary",
    ),
    path("verwaltung/ideenwettbewerbe/<str:pk>/bearbeiten/", workspace.call_edit_view, name="call_edit"),
    path("verwaltung/ideenwettbewerbe/<str:pk>/veroeffentlichen/", workspace.call_publish_view, name="call_publish"),
    path("verwaltung/ideenwettbewerbe/<str:pk>/uebersetzungen/", workspace.call_translate_view, name="call_translate"),
    path("verwaltung/ideenwettbewerbe/<str:pk>/stufen/", workspace.tier_add_view, name="tier_add"),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/stufen/<str:tier>/entfernen/",
        workspace.tier_remove_view,
        name="tier_remove",
    ),
    path("verwaltung/ideenwettbewerbe/<str:pk>/kriterien/", workspace.criterion_add_view, name="criterion_add"),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/kriterien/<str:criterion>/",
        workspace.criterion_edit_view,
        name="criterion_edit",
    ),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/kriterien/<str:criterion>/entfernen/",
        workspace.criterion_remove_view,
        name="criterion_remove",
    ),
    path("verwaltung/ideenwettbewerbe/<str:pk>/unterstuetzung/", workspace.supports_view, name="supports"),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/unterstuetzung/<str:tally>/korrigieren/",
        workspace.support_tally_correct_view,
        name="support_tally_correct",
    ),
    path("verwaltung/ideenwettbewerbe/<str:pk>/jury/", workspace.jury_setup_view, name="jury_setup"),
    path("verwaltung/ideenwettbewerbe/<str:pk>/jury/<str:seat>/vorsitz/", workspace.jury_chair_view, name="jury_chair"),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/jury/<str:seat>/entfernen/",
        workspace.jury_remove_view,
        name="jury_remove",
    ),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/antraege/", applications.call_applications_view, name="call_applications"
    ),
    path(
        "verwaltung/ideenwettbewerbe/<str:pk>/antraege/papier/",
        applications.paper_application_view,
        name="paper_application",
    ),
    path("verwaltung/antraege/<str:pk>/pruefung/", applications.eligibility_view, name="eligibility"),
    # The jury (jury.py)
    path("verwaltung/jury/", jury.juries_view, name="juries"),
    path("verwaltung/jury/<str:pk>/", jury.jury_view, name="jury"),
    path("verwaltung/jury/<str:pk>/abschliessen/", jury.close_view, name="jury_close"),
    path("verwaltung/jury/<str:pk>/empfehlung/", jury.recommend_view, name="jury_recommend"),
    path("verwaltung/jury/<str:pk>/antraege/<str:application>/", jury.jury_application_view, name="jury_application"),
    # Decisions and grants (grants.py)
    path("verwaltung/antraege/<str:pk>/entscheidung/", grants.decision_view, name="decision"),
    path("foerderungen/<str:pk>/", grants.grant_view, name="grant"),
    path("foerderungen/<str:pk>/tranche/", grants.tranche_view, name="grant_tranche"),
    path("foerderungen/<str:pk>/bericht/", grants.report_view, name="grant_report"),
    path("foerderungen/<str:pk>/einwilligung/", grants.consent_view, name="grant_consent"),
]
