"""What a cached page of one contribution depends on (``teilhabe.core.page_cache``)."""

from django.core.cache import cache

from teilhabe.contributions.models import Contribution
from teilhabe.core.cache_versions import FIGURES_NAMESPACE
from teilhabe.core.fields import parse_id
from teilhabe.core.page_cache import page_versions, remember
from teilhabe.processes.page_versions import CONTENT, process_facts

PROCESS_OF_SECONDS = 24 * 3600  # a contribution never changes its process

# Per worker: contribution id -> (content version, process id, process slug), trusted while the content version
# is current (a slug changes only in the admin, which bumps it).
_process_of: dict[int, tuple[int, int, str]] = {}


def _process_of_contribution(number: int) -> tuple[int, str] | None:
    """(process id, slug) of contribution ``number``, from the shared cache or one query."""
    key = f"page-facts:process-of:{number}"
    known = cache.get(key)
    if known is None:
        known = Contribution.objects.filter(pk=number).values_list("process_id", "process__slug").first()
        if known is None:
            return None
        cache.set(key, known, PROCESS_OF_SECONDS)
    return tuple(known)


def contribution_page_versions(pk: str, *extra):
    """The versions of contribution ``pk``'s page: those of its process's pages (a comment, support or moderation
    decision bumps the process's figures version) and ``extra`` pairs, or None when ``pk`` is no canonical id of a
    contribution in a published process (the view answers 404 then, or the page is not the canonical one)."""
    number = parse_id(pk)
    if number is None or str(number) != pk:
        return None
    remembered = _process_of.get(number)
    if remembered is not None:
        content, process_id, slug = remembered
        found = process_facts(slug, *extra)
        if found is not None and found[0].pk == process_id and found[1][CONTENT] == content:
            return _answer(*found, extra)
    looked_up = _process_of_contribution(number)
    if looked_up is None:
        return None
    process_id, slug = looked_up
    found = process_facts(slug, *extra)
    if found is None or found[0].pk != process_id:
        return None  # its process is not published (any more)
    remember(_process_of, number, (found[1][CONTENT], process_id, slug))
    return _answer(*found, extra)


def _answer(facts, versions, extra):
    pairs = [CONTENT, (FIGURES_NAMESPACE, facts.pk), *extra]
    return page_versions(pairs, changes_at=facts.moments, known=versions)
