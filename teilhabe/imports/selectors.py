"""Reads of imports: the runs a coordinator may see, a page of a run's report."""

import rules
from django.core.paginator import Paginator

from teilhabe.events.models import Event, EventState
from teilhabe.imports.models import ImportRun
from teilhabe.processes.models import Process

REPORT_PAGE_SIZE = 100


def import_process(slug: str) -> Process | None:
    """The process ``slug``, published or not (its coordinators import results either way), or None."""
    return Process.objects.filter(slug=slug).select_related("city").first()


def import_runs_recent(*, process, limit: int = 10) -> list[ImportRun]:
    """The newest runs of a process (one query, whatever the length of their reports)."""
    return list(
        ImportRun.objects.filter(process=process)
        .defer("rows")
        .select_related("requested_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def import_run_visible(*, user, pk: int) -> ImportRun | None:
    """A run for the coordinators of its process; None (answered as missing) for everyone else."""
    run = ImportRun.objects.select_related("process", "event", "requested_by", "imported_by").filter(pk=pk).first()
    if run is None or not rules.has_perm("imports.import_contributions", user, run.process):
        return None
    return run


def import_events(process) -> list[Event]:
    """The held events of a process, whose results can be imported, newest first."""
    return list(Event.objects.filter(process=process, state=EventState.HELD).order_by("-starts_at", "-pk"))


def import_report_page(run: ImportRun, *, problems_only: bool, page_number):
    """One page of the run's rows (all, or only those that are not valid or imported)."""
    rows = run.rows
    if problems_only:
        rows = [row for row in rows if row[2] in ("invalid",)]
    return Paginator(rows, REPORT_PAGE_SIZE).get_page(page_number)
