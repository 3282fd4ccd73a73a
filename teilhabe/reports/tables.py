"""The tables of a council report: each one built once, from ``teilhabe.monitoring.metrics`` only, and then
rendered by every output (the PDF with its charts, one CSV each, ``data.json``), so that they cannot disagree.

A table is a ``ReportTable``: a key (the CSV's file name), a title, columns and rows. A row's first cell is its
label; the other cells are counts, or None where small-cell protection suppressed a count of people
(``core.disclosure``; printed "< 5" everywhere). Adding a figure to the report is adding a builder to ``TABLES``:
a function that takes the ``Figures`` of the report (the process and the metrics read so far) and returns a
``ReportTable``, or None when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from teilhabe.administration.models import AnswerState
from teilhabe.contributions.models import Channel
from teilhabe.core.disclosure import format_count, protect_series, small_cell_k
from teilhabe.events.models import EventType
from teilhabe.monitoring import metrics


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: list[list]
    chart: bool = False  # a bar chart of the second column, drawn before the table
    people: bool = False  # counts of people, protected against small cells
    k: int = field(default_factory=small_cell_k)

    def cell_text(self, index: int, value) -> str:
        """A cell as every output prints it: counts as digits, a suppressed count as "< k"."""
        if not self.columns[index].numeric:
            return str(value)
        return format_count(value, k=self.k)

    def text_rows(self) -> list[list[str]]:
        return [[self.cell_text(index, value) for index, value in enumerate(row)] for row in self.rows]

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "columns": [{"key": c.key, "label": c.label, "numeric": c.numeric} for c in self.columns],
            "rows": self.rows,
            "chart": self.chart,
            "people": self.people,
            "k": self.k,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ReportTable:
        return cls(
            key=data["key"],
            title=data["title"],
            description=data["description"],
            columns=[Column(c["key"], c["label"], c["numeric"]) for c in data["columns"]],
            rows=[list(row) for row in data["rows"]],
            chart=data["chart"],
            people=data["people"],
            k=data["k"],
        )


class Figures:
    """What the builders read from the metrics module, each read once per report."""

    def __init__(self, process):
        self.process = process

    @cached_property
    def published(self) -> dict:
        return metrics.published_by_channel(process=self.process)

    @cached_property
    def totals(self) -> dict:
        return metrics.published_totals(process=self.process, published=self.published)

    @cached_property
    def answer_counts(self) -> dict:
        return metrics.answer_counts(process=self.process, every_state=True, published=self.published)

    @cached_property
    def events(self) -> dict:
        return metrics.event_figures(process=self.process)


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value))


def overview(figures: Figures) -> ReportTable:
    process = metrics.process_figures(process=figures.process, totals=figures.totals)
    supports = metrics.support_figures(process=figures.process, totals=figures.totals)
    answered = metrics.answered_figures(process=figures.process, counts=figures.answer_counts)
    return ReportTable(
        key="overview",
        title=_("Participation at a glance"),
        description=_(
            "Published contributions of every channel, the supports they received (online and counted at events) "
            "and the published comments on them; how many of the contributions that get an answer have one."
        ),
        columns=[Column("figure", _("Figure"), numeric=False), Column("count", _("Number"))],
        rows=[
            [_("Published contributions"), process["contributions"]],
            [_("Supports, online"), supports["online"]],
            [_("Supports counted at events"), supports["analog"]],
            [_("Published comments"), process["comments"]],
            [_("Contributions that get an answer"), answered["answerable"]],
            [_("Contributions answered"), answered["answered"]],
        ],
    )


def contributions_by_channel(figures: Figures) -> ReportTable:
    counts = metrics.contributions_by_channel(process=figures.process, published=figures.published)
    order = {value: index for index, value in enumerate(Channel.values)}
    rows = [
        [_label(Channel.choices, channel), n]
        for channel, n in sorted(counts.items(), key=lambda i: order.get(i[0], 99))
    ]
    return ReportTable(
        key="contributions_by_channel",
        title=_("Contributions by channel"),
        description=_(
            "Published contributions by the way they came in: online, at workshops, on paper forms, by letter, "
            "e-mail or phone, at information stands, from the district councils and the expert groups."
        ),
        columns=[Column("channel", _("Channel"), numeric=False), Column("contributions", _("Contributions"))],
        rows=rows,
        chart=True,
    )


def answers_by_state(figures: Figures) -> ReportTable:
    answers = metrics.answer_figures(process=figures.process, counts=figures.answer_counts)
    return ReportTable(
        key="answers_by_state",
        title=_("Where the contributions stand on their way to an answer"),
        description=_(
            "Contributions that get an answer, by the step they have reached: received, routed to a department, "
            "statement in progress, statement published, decided."
        ),
        columns=[Column("state", _("State"), numeric=False), Column("contributions", _("Contributions"))],
        rows=[[_label(AnswerState.choices, state), n] for state, n in answers["by_state"].items()],
        chart=True,
    )


def answers_by_channel(figures: Figures) -> ReportTable:
    by_channel = metrics.answer_figures_by_channel(process=figures.process, counts=figures.answer_counts)
    order = {value: index for index, value in enumerate(Channel.values)}
    return ReportTable(
        key="answers_by_channel",
        title=_("Answers by channel"),
        description=_("Contributions answered, of those that get an answer, by the channel they came in by."),
        columns=[
            Column("channel", _("Channel"), numeric=False),
            Column("answered", _("Answered")),
            Column("answerable", _("Get an answer")),
        ],
        rows=[
            [_label(Channel.choices, channel), row["answered"], row["answerable"]]
            for channel, row in sorted(by_channel.items(), key=lambda i: order.get(i[0], 99))
        ],
    )


def events_by_type(figures: Figures) -> ReportTable:
    by_type = figures.events["by_type"]
    return ReportTable(
        key="events_by_type",
        title=_("Events by type"),
        description=_("Public events of the process (planned or held), by type."),
        columns=[Column("type", _("Type of event"), numeric=False), Column("events", _("Events"))],
        rows=[[_label(EventType.choices, kind), n] for kind, n in by_type.items() if n],
        chart=True,
    )


def event_participation(figures: Figures) -> ReportTable | None:
    events = figures.events
    # People counted at the door and people registered: never added up (someone registered who came is in both).
    people = protect_series({"attendance": events["attendance"], "registrations": events["registrations"]}, total=False)
    return ReportTable(
        key="event_participation",
        title=_("People at events"),
        description=_(
            "Events held, the people counted at them and the people registered for the process's events. Counts "
            "of people under %(k)s are shown as “< %(k)s”; attendance and registrations are never added up."
        )
        % {"k": small_cell_k()},
        columns=[Column("figure", _("Figure"), numeric=False), Column("count", _("Number"))],
        rows=[
            [_("Events held"), events["held"]],
            [_("People attending held events"), people.value("attendance")],
            [_("People registered"), people.value("registrations")],
        ],
        people=True,
    )


TABLES: list[Callable[[Figures], ReportTable | None]] = [
    overview,
    contributions_by_channel,
    answers_by_state,
    answers_by_channel,
    events_by_type,
    event_participation,
]


def report_tables(process, *, on_table: Callable[[int, int], None] | None = None) -> list[ReportTable]:
    """Every table of the report on ``process``, in order; ``on_table(done, of)`` after each (progress)."""
    figures = Figures(process)
    tables = []
    for index, build in enumerate(TABLES, start=1):
        table = build(figures)
        if table is not None:
            tables.append(table)
        if on_table is not None:
            on_table(index, len(TABLES))
    return tables
