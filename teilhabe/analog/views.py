"""The coordinators' entry screen for analog input ("save and next") and the permission-checked scan download."""

import rules
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from teilhabe.analog.forms import EntryForm, remembered
from teilhabe.analog.selectors import (
    entry_draft_section,
    entry_draft_sections,
    entry_events,
    entry_organisations,
    entry_process,
    entry_saved,
    scan_get,
)
from teilhabe.analog.services import SCAN_TYPES, analog_entry_record
from teilhabe.contributions.models import Channel
from teilhabe.core.errors import ApplicationError, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.ui import apply_errors

REMEMBERED = "analog.entry.{}"  # session: channel, event and date of the last entry, per process
SAVED = "analog.saved.{}"  # session: the contribution just saved (for the success line), per process
LAST_SERIAL = "analog.serial.{}"  # session: the serial of the last entry (a serial typed twice in a row)


def _entry_form(process, sections, *args, **kwargs) -> EntryForm:
    return EntryForm(
        *args,
        process=process,
        events=entry_events(process=process),
        organisations=entry_organisations(),
        sections=sections,
        **kwargs,
    )


def _section_of(process, data: dict):
    """The section of the draft chosen (``data['section']``, an id among the form's choices), or None."""
    pk = data.pop("section", None)
    if pk is None:
        return None
    section = entry_draft_section(process=process, pk=pk)
    if section is None:  # the draft was replaced since the screen was shown
        message = _("Please choose a section of the draft out for consultation.")
        raise ApplicationError(message, field_errors={"section": message})
    return section


@login_required
def entry_view(request, slug):
    """``/verwaltung/p/<slug>/eingabe/``: one original at a time. After saving, the screen comes back empty with
    a success line naming what was saved, channel, event and date kept for the next (a series from one stand)."""
    process = entry_process(slug=slug)
    if process is None:
        raise NotFound()
    if not rules.has_perm("contributions.enter_analog", request.user, process):
        raise NotAllowed()
    session = request.session
    status = 200
    sections = entry_draft_sections(process=process, user=request.user, language=get_language())
    if request.method == "POST":
        form = _entry_form(process, sections, request.POST, request.FILES)
        if form.is_valid():
            data = form.entry()
            try:
                section = _section_of(process, data)
                contribution = analog_entry_record(
                    process=process,
                    user=request.user,
                    previous_serial=session.get(LAST_SERIAL.format(process.pk), ""),
                    section=section,
                    **data,
                )
            except ApplicationError as error:
                if error.status_code != 400:
                    raise
                apply_errors(form, error)
            else:
                session[REMEMBERED.format(process.pk)] = remembered(data)
                session[SAVED.format(process.pk)] = contribution.pk
                session[LAST_SERIAL.format(process.pk)] = contribution.form_serial
                # No fragment: browsers skip autofocus when the address names a target.
                return redirect(reverse("analog:entry", kwargs={"slug": process.slug}))
        status = 400
        saved = None
    else:
        initial = session.get(REMEMBERED.format(process.pk)) or {"channel": Channel.PAPER_FORM}
        form = _entry_form(process, sections, initial=initial)
        first = "form_serial" if initial.get("channel") == Channel.PAPER_FORM else "body"
        form.fields[first].widget.attrs["autofocus"] = True
        saved = entry_saved(process=process, pk=session.pop(SAVED.format(process.pk), None))
    context = {"process": process, "form": form, "saved": saved, "saved_section": _saved_section(saved, sections)}
    return render(request, "analog/entry.html", context, status=status)


def _saved_section(saved, sections):
    """The section (a node of the draft's tree, in the reader's language) the entry just saved is on, if any."""
    comment = getattr(saved, "plan_section_comment", None) if saved is not None else None
    if comment is None:
        return None
    return next((node for node in sections if node.id == comment.section_id), None)


@login_required
def scan_view(request, pk):
    """A scan, only for the coordinators of its contribution's process; anyone else, a removed scan and an id that
    does not exist all answer 404. Always a download, never sniffed, never cached."""
    number = parse_id(pk)
    scan = scan_get(pk=number) if number is not None and str(number) == str(pk) else None
    if (
        scan is None
        or scan.is_removed
        or not rules.has_perm("contributions.enter_analog", request.user, scan.contribution.process)
    ):
        raise NotFound()
    try:
        handle = scan.file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
    name = f"scan-{scan.contribution_id}-{scan.pk}.{SCAN_TYPES.get(scan.content_type, 'bin')}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=scan.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
