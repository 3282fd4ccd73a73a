"""Writes for contributions, comments, supports and flags: keyword-only, atomic and audited."""

import datetime
import hashlib
from contextlib import contextmanager

import rules
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teilhabe.contributions.counters import counter_differences
from teilhabe.contributions.models import (
    AnalogSupportTally,
    Channel,
    Comment,
    Contribution,
    ContributionTally,
    ContributionTranslation,
    Flag,
    FlagReason,
    Language,
    LanguageSource,
    RemovalReason,
    Status,
    Support,
)
from teilhabe.contributions.selectors import CONTRIBUTION_NAMESPACE, LISTS_NAMESPACE
from teilhabe.contributions.tallies import AMOUNTS as TALLY_AMOUNTS
from teilhabe.contributions.tallies import tallied, tallies_build, tally_apply
from teilhabe.core.cache_versions import FIGURES_NAMESPACE, cache_version_bump
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from teilhabe.core.fields import parse_id
from teilhabe.core.languages import detect_language
from teilhabe.core.machine_translation import TranslationUnavailable, machine_translate, machine_translation_enabled
from teilhabe.core.mail import send_localised_mail
from teilhabe.core.services import ManyRows, audit_record
from teilhabe.core.text import clean_plain_text
from teilhabe.processes.models import ModerationMode
from teilhabe.stakeholders.selectors import organisations_represented_by

CONFIRM_SALT = "teilhabe.contribution-confirm"
LANGUAGES = frozenset(Language.values)  # Language.values makes a new list on every call


def _figures_changed(process_id: int, *, lists: bool = False, contribution_ids=()) -> None:
    """Cached figures (and, when contributions enter or leave lists, cached list counts) become stale, and so
    does everything cached of each contribution in ``contribution_ids`` (its card and page show what changed)."""
    cache_version_bump(FIGURES_NAMESPACE, process_id)
    if lists:
        cache_version_bump(LISTS_NAMESPACE, process_id)
    for contribution_id in sorted(set(contribution_ids)):
        cache_version_bump(CONTRIBUTION_NAMESPACE, contribution_id)


def _require(user, perm: str, obj) -> None:
    if not rules.has_perm(perm, user, obj):
        raise NotAllowed()


def _initial_status(process) -> str:
    return Status.IN_MODERATION if process.moderation == ModerationMode.PRE else Status.PUBLISHED


def _content_checked(
    *, process, title, body, fields_of_action, target_groups, district, neighbourhood, language, errors
) -> dict:
    """Clean and check what every contribution has, whatever its channel; raise with all field errors at once."""
    title, body = clean_plain_text(title), clean_plain_text(body)
    if not title:
        errors["title"] = _("Please enter a title.")
    if not body:
        errors["body"] = _("Please describe your contribution.")
    if not fields_of_action:
        errors["fields_of_action"] = _("Please choose at least one field of action.")
    if neighbourhood is not None and district is not None and neighbourhood.district_id != district.pk:
        errors["neighbourhood"] = _("This neighbourhood is not in the chosen district.")
    if any(field.process_id != process.pk for field in fields_of_action):
        errors["fields_of_action"] = _("Please choose fields of action of this process.")
    if any(group.process_id != process.pk for group in target_groups):
        errors["target_groups"] = _("Please choose target groups of this process.")
    if language and language not in LANGUAGES:
        errors["language"] = _("Please choose a language from the list.")
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), field_errors=errors)
    if neighbourhood is not None and district is None:
        district = neighbourhood.district
    language_source = LanguageSource.AUTHOR
    if not language:
        language = detect_language(f"{title}\n{body}") or Language.OTHER
        language_source = LanguageSource.DETECTED
    return {
        "process": process,
        "title": title,
        "body": body,
        "district": district,
        "neighbourhood": neighbourhood,
        "language": language,
        "language_source": language_source,
        "licence": process.contribution_licence,
    }


@transaction.atomic
def contribution_create(
    *,
    process,
    user,
    title: str,
    body: str,
    fields_of_action,
    target_groups=(),
    district=None,
    neighbourhood=None,
    language: str = "",
    organisation=None,
    author_email: str = "",
    publication_consent: bool,
    author_language: str = "",
) -> Contribution:
    """Create an online contribution. Anonymous authors must confirm their e-mail address first.

    Without a ``language`` the language of the text is detected offline. Analog input is recorded by
    ``contribution_record_analog``.
    """
    _require(user, "contributions.add_contribution", process)
    if organisation is not None:
        _require(user, "contributions.add_contribution_for_organisation", process)
        if not organisations_represented_by(user).filter(pk=organisation.pk).exists():
            raise NotAllowed(_("You do not represent this organisation."))
    errors = {}
    if not publication_consent:
        errors["publication_consent"] = _("Contributions are published; please agree to publication.")
    anonymous = not getattr(user, "is_authenticated", False)
    if anonymous and not author_email:
        errors["author_email"] = _("Without an account we need your e-mail address to confirm the contribution.")
    content = _content_checked(
        process=process,
        title=title,
        body=body,
        fields_of_action=fields_of_action,
        target_groups=target_groups,
        district=district,
        neighbourhood=neighbourhood,
        language=language,
        errors=errors,
    )
    status = Status.AWAITING_CONFIRMATION if anonymous else _initial_status(process)
    with tallied() as followed:
        contribution = Contribution.objects.create(
            **content,
            author_language=author_language or translation.get_language() or "",
            author=None if anonymous else user,
            organisation=organisation,
            author_email=author_email.strip().lower() if anonymous else "",
            channel=Channel.ONLINE,
            publication_consent=True,
            status=status,
            published_at=timezone.now() if status == Status.PUBLISHED else None,
        )
        followed.add(contribution.pk)
    contribution.fields_of_action.set(fields_of_action)
    contribution.target_groups.set(target_groups)
    audit_record(
        actor=user,
        action="contribution.created",
        obj=contribution,
        data={"status": status, "channel": Channel.ONLINE.value},
    )
    _figures_changed(process.pk, lists=True, contribution_ids=[contribution.pk])
    if anonymous:
        transaction.on_commit(lambda: _send_confirmation_mail(contribution))
    return contribution


