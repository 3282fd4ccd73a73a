"""Background work of the monitoring (django-tasks): computing a dashboard's figures afresh. Safe to run twice (it
only replaces the cached figures with newer ones)."""

from django_tasks import task


@task()
def dashboard_refresh(*, process_id: int, internal: bool) -> str:
    from teilhabe.monitoring.dashboard import dashboard_refresh as refresh
    from teilhabe.processes.selectors import process_get

    process = process_get(pk=process_id)
    if process is None:
        return "gone"
    return refresh(process=process, internal=internal)["computed_at"]
