"""What the cached public pages of the plan depend on (``teilhabe.core.page_cache``).

Every plan page of a process shows the plan (bumped by every plan write: ``services.plan_changed`` bumps
``PLAN_NAMESPACE`` for the process), staff texts and names (the site's content version) and contributions — the
comment counts of sections, the cards of the contributions that led to a measure or were made on a section — which
change with the process's figures version. Whether a section takes comments depends on the current phase, so the
pages expire at the next start or end of a phase (``process_page_versions`` does that).

Each worker remembers a process's id per slug (under the content version it was read with), so that the versions
of a page cost one cache round trip.
"""

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE, cache_versions_many
from teilhabe.core.page_cache import SITE, page_versions, remember
from teilhabe.plan.selectors import PLAN_NAMESPACE
from teilhabe.processes.page_versions import process_facts

CONTENT = (CONTENT_NAMESPACE, SITE)

# Per worker: process slug -> process id (a slug changes only in the admin, which bumps the content version and
# makes ``process_facts`` read the process again).
_process_ids: dict[str, int] = {}


def plan_page_versions(slug: str):
    """The versions of a public plan page of process ``slug``; None when no published process has this slug
    (the view answers 404)."""
    remembered = _process_ids.get(slug)
    extra = [(PLAN_NAMESPACE, remembered)] if remembered is not None else []
    found = process_facts(slug, *extra)
    if found is None:
        return None
    facts, versions = found
    plan = (PLAN_NAMESPACE, facts.pk)
    pairs = [CONTENT, (FIGURES_NAMESPACE, facts.pk), plan]
    if remembered != facts.pk:
        remember(_process_ids, slug, facts.pk, limit=1000)
        versions = cache_versions_many(pairs)
    return page_versions(pairs, changes_at=facts.moments, known=versions)
