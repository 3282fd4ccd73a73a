"""Background work of council reports (django-tasks): making a report's tables and files. Safe to run twice
(the report is claimed first)."""

from django_tasks import task


@task()
def report_make(*, report_id: int) -> str:
    from teilhabe.reports.services import report_make as make

    return make(report_id=report_id)
