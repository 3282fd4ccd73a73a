"""Background work of events (django-tasks): the notices of a cancelled or changed event, the reminders.

Every task is safe to run twice: each mail is claimed with a conditional update before it is sent.
"""

from django_tasks import task


@task()
def registrations_event_cancelled(*, event_id: int) -> int:
    """Tell everyone registered for a cancelled event (enqueued by ``registrations_notify_cancelled`` after the
    cancellation commits). Returns how many mails were sent."""
    from teilhabe.events.services import registrations_event_cancelled_run

    return registrations_event_cancelled_run(event_id=event_id)


@task()
def registrations_event_changed(*, event_id: int) -> int:
    """Tell everyone registered for a planned event of its new time or place (enqueued by
    ``registrations_notify_changed`` after the change commits). Returns how many mails were sent."""
    from teilhabe.events.services import registrations_event_changed_run

    return registrations_event_changed_run(event_id=event_id)


@task()
def registration_reminders() -> int:
    """The reminders that are due (housekeeping runs the same every hour: ``registrations_housekeeping``)."""
    from teilhabe.events.services import registration_reminders_send

    return registration_reminders_send()
