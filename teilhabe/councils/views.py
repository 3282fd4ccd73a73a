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
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from teilhabe.administration.models import Department
from teilhabe.contributions.selectors import contribution_visible
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fragments import cached_fragments, fragment_key
from teilhabe.core.page_cache import cache_public_page
from teilhabe.core.ui import attempt_for_form as _attempt
from teilhabe.councils import selectors, services
from teilhabe.councils.district_html import district_lists
from teilhabe.councils.forms import (
    AgendaItemForm,
    AttendanceForm,
    BudgetYearForm,
    ConsultationContributionForm,
    ConsultationForm,
    CorrectionForm,
    DecisionForm,
    FundingForm,
    MemberPhotoForm,
    MembershipAddForm,
    MembershipChangeForm,
    PaperContributionForm,
    PositionForm,
    VoteForm,
    WithdrawalForm,
)
from teilhabe.councils.models import CouncilMembership
from teilhabe.councils.page_versions import (
    council_list_page_versions,
    district_fragment_parts,
    district_page_versions,
    session_page_versions,
)
from teilhabe.councils.report import render_annual_report
from teilhabe.events.models import Event
from teilhabe.plan import selectors as plan_selectors
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
    language = _language()
    parts = district_fragment_parts(slug, parsed)
    key = fragment_key("council-district", language, [space.pk, *(parts or [timezone.now().timestamp()])])

    def render_body(_items):
        page = selectors.district_page(process, space, language)
        lists = district_lists(page, selectors.contribution_url_maker())
        html = render_to_string(
            "councils/_district_body.html",
            {"process": process, "page": page, "space": space, "lists": lists},
            request=request,
        )
        return {space.pk: (html, False)}

    body = cached_fragments({space.pk: key}, render_body)[space.pk]
    return render(request, "councils/public_district.html", {"process": process, "body": body, "space": space})


def member_photo_view(request, slug, number, member):
    """``/p/<slug>/beiraete/<n>/mitglieder/<id>/foto``: a member's photo, only while they consent to it and to
    their name being shown; otherwise (no such member, no photo, no consent) a 404 like any missing page."""
    process = _process_or_404(slug)
    parsed = _number(number)
    name = selectors.public_member_photo(process, parsed, member) if parsed is not None else None
    if name is None:
        raise NotFound()
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    # Revalidated on every view: a withdrawn consent takes effect at once, in browsers and shared caches.
    response["Cache-Control"] = "no-cache"
    return response


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
    return render(
        request,
        "councils/work_list.html",
        {
            "spaces": selectors.workspace_spaces(request.user),
            "cities": selectors.coordinated_cities(request.user),
            "awaiting": selectors.positions_awaiting_routing(request.user),
            "year": timezone.localdate().year,
        },
    )


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
            "positions": selectors.position_rows(space, public=False),
            "consultations": selectors.consultation_rows(space),
            "can_consult": rules.has_perm("councils.open_consultation", request.user, space),
            "can_draft": rules.has_perm("councils.draft_statement", request.user, space),
            "year": timezone.localdate().year,
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
    return _membership_page(request, space, membership, form=form, status=status)


def _membership_page(request, space, membership, *, form=None, photo_form=None, status=200):
    initial = {
        "role": membership.role,
        "term_start": membership.term_start,
        "term_end": membership.term_end,
        "name_public": membership.name_public,
    }
    return render(
        request,
        "councils/work_membership.html",
        {
            "space": space,
            "membership": membership,
            "form": form or MembershipChangeForm(initial=initial, auto_id="member_%s"),
            "photo_form": photo_form or MemberPhotoForm(auto_id="photo_%s"),
            "photo_preview": selectors.membership_photo_preview(membership),
        },
        status=status,
    )


