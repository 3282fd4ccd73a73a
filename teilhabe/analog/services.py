"""Writes of analog input: a coordinator's entry of one original (paper form, letter, e-mail, phone note, …) with
its optional scan, all or nothing; and the retention run that deletes expired scans. Keyword-only and audited."""

import datetime
import hashlib
import io
import secrets
import warnings

import filetype
import rules
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from teilhabe.analog.models import Scan
from teilhabe.contributions.models import TITLE_MAX, Channel, Contribution
from teilhabe.contributions.services import contribution_record_analog
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.services import audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.paper.selectors import serial_check
from teilhabe.plan.services import section_comment_attach
from teilhabe.profiles.models import Source
from teilhabe.profiles.services import self_description_create

# The channels of the entry screen, in its order (workshop results come in through an event's results page).
ENTRY_CHANNELS = (
    Channel.PAPER_FORM,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.PHONE,
    Channel.INFO_STAND,
    Channel.DISTRICT_COUNCIL,
)
# What a scan may be, by the type sniffed from its content: MIME type → extension of the stored file.
SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
SCAN_MAX_PIXELS = 60_000_000  # an A4 page at 1200 dpi is about 140 million; at 600 dpi 35 million
_SNIFF_BYTES = 8192


class _Refused(Exception):
    """Raised inside the savepoint to undo a contribution that was recorded while other fields had errors."""


def _refuse(field: str, message) -> None:
    raise ApplicationError(message, field_errors={field: message})


def _reencoded(content: bytes, mime: str) -> bytes:
    """The image drawn anew from its pixels: EXIF (camera, place, time), XMP, comments and colour profiles are not
    carried over; the EXIF orientation is applied first so that the scan stays upright."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.width * image.height > SCAN_MAX_PIXELS:
                    _refuse("scan", _("The image is too large (too many pixels). Please scan at 300 or 600 dpi."))
                image.load()
                upright = ImageOps.exif_transpose(image)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
            raise ApplicationError(
                _("The image could not be read. Please scan the original again."),
                field_errors={"scan": _("The image could not be read. Please scan the original again.")},
            ) from exc
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    if mime == "image/jpeg":
        if clean.mode not in ("L", "RGB", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=False)
    return out.getvalue()


def scan_prepared(upload) -> tuple[str, bytes]:
    """(content type, bytes to store) of an uploaded scan, or an ``ApplicationError`` on the field ``scan``.

    Only PDF, JPEG and PNG, sniffed from the content (``filetype``), never from the name or the browser; at most
    ``TEILHABE_SCAN_MAX_BYTES``; images re-encoded (metadata stripped), PDFs kept as they are.
    """
    limit = settings.TEILHABE_SCAN_MAX_BYTES
    too_large = _("The scan is too large: at most %(size)s are allowed.") % {"size": filesizeformat(limit)}
    if upload.size is None or upload.size > limit:
        _refuse("scan", too_large)
    if upload.size == 0:
        _refuse("scan", _("The scan is empty."))
    upload.seek(0)
    content = upload.read(limit + 1)
    upload.seek(0)
    if len(content) > limit:
        _refuse("scan", too_large)
    kind = filetype.guess(content[:_SNIFF_BYTES])
    mime = kind.mime if kind is not None else ""
    if mime not in SCAN_TYPES:
        _refuse("scan", _("A scan must be a PDF document or a JPEG or PNG image."))
    if mime != "application/pdf":
        content = _reencoded(content, mime)
        if len(content) > limit:
            _refuse("scan", too_large)
    return mime, content


def title_from_text(body: str) -> str:
    """A title for an original that has none (paper forms, phone notes): its first line, cut at a word."""
    first = clean_plain_text(body or "").split("\n", 1)[0].strip()
    if len(first) <= 80:
        return first
    cut = first[:80].rsplit(" ", 1)[0] or first[:80]
    return cut.rstrip(" ,;:.-") + "…"


def _serial_checked(*, process, channel: str, serial: str, previous_serial: str, errors: dict) -> str:
    """The canonical serial of a paper form, or "" for other channels; problems go to ``errors['form_serial']``."""
    serial = (serial or "").strip()
    if channel != Channel.PAPER_FORM:
        if serial:
            errors["form_serial"] = _("Only paper forms have a serial number. Please leave this field empty.")
        return ""
    if not serial:
        errors["form_serial"] = _("Please enter the serial number printed on the form.")
        return ""
    check = serial_check(process=process, serial=serial)
    if check.status == "ok":
        return check.serial
    if check.status == "already_entered" and previous_serial and check.serial == previous_serial:
        errors["form_serial"] = _(
            "You entered this serial number just now, for the previous form. Please check the number on this form."
        )
    else:
        errors["form_serial"] = str(check.message)
    return ""


def analog_entry_record(
    *,
    process,
    user,
    channel: str,
    form_serial: str = "",
    previous_serial: str = "",
    original_date: datetime.date | None = None,
    title: str = "",
    body: str,
    fields_of_action,
    target_groups=(),
    district=None,
    language: str = "",
    publication_consent: bool,
    organisation=None,
    group_size: int | None = None,
    event=None,
    scan=None,
    section=None,
    self_description: dict | None = None,
) -> Contribution:
    """Record one original as a contribution, with its scan if one is given — all or nothing.

    A paper form's serial is checked (``paper.selectors.serial_check``): a malformed or unknown serial, or one
    already entered, is refused at the field; ``previous_serial`` (the serial of the entry before) turns the
    "already entered" message into "you entered it just now". Other channels have no serial. A missing title is
    taken from the text's first line. Every error of every field is raised at once, and nothing is kept: not the
    contribution, not the scan's file.

    ``self_description``: the answers of the paper form's voluntary box (``profiles.services.self_description_create``
    without process and source), stored in the same transaction but apart from the contribution: nothing links
    the two (docs/representativeness.md). Only a paper form carries it.

    ``section``, a section of the plan's draft out for consultation, makes the entry a comment on it
    (``plan.services.section_comment_attach``, in the same transaction): listed with the section, and refused, with
    nothing kept, when comments on the draft are not open.
    """
    if not rules.has_perm("contributions.enter_analog", user, process):
        raise NotAllowed()
    errors: dict = {}
    if channel not in ENTRY_CHANNELS:
        errors["channel"] = _("Please choose the channel the contribution came in by.")
    serial = _serial_checked(
        process=process, channel=channel, serial=form_serial, previous_serial=previous_serial, errors=errors
    )
    prepared = None
    if scan is not None:
        try:
            prepared = scan_prepared(scan)
        except ApplicationError as error:
            errors.update(error.field_errors)
    body = clean_plain_text(body or "")
    title = clean_plain_text(title or "") or title_from_text(body)
    if len(title) > TITLE_MAX:
        errors["title"] = _("The title is too long (at most %(max)s characters).") % {"max": TITLE_MAX}
    stored: list[str] = []
    try:
        contribution = _entry_saved(
            process=process,
            user=user,
            contribution_data={
                "channel": channel if channel in ENTRY_CHANNELS else "",
                "title": title,
                "body": body,
                "fields_of_action": fields_of_action,
                "target_groups": target_groups,
                "district": district,
                "language": language,
                "organisation": organisation,
                "original_date": original_date,
                "form_serial": serial,
                "group_size": group_size,
                "publication_consent": publication_consent,
                "event": event,
            },
            errors=errors,
            prepared=prepared,
            stored=stored,
            section=section,
            self_description=self_description,
        )
    except BaseException:
        for name in stored:  # nothing half-saved: no file without its row
            Scan._meta.get_field("file").storage.delete(name)
        raise
    return contribution


def _self_description_saved(process, channel: str, answers: dict, errors: dict) -> None:
    """The paper form's voluntary box, as a self-description of its own (no link to the contribution); its
    refusals go to the entry screen's ``about_`` fields."""
    if channel != Channel.PAPER_FORM:
        errors["about_age_band"] = _("Only a paper form has the voluntary box about the person.")
        return
    try:
        self_description_create(process=process, source=Source.PAPER_FORM, **answers)
    except ApplicationError as error:
        errors.update({f"about_{field}": message for field, message in error.field_errors.items()})


