"""Writes on events: every state change is a keyword-only, atomic, audited function here.

Sections: lifecycle and organiser work (create, propose, approve, cancel, hold, attendance, minutes, results),
then registrations (register, confirm, cancel, waiting list, reminders, retention).
"""

# --- Lifecycle and organiser work -----------------------------------------------------------------------------


# --- Registrations --------------------------------------------------------------------------------------------
