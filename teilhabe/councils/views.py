"""The councils' pages: public ones under /p/<slug>/beiraete/, the members' and coordinators' under
/verwaltung/beiraete/.

Anonymous readers get the public pages whole from the page cache (``page_versions``). Views parse input with
forms, call a selector or service and render; permissions are asked once per page.
"""

from __future__ import annotations

import re

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.page_cache import cache_public_page
from teilhabe.core.ui import apply_errors
from teilhabe.councils import selectors, services
from teilhabe.councils.forms import AgendaItemForm, DecisionForm, MembershipAddForm, MembershipChangeForm
from teilhabe.councils.page_versions import council_list_page_versions, district_page_versions, session_page_versions
from teilhabe.processes.selectors import process_get_published

_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _number(value) -> int | None:
    """A district number as written in its URL ("3"; not "03" or "+3")."""
    return int(value) if isinstance(value, str) and _NUMBER.fullmatch(value) else None


def _process_or_404(slug):
    process = process_get_published(slug=slug)
    if process is None:
        raise NotFound()
    return process


def _attempt(form, run, *, fields: dict | None = None):
    """Run a service for a valid form: (its result, None), or (None, the status) with the refusal on the form."""
    try:
        return run(), None
    except ApplicationError as error:
        if isinstance(error, NotFound | NotAllowed):
            raise
        if fields:
            error.field_errors = {fields.get(name, name): message for name, message in error.field_errors.items()}
        apply_errors(form, error)
        return None, error.status_code


# == public pages ===============================================================================================


def _list_versions(request, slug):
    return council_list_page_versions(slug)


@cache_public_page(_list_versions)
def council_list_view(request, slug):
    """``/p/<slug>/beiraete/``: the district integration councils of the process's city."""
    process = _process_or_404(slug)
    return render(
        request, "councils/public_list.html", {"process": process, "rows": selectors.space_rows(process.city_id)}
    )


def _district_versions(request, slug, number):
    parsed = _number(number)
    return None if parsed is None else district_page_versions(slug, parsed)


@cache_public_page(_district_versions)
def district_view(request, slug, number):
    """``/p/<slug>/beiraete/<n>/``: a council, its sessions and what the process holds for its district."""
    process = _process_or_404(slug)
    parsed = _number(number)
    space = selectors.space_of_district(process, parsed) if parsed is not None else None
    if space is None:
        raise NotFound(_("This district has no integration council here."))
    page = selectors.district_page(process, space, _language())
    return render(request, "councils/public_district.html", {"process": process, "page": page, "space": space})


def _session_versions(request, slug, number, pk):
    parsed = _number(number)
    return None if parsed is None else session_page_versions(slug, parsed)


@cache_public_page(_session_versions)
def session_view(request, slug, number, pk):
    """``/p/<slug>/beiraete/<n>/sitzungen/<id>/``: a public session — when and where, its accessibility, the
    agenda and what was decided; its documents and minutes are on the event's page."""
    process = _process_or_404(slug)
    parsed = _number(number)
    space = selectors.space_of_district(process, parsed) if parsed is not None else None
    session = selectors.session_get(space, pk, public=True) if space is not None else None
    if session is None or session.process_id != process.pk:
        raise NotFound()
    return render(
        request,
        "councils/public_session.html",
        {"process": process, "space": space, "page": selectors.session_page(session)},
    )


# == members' and coordinators' pages ===========================================================================


def _space(request, pk, perm: str = "councils.view_space"):
    """The space ``pk`` if the person may ``perm`` it: 404 for no such space, 403 for someone not allowed."""
    space = selectors.workspace_space(pk)
    if space is None:
        raise NotFound()
    if not rules.has_perm(perm, request.user, space):
        raise NotAllowed()
    return space


@login_required
def my_councils_view(request):
    """The councils someone works with: their own, or every council of the cities they coordinate in."""
    if not selectors.has_council_work(request.user):
        raise NotAllowed()
    return render(request, "councils/work_list.html", {"spaces": selectors.workspace_spaces(request.user)})


@login_required
def space_view(request, pk):
    """A council's workspace: its members (all of them, named), and for coordinators a form to add one."""
    space = _space(request, pk)
    can_manage = rules.has_perm("councils.manage_members", request.user, space)
    form = None
    status = 200
    if can_manage:
        form = MembershipAddForm(request.POST or None, auto_id="member_%s")
    elif request.method == "POST":
        raise NotAllowed()
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            person = selectors.person_by_email(data["email"])
            if person is None:
                form.add_error("email", _("There is no account with this e-mail address. Ask the person to register."))
            else:
                membership, status = _attempt(
                    form,
                    lambda: services.membership_add(
                        user=request.user,
                        space=space,
                        person=person,
                        role=data["role"],
                        term_start=data["term_start"],
                        term_end=data["term_end"],
                        name_public=data["name_public"],
                    ),
                    fields={"person": "email"},
                )
                if membership is not None:
                    messages.success(
                        request, _("%(name)s is now a member of the council.") % {"name": person.public_name}
                    )
                    return redirect("councils:space", pk=space.pk)
    return render(
        request,
        "councils/work_space.html",
        {
            "space": space,
            "members": selectors.member_rows(space),
            "sessions": selectors.space_sessions(space),
            "can_manage": can_manage,
            "form": form,
        },
        status=status,
    )


