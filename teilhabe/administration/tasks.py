"""Background work of the answer path (django-tasks): notifications of public steps, exports.

Every task is safe to run twice: a notification is claimed with a conditional update before its mail is sent.
"""

from django_tasks import task

# == notifications ==


@task()
def notifications_for_steps(*, step_ids: list[int]) -> int:
    """Create the notifications owed for these public steps and send the ones due at once (enqueued by the
    services that take a step, after commit). Returns how many mails were sent."""
    from teilhabe.administration.services import notifications_for_steps as run

    return run(step_ids=step_ids)


@task()
def notifications_send_digests() -> int:
    """The daily summaries that are due (housekeeping runs the same hourly: ``notifications_housekeeping``)."""
    from teilhabe.administration.services import notifications_send_digests as run

    return run()


# == consideration table ==


@task()
def consideration_export_make(*, export_id: int) -> str:
    """Write a queued consideration table export to its file (claimed first: a second run does nothing)."""
    from teilhabe.administration.services import consideration_export_run

    return consideration_export_run(export_id=export_id)
