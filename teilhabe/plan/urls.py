"""The plan's URLs: public pages under /p/<slug>/plan/, the coordinators' and expert groups' pages under
/verwaltung/."""

from django.urls import path  # noqa: F401  (the sections below add their paths)

app_name = "plan"

urlpatterns = [
    # Public pages (views.py)
    # Documents and comparison (documents.py, diff)
    # Coordinators' plan workspace (workspace.py)
    # Expert groups (groups.py)
]
