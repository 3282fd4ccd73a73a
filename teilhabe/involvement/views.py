"""Involvement pages: an organisation's public page under /p/<slug>/organisationen/<pk>/, and the coordinators'
coverage matrix, invitations and steering group under /verwaltung/p/<slug>/beteiligung/."""

from __future__ import annotations

import io

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.selectors import localise
from teilhabe.core.ui import attempt_for_form as _attempt
from teilhabe.core.ui import int_or_404
from teilhabe.involvement import selectors, services
from teilhabe.involvement.exports import FORMATS, matrix_filename, matrix_write
from teilhabe.involvement.forms import (
    InviteForm,
    ResponseForm,
    SteeringGroupForm,
    SteeringMeetingForm,
    SteeringMemberForm,
)
from teilhabe.involvement.models import Invitation, SteeringMember
from teilhabe.involvement.sectors import steering_member_sector
from teilhabe.processes.models import Process
from teilhabe.processes.selectors import process_get_published
from teilhabe.stakeholders.models import Organisation, OrganisationType
from teilhabe.stakeholders.selectors import listed_organisation


def _page(request, queryset):
    paginator = Paginator(queryset, settings.TEILHABE_PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise NotFound(_("This page of the list does not exist.")) from exc


# == public =====================================================================================================


def organisation_view(request, slug, pk):
    """An organisation of the directory and what it contributed to the process (public contributions only)."""
    process = process_get_published(slug=slug)
    organisation = listed_organisation(int_or_404(pk))
    if process is None or organisation is None:
        raise NotFound()
    language = get_language() or settings.LANGUAGE_CODE
    return render(
        request,
        "involvement/organisation.html",
        {
            "process": process,
            "organisation": organisation,
            "description": localise(organisation, "description", language),
            "page": _page(request, selectors.public_contributions_of(organisation, process)),
            "fields": [field for field in organisation.fields_of_interest.all() if field.process_id == process.pk],
        },
    )


# == coordinators ===============================================================================================


def _process(request, slug, perm: str) -> Process:
    process = Process.objects.select_related("city").filter(slug=slug).first()
    if process is None:
        raise NotFound()
    if not rules.has_perm(perm, request.user, process):
        raise NotAllowed()
    return process


def _by(request) -> str:
    by = request.GET.get("by") or "field"
    if by not in selectors.BY_CHOICES:
        raise ApplicationError(_("Please choose the matrix by field or by district."))
    return by


@login_required
def coverage_view(request, slug):
    """The coverage matrix: type × field (or district), registered / invited / taking part, gaps marked."""
    process = _process(request, slug, "involvement.view_coverage")
    by = _by(request)
    return render(
        request,
        "involvement/coverage.html",
        {
            "process": process,
            "by": by,
            "matrix": selectors.coverage_matrix(process, by=by),
            "formats": list(FORMATS),
            "invitation_counts": selectors.invitation_counts(process),
        },
    )


@login_required
def coverage_export_view(request, slug, format):
    process = _process(request, slug, "involvement.view_coverage")
    if format not in FORMATS:
        raise NotFound()
    by = _by(request)
    out = io.BytesIO()
    matrix_write(selectors.coverage_matrix(process, by=by), format=format, out=out)
    response = HttpResponse(out.getvalue(), content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="{matrix_filename(process, by=by, format=format)}"'
    return response


@login_required
def coverage_cell_view(request, slug):
    """The organisations behind one cell of the matrix, with their invitation and participation."""
    process = _process(request, slug, "involvement.view_coverage")
    by = _by(request)
    type = request.GET.get("type") or ""
    if type and type not in OrganisationType.values:
        raise NotFound()
    column = None if request.GET.get("all") else (request.GET.get("column") or "")
    column_label = _("No field given") if by == "field" else _("No district given")
    if column is None:
        column_label = _("All fields") if by == "field" else _("All districts")
    elif column:
        column_id = int_or_404(column)
        source = process.fields_of_action if by == "field" else process.city.districts
        found = source.filter(pk=column_id).first()
        if found is None:
            raise NotFound()
        column_label = found.name
    return render(
        request,
        "involvement/coverage_cell.html",
        {
            "process": process,
            "by": by,
            "type_label": OrganisationType(type).label if type else _("All types"),
            "column_label": column_label,
            "rows": selectors.matrix_cell_organisations(process, by=by, type=type, column=column),
        },
    )


def _invited_organisations(data):
    if data.get("organisation"):
        return [data["organisation"]]
    queryset = Organisation.objects.filter(checked_at__isnull=False, type__in=data["types"])
    if data.get("district"):
        queryset = queryset.filter(districts=data["district"])
    if data.get("field"):
        queryset = queryset.filter(fields_of_interest=data["field"])
    return list(queryset.distinct().only("id"))


@login_required
def invitations_view(request, slug):
    """The invitations of a process with their responses, and the form to invite more organisations."""
    process = _process(request, slug, "involvement.invite_organisations")
    form = InviteForm(request.POST or None, process=process, auto_id="invite_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            result, status = _attempt(
                form,
                lambda: services.invitation_send(
                    actor=request.user,
                    process=process,
                    organisations=_invited_organisations(data),
                    target=data["target"],
                    phase=data["phase"],
                    event=data["event"],
                    expert_group=data["expert_group"],
                ),
            )
            if result is not None:
                invitations, skipped = result
                messages.success(
                    request,
                    _("Organisations invited: %(count)d (already invited: %(skipped)d).")
                    % {"count": len(invitations), "skipped": skipped},
                )
                return redirect("involvement:invitations", slug=process.slug)
    page = _page(request, selectors.invitations_of(process))
    rows = [(invitation, selectors.invitation_target_label(invitation)) for invitation in page.object_list]
    return render(
        request,
        "involvement/invitations.html",
        {"process": process, "form": form, "page": page, "rows": rows, "counts": selectors.invitation_counts(process)},
        status=status,
    )


def _invitation(request, slug, pk) -> Invitation:
    process = _process(request, slug, "involvement.invite_organisations")
    invitation = (
        Invitation.objects.filter(pk=int_or_404(pk), process=process)
        .select_related("organisation", "process", "event", "phase", "expert_group")
        .first()
    )
    if invitation is None:
        raise NotFound()
    return invitation


@login_required
def invitation_view(request, slug, pk):
    """Record an organisation's response to an invitation, or remind it."""
    invitation = _invitation(request, slug, pk)
    form = ResponseForm(request.POST or None, initial={"response": invitation.response}, auto_id="response_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = _attempt(
                form,
                lambda: services.invitation_respond(
                    actor=request.user, invitation=invitation, response=form.cleaned_data["response"]
                ),
            )
            if done is not None:
                messages.success(request, _("The response was recorded."))
                return redirect("involvement:invitations", slug=slug)
    return render(
        request,
        "involvement/invitation.html",
        {
            "process": invitation.process,
            "invitation": invitation,
            "target_label": selectors.invitation_target_label(invitation),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def invitation_remind_view(request, slug, pk):
    invitation = _invitation(request, slug, pk)
    services.invitation_remind(actor=request.user, invitation=invitation)
    messages.success(request, _("The reminder was sent."))
    return redirect("involvement:invitations", slug=slug)


@login_required
def steering_view(request, slug):
    """The steering group: its members and composition by sector, its meetings and decisions."""
    process = _process(request, slug, "involvement.manage_steering_group")
    group = selectors.steering_group_of(process)
    action = request.POST.get("action") if request.method == "POST" else None
    group_form = SteeringGroupForm(request.POST if action == "group" else None, auto_id="group_%s")
    member_form = SteeringMemberForm(request.POST if action == "member" else None, process=process, auto_id="member_%s")
    meeting_form = SteeringMeetingForm(request.POST if action == "meeting" else None, auto_id="meeting_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if action == "group" and group is None and group_form.is_valid():
            done, status = _attempt(
                group_form,
                lambda: services.steering_group_create(
                    actor=request.user, process=process, name=group_form.cleaned_data["name"]
                ),
            )
        elif action == "member" and group is not None and member_form.is_valid():
            data = member_form.cleaned_data
            done, status = _attempt(
                member_form,
                lambda: services.steering_member_add(
                    actor=request.user,
                    group=group,
                    name=data["name"],
                    department=data["department"],
                    organisation=data["organisation"],
                    council=data["council"],
                ),
            )
        elif action == "meeting" and group is not None and meeting_form.is_valid():
            data = meeting_form.cleaned_data
            done, status = _attempt(
                meeting_form,
                lambda: services.steering_meeting_record(
                    actor=request.user,
                    group=group,
                    date=data["date"],
                    title=data["title"],
                    record=data["record"],
                    decisions=data["decisions"].splitlines(),
                ),
            )
        else:
            done = None
        if done is not None:
            messages.success(request, _("The steering group was saved."))
            return redirect("involvement:steering", slug=process.slug)
    members = []
    if group is not None:
        members = [(member, steering_member_sector(member)) for member in group.members.all()]
    return render(
        request,
        "involvement/steering.html",
        {
            "process": process,
            "group": group,
            "members": members,
            "composition": selectors.steering_composition(group) if group else [],
            "group_form": group_form,
            "member_form": member_form,
            "meeting_form": meeting_form,
        },
        status=status,
    )


@login_required
@require_POST
def steering_member_remove_view(request, slug, pk):
    process = _process(request, slug, "involvement.manage_steering_group")
    member = SteeringMember.objects.filter(pk=int_or_404(pk), group__process=process).select_related("group").first()
    if member is None:
        raise NotFound()
    services.steering_member_remove(actor=request.user, member=member)
    messages.success(request, _("The member was removed."))
    return redirect("involvement:steering", slug=process.slug)
