"""The registry's pages: the public directory under /p/<slug>/organisationen/, self-registration and one's own
representations under /organisationen/, the coordinators' registry under /verwaltung/organisationen/.

Views parse input with forms, call a selector or service and render. Contact persons appear on the coordinators'
organisation page only.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.ui import attempt_for_form as _attempt
from teilhabe.core.ui import int_or_404
from teilhabe.processes.selectors import process_get_published
from teilhabe.stakeholders import selectors, services
from teilhabe.stakeholders.forms import (
    ContactForm,
    DescriptionTranslationForm,
    DirectoryFilterForm,
    OrganisationForm,
    RegistrationForm,
)
from teilhabe.stakeholders.models import ContactPerson, Organisation, Representative

PROFILE_FIELDS = (
    "name",
    "type",
    "districts",
    "fields_of_interest",
    "languages",
    "description",
    "website",
    "mail_language",
    "listed_publicly",
)


def _page(request, queryset, size=None):
    paginator = Paginator(queryset, size or settings.TEILHABE_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise NotFound(_("This page of the list does not exist.")) from exc


def _profile(data) -> dict:
    return {name: data[name] for name in PROFILE_FIELDS}


# == public =====================================================================================================


def directory_view(request, slug):
    """``/p/<slug>/organisationen/``: the organisations that agreed to be listed, filterable."""
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    districts = process.city.districts.order_by("number")
    fields = process.fields_of_action.order_by("order", "name")
    form = DirectoryFilterForm(request.GET or None, districts=districts, fields=fields, auto_id="filter_%s")
    filters = selectors.DirectoryFilters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = selectors.DirectoryFilters(
                type=data["type"],
                district_id=getattr(data["district"], "pk", None),
                field_id=getattr(data["field"], "pk", None),
                language=data["language"],
                query=data["q"].strip(),
            )
        else:
            status = 400
    page = _page(request, selectors.directory_organisations(filters))
    return render(
        request,
        "stakeholders/directory.html",
        {"process": process, "form": form, "page": page, "active_filters": filters.count},
        status=status,
    )


@login_required
def register_view(request):
    """``/organisationen/registrieren/``: an organisation registers itself and waits for a coordinator's check."""
    form = RegistrationForm(request.POST or None, auto_id="organisation_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            organisation, status = _attempt(
                form,
                lambda: services.organisation_register(
                    actor=request.user,
                    **_profile(data),
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                ),
            )
            if organisation is not None:
                messages.success(
                    request,
                    _("Thank you. A coordinator checks the registration and your request to represent it."),
                )
                return redirect("stakeholders:mine")
    return render(request, "stakeholders/register.html", {"form": form}, status=status)


@login_required
def mine_view(request):
    """``/organisationen/meine/``: the organisations someone represents or asked to represent."""
    return render(request, "stakeholders/mine.html", {"representations": selectors.representations_of(request.user)})


@login_required
@require_POST
def represent_view(request, pk):
    """Ask to represent a listed organisation."""
    organisation = selectors.listed_organisation(int_or_404(pk))
    if organisation is None:
        raise NotFound()
    services.representative_request(actor=request.user, organisation=organisation)
    messages.success(request, _("Your request was sent. A coordinator verifies it."))
    return redirect("stakeholders:mine")


@login_required
@require_POST
def leave_view(request, pk):
    representative = Representative.objects.filter(pk=int_or_404(pk), user=request.user).first()
    if representative is None:
        raise NotFound()
    services.representative_leave(actor=request.user, representative=representative)
    messages.success(request, _("You no longer represent %(name)s.") % {"name": representative.organisation.name})
    return redirect("stakeholders:mine")


# == coordinators ===============================================================================================


def _require_registry(request):
    if not rules.has_perm("stakeholders.manage_registry", request.user, None):
        raise NotAllowed()


def _organisation(request, pk) -> Organisation:
    _require_registry(request)
    organisation = selectors.organisation_for_staff(int_or_404(pk))
    if organisation is None:
        raise NotFound()
    return organisation


@login_required
def registry_view(request):
    """``/verwaltung/organisationen/``: the whole registry, the self-registrations waiting for a check, and the
    requests to represent waiting for verification."""
    _require_registry(request)
    pending = request.GET.get("pruefen") == "1"
    page = _page(request, selectors.registry_organisations(pending=pending))
    return render(
        request,
        "stakeholders/registry.html",
        {"page": page, "pending": pending, "requests": selectors.pending_representatives()[:50]},
    )


@login_required
def organisation_new_view(request):
    _require_registry(request)
    form = OrganisationForm(request.POST or None, auto_id="organisation_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            organisation, status = _attempt(
                form, lambda: services.organisation_create(actor=request.user, **_profile(form.cleaned_data))
            )
            if organisation is not None:
                messages.success(request, _("The organisation was added to the registry."))
                return redirect("stakeholders:work", pk=organisation.pk)
    return render(request, "stakeholders/organisation_form.html", {"form": form}, status=status)


