"""The expert groups' pages (Fachgruppen) under ``/verwaltung/``.

Coordinators list a process's groups, start one for a field of action without one and manage its members.
A group's workspace, for its members and the coordinators, shows the members, the contributions of its field
(every channel, with the current decision), the meeting records and the group's draft of its field's section
(position paper, goals and measures). The draft is edited with the plan's section editor (``workspace.py``,
``Editor`` with the group as owner); a coordinator adopts it into the plan's working draft after a confirmation
that shows what it replaces. Views parse input with forms, call a selector or service and render; permissions
are asked once per page.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.pagination import paginate_ids
from teilhabe.core.selectors import localise
from teilhabe.plan import selectors, services, workspace
from teilhabe.plan.forms import ExpertGroupCreateForm, ExpertGroupMemberForm, ExpertMeetingForm
from teilhabe.plan.models import ExpertGroup

CONTRIBUTIONS_PER_PAGE = 20


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _process_title(process) -> str:
    return localise(process, "title", _language()).text


def _group_name(group: ExpertGroup) -> str:
    return localise(group, "name", _language()).text


def _group(request, pk, perm: str = "plan.view_expert_group") -> ExpertGroup:
    """The group ``pk`` if the person may ``perm`` it: 404 for no such group, 403 for someone not allowed."""
    group = selectors.expert_group_get(pk)
    if group is None:
        raise NotFound()
    target = group.process if perm in ("plan.manage_expert_groups", "plan.adopt_group_draft") else group
    if not rules.has_perm(perm, request.user, target):
        raise NotAllowed()
    return group


def _crumbs(request, group: ExpertGroup | None = None, *, process=None, with_group: bool = True) -> tuple:
    """(label, URL) pairs up to a page: the person's groups, the process's groups (for coordinators), the group."""
    process = process or group.process
    crumbs = [(_("Expert groups"), reverse("plan:group_mine"))]
    if rules.has_perm("plan.manage_expert_groups", request.user, process):
        crumbs.append((_process_title(process), reverse("plan:groups", kwargs={"slug": process.slug})))
    if group is not None and with_group:
        crumbs.append((_group_name(group), reverse("plan:group", kwargs={"pk": group.pk})))
    return tuple(crumbs)


# == the person's groups ========================================================================================


@login_required
def my_groups_view(request):
    """The expert groups someone belongs to, and the processes whose groups they manage as a coordinator."""
    if not selectors.has_expert_group_work(request.user):
        raise NotAllowed()
    return render(
        request,
        "plan/group_mine.html",
        {
            "memberships": selectors.expert_groups_of_person(request.user),
            "processes": selectors.coordinated_processes_with_groups(request.user),
        },
    )


# == a process's groups (coordinators) ==========================================================================


def _managed_process(request, slug):
    process = selectors.workspace_process(slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("plan.manage_expert_groups", request.user, process):
        raise NotAllowed()
    return process


@login_required
def groups_view(request, slug):
    """A process's expert groups with their members and drafts, and a form for a group of a field without one."""
    process = _managed_process(request, slug)
    free = selectors.expert_group_free_fields(process)
    status = 200
    form = ExpertGroupCreateForm(request.POST or None, fields_of_action=free, auto_id="group_%s")
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            group, status = workspace.attempt(
                form,
                lambda: services.expert_group_create(
                    user=request.user,
                    process=process,
                    field_of_action=data["field_of_action"],
                    name=data["name"],
                    description=data["description"],
                ),
            )
            if group is not None:
                messages.success(
                    request, _("The expert group “%(name)s” was set up. Now add its members.") % {"name": group.name}
                )
                return redirect("plan:group_members", pk=group.pk)
    return render(
        request,
        "plan/group_list.html",
        {
            "process": process,
            "rows": selectors.expert_group_rows(process),
            "form": form if free else None,
            "crumbs": ((_("Expert groups"), reverse("plan:group_mine")),),
            "process_title": _process_title(process),
        },
        status=status,
    )


# == a group's workspace ========================================================================================


def _workspace_page(request, group: ExpertGroup, *, meeting_form=None, status=200):
    user = request.user
    can_work = rules.has_perm("plan.work_in_expert_group", user, group)
    can_manage = rules.has_perm("plan.manage_expert_groups", user, group.process)
    can_adopt = rules.has_perm("plan.adopt_group_draft", user, group.process)
    page = paginate_ids(
        selectors.expert_group_contributions(group, user=user),
        page_number=request.GET.get("page"),
        per_page=CONTRIBUTIONS_PER_PAGE,
        load_rows=selectors.expert_group_contribution_rows,
    )
    tree = selectors.group_draft_tree(group, settings.LANGUAGE_CODE)
    if meeting_form is None and can_work:
        meeting_form = ExpertMeetingForm(auto_id="meeting_%s")
    return render(
        request,
        "plan/group_workspace.html",
        {
            "group": group,
            "process": group.process,
            "crumbs": _crumbs(request, group, with_group=False),
            "members": selectors.expert_group_member_rows(group, _language()),
            "page": page,
            # The work page is the coordinators'; the others read a published contribution on its public page.
            "link_work": can_manage,
            "meetings": selectors.expert_group_meeting_rows(group),
            "meeting_form": meeting_form,
            "draft": tree,
            "draft_goals": sum(1 for node in tree.nodes if node.kind == "goal"),
            "draft_measures": len(tree.measures()),
            "changed_since_adoption": selectors.draft_changed_since_adoption(group),
            "can_work": can_work,
            "can_manage": can_manage,
            "can_adopt": can_adopt,
        },
        status=status,
    )


@login_required
def group_view(request, pk):
    """The group's workspace: members, the contributions of its field, meeting records, its draft."""
    return _workspace_page(request, _group(request, pk))