@login_required
def membership_photo_view(request, pk, member):
    """POST: store a member's photo (with their consent), or with ``remove`` delete it (consent withdrawn)."""
    space, membership = _membership(request, pk, member)
    if request.method != "POST":
        return redirect("councils:membership", pk=space.pk, member=membership.pk)
    if "remove" in request.POST:
        services.membership_photo_remove(user=request.user, membership=membership)
        messages.success(request, _("The photo was deleted."))
        return redirect("councils:membership", pk=space.pk, member=membership.pk)
    form = MemberPhotoForm(request.POST, request.FILES, auto_id="photo_%s")
    if form.is_valid():
        changed, status = _attempt(
            form,
            lambda: services.membership_photo_set(
                user=request.user,
                membership=membership,
                upload=form.cleaned_data["photo"],
                consent=form.cleaned_data["consent"],
            ),
        )
        if changed is not None:
            messages.success(request, _("The photo was saved. It is shown on the council's public page."))
            return redirect("councils:membership", pk=space.pk, member=membership.pk)
    return _membership_page(request, space, membership, photo_form=form, status=400)


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


def _attendance_form(space, session, data=None):
    _present, guests, ids = selectors.session_attendance(session)
    memberships = CouncilMembership.objects.filter(space=space).select_related("user").order_by("role", "pk")
    initial = {"members": ids, "guests": guests or 0}
    return AttendanceForm(data, initial=initial, memberships=memberships, auto_id="attendance_%s")


def _agenda_page(request, space, session, *, form=None, decision_forms=None, attendance_form=None, status=200):
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
            "attendance_form": attendance_form or _attendance_form(space, session),
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


# == formal statements (members draft and vote; the chair submits; a coordinator routes) ======================


def _position_subject(form, process):
    """The section, measure (by its code) and contribution (by its number) a statement form names, or an error on
    the form: (section, measure, contribution, ok)."""
    data = form.cleaned_data
    measure = contribution = section = None
    if data.get("section"):
        section = selectors.plan_section_get(data["section"])
    if data.get("measure"):
        measure = plan_selectors.measure_get(process, data["measure"].strip()) if process else None
        if measure is None:
            form.add_error("measure", _("The plan of this process has no measure with this code."))
    if data.get("about_contribution"):
        contribution = contribution_visible(user=AnonymousUser(), pk=data["about_contribution"])
        if contribution is None or (process is not None and contribution.process_id != process.pk):
            form.add_error("about_contribution", _("There is no published contribution with this number here."))
            contribution = None
    return section, measure, contribution, not form.errors


def _position_form(space, data=None, initial=None):
    processes = selectors.council_processes(space)
    sections = selectors.plan_section_choices(processes, _language())
    return PositionForm(data, initial=initial, processes=processes, sections=sections, auto_id="position_%s")


