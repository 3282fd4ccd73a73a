"""What the cached public pages of the ideas competition depend on (``teilhabe.core.page_cache``).

A call's public page shows staff texts (the site's content version) and the call's configuration (bumped by every
call service: ``CALLS_NAMESPACE`` of the process). Whether a call takes applications (or supports) depends on the
time, so the pages expire at the next opening or closing of a call or of its public support phase: each worker
remembers those moments per process under the calls version it read them with.
"""

from teilhabe.competitions.models import Call
from teilhabe.competitions.selectors import CALLS_NAMESPACE
from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE
from teilhabe.core.page_cache import SITE, page_versions, remember
from teilhabe.processes.page_versions import process_facts

CONTENT = (CONTENT_NAMESPACE, SITE)

_process_ids: dict[str, int] = {}
_moments: dict[tuple[int, str], tuple] = {}  # (process id, calls version) -> opening and closing moments


def call_page_versions(slug: str):
    """The versions of a public call page of process ``slug``; None when no published process has this slug."""
    remembered = _process_ids.get(slug)
    extra = [(CALLS_NAMESPACE, remembered)] if remembered is not None else []
    found = process_facts(slug, *extra)
    if found is None:
        return None
    facts, versions = found
    calls = (CALLS_NAMESPACE, facts.pk)
    if remembered != facts.pk or calls not in versions:
        remember(_process_ids, slug, facts.pk, limit=1000)
        return page_versions([CONTENT, calls])
    key = (facts.pk, str(versions[calls]))
    moments = _moments.get(key)
    if moments is None:
        rows = Call.objects.filter(process_id=facts.pk, is_published=True).values_list(
            "opens", "closes", "support_opens", "support_closes"
        )
        moments = tuple(moment for row in rows for moment in row if moment is not None)
        remember(_moments, key, moments, limit=1000)
    return page_versions([CONTENT, calls], changes_at=moments, known=versions)


def process_page_versions_with_calls(slug: str):
    """The versions of the process's public page (``processes.page_versions.process_page_versions``: content,
    figures, the phases' moments) and, since the page links the process's published calls by their titles, the
    process's calls version. None when no published process has this slug."""
    remembered = _process_ids.get(slug)
    extra = [(CALLS_NAMESPACE, remembered)] if remembered is not None else []
    found = process_facts(slug, *extra)
    if found is None:
        return None
    facts, versions = found
    if remembered != facts.pk:
        remember(_process_ids, slug, facts.pk, limit=1000)
    pairs = [CONTENT, (FIGURES_NAMESPACE, facts.pk), (CALLS_NAMESPACE, facts.pk)]
    return page_versions(pairs, changes_at=facts.moments, known=versions)
