from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.i18n import set_language
from django_ratelimit.decorators import ratelimit

from teilhabe.core.errors import ApplicationError
from teilhabe.core.forms import AccessibilityFeedbackForm
from teilhabe.core.services import accessibility_feedback_submit
from teilhabe.core.ui import apply_errors


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "database unavailable"}, status=503)


def language_set(request):
    """Django's language switch, which also remembers the choice on the account of a signed-in person."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


@ratelimit(key="ip", rate="20/h", method="POST", block=True)
def accessibility_statement(request):
    """Erklärung zur Barrierefreiheit, with the feedback form that reaches the coordinators."""
    form = AccessibilityFeedbackForm(request.POST or None, initial={"page_url": request.GET.get("seite", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                accessibility_feedback_submit(**form.cleaned_data, language=request.LANGUAGE_CODE)
            except ApplicationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Thank you. Your message has reached the coordinators."))
                return redirect("core:accessibility")
        status = 400
    return render(request, "core/accessibility.html", {"form": form}, status=status)


def error_404(request, exception=None):
    return render(request, "error.html", {"status": 404}, status=404)


def error_403(request, exception=None):
    return render(request, "error.html", {"status": 403}, status=403)


def error_400(request, exception=None):
    return render(request, "error.html", {"status": 400}, status=400)


def error_500(request):
    return render(request, "error.html", {"status": 500}, status=500)