@transaction.atomic
def contribution_record_analog(
    *,
    process,
    user,
    channel: str = "",
    title: str,
    body: str,
    fields_of_action,
    target_groups=(),
    district=None,
    neighbourhood=None,
    language: str = "",
    organisation=None,
    original_date: datetime.date | None = None,
    form_serial: str = "",
    group_size: int | None = None,
    publication_consent: bool,
    event=None,
) -> Contribution:
    """Record analog input (workshop, paper form, letter, council session, …) as a coordinator of the process.

    The person entering it is ``entered_by``; the entry is audited with the channel and its provenance.
    Coordinators moderate what they enter, so input with publication consent is published at once; without
    consent it is kept for the evaluation but never published. ``organisation`` names the organisation a
    letter or workshop result came from; the coordinator vouches for it.

    A result of an event (``event``, an ``events.Event`` of this process) is entered by whoever may enter the
    event's results (``events.enter_results``: its organisers and the process's coordinators): its channel is
    the event's (``event.channel``, whatever ``channel`` says), the date on the original the event's date; only a
    paper form filled in at the event keeps its channel (``paper_form``) and its own date, if it has one. A
    result with consent entered by a coordinator is published at once; entered by an organiser who does not
    coordinate the process, it waits in the moderation queue (``in_moderation``) for a coordinator.
    """
    coordinates = rules.has_perm("contributions.enter_analog", user, process)
    if event is None:
        _require(user, "contributions.enter_analog", process)
    else:
        _require(user, "events.enter_results", event)  # asked by name: contributions never imports events
        if event.process_id != process.pk:
            raise ApplicationError(_("This event belongs to another process."))
        if channel != Channel.PAPER_FORM:  # a paper form handed in at the event stays a paper form, with its date
            channel = event.channel
            original_date = None
        original_date = original_date or timezone.localdate(event.starts_at)
    errors = {}
    if channel not in Channel.values or channel == Channel.ONLINE:
        errors["channel"] = _("Please choose the channel the contribution came in by.")
    if original_date is not None and original_date > timezone.localdate():
        errors["original_date"] = _("The date on the original cannot be in the future.")
    if group_size is not None and group_size < 1:
        errors["group_size"] = _("A group has at least one person.")
    form_serial = (form_serial or "").strip()
    # The exclude() repeats the unique index's condition, so that SQLite uses that (partial) index, not a scan.
    if (
        form_serial
        and Contribution.objects.filter(process=process, form_serial=form_serial).exclude(form_serial="").exists()
    ):
        errors["form_serial"] = _("A form with this serial number has already been entered.")
    content = _content_checked(
        process=process,
        title=title,
        body=body,
        fields_of_action=fields_of_action,
        target_groups=target_groups,
        district=district,
        neighbourhood=neighbourhood,
        language=language,
        errors=errors,
    )
    status = Status.PUBLISHED if publication_consent and coordinates else Status.IN_MODERATION
    provenance = {
        "channel": channel,
        "original_date": original_date,
        "form_serial": form_serial,
        "group_size": group_size,
        "publication_consent": bool(publication_consent),
        "event": event,
    }
    with tallied() as followed:
        try:
            with transaction.atomic():
                contribution = Contribution.objects.create(
                    **content,
                    **provenance,
                    organisation=organisation,
                    entered_by=user,
                    status=status,
                    published_at=timezone.now() if status == Status.PUBLISHED else None,
                )
        except IntegrityError as exc:  # the same serial entered at the same moment by someone else
            raise Conflict(_("A form with this serial number has already been entered.")) from exc
        followed.add(contribution.pk)
    contribution.fields_of_action.set(fields_of_action)
    contribution.target_groups.set(target_groups)
    audit_record(
        actor=user,
        action="contribution.created",
        obj=contribution,
        data={
            "status": status,
            **provenance,
            "original_date": original_date.isoformat() if original_date else None,
            "event": event.pk if event is not None else None,
            "entered_by": user.pk,
            "organisation": organisation.pk if organisation else None,
        },
    )
    _figures_changed(process.pk, lists=True, contribution_ids=[contribution.pk])
    return contribution


def _plain(value):
    return value


def _pk(value):
    return None if value is None else value.pk


def _bulk_columns(*, process, user, published_at) -> tuple[list[str], list, dict, dict]:
    """What ``contributions_record_analog_bulk`` inserts: the columns of a contribution, a row of values ready for
    the database as a new contribution of ``process`` entered by ``user`` has them (defaults, process, licence,
    entered by, ``published_at``), each column's place in it by attribute and keyword name, and how a keyword's
    value becomes the column's (choices as their plain strings, models as their ids, dates and times through
    their fields). Django's ``bulk_create`` prepares each of the 31 values of every row through its field; here a
    row copies the prepared values and changes the few that differ."""
    template = Contribution(process=process, entered_by=user, licence=process.contribution_licence)
    fields = [field for field in Contribution._meta.concrete_fields if not field.primary_key and not field.generated]
    columns, base, place, prepare = [], [], {}, {}
    for index, field in enumerate(fields):
        columns.append(field.column)
        base.append(field.get_db_prep_save(getattr(template, field.attname), connection))
        place[field.attname] = place[field.name] = index
        if field.is_relation:
            prepare[field.name] = _pk
        elif isinstance(field, models.DateField):  # and DateTimeField
            prepare[field.name] = lambda value, field=field: field.get_db_prep_save(value, connection)
        elif field.choices:
            prepare[field.name] = lambda value: None if value is None else str(value)
        else:
            prepare[field.name] = _plain
    base[place["published_at"]] = prepare["published_at"](published_at)
    return columns, base, place, prepare


