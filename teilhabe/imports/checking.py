"""Checking the rows of an import file against a process: every error of every row, as codes (``columns.ROW_ERRORS``).

A ``RowChecker`` loads what rows refer to once (fields of action, target groups, districts, events, keys imported
before) and then checks row after row; each valid row comes with the keywords of
``contributions_record_analog_bulk`` and its stable key.
"""

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone, translation

from teilhabe.contributions.models import BODY_MAX, TITLE_MAX, Channel, Language
from teilhabe.events.models import Event, EventState
from teilhabe.imports.columns import COLUMN_NAMES, KEY_MAX, split_list
from teilhabe.imports.models import ImportedRow
from teilhabe.places.models import District
from teilhabe.processes.models import FieldOfAction, TargetGroup
from teilhabe.stakeholders.models import Organisation

YES = {"ja", "j", "yes", "y", "1", "x", "true", "wahr"}
NO = {"nein", "n", "no", "0", "false", "falsch", ""}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y")
DEFAULT_CHANNEL = Channel.WORKSHOP


# Unicode's control characters (category Cc) are exactly U+0000-U+001F and U+007F-U+009F.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """What ``core.text.clean_plain_text`` makes of a text (NFC, line breaks as \\n, no control characters but
    line breaks and tabs, trimmed), by one regular expression instead of a test per character: a file of 100,000
    rows is checked twice (test_checking.py proves the two the same)."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


@dataclass
class RowResult:
    line: int
    title: str
    key: str
    result: str = "valid"  # valid, invalid, already
    errors: list = field(default_factory=list)  # [[code, params], …]
    prepared: dict | None = None

    def error(self, code: str, **params) -> None:
        self.errors.append([code, params])

    def stored(self) -> list:
        """What the ImportRun keeps of the row: [line, title, result, errors]."""
        return [self.line, self.title[:80], self.result, self.errors]


def _folded(items, *names) -> dict:
    found = {}
    for item in items:
        for name in names:
            found.setdefault(str(getattr(item, name)).casefold(), item)
    return found


def row_key(values: dict) -> str:
    """A row's stable key: its own key column, else a hash of its content (the known columns, trimmed)."""
    own = str(values.get("key") or "").strip()
    if own:
        return own
    content = "\x1f".join(str(values.get(name, "")).strip() for name in COLUMN_NAMES if name != "key")
    return "sha256:" + hashlib.sha256(content.encode("utf-8")).hexdigest()


# The German form (31.12.2025) that most files have, read without strptime (which compiles and matches a pattern
# each call); anything else, or a day that does not exist, goes through DATE_FORMATS in order as before.
_GERMAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and (found := _GERMAN_DATE.fullmatch(value)):
        day, month, year = found.groups()
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


