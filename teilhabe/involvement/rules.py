import rules

from teilhabe.processes.rules import is_coordinator

# Involvement is the coordinators' work for the processes they coordinate.
rules.add_perm("involvement.invite_organisations", is_coordinator)
rules.add_perm("involvement.view_coverage", is_coordinator)
rules.add_perm("involvement.manage_steering_group", is_coordinator)
