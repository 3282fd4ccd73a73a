"""Reads of the stakeholder registry. The public directory reads only what may be public: never contact persons,
never an organisation that has not agreed or has not been checked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from teilhabe.stakeholders.models import ContactPerson, Organisation, OrganisationLanguage, Representative


def organisations_represented_by(user):
    """Organisations a user is a verified representative of."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(representatives__user=user, representatives__verified_at__isnull=False).order_by(
        "name"
    )


def listed_organisations():
    """Organisations that agreed to be listed and have been checked by a coordinator."""
    return Organisation.objects.filter(listed_publicly=True, checked_at__isnull=False)


@dataclass(frozen=True)
class DirectoryFilters:
    type: str = ""
    district_id: int | None = None
    field_id: int | None = None
    language: str = ""
    query: str = ""

    @property
    def count(self) -> int:
        return sum(bool(value) for value in (self.type, self.district_id, self.field_id, self.language, self.query))


def _filtered(queryset, filters: DirectoryFilters):
    if filters.type:
        queryset = queryset.filter(type=filters.type)
    if filters.district_id:
        queryset = queryset.filter(districts__id=filters.district_id)
    if filters.field_id:
        queryset = queryset.filter(fields_of_interest__id=filters.field_id)
    if filters.language:
        queryset = queryset.filter(languages__language=filters.language)
    if filters.query:
        queryset = queryset.filter(name__icontains=filters.query)
    return queryset


def directory_organisations(filters: DirectoryFilters):
    """The public directory: listed organisations only, with public fields only (``only``: no contact data can
    be reached from a row), districts and languages prefetched."""
    queryset = _filtered(listed_organisations(), filters)
    if filters.district_id or filters.field_id or filters.language:
        queryset = queryset.distinct()  # a join: an organisation once, however many rows it matched
    return queryset.only("id", "name", "type", "website", "description").prefetch_related(
        "districts", Prefetch("languages", queryset=OrganisationLanguage.objects.order_by("language"))
    )


def listed_organisation(pk) -> Organisation | None:
    return listed_organisations().filter(pk=pk).prefetch_related("districts", "fields_of_interest", "languages").first()


def registry_organisations(*, pending: bool = False, filters: DirectoryFilters | None = None):
    """Every organisation, for coordinators; ``pending``: self-registrations not checked yet."""
    queryset = Organisation.objects.all()
    if pending:
        queryset = queryset.filter(checked_at__isnull=True)
    if filters is not None:
        queryset = _filtered(queryset, filters).distinct()
    return queryset.annotate(
        open_requests=Count("representatives", filter=Q(representatives__verified_at__isnull=True)),
    ).order_by("name")


def organisation_for_staff(pk) -> Organisation | None:
    return (
        Organisation.objects.filter(pk=pk)
        .select_related("checked_by", "department")
        .prefetch_related(
            "districts",
            "fields_of_interest",
            "languages",
            Prefetch("contacts", queryset=ContactPerson.objects.order_by("name", "id")),
            Prefetch(
                "representatives",
                queryset=Representative.objects.select_related("user", "verified_by").order_by("requested_at", "id"),
            ),
        )
        .first()
    )


def representations_of(user):
    """A person's own representations (asked for or verified), for their page."""
    if not getattr(user, "is_authenticated", False):
        return Representative.objects.none()
    return Representative.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def pending_representatives():
    return (
        Representative.objects.filter(verified_at__isnull=True)
        .select_related("user", "organisation")
        .order_by("requested_at", "id")
    )


def contact_recipients(organisation_ids) -> dict[int, list[str]]:
    """Addresses an organisation is written to at (its contact persons'), each mailed on its own. For the services
    that send mail only; never rendered."""
    result: dict[int, list[str]] = {}
    rows = ContactPerson.objects.filter(organisation_id__in=organisation_ids).exclude(email="")
    for organisation_id, email in rows.values_list("organisation_id", "email"):
        result.setdefault(organisation_id, []).append(email)
    return result