class RowChecker:
    def __init__(self, process, *, default_event=None):
        self.process = process
        self.default_event = default_event
        self.fields = _folded(FieldOfAction.objects.filter(process=process), "slug", "name")
        self.groups = _folded(TargetGroup.objects.filter(process=process), "slug", "name")
        self.districts = _folded(District.objects.filter(city_id=process.city_id), "number", "name")
        self.events = {
            event.pk: event
            for event in Event.objects.filter(process=process).only("pk", "process_id", "type", "state", "starts_at")
        }
        self.channels = {value.casefold(): value for value in Channel.values if value != Channel.ONLINE}
        for language in ("de", "en"):
            with translation.override(language):
                for value, label in Channel.choices:
                    if value != Channel.ONLINE:
                        self.channels.setdefault(str(label).casefold(), value)
        self.languages = {value.casefold(): value for value in Language.values}
        self.languages.update({str(label).casefold(): value for value, label in Language.choices})
        self.organisations: dict[str, Organisation | None] = {}
        self.imported = set(ImportedRow.objects.filter(process=process).values_list("key", flat=True))
        self.today = timezone.localdate()

    def _organisation(self, name: str):
        folded = name.casefold()
        if folded not in self.organisations:
            self.organisations[folded] = Organisation.objects.filter(name__iexact=name).first()
        return self.organisations[folded]

    def check(self, rows) -> Iterator[RowResult]:
        """Check (line, values) rows in order; a row whose key came before in the file is a duplicate."""
        seen: dict[str, int] = {}
        for line, values in rows:
            result = self.check_row(line, values)
            if result.key in seen:
                result.error("duplicate", line=seen[result.key])
            else:
                seen[result.key] = line
            if result.key in self.imported and result.result != "invalid":
                result.result, result.errors, result.prepared = "already", [], None
            elif result.errors:
                result.result, result.prepared = "invalid", None
            yield result

    def check_row(self, line: int, values: dict) -> RowResult:
        title = clean_text(str(values.get("title") or ""))
        body = clean_text(str(values.get("text") or ""))
        row = RowResult(line=line, title=title, key=row_key(values))
        if len(row.key) > KEY_MAX:
            row.error("key_too_long", max=KEY_MAX)
        if not title:
            row.error("title_missing")
        elif len(title) > TITLE_MAX:
            row.error("title_too_long", length=len(title), max=TITLE_MAX)
        if not body:
            row.error("text_missing")
        elif len(body) > BODY_MAX:
            row.error("text_too_long", length=len(body), max=BODY_MAX)
        fields = self._lookup(row, values.get("fields_of_action"), self.fields, "unknown_field")
        if not fields and not any(code == "unknown_field" for code, _params in row.errors):
            row.error("field_missing")
        groups = self._lookup(row, values.get("target_groups"), self.groups, "unknown_target_group")
        district = None
        if district_value := str(values.get("district") or "").strip():
            district = self.districts.get(district_value.casefold().lstrip("0") or "0") or self.districts.get(
                district_value.casefold()
            )
            if district is None:
                row.error("unknown_district", value=district_value)
        event = self.default_event
        if event_value := str(values.get("event") or "").strip():
            event = self.events.get(int(event_value)) if event_value.isdigit() else None
            if event is None:
                row.error("unknown_event", value=event_value)
        if event is not None and event.state != EventState.HELD:
            row.error("event_not_held", value=event.pk)
        channel = DEFAULT_CHANNEL
        if channel_value := str(values.get("channel") or "").strip():
            channel = self.channels.get(channel_value.casefold())
            if channel is None:
                row.error("unknown_channel", value=channel_value)
        original_date = None
        date_value = values.get("original_date")
        if date_value not in (None, ""):
            original_date = parse_date(date_value)
            if original_date is None:
                row.error("bad_date", value=date_value)
            elif original_date > self.today:
                row.error("future_date", value=original_date.isoformat())
        group_size = None
        if size_value := str(values.get("group_size") or "").strip():
            group_size = int(size_value) if size_value.isdigit() else 0
            if group_size < 1:
                row.error("bad_group_size", value=size_value)
        consent_value = str(values.get("publication_consent") or "").strip().casefold()
        if consent_value not in YES | NO:
            row.error("bad_consent", value=values.get("publication_consent"))
        language = ""
        if language_value := str(values.get("language") or "").strip():
            language = self.languages.get(language_value.casefold(), "")
            if not language:
                row.error("unknown_language", value=language_value)
        organisation = None
        if organisation_value := str(values.get("organisation") or "").strip():
            organisation = self._organisation(organisation_value)
            if organisation is None:
                row.error("unknown_organisation", value=organisation_value)
        if not row.errors:
            row.prepared = {
                "channel": channel,
                "title": title,
                "body": body,
                "fields_of_action": fields,
                "target_groups": groups,
                "district": district,
                "language": language,
                "organisation": organisation,
                "original_date": original_date,
                "group_size": group_size,
                "publication_consent": consent_value in YES,
                "event": event,
            }
        return row

    @staticmethod
    def _lookup(row: RowResult, value, known: dict, code: str) -> list:
        found = []
        for name in split_list(str(value or "")):
            item = known.get(name.casefold())
            if item is None:
                row.error(code, value=name)
            elif item not in found:
                found.append(item)
        return found
