"""What a cached page of a process depends on (``teilhabe.core.page_cache``), and how long it stays right."""

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, FIGURES_NAMESPACE
from teilhabe.core.page_cache import SITE, page_versions
from teilhabe.processes.selectors import process_phases


def process_page_versions(process, *extra):
    """A page showing a process and what happens in it: the site's content, the process's figures version (bumped
    by every change of a contribution, comment or support in it) and ``extra`` (namespace, id) pairs. It expires
    at the next start or end of a phase, since the current phase decides which actions the page offers."""
    moments = [moment for phase in process_phases(process) for moment in (phase.start, phase.end)]
    return page_versions([(CONTENT_NAMESPACE, SITE), (FIGURES_NAMESPACE, process.pk), *extra], changes_at=moments)
