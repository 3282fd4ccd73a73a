"""Who may do what with the district integration councils. Views, services and tests ask these names.

A council's public page is for everyone. A member works in their own council's space only; the coordinators of
any process in the council's city work with every council of that city and manage their members.
"""

import rules

from teilhabe.councils.models import DistrictSpace
from teilhabe.councils.selectors import chaired_space_ids, city_ids_coordinated_by, council_space_ids, session_space
from teilhabe.places.models import City


@rules.predicate
def is_member_of_space(user, space):
    return isinstance(space, DistrictSpace) and space.pk in council_space_ids(user)


@rules.predicate
def is_city_coordinator(user, space):
    return isinstance(space, DistrictSpace) and space.district.city_id in city_ids_coordinated_by(user)


rules.add_perm("councils.view_space", is_member_of_space | is_city_coordinator)
rules.add_perm("councils.manage_members", is_city_coordinator)


@rules.predicate
def is_member_of_session_council(user, session):
    space = session_space(session)
    return space is not None and space.pk in council_space_ids(user)


@rules.predicate
def is_session_city_coordinator(user, session):
    space = session_space(session)
    return space is not None and space.district.city_id in city_ids_coordinated_by(user)


# The agenda of a council's session (and what was decided): its members and the city's coordinators.
rules.add_perm("councils.edit_agenda", is_member_of_session_council | is_session_city_coordinator)


@rules.predicate
def is_chair_of_space(user, space):
    return isinstance(space, DistrictSpace) and space.pk in chaired_space_ids(user)


# Formal statements (Stellungnahmen): the council's members draft them and record the vote; the chair submits (or
# a coordinator on the chair's behalf); a coordinator routes a submitted statement to its department.
rules.add_perm("councils.draft_statement", is_member_of_space)
rules.add_perm("councils.submit_statement", is_chair_of_space | is_city_coordinator)
rules.add_perm("councils.route_statement", is_city_coordinator)
# Until the department answers, the chair (or a coordinator on the chair's behalf) corrects or withdraws a submitted
# statement; the council's members see its history.
rules.add_perm("councils.amend_statement", is_chair_of_space | is_city_coordinator)


@rules.predicate
def coordinates_in_city(user, city):
    return isinstance(city, City) and city.pk in city_ids_coordinated_by(user)


# The council budget: the coordinators set a year's total and how it is shared; members and coordinators record
# what the council funded; spending beyond the balance only a coordinator records, with a reason.
rules.add_perm("councils.manage_budget", coordinates_in_city)
rules.add_perm("councils.record_funding", is_member_of_space | is_city_coordinator)
rules.add_perm("councils.override_budget", is_city_coordinator)


# A council's own consultation: its members (and the city's coordinators) open one; online contributions follow the
# process's own rules (contributions.add_contribution); paper ones are entered by coordinators.
rules.add_perm("councils.open_consultation", is_member_of_space | is_city_coordinator)
