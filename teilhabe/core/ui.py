"""Helpers views share: applying service errors to forms, reading ids, paginating."""

from django.core.paginator import InvalidPage, Paginator
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, NotFound


def apply_errors(form, error: ApplicationError) -> None:
    """Put a service's field errors onto the form's fields (or the form itself)."""
    for field, message in error.field_errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def paginate(queryset, *, page_number, per_page: int):
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as exc:
        raise NotFound(_("This page of the list does not exist.")) from exc


def int_or_404(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if number < 1 or number > 2**62:
        raise NotFound()
    return number
