"""The three sectors (civil society, politics, administration): the one rule that attributes organisations,
contributions, statements and steering group seats to a sector (docs/metrics.md, "Sectors").

- An organisation: type "political party or group" → politics; type "administration" → administration; every
  other type → civil society.
- A contribution on behalf of an organisation: the organisation's sector. Otherwise: a district integration
  council's statement (channel ``district_council``) → politics; an author who is staff of a department
  (``DepartmentMembership``) → administration; an author with the district council member role → politics;
  everyone else (anonymous authors, paper forms, events) → civil society.
- A department's statement → administration.
- A steering group seat: a department's → administration, a district council's → politics, an organisation's →
  the organisation's sector.
"""

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When

from teilhabe.accounts.models import Role
from teilhabe.administration.models import DepartmentMembership
from teilhabe.contributions.models import Channel
from teilhabe.involvement.models import Sector
from teilhabe.stakeholders.models import OrganisationType

POLITICS_TYPES = frozenset({OrganisationType.POLITICS})
ADMINISTRATION_TYPES = frozenset({OrganisationType.ADMINISTRATION})


def organisation_sector(organisation_type: str) -> str:
    if organisation_type in POLITICS_TYPES:
        return Sector.POLITICS
    if organisation_type in ADMINISTRATION_TYPES:
        return Sector.ADMINISTRATION
    return Sector.CIVIL_SOCIETY


def organisation_sector_expression(prefix: str = "") -> Case:
    """``organisation_sector`` in SQL, for the type at ``<prefix>type``."""
    field = f"{prefix}type"
    return Case(
        When(**{f"{field}__in": list(POLITICS_TYPES)}, then=Value(Sector.POLITICS)),
        When(**{f"{field}__in": list(ADMINISTRATION_TYPES)}, then=Value(Sector.ADMINISTRATION)),
        default=Value(Sector.CIVIL_SOCIETY),
        output_field=CharField(),
    )


def contribution_sector_expression() -> Case:
    """The sector of a contribution (annotate a ``Contribution`` queryset with it)."""
    staff = DepartmentMembership.objects.filter(user_id=OuterRef("author_id"))
    # Exists, not a join over the author's groups: a join would repeat the contribution once per group.
    council = get_user_model().groups.through.objects.filter(
        user_id=OuterRef("author_id"), group__name=Role.DISTRICT_COUNCIL_MEMBER.value
    )
    return Case(
        When(organisation__type__in=list(POLITICS_TYPES), then=Value(Sector.POLITICS)),
        When(organisation__type__in=list(ADMINISTRATION_TYPES), then=Value(Sector.ADMINISTRATION)),
        When(organisation__isnull=False, then=Value(Sector.CIVIL_SOCIETY)),
        When(channel=Channel.DISTRICT_COUNCIL, then=Value(Sector.POLITICS)),
        When(Q(author__isnull=False) & Exists(staff), then=Value(Sector.ADMINISTRATION)),
        When(Q(author__isnull=False) & Exists(council), then=Value(Sector.POLITICS)),
        default=Value(Sector.CIVIL_SOCIETY),
        output_field=CharField(),
    )


def steering_member_sector(member) -> str:
    if member.department_id:
        return Sector.ADMINISTRATION
    if member.council_id:
        return Sector.POLITICS
    return organisation_sector(member.organisation.type)
