"""What a cached page of a process depends on (``teilhabe.core.page_cache``), and how long it stays right.

Each worker remembers, per process, its id and the moments its phases start and end, together with the site's
content version they were read under (the admin bumps it on every change of a process or phase). So a cached
page's versions cost one cache round trip: the content version and the process's figures version together, and
the remembered facts are used only while that content version is still the current one.
"""

from typing import NamedTuple

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE, cache_versions_many
from teilhabe.core.page_cache import SITE, page_versions, remember
from teilhabe.processes.selectors import process_get_published, process_phases

CONTENT = (CONTENT_NAMESPACE, SITE)


class ProcessFacts(NamedTuple):
    content: int  # the content version these facts were read under
    pk: int
    moments: tuple  # every phase's start and end


_facts: dict[str, ProcessFacts] = {}


def process_facts(slug: str, *extra) -> tuple[ProcessFacts, dict] | None:
    """The facts of the published process ``slug`` and the current versions of the content, its figures and
    ``extra`` (namespace, id) pairs; None when no published process has this slug."""
    facts = _facts.get(slug)
    pairs = [CONTENT, *([(FIGURES_NAMESPACE, facts.pk)] if facts else []), *extra]
    versions = cache_versions_many(pairs)
    if facts is None or facts.content != versions[CONTENT]:
        process = process_get_published(slug=slug)
        if process is None:
            _facts.pop(slug, None)
            return None
        moments = tuple(moment for phase in process_phases(process) for moment in (phase.start, phase.end))
        facts = ProcessFacts(versions[CONTENT], process.pk, moments)
        remember(_facts, slug, facts, limit=1000)
        versions = cache_versions_many([CONTENT, (FIGURES_NAMESPACE, facts.pk), *extra])
    return facts, versions


def process_page_versions(slug: str, *extra):
    """A page showing the process ``slug`` and what happens in it: the site's content, the process's figures
    version (bumped by every change of a contribution, comment or support in it) and ``extra`` pairs. It expires at
    the next start or end of a phase, since the current phase decides which actions the page offers. None when no
    published process has this slug (the view answers 404)."""
    found = process_facts(slug, *extra)
    if found is None:
        return None
    facts, versions = found
    pairs = [CONTENT, (FIGURES_NAMESPACE, facts.pk), *extra]
    return page_versions(pairs, changes_at=facts.moments, known=versions)
