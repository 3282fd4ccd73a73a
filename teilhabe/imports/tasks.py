"""Background work of imports (django-tasks): checking and importing a large file.

Safe to run twice: the run is claimed with a conditional update of its state before any work.
"""

from django_tasks import task


@task()
def import_run_work(*, run_id: int) -> str:
    """Check a queued import (the dry run) or import one queued for it; a second run finds nothing to claim."""
    from teilhabe.imports.services import import_run_work as run

    return run(run_id=run_id)
