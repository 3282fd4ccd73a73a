"""Helpers views share: applying service errors to forms, reading ids."""

from teilhabe.core.errors import ApplicationError, NotFound
from teilhabe.core.fields import parse_id


def apply_errors(form, error: ApplicationError) -> None:
    """Put a service's field errors onto the form's fields (or the form itself)."""
    for field, message in error.field_errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def int_or_404(value) -> int:
    """An id from a URL or form: anything that cannot be an id (text, 0, negative, beyond 64 bits) is a 404."""
    number = parse_id(value)
    if number is None:
        raise NotFound()
    return number