@require_POST
@login_required
def meeting_add_view(request, pk):
    """A meeting record: back to the workspace; with a mistake, the workspace again with the form (400)."""
    group = _group(request, pk, "plan.work_in_expert_group")
    form = ExpertMeetingForm(request.POST, auto_id="meeting_%s")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        meeting, status = workspace.attempt(
            form,
            lambda: services.expert_meeting_add(
                user=request.user, group=group, date=data["date"], title=data["title"], record=data["record"]
            ),
        )
        if meeting is not None:
            messages.success(request, _("The record of “%(title)s” was saved.") % {"title": meeting.title})
            return redirect(reverse("plan:group", kwargs={"pk": group.pk}) + "#meetings")
    return _workspace_page(request, group, meeting_form=form, status=status)


# == members (coordinators) =====================================================================================


@login_required
def members_view(request, pk):
    """The group's members with a button to remove each, and a form to add a person by their e-mail address."""
    group = _group(request, pk, "plan.manage_expert_groups")
    form = ExpertGroupMemberForm(request.POST or None, city_id=group.process.city_id, auto_id="member_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            person = selectors.person_by_email(data["email"])
            if person is None:
                form.add_error("email", _("There is no account with this e-mail address. Ask the person to register."))
            else:
                member, status = workspace.attempt(
                    form,
                    lambda: services.expert_group_member_add(
                        user=request.user,
                        group=group,
                        person=person,
                        role=data["role"],
                        department=data["department"],
                        organisation=data["organisation"],
                    ),
                    fields={"person": "email"},
                )
                if member is not None:
                    messages.success(
                        request,
                        _("%(name)s is now a member of the group.") % {"name": person.display_name or person.email},
                    )
                    return redirect("plan:group_members", pk=group.pk)
    return render(
        request,
        "plan/group_members.html",
        {
            "group": group,
            "process": group.process,
            "crumbs": _crumbs(request, group),
            "members": selectors.expert_group_member_rows(group, _language()),
            "form": form,
        },
        status=status,
    )


@login_required
def member_remove_view(request, pk, member):
    """A confirmation, then the person leaves the group."""
    group = _group(request, pk, "plan.manage_expert_groups")
    membership = selectors.expert_group_member_get(group, member)
    if membership is None:
        raise NotFound()
    name = membership.user.display_name or membership.user.email
    if request.method == "POST":
        services.expert_group_member_remove(user=request.user, member=membership)
        messages.success(request, _("%(name)s is no longer a member of the group.") % {"name": name})
        return redirect("plan:group_members", pk=group.pk)
    return render(
        request,
        "plan/group_member_remove.html",
        {"group": group, "process": group.process, "crumbs": _crumbs(request, group), "name": name},
    )


# == the group's draft ==========================================================================================


def _editor(request, pk) -> workspace.Editor:
    group = _group(request, pk)
    name = _group_name(group)
    return workspace.Editor(
        owner=group,
        process=group.process,
        url_prefix="plan:group_",
        url_kwargs={"pk": group.pk},
        title=_("Draft of %(group)s") % {"group": name},
        breadcrumbs=_crumbs(request, group),
        top_kinds=(),  # the draft is its field of action's section: it starts from the plan
    )


@login_required
def draft_view(request, pk):
    """The group's draft in the section editor; before it is started, the page that starts it."""
    editor = _editor(request, pk)
    group = editor.owner
    if not selectors.group_draft_tree(group, settings.LANGUAGE_CODE).nodes:
        return render(
            request,
            "plan/group_draft_start.html",
            {
                "group": group,
                "process": group.process,
                "crumbs": editor.breadcrumbs,
                "title": editor.title,
                "can_work": rules.has_perm("plan.work_in_expert_group", request.user, group),
                "source": selectors.group_draft_source(group),
            },
        )
    return workspace.editor_view(request, editor)


@require_POST
@login_required
def draft_start_view(request, pk):
    """Start the group's draft from what the newest version of the plan says about its field."""
    group = _group(request, pk, "plan.work_in_expert_group")
    count = services.group_draft_start(user=request.user, group=group)
    messages.success(request, _("The draft was started with %(count)d sections from the plan.") % {"count": count})
    return redirect("plan:group_editor", pk=group.pk)


@login_required
def section_add_view(request, pk):
    return workspace.section_add_view(request, _editor(request, pk))


@login_required
def section_edit_view(request, pk, key):
    return workspace.section_edit_view(request, _editor(request, pk), key)


@login_required
def section_move_view(request, pk, key):
    return workspace.section_move_view(request, _editor(request, pk), key)


@login_required
def section_remove_view(request, pk, key):
    return workspace.section_remove_view(request, _editor(request, pk), key)


@login_required
def section_translate_view(request, pk, key):
    return workspace.section_translate_view(request, _editor(request, pk), key)


# == adoption into the plan (coordinators) ======================================================================


@login_required
def adopt_view(request, pk):
    """What adopting the group's draft replaces in the plan's working draft, then the adoption."""
    group = _group(request, pk, "plan.adopt_group_draft")
    preview = selectors.group_adoption_preview(group)
    error, status = None, 200
    if request.method == "POST":
        try:
            version = services.group_draft_adopt(user=request.user, group=group)
        except ApplicationError as refusal:
            if isinstance(refusal, NotFound):
                raise
            error, status = refusal.message, refusal.status_code
        else:
            messages.success(
                request,
                _("The group's draft is now part of version %(number)s of the plan.") % {"number": version.number},
            )
            return redirect("plan:work_editor", slug=group.process.slug, number=version.number)
    return render(
        request,
        "plan/group_adopt.html",
        {
            "group": group,
            "process": group.process,
            "crumbs": _crumbs(request, group),
            "preview": preview,
            "error_message": error,
        },
        status=status,
    )
