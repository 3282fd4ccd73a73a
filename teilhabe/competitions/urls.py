"""The ideas competition's URLs: the coordinators' pages under /verwaltung/."""

from django.urls import path

from teilhabe.competitions import workspace

app_name = "competitions"

urlpatterns = [
    # The funds and their ledger (workspace.py)
    path("verwaltung/fonds/", workspace.funds_view, name="funds"),
    path("verwaltung/fonds/<str:pk>/", workspace.fund_view, name="fund"),
    path("verwaltung/fonds/<str:pk>/haushaltsjahr/", workspace.fund_year_view, name="fund_year"),
    path("verwaltung/fonds/<str:pk>/buchen/", workspace.entry_add_view, name="entry_add"),
    path(
        "verwaltung/fonds/<str:pk>/buchungen/<str:entry>/korrigieren/",
        workspace.entry_correct_view,
        name="entry_correct",
    ),
]
