"""Helpers views share: applying service errors to forms, reading ids."""

from teilhabe.core.errors import ApplicationError, NotFound


def apply_errors(form, error: ApplicationError) -> None:
    """Put a service's field errors onto the form's fields (or the form itself)."""
    for field, message in error.field_errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def int_or_404(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if number < 1 or number > 2**62:
        raise NotFound()
    return number
