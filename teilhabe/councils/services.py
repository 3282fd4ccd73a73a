"""Changing the district integration councils. Every change: permission checked, one transaction, an audit entry,
and the council's public page made stale on commit (``council_changed``)."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import io
import uuid
import warnings

import filetype
import rules
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from teilhabe.administration.services import routing_route, routing_withdraw
from teilhabe.contributions.models import RemovalReason, Status
from teilhabe.contributions.services import contribution_admin_change, contribution_create, contribution_record_analog
from teilhabe.core.cache_versions import cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.councils.budget import largest_remainder
from teilhabe.councils.models import (
    ACTIVITY_MAX,
    AGENDA_TEXT_MAX,
    AGENDA_TITLE_MAX,
    STATEMENT_TEXT_MAX,
    STATEMENT_TITLE_MAX,
    AgendaItem,
    AllocationRule,
    BudgetYear,
    CouncilAllocation,
    CouncilMembership,
    CouncilPosition,
    CouncilRole,
    DistrictConsultation,
    DistrictSpace,
    FundedActivity,
    PositionRevision,
    PositionState,
    RevisionKind,
    SessionAttendance,
)
from teilhabe.councils.selectors import (
    COUNCIL_NAMESPACE,
    allocation_of,
    chaired_space_ids,
    position_is_answered,
    spent_of,
)
from teilhabe.events.models import Event, EventState
from teilhabe.plan.models import PUBLISHED_STATES

AGENDA_ITEMS_MAX = 60


def _require(user, perm: str, obj) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed()


def _raise(errors: dict) -> None:
    if errors:
        raise ApplicationError(next(iter(errors.values())), field_errors=errors)


def council_changed(space_id: int) -> None:
    """After commit: the council's public page is stale."""
    cache_version_bump(COUNCIL_NAMESPACE, space_id)


def _check_seat(space: DistrictSpace, role, term_start, term_end, *, membership=None, errors: dict) -> None:
    if role not in CouncilRole.values:
        errors["role"] = _("Please choose a role from the list.")
    elif role == CouncilRole.CHAIR:
        chairs = CouncilMembership.objects.filter(space=space, role=CouncilRole.CHAIR)
        if membership is not None:
            chairs = chairs.exclude(pk=membership.pk)
        if chairs.exists():
            errors["role"] = _("The council has a chair already. Change the current chair's role first.")
    for field, value in (("term_start", term_start), ("term_end", term_end)):
        if value is not None and not isinstance(value, datetime.date):
            errors[field] = _("Please give a date, for example 2027-01-31.")
    if isinstance(term_start, datetime.date) and isinstance(term_end, datetime.date) and term_end < term_start:
        errors["term_end"] = _("The term cannot end before it begins.")


def _seat_data(membership: CouncilMembership) -> dict:
    return {
        "space": membership.space_id,
        "person": membership.user_id,
        "role": membership.role,
        "term_start": membership.term_start.isoformat() if membership.term_start else None,
        "term_end": membership.term_end.isoformat() if membership.term_end else None,
        "name_public": membership.name_public,
    }


@transaction.atomic
def membership_add(
    *,
    user,
    space: DistrictSpace,
    person,
    role: str = CouncilRole.MEMBER,
    term_start: datetime.date | None = None,
    term_end: datetime.date | None = None,
    name_public: bool = False,
) -> CouncilMembership:
    """A person joins the council (a coordinator records it)."""
    _require(user, "councils.manage_members", space)
    DistrictSpace.objects.select_for_update().get(pk=space.pk)  # one chair: memberships of a space one at a time
    errors = {}
    if person is None or not person.is_active:
        errors["person"] = _("Please choose a person with an account.")
    elif CouncilMembership.objects.filter(space=space, user=person).exists():
        errors["person"] = _("This person is a member already.")
    _check_seat(space, role, term_start, term_end, errors=errors)
    _raise(errors)
    membership = CouncilMembership.objects.create(
        space=space,
        user=person,
        role=role,
        term_start=term_start,
        term_end=term_end,
        name_public=bool(name_public),
    )
    audit_record(actor=user, action="council.member_added", obj=membership, data=_seat_data(membership))
    council_changed(space.pk)
    return membership


@transaction.atomic
def membership_change(
    *,
    user,
    membership: CouncilMembership,
    role: str,
    term_start: datetime.date | None,
    term_end: datetime.date | None,
    name_public: bool,
) -> CouncilMembership:
    """A member's role, term or consent to be named publicly changes."""
    space = membership.space
    _require(user, "councils.manage_members", space)
    DistrictSpace.objects.select_for_update().get(pk=space.pk)
    membership = CouncilMembership.objects.select_for_update().get(pk=membership.pk)
    errors = {}
    _check_seat(space, role, term_start, term_end, membership=membership, errors=errors)
    _raise(errors)
    before = _seat_data(membership)
    membership.role = role
    membership.term_start = term_start
    membership.term_end = term_end
    membership.name_public = bool(name_public)
    membership.save(update_fields=["role", "term_start", "term_end", "name_public"])
    after = _seat_data(membership)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit_record(actor=user, action="council.member_changed", obj=membership, data={"space": space.pk, **changed})
    if not membership.name_public and membership.photo:
        # A photo names a person more surely than a name: it is shown only beside the name, and goes with it.
        _photo_delete(user, membership, reason="name_consent_withdrawn")
    council_changed(space.pk)
    return membership


