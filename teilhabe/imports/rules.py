"""Who may import spreadsheets of results. Views, services and templates ask this name (docs/roles.md)."""

import rules

from teilhabe.processes.rules import is_coordinator

# The coordinators of a process, like every analog input (contributions.enter_analog), also after its phases.
rules.add_perm("imports.import_contributions", is_coordinator)