@login_required
def position_new_view(request, pk):
    """A member drafts a statement of the council."""
    space = _space(request, pk, "councils.draft_statement")
    form = _position_form(space, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            field = form.cleaned_data["field_of_action"]
            section, measure, contribution, ok = _position_subject(form, field.process)
            if ok:
                position, status = _attempt(
                    form,
                    lambda: services.position_draft(
                        user=request.user,
                        space=space,
                        process=field.process,
                        title=form.cleaned_data["title"],
                        text=form.cleaned_data["text"],
                        field_of_action=field,
                        measure=measure,
                        about_contribution=contribution,
                        section=section,
                    ),
                )
                if position is not None:
                    messages.success(request, _("The draft was saved. Record the council's vote once adopted."))
                    return redirect("councils:position", pk=space.pk, position=position.pk)
    return render(request, "councils/work_position_new.html", {"space": space, "form": form}, status=status)


def _vote_form(position, data=None):
    initial = {
        "session": position.session_id,
        "yes": position.votes_yes,
        "no": position.votes_no,
        "abstain": position.votes_abstain,
        "department": position.department_id,
        "due_date": position.due_date,
    }
    sessions = Event.objects.filter(pk__in=[s.pk for s in selectors.held_sessions(position.space, position.process)])
    departments = Department.objects.filter(city_id=position.space.district.city_id).order_by("code")
    return VoteForm(data, initial=initial, sessions=sessions, departments=departments, auto_id="vote_%s")


def _position_page(
    request, space, position, *, form=None, vote_form=None, correction_form=None, withdrawal_form=None, status=200
):
    user = request.user
    can_amend = (
        position.state in ("submitted", "forwarded")
        and rules.has_perm("councils.amend_statement", user, space)
        and not selectors.position_is_answered(position)
    )
    if can_amend:
        correction_form = correction_form or CorrectionForm(
            initial={"title": position.title, "text": position.text}, auto_id="correct_%s"
        )
        withdrawal_form = withdrawal_form or WithdrawalForm(auto_id="withdraw_%s")
    can_draft = position.state == "draft" and rules.has_perm("councils.draft_statement", user, space)
    if can_draft:
        form = form or _position_form(
            space,
            initial={
                "title": position.title,
                "text": position.text,
                "field_of_action": position.field_of_action_id,
                "measure": position.measure.code if position.measure else "",
                "about_contribution": position.about_contribution_id,
                "section": position.section_id,
            },
        )
        vote_form = vote_form or _vote_form(position)
    rows = [row for row in selectors.position_rows(space, public=False) if row.pk == position.pk]
    return render(
        request,
        "councils/work_position.html",
        {
            "space": space,
            "position": position,
            "row": rows[0],
            "form": form if can_draft else None,
            "vote_form": vote_form if can_draft else None,
            "can_submit": position.state == "draft"
            and position.votes_yes is not None
            and rules.has_perm("councils.submit_statement", user, space),
            "on_behalf": position.space_id not in selectors.chaired_space_ids(user),
            "can_route": position.state == "submitted" and rules.has_perm("councils.route_statement", user, space),
            "correction_form": correction_form if can_amend else None,
            "withdrawal_form": withdrawal_form if can_amend else None,
            "history": selectors.position_history(position),
        },
        status=status,
    )


def _position(request, pk, position):
    space = _space(request, pk)
    found = selectors.position_get(space, position)
    if found is None:
        raise NotFound()
    return space, found


@login_required
def position_view(request, pk, position):
    """A statement: its draft (members change it and record the vote), submitting (chair, or a coordinator on the
    chair's behalf), routing (coordinators) and the department's answer."""
    space, found = _position(request, pk, position)
    if request.method != "POST":
        return _position_page(request, space, found)
    action = request.POST.get("action")
    if action == "change":
        form = _position_form(space, request.POST)
        if form.is_valid():
            field = form.cleaned_data["field_of_action"]
            section, measure, contribution, ok = _position_subject(form, found.process)
            if ok:
                done, status = _attempt(
                    form,
                    lambda: services.position_change(
                        user=request.user,
                        position=found,
                        title=form.cleaned_data["title"],
                        text=form.cleaned_data["text"],
                        field_of_action=field,
                        measure=measure,
                        about_contribution=contribution,
                        section=section,
                    ),
                )
                if done is not None:
                    messages.success(request, _("The draft was saved."))
                    return redirect("councils:position", pk=space.pk, position=found.pk)
        return _position_page(request, space, found, form=form, status=400)
    if action == "vote":
        vote_form = _vote_form(found, request.POST)
        if vote_form.is_valid():
            data = vote_form.cleaned_data
            done, status = _attempt(
                vote_form,
                lambda: services.position_vote_record(
                    user=request.user,
                    position=found,
                    session=data["session"],
                    yes=data["yes"],
                    no=data["no"],
                    abstain=data["abstain"],
                    department=data["department"],
                    due_date=data["due_date"],
                ),
            )
            if done is not None:
                messages.success(request, _("The vote was recorded."))
                return redirect("councils:position", pk=space.pk, position=found.pk)
        return _position_page(request, space, found, vote_form=vote_form, status=400)
    if action == "correct":
        correction_form = CorrectionForm(request.POST, auto_id="correct_%s")
        if correction_form.is_valid():
            data = correction_form.cleaned_data
            done, status = _attempt(
                correction_form,
                lambda: services.position_correct(
                    user=request.user, position=found, title=data["title"], text=data["text"], reason=data["reason"]
                ),
            )
            if done is not None:
                messages.success(request, _("The statement was corrected."))
                return redirect("councils:position", pk=space.pk, position=found.pk)
        return _position_page(request, space, found, correction_form=correction_form, status=400)
    if action == "withdraw":
        withdrawal_form = WithdrawalForm(request.POST, auto_id="withdraw_%s")
        if withdrawal_form.is_valid():
            done, status = _attempt(
                withdrawal_form,
                lambda: services.position_withdraw(
                    user=request.user, position=found, reason=withdrawal_form.cleaned_data["reason"]
                ),
            )
            if done is not None:
                messages.success(request, _("The statement was withdrawn."))
                return redirect("councils:position", pk=space.pk, position=found.pk)
        return _position_page(request, space, found, withdrawal_form=withdrawal_form, status=400)
    try:
        if action == "submit":
            done = services.position_submit(user=request.user, position=found)
            if done.state == "forwarded":
                messages.success(request, _("The statement was submitted and routed to the department."))
            else:
                messages.success(request, _("The statement was submitted. A coordinator routes it to the department."))
        elif action == "route":
            services.position_route(user=request.user, position=found)
            messages.success(request, _("The statement was routed to the department."))
        else:
            raise NotFound()
    except ApplicationError as error:
        if isinstance(error, NotFound | NotAllowed):
            raise
        messages.error(request, error.message)
    return redirect("councils:position", pk=space.pk, position=found.pk)


# == the council budget ========================================================================================


def _year(value) -> int:
    if not (isinstance(value, str) and re.fullmatch(r"20[0-9]{2}", value)):
        raise NotFound()
    return int(value)


@login_required
def city_budget_view(request, city, year):
    """A coordinator sets a year's budget of all councils of the city and sees every council's share, what it
    funded and its balance."""
    city_obj = selectors.city_get(city)
    if city_obj is None:
        raise NotFound()
    if not rules.has_perm("councils.manage_budget", request.user, city_obj):
        raise NotAllowed()
    number = _year(year)
    budget, rows = selectors.city_budget(city_obj.pk, number)
    initial = {"total": budget.total, "rule": budget.rule} if budget else None
    form = BudgetYearForm(request.POST or None, initial=initial, auto_id="budget_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = _attempt(
                form,
                lambda: services.budget_year_set(
                    user=request.user,
                    city=city_obj,
                    year=number,
                    total=form.cleaned_data["total"],
                    rule=form.cleaned_data["rule"],
                ),
            )
            if done is not None:
                messages.success(request, _("The budget of %(year)d was shared among the councils.") % {"year": number})
                return redirect("councils:city_budget", city=city_obj.pk, year=number)
    return render(
        request,
        "councils/work_city_budget.html",
        {"city": city_obj, "year": number, "budget": budget, "rows": rows, "form": form},
        status=status,
    )


@login_required
def space_budget_view(request, pk, year):
    """A council's budget of a year: its share, what it funded (with the session that decided it), the balance;
    members and coordinators record a funded activity."""
    space = _space(request, pk)
    number = _year(year)
    user = request.user
    can_record = rules.has_perm("councils.record_funding", user, space)
    can_override = rules.has_perm("councils.override_budget", user, space)
    sessions = Event.objects.filter(type="council_session", organiser_council=space, state="held").order_by(
        "-starts_at"
    )
    form = FundingForm(request.POST or None, sessions=sessions, can_override=can_override, auto_id="funding_%s")
    status = 200
    if request.method == "POST":
        if not can_record:
            raise NotAllowed()
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = _attempt(
                form,
                lambda: services.funding_record(
                    user=user,
                    space=space,
                    year=number,
                    activity=data["activity"],
                    amount=data["amount"],
                    date=data["date"],
                    session=data["session"],
                    override_reason=data.get("override_reason", ""),
                ),
                fields={"year": "date"},
            )
            if done is not None:
                messages.success(request, _("The funded activity was recorded."))
                return redirect("councils:space_budget", pk=space.pk, year=number)
    return render(
        request,
        "councils/work_space_budget.html",
        {
            "space": space,
            "summary": selectors.budget_summary(space, number),
            "form": form if can_record else None,
            "previous": number - 1,
            "next": number + 1,
        },
        status=status,
    )


@login_required
def annual_report_view(request, pk, year):
    """The council's annual report of a year as a tagged PDF, in the reader's language (members and
    coordinators)."""
    space = _space(request, pk)
    number = _year(year)
    data = render_annual_report(space, number, _language())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="jahresbericht-beirat-{space.district.number}-{number}.pdf"'
    )
    return response


