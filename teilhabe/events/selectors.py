"""Reads on events, including who may see which event (one visibility selector for every view of an event)."""

# --- Visibility and public reads (calendar, event page, feeds) -------------------------------------------------


# --- Organiser work (workspace lists, registrations for the door) ----------------------------------------------
