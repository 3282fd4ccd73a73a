"""Event pages: the public calendar, an event's page and feeds, registration; the organisers' workspace."""

# --- Public: calendar, event page, iCalendar, registration ------------------------------------------------------


# --- Organiser workspace ---------------------------------------------------------------------------------------
