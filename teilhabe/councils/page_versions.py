"""What the cached public council pages depend on (``teilhabe.core.page_cache``).

A district page shows the council (bumped by every council write: ``services.council_changed``), the process's
contributions (its figures version), events (its events version) and plan (its plan version), and staff texts
(the site's content version). It expires at the next end of a public event of the process (a session moves from
the next to the past ones), at the next start or end of a phase and at midnight (a statement's answer becomes
overdue). The list of councils shows names only (the
site's content version).

Each worker remembers the space's id per (process, district number, content version), so that only the
versions are read.
"""

import datetime

from django.utils import timezone

from teilhabe.core.cache_versions import cache_versions_many
from teilhabe.core.page_cache import page_versions, remember
from teilhabe.councils.models import DistrictSpace
from teilhabe.councils.selectors import COUNCIL_NAMESPACE
from teilhabe.events.selectors import EVENTS_NAMESPACE, calendar_next_change
from teilhabe.plan.selectors import PLAN_NAMESPACE
from teilhabe.processes.page_versions import CONTENT, FIGURES_NAMESPACE, process_facts, process_page_versions

# Per worker: (process id, district number, content version) -> space id. A district keeps its council; the
# admin, the only place a space is created or deleted, bumps the content version.
_space_ids: dict[tuple[int, int, int], int] = {}


def council_list_page_versions(slug: str):
    """The list of a city's councils (names and links)."""
    return process_page_versions(slug)


def _space_id(number: int, process_id: int, content: int) -> int | None:
    known = _space_ids.get((process_id, number, content))
    if known is None:
        known = (
            DistrictSpace.objects.filter(district__number=number, district__city__processes__pk=process_id)
            .values_list("pk", flat=True)
            .first()
        )
        if known is not None:
            remember(_space_ids, (process_id, number, content), known, limit=5000)
    return known


def district_page_facts(slug: str, number: int):
    """(pairs, versions, moments) of the page of the council of district ``number``, or None."""
    found = process_facts(slug)
    if found is None:
        return None
    facts, _versions = found
    space_id = _space_id(number, facts.pk, facts.content)
    if space_id is None:
        return None
    pairs = [
        CONTENT,
        (FIGURES_NAMESPACE, facts.pk),
        (PLAN_NAMESPACE, facts.pk),
        (EVENTS_NAMESPACE, facts.pk),
        (COUNCIL_NAMESPACE, space_id),
    ]
    versions = cache_versions_many(pairs)
    moment = calendar_next_change(facts.pk, versions[(EVENTS_NAMESPACE, facts.pk)])
    moments = [*facts.moments, _next_midnight(), *([moment] if moment else [])]
    return pairs, versions, moments


def district_fragment_parts(slug: str, number: int) -> list | None:
    """What the cached body of a district page depends on: the page's versions and the next moment at which time
    alone changes it (a session ends, a phase starts or ends, a day begins)."""
    found = district_page_facts(slug, number)
    if found is None:
        return None
    pairs, versions, moments = found
    now = timezone.now()
    upcoming = min((moment for moment in moments if moment > now), default=None)
    return [*(versions[pair] for pair in pairs), int(upcoming.timestamp()) if upcoming else 0]


def district_page_versions(slug: str, number: int):
    """The versions of the page of the council of district ``number``; None when no published process has this
    slug or its city no such council (the view answers 404). Midnight is among the moments it expires at: an
    unanswered statement becomes overdue with the day."""
    found = district_page_facts(slug, number)
    if found is None:
        return None
    pairs, versions, moments = found
    return page_versions(pairs, changes_at=moments, known=versions)


def _next_midnight() -> datetime.datetime:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))


def session_page_versions(slug: str, number: int):
    """A session's public page shows the council's agenda (the council's version) and the event (the events
    version): the same versions as the district page."""
    return district_page_versions(slug, number)
