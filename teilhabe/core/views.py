from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django_ratelimit.decorators import ratelimit

from teilhabe.core.errors import ApplicationError
from teilhabe.core.forms import AccessibilityFeedbackForm
from teilhabe.core.page_cache import cache_public_page, site_page_versions
from teilhabe.core.services import accessibility_feedback_submit
from teilhabe.core.ui import apply_errors


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "database unavailable"}, status=503)


@csrf_exempt
def language_set(request):
    """Django's language switch, which also remembers the choice on the account of a signed-in person.

    The picker on every page carries a CSRF token only for signed-in people, so that anonymous pages can be
    cached whole (``teilhabe.core.page_cache``). The switch itself sets only the language cookie for everyone;
    the account's preference is saved only when the CSRF check passes, so another site cannot change it.
    """
    response = set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and _csrf_passes(request)
    ):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


def _csrf_passes(request) -> bool:
    """Django's own CSRF check (origin, referer, token), asked by hand for a view that is exempt from it."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is None


@cache_public_page(site_page_versions)
def how_to(request):
    return render(request, "core/how_to_take_part.html")


@cache_public_page(site_page_versions)
def privacy(request):
    return render(request, "core/privacy.html")


@cache_public_page(site_page_versions)
def imprint(request):
    return render(request, "core/imprint.html")


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
