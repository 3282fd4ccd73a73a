"""Who may do what with events. Views, templates, services and tests ask these names (docs/roles.md)."""

import rules  # noqa: F401

# --- Organiser work ---------------------------------------------------------------------------------------------


# --- Registrations -----------------------------------------------------------------------------------------------