def _membership(request, pk, member):
    space = _space(request, pk, "councils.manage_members")
    membership = selectors.membership_get(space, member)
    if membership is None:
        raise NotFound()
    return space, membership


@login_required
def membership_view(request, pk, member):
    """Change a member's role, term or public naming."""
    space, membership = _membership(request, pk, member)
    initial = {
        "role": membership.role,
        "term_start": membership.term_start,
        "term_end": membership.term_end,
        "name_public": membership.name_public,
    }
    form = MembershipChangeForm(request.POST or None, initial=initial, auto_id="member_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            changed, status = _attempt(
                form,
                lambda: services.membership_change(
                    user=request.user,
                    membership=membership,
                    role=data["role"],
                    term_start=data["term_start"],
                    term_end=data["term_end"],
                    name_public=data["name_public"],
                ),
            )
            if changed is not None:
                messages.success(request, _("The membership was saved."))
                return redirect("councils:space", pk=space.pk)
    return render(
        request,
        "councils/work_membership.html",
        {"space": space, "membership": membership, "form": form},
        status=status,
    )


@login_required
def membership_remove_view(request, pk, member):
    """A confirmation, then the person leaves the council."""
    space, membership = _membership(request, pk, member)
    if request.method == "POST":
        services.membership_remove(user=request.user, membership=membership)
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user.public_name})
        return redirect("councils:space", pk=space.pk)
    return render(request, "councils/work_membership_remove.html", {"space": space, "membership": membership})


# == the agenda of a session (members and coordinators) ========================================================


def _session(request, pk, session_pk):
    space = _space(request, pk)
    session = selectors.session_get(space, session_pk, public=False)
    if session is None:
        raise NotFound()
    if not rules.has_perm("councils.edit_agenda", request.user, session):
        raise NotAllowed()
    return space, session


def _agenda_page(request, space, session, *, form=None, decision_forms=None, status=200):
    decision_forms = decision_forms or {}
    items = [
        (item, decision_forms.get(item.pk) or DecisionForm(initial={"decision": item.decision}, prefix=f"d{item.pk}"))
        for item in selectors.agenda_of(session)
    ]
    return render(
        request,
        "councils/work_session.html",
        {
            "space": space,
            "session": session,
            "page": selectors.session_page(session),
            "items": items,
            "form": form or AgendaItemForm(auto_id="agenda_%s"),
            "decisions_open": session.starts_at <= timezone.now(),
        },
        status=status,
    )


@login_required
def session_agenda_view(request, pk, session):
    """A session's agenda: add items; once the session has begun, record the decisions."""
    space, event = _session(request, pk, session)
    if request.method != "POST":
        return _agenda_page(request, space, event)
    form = AgendaItemForm(request.POST, auto_id="agenda_%s")
    status = 400
    if form.is_valid():
        item, status = _attempt(
            form,
            lambda: services.agenda_item_add(
                user=request.user,
                session=event,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            ),
        )
        if item is not None:
            messages.success(request, _("The agenda item was added."))
            return redirect("councils:session_agenda", pk=space.pk, session=event.pk)
    return _agenda_page(request, space, event, form=form, status=status)


@login_required
def agenda_decision_view(request, pk, session, item):
    """Record the decision on one agenda item (POST from the agenda page)."""
    space, event = _session(request, pk, session)
    agenda_item = selectors.agenda_item_get(event, item)
    if agenda_item is None:
        raise NotFound()
    if request.method != "POST":
        return redirect("councils:session_agenda", pk=space.pk, session=event.pk)
    form = DecisionForm(request.POST, prefix=f"d{agenda_item.pk}")
    status = 400
    if form.is_valid():
        done, status = _attempt(
            form,
            lambda: services.agenda_decision_record(
                user=request.user, item=agenda_item, decision=form.cleaned_data["decision"]
            ),
        )
        if done is not None:
            messages.success(request, _("The decision was recorded."))
            return redirect("councils:session_agenda", pk=space.pk, session=event.pk)
    return _agenda_page(request, space, event, decision_forms={agenda_item.pk: form}, status=status)
