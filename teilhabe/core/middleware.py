from django.shortcuts import render

from teilhabe.core.errors import ApplicationError


class ApplicationErrorMiddleware:
    """Renders every ApplicationError as the same error page with its 4xx status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApplicationError):
            return render(
                request,
                "error.html",
                {"status": exception.status_code, "message": exception.message},
                status=exception.status_code,
            )
        return None
