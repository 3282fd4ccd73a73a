"""The application's error hierarchy: services raise these, one middleware turns them into pages."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    status_code = 400
    default_message = _("The request could not be processed.")

    def __init__(self, message=None, *, field_errors: dict | None = None):
        self.message = message or self.default_message
        self.field_errors = field_errors or {}
        super().__init__(str(self.message))


class NotAllowed(ApplicationError):
    status_code = 403
    default_message = _("You are not allowed to do this.")


class NotFound(ApplicationError):
    status_code = 404
    default_message = _("This page does not exist.")


class Conflict(ApplicationError):
    status_code = 409
    default_message = _("This has already been done.")
