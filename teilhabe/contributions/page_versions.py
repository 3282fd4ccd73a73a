"""What a cached page of one contribution depends on (``teilhabe.core.page_cache``)."""

from django.core.cache import cache

from teilhabe.contributions.models import Contribution
from teilhabe.core.fields import parse_id
from teilhabe.processes.page_versions import process_page_versions
from teilhabe.processes.selectors import process_get_published

PROCESS_OF_SECONDS = 24 * 3600  # a contribution never changes its process; the slug is checked on every use


def contribution_page_versions(pk: str, *extra):
    """The versions of contribution ``pk``'s page: those of its process's pages (a comment, support or moderation
    decision bumps the process's figures version), or None when ``pk`` is no canonical id of a contribution in a
    published process (the view answers 404 then, or the page is not the canonical one)."""
    number = parse_id(pk)
    if number is None or str(number) != pk:
        return None
    key = f"page-facts:process-of:{number}"
    known = cache.get(key)  # (process id, slug)
    process = process_get_published(slug=known[1]) if known is not None else None
    if process is None or process.pk != known[0]:  # not known yet, or renamed or unpublished since
        known = Contribution.objects.filter(pk=number).values_list("process_id", "process__slug").first()
        if known is None:
            return None
        cache.set(key, known, PROCESS_OF_SECONDS)
        process = process_get_published(slug=known[1])
        if process is None:
            return None
    return process_page_versions(process, *extra)
