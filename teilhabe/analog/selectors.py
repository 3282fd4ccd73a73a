"""Reads of analog input: the process of the entry screen, its choices (among them the sections of a plan draft
out for consultation), the entry just saved, scans."""

import datetime

import rules
from django.utils import timezone

from teilhabe.analog.models import Scan
from teilhabe.contributions.models import Contribution
from teilhabe.events.models import Event, EventState
from teilhabe.plan.models import Section, VersionState
from teilhabe.plan.selectors import Node, version_comments_open, version_current, version_tree
from teilhabe.processes.models import Process
from teilhabe.stakeholders.models import Organisation

ENTRY_EVENT_DAYS = 180
ENTRY_EVENTS_MAX = 20


def entry_process(*, slug: str) -> Process | None:
    """The process of an entry screen by its slug, published or not (coordinators enter input before and after)."""
    return Process.objects.select_related("city").filter(slug=slug).first()


def entry_events(*, process):
    """The events offered on the entry screen: the ``ENTRY_EVENTS_MAX`` most recent held events of the process that
    began within ``ENTRY_EVENT_DAYS`` days (originals from an information stand come in within weeks), newest first.
    A queryset (the form validates against it) of at most that many rows, whatever the calendar's size."""
    since = timezone.now() - datetime.timedelta(days=ENTRY_EVENT_DAYS)
    recent = list(
        Event.objects.filter(process=process, state=EventState.HELD, starts_at__gte=since)
        .order_by("-starts_at", "-pk")
        .values_list("pk", flat=True)[:ENTRY_EVENTS_MAX]
    )
    return Event.objects.filter(pk__in=recent).order_by("-starts_at", "-pk")


def entry_organisations():
    return Organisation.objects.order_by("name").only("pk", "name")


def entry_saved(*, process, pk) -> Contribution | None:
    """The contribution named in the success line after "save and next", if it is one of this process (with the
    section of the plan's draft it is on, if any: ``plan_section_comment``)."""
    if pk is None:
        return None
    return Contribution.objects.filter(process=process, pk=pk).select_related("plan_section_comment").first()


def entry_draft_sections(*, process, user, language: str) -> list[Node]:
    """The sections of the plan version out for consultation, in reading order and in the reader's language, when
    the person may enter comments on it now (``plan.enter_section_comment``: its consultation phase runs and they
    coordinate the process); else none. The tree is the plan's cached one."""
    version = version_current(process)
    if version is None or version.state != VersionState.CONSULTATION or not version_comments_open(version):
        return []
    first = Section.objects.filter(version=version).select_related("version__process").order_by("position").first()
    if first is None or not rules.has_perm("plan.enter_section_comment", user, first):
        return []
    return version_tree(version, language).nodes


def entry_draft_section(*, process, pk) -> Section | None:
    """A section of the plan version out for consultation, by id (the entry form's choice)."""
    version = version_current(process)
    if version is None or version.state != VersionState.CONSULTATION:
        return None
    return Section.objects.filter(version=version, pk=pk).first()


def contribution_scans(contribution) -> list[Scan]:
    return list(Scan.objects.filter(contribution=contribution).order_by("pk"))


def scan_get(*, pk: int) -> Scan | None:
    """A scan with its contribution's process (for the permission), removed ones included."""
    return Scan.objects.select_related("contribution__process").filter(pk=pk).first()