def _insert_returning_ids(model, columns: list[str], rows: list[list]) -> list[int]:
    """Insert ``rows`` (values of ``columns``, ready for the database); the new ids in the order of ``rows`` (as
    ``bulk_create`` has them). On PostgreSQL one INSERT … SELECT FROM UNNEST of one array a column (as
    ``bulk_create`` there: psycopg would parse a placeholder a value); elsewhere multi-row INSERT … VALUES …
    RETURNING statements within the backend's limit of parameters."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    returning, returning_params = connection.ops.return_insert_columns([model._meta.pk])
    names = ", ".join(quote(column) for column in columns)  # the model's own, quoted: no input reaches the SQL
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields = {field.column: field for field in model._meta.concrete_fields}
            arrays = ", ".join(f"%s::{fields[column].db_type(connection)}[]" for column in columns)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({arrays}) {returning}",  # noqa: S608
                [list(values) for values in zip(*rows, strict=True)] + list(returning_params),
            )
            ids = [found[0] for found in cursor.fetchall()]
        else:
            one = "(" + ", ".join(["%s"] * len(columns)) + ")"
            per = max(1, (connection.features.max_query_params or 65_535) // len(columns))
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                cursor.execute(
                    f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))} {returning}",  # noqa: S608
                    [value for row in chunk for value in row] + list(returning_params),
                )
                ids += [found[0] for found in cursor.fetchall()]
    if len(ids) != len(rows):
        raise IntegrityError("The database returned fewer ids than rows were inserted.")
    return ids


def _insert_pairs(model, columns: tuple[str, str], pairs: list[tuple[int, int]]) -> None:
    """Insert the rows of a many-to-many table (two ids each) in one ``executemany``."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({quote(columns[0])}, {quote(columns[1])}) VALUES (%s, %s)",  # noqa: S608
            pairs,
        )


