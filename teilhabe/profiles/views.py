"""The optional self-description page, offered after contributing or registering for an event; it can always be
skipped. Answers are stored apart from the person (``models.SelfDescription``); the session only remembers that
this browser answered for the process, so the page is not offered twice."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from teilhabe.core.errors import ApplicationError, NotFound
from teilhabe.core.ui import apply_errors
from teilhabe.processes.selectors import process_get_published
from teilhabe.profiles import services
from teilhabe.profiles.forms import SelfDescriptionForm
from teilhabe.profiles.models import Source

SESSION_KEY = "self_described"


def _next_url(request, process) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=False):
        return candidate
    return f"/p/{process.slug}/"


@require_http_methods(["GET", "POST"])
def self_description_view(request, slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    next_url = _next_url(request, process)
    answered = process.pk in request.session.get(SESSION_KEY, [])
    form = SelfDescriptionForm(request.POST or None, process=process)
    status = 200
    if request.method == "POST" and not answered:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.self_description_create(
                    process=process,
                    source=Source.ONLINE,
                    age_band=data["age_band"],
                    gender=data["gender"],
                    district=data["district"],
                    migration_experience=data["migration_experience"],
                    languages=data["languages"],
                    target_groups=data["target_groups"],
                )
            except ApplicationError as error:
                apply_errors(form, error)
                status = 400
            else:
                request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), process.pk]
                messages.success(request, _("Thank you. Your answers are counted without your name."))
                return redirect(next_url)
        else:
            status = 400
    return render(
        request,
        "profiles/describe.html",
        {"process": process, "form": form, "next_url": next_url, "answered": answered},
        status=status,
    )
