from django.urls import path  # noqa: F401

app_name = "events"

# Public: calendar, event pages, iCalendar feeds, registration.
public_patterns = []

# Organiser workspace: planning, approval, attendance, minutes, results, registrations for the door.
organiser_patterns = []

urlpatterns = public_patterns + organiser_patterns