@transaction.atomic
def contributions_record_analog_bulk(*, process, user, rows, batch_size: int = 1000, progress=None) -> list[int]:
    """Record many analog contributions at once as a coordinator of the process (a spreadsheet import of workshop
    results): for every row what ``contribution_record_analog`` does, written in bulk. Returns the new ids, in
    the order of ``rows``.

    ``rows`` is any iterable (a generator keeps a large file out of memory) of dicts of
    ``contribution_record_analog``'s keywords (``channel``, ``title``, ``body``, ``fields_of_action``, and
    optionally ``target_groups``, ``district``, ``neighbourhood``, ``language``, ``organisation``,
    ``original_date``, ``form_serial``, ``group_size``, ``publication_consent``, ``event``), checked the same way;
    a row with an event takes the event's channel and date (a paper form keeps its own) and asks
    ``events.enter_results`` (by name).

    ``batch_size`` rows at a time are checked and written: one insert of the contributions (multi-row INSERT …
    RETURNING statements from the values ``_bulk_columns`` prepares: ``bulk_create`` would prepare every value of
    every row through its field), one ``executemany`` each of their fields of action and target groups; the
    tallies are moved once, after the last row. The full-text index follows the inserts by itself (SQLite's
    triggers, PostgreSQL's expression index). All or nothing: every row is checked; any error raises one
    ``ApplicationError`` whose field errors name the row (``<index>-<field>``), and the transaction takes back what
    earlier batches wrote. One audit entry names the ids (as runs of consecutive ids); the cached figures and
    lists of the process become stale once, and new contributions have nothing cached of their own.
    ``progress(done)`` is called after each batch.
    """
    _require(user, "contributions.enter_analog", process)  # a coordinator's: consented rows are published at once
    today = timezone.localdate()
    channels = set(Channel.values) - {Channel.ONLINE}
    events_checked: dict[int, bool] = {}
    errors: dict[str, str] = {}
    serials: dict[str, int] = {}
    ids: list[int] = []
    statuses: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    now = timezone.now()
    fields_through = Contribution.fields_of_action.through
    groups_through = Contribution.target_groups.through
    columns, base, place, prepare = _bulk_columns(process=process, user=user, published_at=now)
    counts: dict = {}  # tally changes of all batches, moved once after the last
    batch: list = []

    def write(batch: list) -> None:
        serial_rows = {provenance["form_serial"]: index for index, _c, provenance, _f, _g in batch}
        serial_rows.pop("", None)
        for serial in Contribution.objects.filter(process=process, form_serial__in=list(serial_rows)).values_list(
            "form_serial", flat=True
        ):
            errors[f"{serial_rows[serial]}-form_serial"] = _("A form with this serial number has already been entered.")
        if errors:
            return  # nothing more is written; the error is raised after the last row
        rows = []
        for _index, content, provenance, _fields, _groups in batch:
            row = base.copy()
            for name, value in content.items():
                row[place[name]] = prepare[name](value)
            for name, value in provenance.items():
                row[place[name]] = prepare[name](value)
            row[place["published_at"]] = (
                row[place["published_at"]] if provenance["status"] == Status.PUBLISHED else None
            )
            row[place["created_at"]] = row[place["updated_at"]] = prepare["created_at"](timezone.now())
            rows.append(row)
        try:
            with transaction.atomic():
                new_ids = _insert_returning_ids(Contribution, columns, rows)
        except IntegrityError as exc:  # a serial entered at the same moment by someone else
            raise Conflict(_("A form with this serial number has already been entered.")) from exc
        links, group_links = [], []
        for pk, (_index, content, provenance, field_ids, group_ids) in zip(new_ids, batch, strict=True):
            ids.append(pk)
            status, channel = str(provenance["status"]), str(provenance["channel"])
            district = content["district"]
            key = (process.pk, status, channel, str(content["language"]), district.pk if district else None)
            counts[key] = counts.get(key, 0) + 1
            statuses[status] = statuses.get(status, 0) + 1
            by_channel[channel] = by_channel.get(channel, 0) + 1
            links += [(pk, field_id) for field_id in field_ids]
            group_links += [(pk, group_id) for group_id in group_ids]
        _insert_pairs(fields_through, ("contribution_id", "fieldofaction_id"), links)
        _insert_pairs(groups_through, ("contribution_id", "targetgroup_id"), group_links)
        if progress is not None:
            progress(len(ids))

    for index, row in enumerate(rows):
        row_errors: dict[str, str] = {}
        event = row.get("event")
        channel, original_date = row.get("channel") or "", row.get("original_date")
        if event is not None:
            if event.pk not in events_checked:
                events_checked[event.pk] = event.process_id == process.pk and rules.has_perm(
                    "events.enter_results", user, event
                )
            if not events_checked[event.pk]:
                row_errors["event"] = _("The results of this event cannot be entered.")
            if channel != Channel.PAPER_FORM:  # as contribution_record_analog: a paper form keeps channel and date
                channel, original_date = event.channel, None
            original_date = original_date or timezone.localdate(event.starts_at)
        if channel not in channels:
            row_errors["channel"] = _("Please choose the channel the contribution came in by.")
        if original_date is not None and original_date > today:
            row_errors["original_date"] = _("The date on the original cannot be in the future.")
        group_size = row.get("group_size")
        if group_size is not None and group_size < 1:
            row_errors["group_size"] = _("A group has at least one person.")
        form_serial = (row.get("form_serial") or "").strip()
        if form_serial:
            if form_serial in serials:
                row_errors["form_serial"] = _("A form with this serial number has already been entered.")
            serials.setdefault(form_serial, index)
        fields_of_action, target_groups = list(row.get("fields_of_action") or ()), list(row.get("target_groups") or ())
        try:
            content = _content_checked(
                process=process,
                title=row.get("title", ""),
                body=row.get("body", ""),
                fields_of_action=fields_of_action,
                target_groups=target_groups,
                district=row.get("district"),
                neighbourhood=row.get("neighbourhood"),
                language=row.get("language") or "",
                errors=row_errors,
            )
        except ApplicationError as error:
            errors.update({f"{index}-{field}": message for field, message in error.field_errors.items()})
            continue
        consent = bool(row.get("publication_consent"))
        provenance = {
            "channel": channel,
            "original_date": original_date,
            "form_serial": form_serial,
            "group_size": group_size,
            "publication_consent": consent,
            "event": event,
            "organisation": row.get("organisation"),
            "status": Status.PUBLISHED if consent else Status.IN_MODERATION,
        }
        batch.append((index, content, provenance, [f.pk for f in fields_of_action], [g.pk for g in target_groups]))
        if len(batch) >= batch_size:
            write(batch)
            batch = []
    if batch:
        write(batch)  # after an error it only checks the serials: nothing more is written
    if errors:
        raise ApplicationError(_("Please correct the marked rows: none was saved."), field_errors=errors)
    tally_apply({key: (count, *[0] * (len(TALLY_AMOUNTS) - 1)) for key, count in counts.items()})
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and runs[-1][1] == pk - 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    audit_record(
        actor=user,
        action="contributions.analog_recorded",
        obj=ManyRows(Contribution),
        data={
            "process": process.pk,
            "count": len(ids),
            "ids": runs,
            "status": statuses,
            "channel": by_channel,
            "events": sorted(events_checked),
            "entered_by": user.pk,
        },
    )
    if ids:
        _figures_changed(process.pk, lists=True)
    return ids


def confirmation_max_age() -> int:
    """Seconds a confirmation link stays valid: as long as an unconfirmed contribution is kept."""
    return settings.TEILHABE_UNCONFIRMED_DAYS * 24 * 3600


def contribution_confirmation_token(contribution: Contribution) -> str:
    return signing.dumps({"c": contribution.pk, "e": contribution.author_email}, salt=CONFIRM_SALT)


def _send_confirmation_mail(contribution: Contribution) -> None:
    """Anyone can type anyone's address into the form, so the mail carries nothing the submitter wrote.

    No title, no text, no name: a fixed subject, fixed sentences and one link to this site.
    """
    link = settings.SITE_URL + reverse(
        "contributions:confirm", kwargs={"token": contribution_confirmation_token(contribution)}
    )
    send_localised_mail(
        to=[contribution.author_email],
        language=contribution.author_language,
        subject=gettext_lazy("Please confirm your contribution"),
        template="contributions/email/confirm",
        context={"link": link, "days": settings.TEILHABE_UNCONFIRMED_DAYS},
    )


@transaction.atomic
def contribution_set_language(*, contribution: Contribution, user, language: str) -> Contribution:
    """Staff correct the language of a contribution (for example when detection was wrong)."""
    _require(user, "contributions.moderate_contribution", contribution)
    if language not in Language.values:
        raise ApplicationError(
            _("Please choose a language from the list."), field_errors={"language": _("Unknown language.")}
        )
    previous = contribution.language
    with tallied([contribution.pk]):
        contribution.language, contribution.language_source = language, LanguageSource.STAFF
        contribution.save(update_fields=["language", "language_source", "updated_at"])
    audit_record(
        actor=user, action="contribution.language_set", obj=contribution, data={"from": previous, "to": language}
    )
    _figures_changed(contribution.process_id, lists=True, contribution_ids=[contribution.pk])
    return contribution