def _entry_saved(
    *,
    process,
    user,
    contribution_data: dict,
    errors: dict,
    prepared,
    stored: list,
    section=None,
    self_description: dict | None = None,
) -> Contribution:
    """The contribution, its scan and the section of the plan's draft it is on, in one transaction; raised with
    every field's error at once, undone when any field had one. ``stored`` receives the name of the file written,
    for the caller to delete if all is undone."""
    try:
        with transaction.atomic():
            contribution = contribution_record_analog(process=process, user=user, **contribution_data)
            if self_description:
                _self_description_saved(process, contribution_data["channel"], self_description, errors)
            if errors:
                raise _Refused()
            if prepared is not None:
                mime, content = prepared
                record = Scan(
                    contribution=contribution,
                    content_type=mime,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    uploaded_by=user,
                )
                record.file.save(f"{secrets.token_hex(16)}.{SCAN_TYPES[mime]}", ContentFile(content), save=False)
                stored.append(record.file.name)
                record.save()
                audit_record(
                    actor=user,
                    action="scan.added",
                    obj=record,
                    data={"contribution": contribution.pk, "type": mime, "size": record.size, "sha256": record.sha256},
                )
            if section is not None:
                section_comment_attach(user=user, contribution=contribution, section=section)
    except _Refused:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors) from None
    except ApplicationError as error:
        if error.status_code != 400:
            raise
        raise ApplicationError(error.message, field_errors={**error.field_errors, **errors}) from None
    return contribution


def scans_purge(*, now=None) -> int:
    """Delete the files of scans uploaded more than ``TEILHABE_SCAN_RETENTION_DAYS`` ago.

    The transcribed contribution stays; the scan's row is kept, marked removed (``removed_at``), with an audit entry
    ``scan.removed`` each. The file is deleted before the row is marked, inside the row's transaction, so a run
    that fails half-way is finished by the next; a second run finds nothing to do. ``manage.py purge_scans`` and the
    housekeeping job run it. Returns how many scans were removed.
    """
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.TEILHABE_SCAN_RETENTION_DAYS)
    expired = list(
        Scan.objects.filter(removed_at__isnull=True, uploaded_at__lt=before).order_by("pk").values_list("pk", flat=True)
    )
    removed = 0
    for pk in expired:
        with transaction.atomic():
            scan = Scan.objects.select_for_update().filter(pk=pk, removed_at__isnull=True).first()
            if scan is None:
                continue  # removed by a run beside this one
            name = scan.file.name
            if name:
                scan.file.storage.delete(name)
            scan.file = ""
            scan.removed_at = now
            scan.save(update_fields=["file", "removed_at"])
            audit_record(
                actor=None,
                action="scan.removed",
                obj=scan,
                data={
                    "contribution": scan.contribution_id,
                    "sha256": scan.sha256,
                    "uploaded_at": scan.uploaded_at.isoformat(),
                    "retention_days": settings.TEILHABE_SCAN_RETENTION_DAYS,
                },
            )
            removed += 1
    return removed
