"""What the cached public pages of events depend on (``teilhabe.core.page_cache``), and how long they stay right.

- A process's calendar and its iCalendar feeds: the site's content (names, staff texts and their translations) and
  the process's events version (bumped by every event write, ``services.events_changed``). The calendar also
  changes by itself when an event ends (it moves from the upcoming to the past events): its page lives until then.
- An event's page: the content, the process's figures version (its results are contribution cards, which change
  with every support, comment or moderation decision) and the event's own version (the event, its registrations:
  places left). It changes by itself when the event begins (registration closes) and when it ends.

Each worker remembers a process's id per slug and an event's process and times, under the versions they were read
with, so that a hit costs one cache round trip for the versions (two the first time a worker sees a process).
"""

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE, cache_versions_many
from teilhabe.core.fields import parse_id
from teilhabe.core.page_cache import SITE, page_versions, remember
from teilhabe.events.models import Event
from teilhabe.events.selectors import EVENT_NAMESPACE, EVENTS_NAMESPACE, calendar_next_change
from teilhabe.processes.page_versions import process_facts

CONTENT = (CONTENT_NAMESPACE, SITE)

# Per worker: process slug -> (content version, process id).
_process_ids: dict[str, tuple[int, int]] = {}
# Per worker: event id -> (event version, process id, process slug, starts, ends).
_events: dict[int, tuple] = {}


def _process_versions(slug: str):
    """(process id, versions of the content, its figures and its events) for the published process ``slug``."""
    remembered = _process_ids.get(slug)
    extra = [(EVENTS_NAMESPACE, remembered[1])] if remembered else []
    found = process_facts(slug, *extra)
    if found is None:
        return None
    facts, versions = found
    if remembered != (versions[CONTENT], facts.pk):
        remember(_process_ids, slug, (versions[CONTENT], facts.pk), limit=1000)
        if remembered is None or remembered[1] != facts.pk:
            versions = cache_versions_many([CONTENT, (FIGURES_NAMESPACE, facts.pk), (EVENTS_NAMESPACE, facts.pk)])
    return facts.pk, versions


def calendar_page_versions(slug: str):
    """The versions of a process's calendar, and its lifetime up to the next end of one of its events; None when
    no published process has this slug (the view answers 404)."""
    found = _process_versions(slug)
    if found is None:
        return None
    process_id, versions = found
    events = (EVENTS_NAMESPACE, process_id)
    moment = calendar_next_change(process_id, versions[events])
    return page_versions([CONTENT, events], changes_at=[moment] if moment else [], known=versions)


def feed_page_versions(slug: str):
    """The versions of a process's iCalendar feeds (they list past events too, so time alone changes nothing)."""
    found = _process_versions(slug)
    if found is None:
        return None
    process_id, versions = found
    return page_versions([CONTENT, (EVENTS_NAMESPACE, process_id)], known=versions)


def event_page_versions(pk: str):
    """The versions of event ``pk``'s page and its lifetime up to its start or end; None when ``pk`` is no canonical
    id of an event of a published process (the view answers 404 then, or the event is not public and the page is
    not stored: a page answering 404 never is)."""
    number = parse_id(pk)
    if number is None or str(number) != pk:
        return None
    own = (EVENT_NAMESPACE, number)
    remembered = _events.get(number)
    if remembered is not None:
        version, process_id, slug, starts, ends = remembered
        found = process_facts(slug, own)
        if found is not None and found[0].pk == process_id and found[1][own] == version:
            return _event_answer(found, own, starts, ends)
    row = Event.objects.filter(pk=number).values_list("process_id", "process__slug", "starts_at", "ends_at").first()
    if row is None:
        return None
    process_id, slug, starts, ends = row
    found = process_facts(slug, own)
    if found is None or found[0].pk != process_id:
        return None  # its process is not published
    remember(_events, number, (found[1][own], process_id, slug, starts, ends))
    return _event_answer(found, own, starts, ends)


def _event_answer(found, own, starts, ends):
    facts, versions = found
    return page_versions([CONTENT, (FIGURES_NAMESPACE, facts.pk), own], changes_at=(starts, ends), known=versions)