@transaction.atomic
def contribution_confirm_email(*, token: str) -> Contribution:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=confirmation_max_age())
    except signing.SignatureExpired as exc:
        raise ApplicationError(_("This confirmation link has expired. Please submit the contribution again.")) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("This confirmation link is not valid.")) from exc
    contribution = (
        Contribution.objects.select_for_update()
        .select_related("process")
        .filter(pk=data.get("c"), author_email=data.get("e"))
        .first()
    )
    if contribution is None:
        raise NotFound(_("This confirmation link is not valid."))
    if contribution.status != Status.AWAITING_CONFIRMATION:
        return contribution  # confirming twice is harmless
    with tallied([contribution.pk]):
        contribution.email_confirmed_at = timezone.now()
        contribution.status = _initial_status(contribution.process)
        if contribution.status == Status.PUBLISHED:
            contribution.published_at = timezone.now()
        contribution.save(update_fields=["email_confirmed_at", "status", "published_at", "updated_at"])
    audit_record(
        actor=None, action="contribution.email_confirmed", obj=contribution, data={"status": contribution.status}
    )
    _figures_changed(contribution.process_id, lists=True, contribution_ids=[contribution.pk])
    return contribution


@transaction.atomic
def contribution_moderate(*, contribution: Contribution, user, publish: bool, reason: str = "") -> Contribution:
    """Publish a contribution from the queue, or remove it with a public reason category."""
    _require(user, "contributions.moderate_contribution", contribution)
    with tallied([contribution.pk]):
        contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
        if publish:
            if contribution.status == Status.AWAITING_CONFIRMATION:
                raise Conflict(_("The author has not yet confirmed this contribution."))
            if not contribution.publication_consent:
                raise Conflict(
                    _("This contribution was given without consent to publication, so it stays unpublished.")
                )
            contribution.status = Status.PUBLISHED
            contribution.removal_reason = ""
            contribution.published_at = contribution.published_at or timezone.now()
        else:
            if reason not in RemovalReason.values:
                raise ApplicationError(
                    _("Please choose a reason for the removal."), field_errors={"reason": _("Please choose a reason.")}
                )
            contribution.status = Status.REMOVED
            contribution.removal_reason = reason
        contribution.save(update_fields=["status", "removal_reason", "published_at", "updated_at"])
        Flag.objects.filter(contribution=contribution, comment__isnull=True, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=user
        )
        contribution.open_flag_count = 0
        Contribution.objects.filter(pk=contribution.pk).update(open_flag_count=0)
    audit_record(
        actor=user,
        action="contribution.published" if publish else "contribution.removed",
        obj=contribution,
        data={"reason": contribution.removal_reason},
    )
    _figures_changed(contribution.process_id, lists=True, contribution_ids=[contribution.pk])
    return contribution


@transaction.atomic
def comment_create(
    *, contribution: Contribution, user, body: str, parent: Comment | None = None, language: str = "de"
) -> Comment:
    _require(user, "contributions.add_comment", contribution)
    body = clean_plain_text(body)
    if not body:
        raise ApplicationError(_("Please write a comment."), field_errors={"body": _("Please write a comment.")})
    if parent is not None:
        if parent.contribution_id != contribution.pk:
            raise ApplicationError(_("You can only reply to comments on this contribution."))
        if parent.parent_id is not None:
            parent = parent.parent  # replies stay one level deep
        if parent.status != Status.PUBLISHED:
            raise NotFound(_("The comment you replied to does not exist."))
    status = _initial_status(contribution.process)
    with tallied([contribution.pk] if status == Status.PUBLISHED else []):
        comment = Comment.objects.create(
            contribution=contribution, parent=parent, author=user, body=body, language=language, status=status
        )
        if status == Status.PUBLISHED:
            Contribution.objects.filter(pk=contribution.pk).update(comment_count=F("comment_count") + 1)
    audit_record(actor=user, action="comment.created", obj=comment, data={"status": status})
    _figures_changed(contribution.process_id, contribution_ids=[contribution.pk])
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, user, publish: bool, reason: str = "") -> Comment:
    _require(user, "contributions.moderate_contribution", comment.contribution)
    with tallied([comment.contribution_id]):  # locks the contribution, then the comment
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        was_published = comment.status == Status.PUBLISHED
        if publish:
            comment.status, comment.removal_reason = Status.PUBLISHED, ""
        else:
            if reason not in RemovalReason.values:
                raise ApplicationError(
                    _("Please choose a reason for the removal."), field_errors={"reason": _("Please choose a reason.")}
                )
            comment.status, comment.removal_reason = Status.REMOVED, reason
        comment.open_flag_count = 0
        comment.save(update_fields=["status", "removal_reason", "open_flag_count", "updated_at"])
        delta = int(comment.status == Status.PUBLISHED) - int(was_published)
        if delta:
            Contribution.objects.filter(pk=comment.contribution_id).update(comment_count=F("comment_count") + delta)
        Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=user
        )
    audit_record(
        actor=user,
        action="comment.published" if publish else "comment.removed",
        obj=comment,
        data={"reason": comment.removal_reason},
    )
    _figures_changed(comment.contribution.process_id, contribution_ids=[comment.contribution_id])
    return comment