@transaction.atomic
def membership_remove(*, user, membership: CouncilMembership) -> None:
    """A person leaves the council."""
    space = membership.space
    _require(user, "councils.manage_members", space)
    membership = CouncilMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.photo:
        _photo_delete(user, membership, reason="membership_ended")
    audit_record(actor=user, action="council.member_removed", obj=membership, data=_seat_data(membership))
    membership.delete()
    council_changed(space.pk)


# --- a member's photo ---------------------------------------------------------------------------------------------

PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
PHOTO_MAX_PIXELS = 50_000_000  # a 50-megapixel camera's picture; more is a decompression bomb, not a portrait
PHOTO_EDGE = 480  # the longest edge of the stored photo, in pixels (the page shows it at 96)
_SNIFF_BYTES = 8192


def _photo_refused(message) -> None:
    raise ApplicationError(message, field_errors={"photo": message})


def photo_prepared(upload) -> tuple[bytes, tuple[int, int]]:
    """The JPEG to store of an uploaded photo and its size in pixels, or an ``ApplicationError`` on ``photo``.

    JPEG, PNG or WebP, sniffed from the content (never the name or the browser's word), at most
    ``TEILHABE_PHOTO_MAX_BYTES``; drawn anew from its pixels, upright, at most ``PHOTO_EDGE`` pixels on its longest
    edge: no EXIF (camera, place, time), no comments, no colour profile is kept."""
    limit = settings.TEILHABE_PHOTO_MAX_BYTES
    too_large = _("The photo is too large: at most %(size)s are allowed.") % {"size": filesizeformat(limit)}
    if upload is None or upload.size is None:
        _photo_refused(_("Please choose a photo."))
    if upload.size > limit:
        _photo_refused(too_large)
    if upload.size == 0:
        _photo_refused(_("The photo is empty."))
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        _photo_refused(too_large)
    kind = filetype.guess(content[:_SNIFF_BYTES])
    if kind is None or kind.mime not in PHOTO_TYPES:
        _photo_refused(_("A photo must be a JPEG, PNG or WebP image."))
    unreadable = _("The photo could not be read. Please choose another file.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.width * image.height > PHOTO_MAX_PIXELS:
                    _photo_refused(_("The photo has too many pixels. Please choose a smaller one."))
                image.load()
                upright = ImageOps.exif_transpose(image)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
            raise ApplicationError(unreadable, field_errors={"photo": unreadable}) from exc
    try:
        if upright.mode not in ("RGB", "L"):
            background = Image.new("RGB", upright.size, "white")  # transparency onto white, as a page shows it
            rgba = upright.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            upright = background
        upright.thumbnail((PHOTO_EDGE, PHOTO_EDGE), Image.Resampling.LANCZOS)
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
        out = io.BytesIO()
        clean.save(out, format="JPEG", quality=85, optimize=True)
    except (OSError, ValueError) as exc:  # a mode Pillow cannot bring to RGB (16-bit grey, for one)
        raise ApplicationError(unreadable, field_errors={"photo": unreadable}) from exc
    return out.getvalue(), clean.size


def _file_delete_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _photo_delete(user, membership: CouncilMembership, *, reason: str) -> None:
    """Within the caller's transaction: the photo goes (its file once the transaction commits), audited."""
    name = membership.photo.name
    membership.photo = ""
    membership.photo_public = False
    membership.save(update_fields=["photo", "photo_public"])
    audit_record(
        actor=user,
        action="council.member_photo_removed",
        obj=membership,
        data={"space": membership.space_id, "reason": reason},
    )
    _file_delete_on_commit(name)


@transaction.atomic
def membership_photo_set(*, user, membership: CouncilMembership, upload, consent: bool) -> CouncilMembership:
    """A coordinator stores a member's photo, shown on the public page beside their name: only with the member's
    consent to both (a new photo replaces the old one, whose file is deleted)."""
    _require(user, "councils.manage_members", membership.space)
    membership = CouncilMembership.objects.select_for_update().select_related("space").get(pk=membership.pk)
    errors = {}
    if consent is not True:
        errors["consent"] = _("A photo is shown only with the member's consent. Please confirm it.")
    if not membership.name_public:
        errors["consent"] = _(
            "The member's name is not shown publicly, so neither is a photo. Record their consent to be named first."
        )
    _raise(errors)
    content, (width, height) = photo_prepared(upload)
    old = membership.photo.name
    name = default_storage.save(f"councils/photos/{uuid.uuid4().hex}.jpg", ContentFile(content))
    try:
        membership.photo = name
        membership.photo_public = True
        membership.save(update_fields=["photo", "photo_public"])
        audit_record(
            actor=user,
            action="council.member_photo_set",
            obj=membership,
            data={
                "space": membership.space_id,
                "sha256": hashlib.sha256(content).hexdigest(),
                "bytes": len(content),
                "width": width,
                "height": height,
            },
        )
    except Exception:
        default_storage.delete(name)  # nothing half-saved: no file without its row
        raise
    _file_delete_on_commit(old)
    council_changed(membership.space_id)
    return membership


@transaction.atomic
def membership_photo_remove(*, user, membership: CouncilMembership) -> CouncilMembership:
    """The member withdraws their consent to the photo (a coordinator records it): the photo is deleted."""
    _require(user, "councils.manage_members", membership.space)
    membership = CouncilMembership.objects.select_for_update().get(pk=membership.pk)
    if not membership.photo:
        raise Conflict(_("There is no photo of this member."))
    _photo_delete(user, membership, reason="photo_consent_withdrawn")
    council_changed(membership.space_id)
    return membership


# --- the agenda of a session ----------------------------------------------------------------------------------


def _agenda_text(title: str, description: str, errors: dict) -> tuple[str, str]:
    title = clean_plain_text(title or "")
    description = clean_plain_text(description or "")
    if not title:
        errors["title"] = _("Please give the agenda item a title.")
    elif len(title) > AGENDA_TITLE_MAX:
        errors["title"] = _("Please shorten this text to at most %(max)d characters.") % {"max": AGENDA_TITLE_MAX}
    if len(description) > AGENDA_TEXT_MAX:
        errors["description"] = _("Please shorten this text to at most %(max)d characters.") % {"max": AGENDA_TEXT_MAX}
    return title, description


def _open_session(user, session):
    """The session, locked, if ``user`` may edit its agenda and it is neither declined nor cancelled."""
    _require(user, "councils.edit_agenda", session)
    session = Event.objects.select_for_update().get(pk=session.pk)
    if session.state in (EventState.DECLINED, EventState.CANCELLED):
        raise Conflict(_("The agenda of a cancelled or declined session is no longer changed."))
    return session


@transaction.atomic
def agenda_item_add(*, user, session, title: str, description: str = "") -> AgendaItem:
    """Put an item at the end of a session's agenda (a member of the council or a coordinator)."""
    session = _open_session(user, session)
    errors = {}
    title, description = _agenda_text(title, description, errors)
    _raise(errors)
    last = AgendaItem.objects.filter(session=session).aggregate(last=Max("position"))["last"] or 0
    if last >= AGENDA_ITEMS_MAX:
        raise ApplicationError(_("A session has at most %(max)d agenda items.") % {"max": AGENDA_ITEMS_MAX})
    item = AgendaItem.objects.create(session=session, position=last + 1, title=title, description=description)
    audit_record(actor=user, action="council.agenda_item_added", obj=item, data={"session": session.pk, "title": title})
    council_changed(session.organiser_council_id)
    return item


@transaction.atomic
def agenda_decision_record(*, user, item: AgendaItem, decision: str) -> AgendaItem:
    """Record what the council decided on an agenda item, once the session has begun."""
    session = _open_session(user, item.session)
    if session.starts_at > timezone.now():
        raise Conflict(_("A decision is recorded once the session has begun."))
    decision = clean_plain_text(decision or "")
    errors = {}
    if not decision:
        errors["decision"] = _("Please write what the council decided.")
    elif len(decision) > AGENDA_TEXT_MAX:
        errors["decision"] = _("Please shorten this text to at most %(max)d characters.") % {"max": AGENDA_TEXT_MAX}
    _raise(errors)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    before = item.decision
    item.decision = decision
    item.save(update_fields=["decision"])
    audit_record(
        actor=user,
        action="council.agenda_decision_recorded",
        obj=item,
        data={"session": session.pk, "before": before, "decision": decision},
    )
    council_changed(session.organiser_council_id)
    return item


@transaction.atomic
def agenda_item_remove(*, user, item: AgendaItem) -> None:
    """Take an item off the agenda (before a decision is recorded on it); the later items move up."""
    session = _open_session(user, item.session)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.decision:
        raise Conflict(_("An item with a recorded decision stays on the agenda."))
    audit_record(
        actor=user, action="council.agenda_item_removed", obj=item, data={"session": session.pk, "title": item.title}
    )
    position = item.position
    item.delete()
    for later in AgendaItem.objects.filter(session=session, position__gt=position).order_by("position"):
        AgendaItem.objects.filter(pk=later.pk).update(position=later.position - 1)
    council_changed(session.organiser_council_id)


# --- formal statements (Stellungnahmen des Beirats) --------------------------------------------------------------


def _position_content(
    space, process, *, title, text, field_of_action, measure, about_contribution, section=None, errors
) -> dict:
    title = clean_plain_text(title or "")
    text = clean_plain_text(text or "")
    if not title:
        errors["title"] = _("Please give the statement a title.")
    elif len(title) > STATEMENT_TITLE_MAX:
        errors["title"] = _("Please shorten this text to at most %(max)d characters.") % {"max": STATEMENT_TITLE_MAX}
    if not text:
        errors["text"] = _("Please write the statement.")
    elif len(text) > STATEMENT_TEXT_MAX:
        errors["text"] = _("Please shorten this text to at most %(max)d characters.") % {"max": STATEMENT_TEXT_MAX}
    if process is None or process.city_id != space.district.city_id:
        errors["process"] = _("Please choose a process of the council's city.")
    elif field_of_action is None or field_of_action.process_id != process.pk:
        errors["field_of_action"] = _("Please choose a field of action of this process.")
    if sum(subject is not None for subject in (measure, about_contribution, section)) > 1:
        errors["measure"] = _("A statement is on one section, measure or contribution, or on a topic of its own.")
    if section is not None and (
        process is None
        or section.version_id is None
        or section.version.process_id != process.pk
        or section.version.state not in PUBLISHED_STATES
        or section.kind == "measure"
    ):
        errors["section"] = _("Please choose a section of the published plan of this process.")
    if measure is not None and process is not None and measure.process_id != process.pk:
        errors["measure"] = _("Please choose a measure of this process.")
    if about_contribution is not None and process is not None and about_contribution.process_id != process.pk:
        errors["about_contribution"] = _("Please choose a contribution of this process.")
    return {
        "title": title,
        "text": text,
        "process": process,
        "field_of_action": field_of_action,
        "measure": measure,
        "about_contribution": about_contribution,
        "section": section,
    }


def _locked_draft(user, position: CouncilPosition) -> CouncilPosition:
    _require(user, "councils.draft_statement", position.space)
    position = (
        CouncilPosition.objects.select_for_update(of=("self",)).select_related("space__district").get(pk=position.pk)
    )
    if position.state != PositionState.DRAFT:
        raise Conflict(_("Only a draft statement can be changed."))
    return position


@transaction.atomic
def position_draft(
    *,
    user,
    space: DistrictSpace,
    process,
    title,
    text,
    field_of_action,
    measure=None,
    about_contribution=None,
    section=None,
) -> CouncilPosition:
    """A member of the council drafts a statement (only members draft)."""
    _require(user, "councils.draft_statement", space)
    errors = {}
    content = _position_content(
        space,
        process,
        title=title,
        text=text,
        field_of_action=field_of_action,
        measure=measure,
        about_contribution=about_contribution,
        section=section,
        errors=errors,
    )
    _raise(errors)
    position = CouncilPosition.objects.create(space=space, drafted_by=user, **content)
    audit_record(
        actor=user,
        action="council.statement_drafted",
        obj=position,
        data={"space": space.pk, "title": position.title, "process": process.pk},
    )
    council_changed(space.pk)
    return position


@transaction.atomic
def position_change(
    *,
    user,
    position: CouncilPosition,
    title,
    text,
    field_of_action,
    measure=None,
    about_contribution=None,
    section=None,
) -> CouncilPosition:
    """A member changes the draft's text and subject."""
    position = _locked_draft(user, position)
    errors = {}
    content = _position_content(
        position.space,
        position.process,
        title=title,
        text=text,
        field_of_action=field_of_action,
        measure=measure,
        about_contribution=about_contribution,
        section=section,
        errors=errors,
    )
    _raise(errors)
    for field, value in content.items():
        setattr(position, field, value)
    position.save()
    audit_record(actor=user, action="council.statement_changed", obj=position, data={"title": position.title})
    return position


def _count(value, field: str, errors: dict) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 999:
        errors[field] = _("Please give a number of votes (0 or more).")
        return None
    return value


@transaction.atomic
def position_vote_record(
    *, user, position: CouncilPosition, session, yes: int, no: int, abstain: int, department, due_date
) -> CouncilPosition:
    """A member records how the council adopted the statement: in which held session, with how many votes in
    favour, against and abstaining (counts only), and to which department it goes with which due date."""
    position = _locked_draft(user, position)
    errors = {}
    counts = {field: _count(value, field, errors) for field, value in (("yes", yes), ("no", no), ("abstain", abstain))}
    if not errors and counts["yes"] <= counts["no"]:
        errors["yes"] = _("A statement is adopted with more votes in favour than against.")
    if (
        session is None
        or session.organiser_council_id != position.space_id
        or session.process_id != position.process_id
        or session.type != "council_session"
        or session.state != EventState.HELD
    ):
        errors["session"] = _("Please choose a held session of the council in this process.")
    if department is None or department.city_id != position.space.district.city_id:
        errors["department"] = _("Please choose a department of the city.")
    if not isinstance(due_date, datetime.date):
        errors["due_date"] = _("Please give the date by which the answer is due, for example 2027-03-31.")
    elif due_date < timezone.localdate():
        errors["due_date"] = _("The due date cannot be in the past.")
    _raise(errors)
    position.session = session
    position.votes_yes, position.votes_no, position.votes_abstain = counts["yes"], counts["no"], counts["abstain"]
    position.department = department
    position.due_date = due_date
    position.save()
    audit_record(
        actor=user,
        action="council.statement_vote_recorded",
        obj=position,
        data={
            "session": session.pk,
            "yes": counts["yes"],
            "no": counts["no"],
            "abstain": counts["abstain"],
            "department": department.pk,
            "due_date": due_date.isoformat(),
        },
    )
    council_changed(position.space_id)
    return position


@transaction.atomic
def position_submit(*, user, position: CouncilPosition) -> CouncilPosition:
    """The chair submits the adopted statement (or a coordinator on the chair's behalf, recorded as such). A
    coordinator's submission routes it at once (``position_route``)."""
    _require(user, "councils.submit_statement", position.space)
    position = (
        CouncilPosition.objects.select_for_update(of=("self",)).select_related("space__district").get(pk=position.pk)
    )
    if position.state != PositionState.DRAFT:
        raise Conflict(_("This statement has been submitted already."))
    if position.session_id is None or position.votes_yes is None:
        raise ApplicationError(_("Record the vote of the session first: a statement is submitted once adopted."))
    if position.due_date < timezone.localdate():
        message = _("The due date has passed. Record the vote again with a new due date.")
        raise ApplicationError(message, field_errors={"due_date": message})
    on_behalf = position.space_id not in chaired_space_ids(user)
    position.state = PositionState.SUBMITTED
    position.submitted_by = user
    position.submitted_at = timezone.now()
    position.submitted_on_behalf = on_behalf
    position.save()
    audit_record(
        actor=user,
        action="council.statement_submitted",
        obj=position,
        data={"space": position.space_id, "on_behalf_of_chair": on_behalf},
    )
    council_changed(position.space_id)
    if rules.has_perm("councils.route_statement", user, position.space):
        position = position_route(user=user, position=position)
    return position


def _carried_body(position: CouncilPosition) -> str:
    """The text of the contribution that carries a statement on the answer path: the statement and its vote."""
    votes = _("Adopted in the session of %(date)s: %(yes)d in favour, %(no)d against, %(abstain)d abstentions.") % {
        "date": timezone.localdate(position.session.starts_at).isoformat(),
        "yes": position.votes_yes,
        "no": position.votes_no,
        "abstain": position.votes_abstain,
    }
    return f"{position.text}\n\n{votes}"


@transaction.atomic
def position_route(*, user, position: CouncilPosition) -> CouncilPosition:
    """A coordinator routes a submitted statement: it becomes a contribution of channel ``district_council`` with
    the session as provenance (published: a council's statement is public), routed to the department it is
    addressed to with its due date — the answer path of every contribution."""
    _require(user, "councils.route_statement", position.space)
    position = (
        CouncilPosition.objects.select_for_update(of=("self",))
        .select_related("space__district", "session", "process", "department", "field_of_action")
        .get(pk=position.pk)
    )
    if position.state != PositionState.SUBMITTED:
        raise Conflict(_("Only a submitted statement can be routed."))
    contribution = contribution_record_analog(
        process=position.process,
        user=user,
        title=position.title,
        body=_carried_body(position),
        fields_of_action=[position.field_of_action],
        district=position.space.district,
        group_size=position.votes_yes + position.votes_no + position.votes_abstain or None,  # the members who voted
        publication_consent=True,
        event=position.session,
    )
    due_date = max(position.due_date, timezone.localdate())
    routing_route(
        user=user,
        process=position.process,
        contributions=[contribution],
        lead=position.department,
        due_date=due_date,
    )
    position.contribution = contribution
    position.state = PositionState.FORWARDED
    position.forwarded_at = timezone.now()
    position.save()
    audit_record(
        actor=user,
        action="council.statement_routed",
        obj=position,
        data={"contribution": contribution.pk, "department": position.department_id, "due_date": due_date.isoformat()},
    )
    council_changed(position.space_id)
    return position


# --- correcting or withdrawing a submitted statement -------------------------------------------------------------

REASON_MAX = 2000


def _amendable(user, position: CouncilPosition) -> CouncilPosition:
    """The submitted statement, locked, if ``user`` may still correct or withdraw it."""
    _require(user, "councils.amend_statement", position.space)
    position = (
        CouncilPosition.objects.select_for_update(of=("self",))
        .select_related("space__district", "contribution", "session")
        .get(pk=position.pk)
    )
    if position.state not in (PositionState.SUBMITTED, PositionState.FORWARDED):
        raise Conflict(_("Only a submitted statement can be corrected or withdrawn."))
    if position_is_answered(position):
        raise Conflict(_("The department has answered this statement: it can no longer be corrected or withdrawn."))
    return position


def _reason(reason, errors: dict) -> str:
    reason = clean_plain_text(reason or "")
    if not reason:
        errors["reason"] = _("Please say why.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Please shorten this text to at most %(max)d characters.") % {"max": REASON_MAX}
    return reason


def _revision(user, position: CouncilPosition, kind: str, reason: str, previous: tuple[str, str]) -> PositionRevision:
    return PositionRevision.objects.create(
        position=position,
        kind=kind,
        previous_title=previous[0],
        previous_text=previous[1],
        reason=reason,
        made_by=user,
        on_behalf=position.space_id not in chaired_space_ids(user),
    )


@transaction.atomic
def position_correct(*, user, position: CouncilPosition, title, text, reason) -> CouncilPosition:
    """The chair (or a coordinator on the chair's behalf, recorded as such) corrects a submitted statement until the
    department answers it: its title and text change, also on the answer path, where the department reads them;
    what it said before and why it changed stay in its history."""
    position = _amendable(user, position)
    errors = {}
    clean_title, clean_text = clean_plain_text(title or ""), clean_plain_text(text or "")
    if not clean_title:
        errors["title"] = _("Please give the statement a title.")
    elif len(clean_title) > STATEMENT_TITLE_MAX:
        errors["title"] = _("Please shorten this text to at most %(max)d characters.") % {"max": STATEMENT_TITLE_MAX}
    if not clean_text:
        errors["text"] = _("Please write the statement.")
    elif len(clean_text) > STATEMENT_TEXT_MAX:
        errors["text"] = _("Please shorten this text to at most %(max)d characters.") % {"max": STATEMENT_TEXT_MAX}
    clean_reason = _reason(reason, errors)
    if not errors and (clean_title, clean_text) == (position.title, position.text):
        errors["text"] = _("The statement is unchanged.")
    _raise(errors)
    revision = _revision(user, position, RevisionKind.CORRECTED, clean_reason, (position.title, position.text))
    position.title, position.text = clean_title, clean_text
    position.save(update_fields=["title", "text"])
    if position.contribution_id is not None:
        contribution = position.contribution
        with contribution_admin_change(contribution=contribution):
            contribution.title = clean_title
            contribution.body = _carried_body(position)
            contribution.save(update_fields=["title", "body", "updated_at"])
    audit_record(
        actor=user,
        action="council.statement_corrected",
        obj=position,
        data={
            "space": position.space_id,
            "revision": revision.pk,
            "contribution": position.contribution_id,
            "on_behalf_of_chair": revision.on_behalf,
        },
    )
    council_changed(position.space_id)
    return position


@transaction.atomic
def position_withdraw(*, user, position: CouncilPosition, reason) -> CouncilPosition:
    """The chair (or a coordinator on the chair's behalf) withdraws a submitted statement before the department
    answers it. A routed one leaves the answer path cleanly: its routings end as withdrawn (the department sees so
    in the routing history), a draft answer is withdrawn, and its contribution leaves the public lists and the
    figures (removed "at the author's request")."""
    position = _amendable(user, position)
    errors = {}
    clean_reason = _reason(reason, errors)
    _raise(errors)
    revision = _revision(user, position, RevisionKind.WITHDRAWN, clean_reason, (position.title, position.text))
    routings = 0
    if position.contribution_id is not None:
        contribution = position.contribution
        routings = routing_withdraw(user=user, contribution=contribution)
        with contribution_admin_change(contribution=contribution):
            contribution.status = Status.REMOVED
            contribution.removal_reason = RemovalReason.AUTHOR_REQUEST
            contribution.save(update_fields=["status", "removal_reason", "updated_at"])
    position.state = PositionState.WITHDRAWN
    position.withdrawn_at = timezone.now()
    position.save(update_fields=["state", "withdrawn_at"])
    audit_record(
        actor=user,
        action="council.statement_withdrawn",
        obj=position,
        data={
            "space": position.space_id,
            "revision": revision.pk,
            "contribution": position.contribution_id,
            "routings_ended": routings,
            "on_behalf_of_chair": revision.on_behalf,
        },
    )
    council_changed(position.space_id)
    return position


# --- the council budget ------------------------------------------------------------------------------------------

BUDGET_TOTAL_MAX = 100_000_000
YEARS = (2000, 2100)


@transaction.atomic
def budget_year_set(*, user, city, year: int, total: int, rule: str) -> BudgetYear:
    """A coordinator sets a year's budget for all councils of the city and how it is shared (by population share
    or equally); the shares are computed in whole euros by the largest remainder method and kept. Setting it again
    recomputes the shares (the funded activities stay; balances follow)."""
    _require(user, "councils.manage_budget", city)
    errors = {}
    if isinstance(year, bool) or not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        errors["year"] = _("Please give a year, for example 2027.")
    if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= BUDGET_TOTAL_MAX:
        errors["total"] = _("Please give the total in whole euros (0 or more).")
    if rule not in AllocationRule.values:
        errors["rule"] = _("Please choose a rule from the list.")
    _raise(errors)
    spaces = list(
        DistrictSpace.objects.filter(district__city=city).select_related("district").select_for_update(of=("self",))
    )
    if not spaces:
        raise ApplicationError(_("This city has no district integration councils."))
    if rule == AllocationRule.POPULATION:
        missing = [space.district.name for space in spaces if not space.district.population]
        if missing:
            message = _("The population of these districts is not known: %(names)s. Share the budget equally.") % {
                "names": ", ".join(missing)
            }
            raise ApplicationError(message, field_errors={"rule": message})
        weights = {space.district.number: space.district.population for space in spaces}
    else:
        weights = {space.district.number: 1 for space in spaces}
    shares = largest_remainder(total, weights)
    budget, created = BudgetYear.objects.select_for_update().get_or_create(
        city=city, year=year, defaults={"total": total, "rule": rule}
    )
    before = {}
    if not created:
        before = dict(CouncilAllocation.objects.filter(budget=budget).values_list("space_id", "amount"))
        budget.total, budget.rule = total, rule
        budget.save()
        CouncilAllocation.objects.filter(budget=budget).delete()
    CouncilAllocation.objects.bulk_create(
        CouncilAllocation(
            budget=budget, space=space, amount=shares[space.district.number], basis=weights[space.district.number]
        )
        for space in spaces
    )
    audit_record(
        actor=user,
        action="council.budget_set",
        obj=budget,
        data={
            "year": year,
            "total": total,
            "rule": rule,
            "shares": {str(space.pk): shares[space.district.number] for space in spaces},
            "before": {str(key): value for key, value in before.items()},
        },
    )
    for space in spaces:
        council_changed(space.pk)
    return budget


@transaction.atomic
def funding_record(
    *, user, space: DistrictSpace, year: int, activity: str, amount, date, session, override_reason: str = ""
) -> FundedActivity:
    """Record what the council funded (a member or a coordinator): the activity, the amount, the date and the
    session that decided it. Spending more than the balance of the year is refused, unless a coordinator records
    it with a reason (an explicit override, audited as such)."""
    _require(user, "councils.record_funding", space)
    DistrictSpace.objects.select_for_update().get(pk=space.pk)  # entries of a council one at a time: one balance
    errors = {}
    activity = clean_plain_text(activity or "")
    override_reason = clean_plain_text(override_reason or "")
    if not activity:
        errors["activity"] = _("Please name the activity.")
    elif len(activity) > ACTIVITY_MAX:
        errors["activity"] = _("Please shorten this text to at most %(max)d characters.") % {"max": ACTIVITY_MAX}
    try:
        amount = decimal.Decimal(amount).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
    except (decimal.InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount >= decimal.Decimal("10000000"):
        errors["amount"] = _("Please give an amount in euros greater than 0.")
        amount = None
    if not isinstance(date, datetime.date) or date.year != year:
        errors["date"] = _("Please give a date in the budget year.")
    elif date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if (
        session is None
        or session.organiser_council_id != space.pk
        or session.type != "council_session"
        or session.state != EventState.HELD
    ):
        errors["session"] = _("Please choose a held session of the council.")
    allocated = allocation_of(space, year)
    if allocated is None:
        errors["year"] = _("No budget is set for this year yet. A coordinator sets it.")
    _raise(errors)
    balance = decimal.Decimal(allocated) - spent_of(space, year)
    overspend = amount > balance
    if overspend:
        if not override_reason:
            message = _(
                "This is more than the council's balance of %(balance)s euros. A coordinator can record it with a "
                "reason."
            ) % {"balance": balance}
            raise ApplicationError(message, field_errors={"amount": message})
        _require(user, "councils.override_budget", space)
    entry = FundedActivity.objects.create(
        space=space,
        year=year,
        activity=activity,
        amount=amount,
        date=date,
        session=session,
        recorded_by=user,
        override_reason=override_reason if overspend else "",
    )
    audit_record(
        actor=user,
        action="council.funding_override" if overspend else "council.funding_recorded",
        obj=entry,
        data={
            "space": space.pk,
            "year": year,
            "amount": str(amount),
            "session": session.pk,
            "balance_before": str(balance),
            **({"reason": override_reason} if overspend else {}),
        },
    )
    council_changed(space.pk)
    return entry


# --- district consultations ------------------------------------------------------------------------------------


@transaction.atomic
def consultation_open(
    *, user, space: DistrictSpace, process, question: str, description: str, field_of_action, starts_on, ends_on
) -> DistrictConsultation:
    """A council opens a consultation of its own in a process of its city: a question, open between two dates."""
    _require(user, "councils.open_consultation", space)
    errors = {}
    question = clean_plain_text(question or "")
    description = clean_plain_text(description or "")
    if not question:
        errors["question"] = _("Please ask a question.")
    elif len(question) > 200:
        errors["question"] = _("Please shorten this text to at most %(max)d characters.") % {"max": 200}
    if len(description) > 5000:
        errors["description"] = _("Please shorten this text to at most %(max)d characters.") % {"max": 5000}
    if process is None or process.city_id != space.district.city_id:
        errors["process"] = _("Please choose a process of the council's city.")
    elif field_of_action is None or field_of_action.process_id != process.pk:
        errors["field_of_action"] = _("Please choose a field of action of this process.")
    if not isinstance(starts_on, datetime.date):
        errors["starts_on"] = _("Please give a date, for example 2027-01-31.")
    if not isinstance(ends_on, datetime.date):
        errors["ends_on"] = _("Please give a date, for example 2027-01-31.")
    elif isinstance(starts_on, datetime.date) and ends_on < starts_on:
        errors["ends_on"] = _("The consultation cannot end before it begins.")
    elif ends_on < timezone.localdate():
        errors["ends_on"] = _("The end cannot be in the past.")
    _raise(errors)
    consultation = DistrictConsultation.objects.create(
        space=space,
        process=process,
        question=question,
        description=description,
        field_of_action=field_of_action,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user,
    )
    audit_record(
        actor=user,
        action="council.consultation_opened",
        obj=consultation,
        data={"space": space.pk, "process": process.pk, "starts_on": str(starts_on), "ends_on": str(ends_on)},
    )
    council_changed(space.pk)
    return consultation


def consultation_is_open(consultation: DistrictConsultation, today=None) -> bool:
    today = today or timezone.localdate()
    return consultation.starts_on <= today <= consultation.ends_on


def _require_open(consultation: DistrictConsultation) -> None:
    if not consultation_is_open(consultation):
        raise Conflict(_("This consultation is not open."))


@transaction.atomic
def consultation_contribute(
    *, user, consultation: DistrictConsultation, title: str, body: str, author_email: str = "", publication_consent
):
    """An online contribution to a council's consultation: a contribution of the process about the council's
    district (the process's rules apply: its phase, moderation and, without an account, the e-mail confirmation)."""
    _require_open(consultation)
    contribution = contribution_create(
        process=consultation.process,
        user=user,
        title=title,
        body=body,
        fields_of_action=[consultation.field_of_action],
        district=consultation.space.district,
        author_email=author_email,
        publication_consent=publication_consent,
    )
    consultation.contributions.add(contribution)
    council_changed(consultation.space_id)
    return contribution


@transaction.atomic
def consultation_enter_paper(
    *,
    user,
    consultation: DistrictConsultation,
    title: str,
    body: str,
    original_date,
    publication_consent: bool,
    form_serial: str = "",
):
    """A paper contribution to the consultation, entered by a coordinator (the analog entry's own rules apply)."""
    _require_open(consultation)
    contribution = contribution_record_analog(
        process=consultation.process,
        user=user,
        channel="paper_form",
        title=title,
        body=body,
        fields_of_action=[consultation.field_of_action],
        district=consultation.space.district,
        original_date=original_date,
        form_serial=form_serial,
        publication_consent=publication_consent,
    )
    consultation.contributions.add(contribution)
    council_changed(consultation.space_id)
    return contribution


@transaction.atomic
def attendance_record(*, user, session, members, guests: int) -> SessionAttendance:
    """Record which members of the council were present at a session that has begun and how many guests came
    (replaces an earlier record; audited with the counts and the members' ids)."""
    session = _open_session(user, session)
    if session.starts_at > timezone.now():
        raise Conflict(_("Attendance is recorded once the session has begun."))
    errors = {}
    if isinstance(guests, bool) or not isinstance(guests, int) or not 0 <= guests <= 100_000:
        errors["guests"] = _("Please give the number of guests (0 or more).")
    members = list(members)
    if any(membership.space_id != session.organiser_council_id for membership in members):
        errors["members"] = _("Please choose members of this council.")
    _raise(errors)
    attendance, _created = SessionAttendance.objects.update_or_create(
        session=session, defaults={"guests": guests, "recorded_by": user}
    )
    attendance.members.set(members)
    audit_record(
        actor=user,
        action="council.attendance_recorded",
        obj=attendance,
        data={"session": session.pk, "members": sorted(m.pk for m in members), "guests": guests},
    )
    council_changed(session.organiser_council_id)
    return attendance
