"""Who may print paper forms and posters of a process (docs/roles.md)."""

import rules

from teilhabe.processes.rules import is_coordinator

# Coordinators of the process print forms and posters, see its print runs and download them again.
rules.add_perm("paper.print_forms", is_coordinator)