def support_add(*, contribution: Contribution, user) -> bool:
    """Support a contribution once. Returns False when the person already supports it."""
    _require(user, "contributions.add_support", contribution)
    try:
        with transaction.atomic():
            with tallied([contribution.pk]):
                support = Support.objects.create(contribution=contribution, user=user)
                Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") + 1)
            audit_record(actor=user, action="support.added", obj=contribution, data={"support": support.pk})
            _figures_changed(contribution.process_id, contribution_ids=[contribution.pk])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def support_withdraw(*, contribution: Contribution, user) -> bool:
    """Withdraw one's support. Returns False when there was none."""
    _require(user, "contributions.add_support", contribution)
    with tallied([contribution.pk]):
        deleted, _unused = Support.objects.filter(contribution=contribution, user=user).delete()
        if deleted:
            Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") - 1)
    if not deleted:
        return False
    audit_record(actor=user, action="support.withdrawn", obj=contribution)
    _figures_changed(contribution.process_id, contribution_ids=[contribution.pk])
    return True


def flag_create(
    *, contribution: Contribution, user, reason: str, note: str = "", comment: Comment | None = None
) -> bool:
    """Report a contribution or comment to the moderators. Returns False for a repeated report."""
    _require(user, "contributions.flag_contribution", contribution)
    if reason not in FlagReason.values:
        raise ApplicationError(_("Please choose a reason."), field_errors={"reason": _("Please choose a reason.")})
    if comment is not None and comment.contribution_id != contribution.pk:
        raise NotFound()
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                contribution=contribution,
                comment=comment,
                reporter=user,
                reason=reason,
                note=clean_plain_text(note)[:500],
            )
            target = (
                Comment.objects.filter(pk=comment.pk) if comment else Contribution.objects.filter(pk=contribution.pk)
            )
            target.update(open_flag_count=F("open_flag_count") + 1)
            audit_record(actor=user, action="flag.created", obj=flag, data={"reason": reason})
    except IntegrityError:
        return False
    return True


def contribution_translation_get(*, contribution: Contribution, language: str):
    """A machine translation of the contribution into ``language``, made once and stored apart.

    Returns None when no translation is needed or possible; the page then shows the original.
    """
    target = language.split("-")[0]
    if target == contribution.language or contribution.language == Language.OTHER and not machine_translation_enabled():
        return None
    source_hash = hashlib.sha256(f"{contribution.title}\n{contribution.body}".encode()).hexdigest()
    stored = ContributionTranslation.objects.filter(
        contribution=contribution, language=target, source_hash=source_hash
    ).first()
    if stored is not None or not machine_translation_enabled():
        return stored
    source = "" if contribution.language == Language.OTHER else contribution.language
    try:
        title, body = machine_translate([contribution.title, contribution.body], source=source or "auto", target=target)
    except TranslationUnavailable:
        return None
    stored, _created = ContributionTranslation.objects.update_or_create(
        contribution=contribution,
        language=target,
        defaults={
            "title": clean_plain_text(title)[:480],
            "body": clean_plain_text(body),
            "source_hash": source_hash,
            "engine": settings.MT_BACKEND,
        },
    )
    cache_version_bump(CONTRIBUTION_NAMESPACE, contribution.pk)  # its page and card now have this language
    return stored


@transaction.atomic
def contribution_purge_unconfirmed() -> int:
    """Delete anonymous contributions never confirmed within ``TEILHABE_UNCONFIRMED_DAYS``, address and all.

    Run by the task worker (``TEILHABE_HOUSEKEEPING_JOBS``) and by ``manage.py purge_unconfirmed``. One audit
    entry records how many were deleted; it names no address. Returns the number deleted.
    """
    cutoff = timezone.now() - datetime.timedelta(days=settings.TEILHABE_UNCONFIRMED_DAYS)
    expired = list(
        Contribution.objects.select_for_update()
        .filter(status=Status.AWAITING_CONFIRMATION, email_confirmed_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "process_id")
    )
    if not expired:
        return 0
    with tallied(pk for pk, _process in expired):
        for start in range(0, len(expired), 500):
            Contribution.objects.filter(pk__in=[pk for pk, _process in expired[start : start + 500]]).delete()
    audit_record(
        actor=None,
        action="contribution.unconfirmed_purged",
        obj=ManyRows(Contribution),
        data={"count": len(expired), "days": settings.TEILHABE_UNCONFIRMED_DAYS},
    )
    for process_id in {process_id for _pk, process_id in expired}:
        _figures_changed(
            process_id, lists=True, contribution_ids=[pk for pk, process in expired if process == process_id]
        )
    return len(expired)


@transaction.atomic
def user_delete(*, user, actor) -> dict:
    """Delete an account row for good, removing its supports and reports and correcting the counters with them.

    What account deletion does (issue 6, point 3): closing an account normally anonymises it
    (``teilhabe.accounts.services.user_anonymise``): the nameless account keeps its supports and reports, so
    every count stays exact and nothing cascades. Deleting the row itself is for superusers only and goes
    through this service, which removes the supports and reports and adjusts ``support_count`` and
    ``open_flag_count`` in the same transaction. ``Support.user`` and ``Flag.reporter`` are PROTECT, so a raw
    delete (admin, shell) fails loudly instead of letting counters drift. Accounts that wrote or entered
    contributions cannot be deleted (those keep their author or ``entered_by``): anonymise them instead.
    Returns how many supports and reports went.
    """
    if not getattr(actor, "is_superuser", False):
        raise NotAllowed()
    if Contribution.objects.filter(Q(author=user) | Q(entered_by=user)).exists():
        raise Conflict(_("This account wrote or entered contributions. Please anonymise it instead of deleting it."))
    supported = list(Support.objects.filter(user=user).values_list("contribution_id", flat=True))
    flags = Flag.objects.filter(reporter=user)
    open_flags = flags.filter(resolved_at__isnull=True)
    flagged_contributions = list(open_flags.filter(comment__isnull=True).values_list("contribution_id", flat=True))
    flagged_comments = list(open_flags.filter(comment__isnull=False).values_list("comment_id", flat=True))
    # Their pages change too: the supports and reports go, and their comments lose the author's name.
    changed = (
        Contribution.objects.filter(Q(pk__in=supported) | Q(flags__reporter=user) | Q(comments__author=user))
        .order_by()
        .values_list("pk", "process_id")
        .distinct()
    )
    changed_by_process: dict[int, set[int]] = {}
    for pk, process_id in changed:
        changed_by_process.setdefault(process_id, set()).add(pk)
    removed = {"supports": len(supported), "flags": flags.count()}
    with tallied(supported):  # around every write, so that the tally rows are locked last
        # One support and one report per person and item (unique constraints), so each item loses exactly one.
        Contribution.objects.filter(pk__in=supported).update(support_count=F("support_count") - 1)
        Contribution.objects.filter(pk__in=flagged_contributions).update(open_flag_count=F("open_flag_count") - 1)
        Comment.objects.filter(pk__in=flagged_comments).update(open_flag_count=F("open_flag_count") - 1)
        Support.objects.filter(user=user).delete()
        flags.delete()
        audit_record(actor=actor, action="user.deleted", obj=user, data=removed)
        user.delete()
    for process_id, contribution_ids in changed_by_process.items():
        _figures_changed(process_id, contribution_ids=contribution_ids)
    return removed


