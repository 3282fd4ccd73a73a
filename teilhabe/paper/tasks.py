"""Background work of paper forms (django-tasks): making a print run's PDF. Safe to run twice (claimed first)."""

from django_tasks import task


@task()
def print_run_make(*, run_id: int) -> str:
    from teilhabe.paper.services import print_run_make as make

    return make(run_id=run_id)