# == district consultations ====================================================================================


@login_required
def consultation_new_view(request, pk):
    """A council opens a consultation of its own (members and coordinators)."""
    space = _space(request, pk, "councils.open_consultation")
    form = ConsultationForm(request.POST or None, processes=selectors.council_processes(space), auto_id="cons_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            consultation, status = _attempt(
                form,
                lambda: services.consultation_open(
                    user=request.user,
                    space=space,
                    process=data["field_of_action"].process,
                    question=data["question"],
                    description=data["description"],
                    field_of_action=data["field_of_action"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                ),
            )
            if consultation is not None:
                messages.success(request, _("The consultation was opened."))
                return redirect("councils:consultation_work", pk=space.pk, consultation=consultation.pk)
    return render(request, "councils/work_consultation_new.html", {"space": space, "form": form}, status=status)


@login_required
def consultation_work_view(request, pk, consultation):
    """A consultation in the workspace: what came in; coordinators enter contributions that came on paper."""
    space = _space(request, pk)
    found = selectors.consultation_get(space, consultation)
    if found is None:
        raise NotFound()
    can_enter = rules.has_perm("contributions.enter_analog", request.user, found.process)
    form = PaperContributionForm(request.POST or None, auto_id="paper_%s") if can_enter else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise NotAllowed()
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = _attempt(
                form,
                lambda: services.consultation_enter_paper(
                    user=request.user,
                    consultation=found,
                    title=data["title"],
                    body=data["body"],
                    original_date=data["original_date"],
                    form_serial=data["form_serial"],
                    publication_consent=data["publication_consent"],
                ),
            )
            if done is not None:
                messages.success(request, _("The paper contribution was entered."))
                return redirect("councils:consultation_work", pk=space.pk, consultation=found.pk)
    return render(
        request,
        "councils/work_consultation.html",
        {
            "space": space,
            "consultation": found,
            "is_open": services.consultation_is_open(found),
            "contributions": selectors.consultation_contributions(found),
            "form": form,
        },
        status=status,
    )


@cache_public_page(_session_versions)
def consultation_view(request, slug, number, pk):
    """``/p/<slug>/beiraete/<n>/befragung/<id>/``: a council's consultation — the question, its dates, what came in
    and, while it is open, a form to answer (the page with the form is not kept whole: it has a CSRF token)."""
    process = _process_or_404(slug)
    parsed = _number(number)
    space = selectors.space_of_district(process, parsed) if parsed is not None else None
    found = selectors.consultation_get(space, pk) if space is not None else None
    if found is None or found.process_id != process.pk:
        raise NotFound()
    is_open = services.consultation_is_open(found)
    anonymous = not request.user.is_authenticated
    form = (
        ConsultationContributionForm(request.POST or None, anonymous=anonymous, auto_id="answer_%s")
        if is_open
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise NotFound()
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            contribution, status = _attempt(
                form,
                lambda: services.consultation_contribute(
                    user=request.user,
                    consultation=found,
                    title=data["title"],
                    body=data["body"],
                    author_email=data.get("author_email", ""),
                    publication_consent=data["publication_consent"],
                ),
            )
            if contribution is not None:
                if not contribution.author_id:
                    return redirect("contributions:submitted", pk=contribution.pk)
                messages.success(request, _("Thank you. Your contribution was received."))
                return redirect("contributions:detail", pk=contribution.pk)
    return render(
        request,
        "councils/public_consultation.html",
        {
            "process": process,
            "space": space,
            "consultation": found,
            "is_open": is_open,
            "contributions": selectors.consultation_contributions(found),
            "form": form,
        },
        status=status,
    )


@login_required
def attendance_view(request, pk, session):
    """Record the members present and the guests of a session (POST from the agenda page)."""
    space, event = _session(request, pk, session)
    if request.method != "POST":
        return redirect("councils:session_agenda", pk=space.pk, session=event.pk)
    form = _attendance_form(space, event, request.POST)
    status = 400
    if form.is_valid():
        done, status = _attempt(
            form,
            lambda: services.attendance_record(
                user=request.user,
                session=event,
                members=form.cleaned_data["members"],
                guests=form.cleaned_data["guests"],
            ),
        )
        if done is not None:
            messages.success(request, _("The attendance was recorded."))
            return redirect("councils:session_agenda", pk=space.pk, session=event.pk)
    return _agenda_page(request, space, event, attendance_form=form, status=status)