@transaction.atomic
def counters_repair() -> int:
    """Set every drifted counter to the number of its rows (``check_counters --fix``); audited with the count."""
    differences = counter_differences()
    models = {Contribution._meta.label_lower: Contribution, Comment._meta.label_lower: Comment}
    contribution_ids = {d.pk for d in differences if d.model == Contribution._meta.label_lower}
    comment_ids = [d.pk for d in differences if d.model == Comment._meta.label_lower]
    contribution_ids |= set(Comment.objects.filter(pk__in=comment_ids).values_list("contribution_id", flat=True))
    for difference in differences:
        models[difference.model].objects.filter(pk=difference.pk).update(**{difference.field: difference.counted})
    by_process: dict[int, set[int]] = {}
    for pk, process_id in Contribution.objects.filter(pk__in=contribution_ids).values_list("pk", "process_id"):
        by_process.setdefault(process_id, set()).add(pk)
    # The tallies sum support_count and comment_count: a drifted counter was summed as it was, so the tallies
    # of its process are counted afresh (moving the difference could take a tally below zero).
    tallies = sum(len(tallies_build(process_id)) for process_id in sorted(by_process))
    if differences:
        audit_record(
            actor=None,
            action="counters.repaired",
            obj=ManyRows(Contribution),
            data={
                "count": len(differences),
                "fields": sorted({f"{d.model}.{d.field}" for d in differences}),
                "tallies": tallies,
            },
        )
        for process_id, ids in by_process.items():
            _figures_changed(process_id, lists=True, contribution_ids=ids)
    return len(differences)


@transaction.atomic
def tallies_rebuild(*, process=None) -> int:
    """Set every tally (of ``process``, or of all processes) to a fresh count of its contributions
    (``check_counters --fix``); audited with how many rows differed. Returns that number.

    No contribution's card or page shows a tally, so only the figures and list counts become stale.
    """
    differences = tallies_build(process)
    if differences:
        audit_record(
            actor=None,
            action="tallies.rebuilt",
            obj=ManyRows(ContributionTally),
            data={"count": len(differences), "process": process.pk if process is not None else None},
        )
        for process_id in sorted({difference.key[0] for difference in differences}):
            _figures_changed(process_id, lists=True)
    return len(differences)


@transaction.atomic
def flags_dismiss(*, user, contribution: Contribution, comment: Comment | None = None) -> int:
    """Keep a published contribution (or one of its comments) as it is: resolve its open reports.

    Returns how many reports were resolved. Unpublished items are decided by publishing or removing them.
    """
    _require(user, "contributions.moderate_contribution", contribution)
    if comment is not None and comment.contribution_id != contribution.pk:
        raise NotFound()
    model, pk = (Comment, comment.pk) if comment is not None else (Contribution, contribution.pk)
    target = model.objects.select_for_update().get(pk=pk)
    if target.status != Status.PUBLISHED:
        raise Conflict(_("Only published items can be kept; please publish or remove this one."))
    flags = Flag.objects.filter(contribution_id=contribution.pk, resolved_at__isnull=True)
    flags = flags.filter(comment=target) if comment is not None else flags.filter(comment__isnull=True)
    resolved = flags.update(resolved_at=timezone.now(), resolved_by=user)
    model.objects.filter(pk=pk).update(open_flag_count=0)
    audit_record(actor=user, action="flags.dismissed", obj=target, data={"flags": resolved})
    _figures_changed(contribution.process_id, contribution_ids=[contribution.pk])
    return resolved


@contextmanager
def contribution_admin_change(*, contribution: Contribution):
    """The admin's edit of a contribution's classification (its district counts in the tallies) runs in this
    block: one transaction, tallies kept exact, cached lists and the contribution's pages made stale."""
    with transaction.atomic(), tallied([contribution.pk]):
        yield
        _figures_changed(contribution.process_id, lists=True, contribution_ids=[contribution.pk])


# --------------------------------------------------------------------------------------------------------------
# Supports counted at events (dot-voting, ballot sheets): docs/analog-supports.md

ANALOG_NOTE_MAX = 500
ANALOG_COUNT_MAX = 100_000  # more dots than a sheet holds: a typing error