def _initial(organisation) -> dict:
    return {
        "name": organisation.name,
        "type": organisation.type,
        "districts": list(organisation.districts.all()),
        "fields_of_interest": list(organisation.fields_of_interest.all()),
        "languages": [row.language for row in organisation.languages.all()],
        "description": organisation.description,
        "website": organisation.website,
        "mail_language": organisation.mail_language,
        "listed_publicly": organisation.listed_publicly,
    }


@login_required
def organisation_work_view(request, pk):
    """An organisation for coordinators: its profile (editable), the check, its contact persons and its
    representatives."""
    organisation = _organisation(request, pk)
    form = OrganisationForm(request.POST or None, initial=_initial(organisation), auto_id="organisation_%s")
    contact_form = ContactForm(auto_id="contact_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changed, status = _attempt(
                form,
                lambda: services.organisation_update(
                    actor=request.user,
                    organisation=organisation,
                    department=organisation.department,
                    **_profile(form.cleaned_data),
                ),
            )
            if changed is not None:
                messages.success(request, _("The organisation was saved."))
                return redirect("stakeholders:work", pk=organisation.pk)
    return _work_page(request, organisation, form=form, contact_form=contact_form, status=status)


def _work_page(request, organisation, *, form=None, contact_form=None, translation_form=None, status=200):
    return render(
        request,
        "stakeholders/organisation_work.html",
        {
            "organisation": organisation,
            "form": form or OrganisationForm(initial=_initial(organisation), auto_id="organisation_%s"),
            "contact_form": contact_form or ContactForm(auto_id="contact_%s"),
            "translation_form": translation_form or DescriptionTranslationForm(auto_id="translation_%s"),
            "can_see_contacts": rules.has_perm("stakeholders.view_contacts", request.user, None),
        },
        status=status,
    )


@login_required
@require_POST
def organisation_check_view(request, pk):
    organisation = _organisation(request, pk)
    services.organisation_check(actor=request.user, organisation=organisation)
    messages.success(request, _("The organisation is checked."))
    return redirect("stakeholders:work", pk=organisation.pk)


@login_required
@require_POST
def translation_view(request, pk):
    """Save a translation of the organisation's self-description."""
    organisation = _organisation(request, pk)
    form = DescriptionTranslationForm(request.POST, auto_id="translation_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        _done, status = _attempt(
            form,
            lambda: services.organisation_translation_set(
                actor=request.user, organisation=organisation, language=data["language"], text=data["text"]
            ),
        )
        if status is None:
            messages.success(request, _("The translation was saved."))
            return redirect("stakeholders:work", pk=organisation.pk)
    return _work_page(request, organisation, translation_form=form, status=status)


@login_required
@require_POST
def contact_add_view(request, pk):
    organisation = _organisation(request, pk)
    if not rules.has_perm("stakeholders.view_contacts", request.user, None):
        raise NotAllowed()
    form = ContactForm(request.POST, auto_id="contact_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        contact, status = _attempt(
            form,
            lambda: services.contact_person_add(
                actor=request.user,
                organisation=organisation,
                name=data["contact_name"],
                email=data["contact_email"],
                phone=data["contact_phone"],
            ),
        )
        if contact is not None:
            messages.success(request, _("The contact person was added."))
            return redirect("stakeholders:work", pk=organisation.pk)
    return _work_page(request, organisation, contact_form=form, status=status)


@login_required
@require_POST
def contact_delete_view(request, pk, contact):
    organisation = _organisation(request, pk)
    found = ContactPerson.objects.filter(pk=int_or_404(contact), organisation=organisation).first()
    if found is None:
        raise NotFound()
    services.contact_person_delete(actor=request.user, contact=found)
    messages.success(request, _("The contact person's data was deleted."))
    return redirect("stakeholders:work", pk=organisation.pk)


def _representative(request, pk, representative) -> Representative:
    organisation = _organisation(request, pk)
    found = Representative.objects.filter(pk=int_or_404(representative), organisation=organisation).first()
    if found is None:
        raise NotFound()
    return found


@login_required
@require_POST
def representative_verify_view(request, pk, representative):
    found = _representative(request, pk, representative)
    try:
        services.representative_verify(actor=request.user, representative=found)
    except ApplicationError as error:
        if not isinstance(error, NotAllowed) or found.user_id != request.user.pk:
            raise
        messages.error(request, error.message)
        return redirect("stakeholders:work", pk=found.organisation_id)
    messages.success(request, _("The representative is verified."))
    return redirect("stakeholders:work", pk=found.organisation_id)


@login_required
@require_POST
def representative_remove_view(request, pk, representative):
    found = _representative(request, pk, representative)
    services.representative_leave(actor=request.user, representative=found)
    messages.success(request, _("The representative was removed."))
    return redirect("stakeholders:work", pk=found.organisation_id)