def _analog_count(value, *, field: str, errors: dict) -> int | None:
    """A count typed into a sheet's row: a whole number from 0 up, or a field error."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            errors[field] = _("Please enter a whole number of supports (0 or more).")
            return None
    if value < 0:
        errors[field] = _("A count cannot be negative. To lower an entry, correct it.")
        return None
    if value > ANALOG_COUNT_MAX:
        errors[field] = _("This count is too large for one sheet; please check it.")
        return None
    return value


@transaction.atomic
def analog_supports_enter(*, user, event, counts: dict[int, int], note: str = "") -> list[AnalogSupportTally]:
    """Enter the supports counted at ``event`` (an ``events.Event``) for several contributions at once: one sheet of a
    dot-vote, ``counts`` maps a contribution's id to its count. Empty rows and rows with 0 are left out; each other
    row becomes an ``AnalogSupportTally`` and adds its count to the contribution's ``analog_support_count`` (and its
    tally).

    Whoever may enter the event's results may enter them (``events.enter_results``, asked by name: contributions never
    import events): the event's organisers and the process's coordinators, once the event is held. Only published
    contributions of the event's process count. All or nothing: any bad row refuses the whole sheet, with an error
    per row (``count_<id>``). Each entry is audited on its contribution.
    """
    _require(user, "events.enter_results", event)
    errors: dict[str, str] = {}
    wanted: dict[int, int] = {}
    for key, value in counts.items():
        if value is None or str(value).strip() == "":
            continue  # a row left empty
        pk = key if isinstance(key, int) else parse_id(key)
        field = f"count_{key}"
        if pk is None:
            errors[field] = _("This is not the number of a contribution.")
            continue
        count = _analog_count(value, field=f"count_{pk}", errors=errors)
        if count:
            wanted[pk] = count
    note = clean_plain_text(note)
    if len(note) > ANALOG_NOTE_MAX:
        errors["note"] = _("Please keep the note under %(max)s characters.") % {"max": ANALOG_NOTE_MAX}
    if errors:
        raise ApplicationError(_("Please correct the marked counts; nothing was saved."), field_errors=errors)
    if not wanted:
        raise ApplicationError(
            _("Please enter at least one count above 0."), field_errors={"counts": _("No count was entered.")}
        )
    entries = []
    with tallied(wanted):  # the contributions are locked from here until the commit
        found = set(
            Contribution.objects.filter(
                pk__in=wanted, process_id=event.process_id, status=Status.PUBLISHED
            ).values_list("pk", flat=True)
        )
        missing = sorted(set(wanted) - found)
        if missing:
            raise ApplicationError(
                _("Only published contributions of this event's process can be counted; nothing was saved."),
                field_errors={
                    f"count_{pk}": _("No published contribution of this process has the number %(number)s.")
                    % {"number": pk}
                    for pk in missing
                },
            )
        for pk in sorted(wanted):
            entries.append(
                AnalogSupportTally(
                    contribution_id=pk,
                    event=event,
                    count=wanted[pk],
                    delta=wanted[pk],
                    note=note,
                    entered_by=user,
                )
            )
            Contribution.objects.filter(pk=pk).update(analog_support_count=F("analog_support_count") + wanted[pk])
        entries = AnalogSupportTally.objects.bulk_create(entries)
    for entry in entries:
        audit_record(
            actor=user,
            action="analog_supports.entered",
            obj=Contribution(pk=entry.contribution_id),  # names the contribution; nothing more is read
            data={"tally": entry.pk, "event": event.pk, "count": entry.count, "note": note},
        )
    _figures_changed(event.process_id, contribution_ids=wanted)
    return entries


@transaction.atomic
def analog_supports_correct(*, user, tally: AnalogSupportTally, count, reason: str) -> AnalogSupportTally:
    """Correct an entry of supports counted at an event: a new entry with the right ``count`` that replaces ``tally``
    in the total (it adds the difference); ``tally`` stays as it was, and each entry is corrected at most once (a
    correction of a correction corrects the latest). The same people as for entering (``events.enter_results``); a
    ``reason`` is required. Audited on the contribution with both counts.
    """
    _require(user, "events.enter_results", tally.event)
    errors: dict[str, str] = {}
    count = _analog_count(count, field="count", errors=errors)
    reason = clean_plain_text(reason)
    if not reason:
        errors["reason"] = _("Please say why the entry is corrected.")
    elif len(reason) > ANALOG_NOTE_MAX:
        errors["reason"] = _("Please keep the note under %(max)s characters.") % {"max": ANALOG_NOTE_MAX}
    if errors:
        raise ApplicationError(_("Please correct the marked fields; nothing was saved."), field_errors=errors)
    with tallied([tally.contribution_id]):  # locks the contribution: corrections of one entry queue up here
        if AnalogSupportTally.objects.filter(corrects_id=tally.pk).exists():
            raise Conflict(_("This entry has already been corrected; please correct the latest correction."))
        if count == tally.count:
            raise ApplicationError(
                _("The count is the same as the entry's; nothing to correct."),
                field_errors={"count": _("Please enter the right count.")},
            )
        delta = count - tally.count
        try:
            with transaction.atomic():
                correction = AnalogSupportTally.objects.create(
                    contribution_id=tally.contribution_id,
                    event_id=tally.event_id,
                    count=count,
                    delta=delta,
                    note=reason,
                    corrects=tally,
                    entered_by=user,
                )
        except IntegrityError as exc:  # corrected by someone else at the same moment
            raise Conflict(_("This entry has already been corrected; please correct the latest correction.")) from exc
        Contribution.objects.filter(pk=tally.contribution_id).update(
            analog_support_count=F("analog_support_count") + delta
        )
    audit_record(
        actor=user,
        action="analog_supports.corrected",
        obj=Contribution(pk=tally.contribution_id),
        data={
            "tally": correction.pk,
            "corrects": tally.pk,
            "event": tally.event_id,
            "count": count,
            "previous": tally.count,
            "reason": reason,
        },
    )
    _figures_changed(tally.event.process_id, contribution_ids=[tally.contribution_id])
    return correction
