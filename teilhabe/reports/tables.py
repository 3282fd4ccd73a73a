"""The tables of a council report: each one built once, from ``teilhabe.monitoring.metrics`` only, and then
rendered by every output (the PDF with its charts, one CSV each, ``data.json``), so that they cannot disagree.

A table is a ``ReportTable``: a key (the CSV's file name), a title, columns and rows. A row's first cell is its
label; the other cells are counts, or None where small-cell protection suppressed a count of people
(``core.disclosure``; printed "< 5" everywhere). Adding a figure to the report is adding a builder to ``TABLES``:
a function that takes the ``Figures`` of the report (the process and the metrics read so far) and returns a
``ReportTable``, or None when it has nothing to show.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teilhabe.administration.models import AnswerState
from teilhabe.contributions.models import Channel
from teilhabe.core.disclosure import format_count, small_cell_k
from teilhabe.evaluation import selectors as evaluation_selectors
from teilhabe.events.models import EventType
from teilhabe.involvement.models import Sector
from teilhabe.monitoring import dashboard, metrics

# Kinds of column, as the dashboard has them (``monitoring.dashboard``): how a value is printed and what None means.
TEXT = "text"
COUNT = "count"  # a count of things: never None
PEOPLE = "people"  # a count of people: None is "< k" (small-cell protection)
PERCENT = "percent"  # None: unknown
RATIO = "ratio"  # None: unknown
AMOUNT = "amount"  # a sum of money as text ("1250.00"), aligned as a number
KINDS = {
    dashboard.TEXT: TEXT,
    dashboard.COUNT: COUNT,
    dashboard.PEOPLE: PEOPLE,
    dashboard.PERCENT: PERCENT,
    dashboard.RATIO: RATIO,
}


AMOUNT_TEXT = re.compile(r"-?[0-9]+\.[0-9]{2}")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


def cell_display(value, kind: str, k: int) -> str:
    """A value as every output of the report prints it, as the dashboard does (``dashboard.display``): a count of
    people under k as "< k", a missing share or ratio as "unknown"."""
    if kind in (PEOPLE, COUNT):
        return format_count(value, k=k)
    if value is None:
        return "" if kind == TEXT else _("unknown")
    if kind == PERCENT:
        return f"{value} %"
    return str(value)


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
        """A cell as every output prints it: counts as digits, a suppressed count as "< k", no share "unknown"."""
        return cell_display(value, self.columns[index].kind, self.k)

    def text_rows(self) -> list[list[str]]:
        return [[self.cell_text(index, value) for index, value in enumerate(row)] for row in self.rows]

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "columns": [{"key": c.key, "label": c.label, "numeric": c.numeric, "kind": c.kind} for c in self.columns],
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
            # Reports made before column kinds existed have only "numeric" (their numbers were plain counts).
            columns=[
                Column(c["key"], c["label"], c.get("kind") or (COUNT if c["numeric"] else TEXT))
                for c in data["columns"]
            ],
            rows=[list(row) for row in data["rows"]],
            chart=data["chart"],
            people=data["people"],
            k=data["k"],
        )


class Figures:
    """What the builders read from the metrics module (and the evaluation's selectors), each read once per report.
    ``until``: the last day of the report's period, for the selectors that can stop there (the evaluation's)."""

    def __init__(self, process, *, until: datetime.date | None = None):
        self.process = process
        self.until = until

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

    @cached_property
    def dashboard_data(self) -> dict:
        """The public dashboard's figures, computed afresh and kept as the dashboard's (so that the two agree from
        now on)."""
        return dashboard.dashboard_refresh(process=self.process, internal=False)

    @cached_property
    def dashboard(self) -> dict[str, dashboard.Table]:
        """The public dashboard's tables: the report prints the very tables, with their labels and protected counts,
        that /p/<slug>/zahlen/ shows."""
        tables = dashboard.dashboard_tables(process=self.process, figures=self.dashboard_data, internal=False)
        return {table.key: table for table in tables}

    @cached_property
    def evaluation(self) -> dict:
        return evaluation_selectors.evaluation_summary(process=self.process, until=self.until)


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
        columns=[Column("figure", _("Figure"), TEXT), Column("count", _("Number"))],
        rows=[
            [_("Published contributions"), process["contributions"]],
            [_("Supports, online"), supports["online"]],
            [_("Supports counted at events"), supports["analog"]],
            [_("Published comments"), process["comments"]],
            [_("Contributions that get an answer"), answered["answerable"]],
            [_("Contributions answered"), answered["answered"]],
        ],
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
        columns=[Column("state", _("State"), TEXT), Column("contributions", _("Contributions"))],
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
            Column("channel", _("Channel"), TEXT),
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
        columns=[Column("type", _("Type of event"), TEXT), Column("events", _("Events"))],
        rows=[[_label(EventType.choices, kind), n] for kind, n in by_type.items() if n],
        chart=True,
    )


# The dashboard's tables --------------------------------------------------------------------------------------------

DESCRIPTIONS = {
    "participants": gettext_lazy(
        "The people who took part, by how they took part (docs/metrics.md, “Participants”). These are different "
        "kinds of count and are never added up: the same person can be in several of them."
    ),
    "by_channel": gettext_lazy(
        "Published contributions by the way they came in: online, at workshops, on paper forms, by letter, e-mail "
        "or phone, at information stands, from the district councils and the expert groups."
    ),
    "by_field": gettext_lazy("Published contributions by the field of action they concern."),
    "by_district": gettext_lazy("Published contributions by the district they concern."),
    "by_language": gettext_lazy("Published contributions by the language they were written in."),
    "by_target_group": gettext_lazy("Published contributions by the target group they concern."),
    "by_month": gettext_lazy("Published contributions by the month they arrived."),
    "events": gettext_lazy("The process's events and the published contributions that came out of them."),
    "answers": gettext_lazy(
        "Of the contributions that get an answer: how many were routed to a department, answered (a statement "
        "published) and decided."
    ),
    "dispositions": gettext_lazy("The current decision on each contribution, and its share of all decisions."),
    "measures": gettext_lazy("The measures of the plan by their status."),
    "competition": gettext_lazy(
        "Applications to each call of the ideas competition, the committee's decisions and the grants awarded."
    ),
    "councils": gettext_lazy(
        "Formal statements of the district integration councils routed to a department, and how many of them are "
        "answered, by district."
    ),
}


def _kind(column, index: int, rows: list[dict]) -> str:
    """The dashboard's kind of column; a text column of amounts (the competition's "granted") is an amount."""
    kind = KINDS[column.kind]
    if kind == TEXT and index and rows and all(AMOUNT_TEXT.fullmatch(str(row.get(column.key))) for row in rows):
        return AMOUNT
    return kind


def _from_dashboard(figures: Figures, key: str, *, description: str = "", chart: bool = True) -> ReportTable | None:
    """The public dashboard's table ``key`` as a report table: the same rows, labels and protected counts."""
    table = figures.dashboard.get(key)
    if table is None:
        return None
    columns = [
        Column(column.key, column.label, _kind(column, index, table.rows)) for index, column in enumerate(table.columns)
    ]
    rows = [
        [
            (None if value is None else str(value)) if column.kind in (TEXT, AMOUNT) else value
            for column, value in ((column, row.get(column.key)) for column in columns)
        ]
        for row in table.rows
    ]
    text = " ".join(str(part) for part in (description or DESCRIPTIONS.get(key, ""), table.note) if part)
    return ReportTable(
        key=table.key,
        title=str(table.title),
        description=text,
        columns=columns,
        rows=rows,
        chart=chart and bool(table.chart) and table.chart == columns[1].key and bool(rows),
        people=any(column.kind == PEOPLE for column in columns),
    )


def _dashboard_builder(key: str, **options) -> Callable[[Figures], ReportTable | None]:
    def build(figures: Figures) -> ReportTable | None:
        return _from_dashboard(figures, key, **options)

    build.__name__ = f"dashboard_{key}"
    return build


def median_days_to_statement(figures: Figures) -> ReportTable | None:
    answers = figures.dashboard.get("answers")
    if answers is None:
        return None
    return ReportTable(
        key="median_days_to_statement",
        title=_("Time to a statement"),
        description=_(
            "The median time from routing a contribution to a department to its published statement, in days, over "
            "the contributions with a published statement (docs/metrics.md)."
        ),
        columns=[Column("figure", _("Figure"), TEXT), Column("value", _("Value"), RATIO)],
        rows=[
            [_("Median days from routing to the published statement"), answers.extra["median_days_to_statement"]],
            [_("Statements timed"), answers.extra["statements_timed"]],
        ],
    )


def contributions_by_sector(figures: Figures) -> ReportTable:
    contributions = metrics.contributions_by_sector(process=figures.process)
    statements = metrics.statements_by_sector(process=figures.process)
    labels = dict(Sector.choices)
    keys = list(contributions) + [key for key in statements if key not in contributions]
    return ReportTable(
        key="by_sector",
        title=_("Contributions and statements by sector"),
        description=_(
            "Published contributions by the sector of the organisation or person they came from (civil society, "
            "administration, politics, business, science), and the published statements of departments."
        ),
        columns=[
            Column("sector", _("Sector"), TEXT),
            Column("contributions", _("Contributions")),
            Column("statements", _("Statements")),
        ],
        rows=[[str(labels.get(key, key)), contributions.get(key, 0), statements.get(key, 0)] for key in keys],
        chart=True,
    )


def representativeness_index(figures: Figures) -> ReportTable | None:
    if not any(key.startswith("represented_") for key in figures.dashboard):
        return None
    titles = dashboard.DIMENSION_TITLES
    rows = [
        [str(titles.get(key.removeprefix("represented_"), table.title)), table.extra.get("index")]
        for key, table in figures.dashboard.items()
        if key.startswith("represented_")
    ]
    rows.append(
        [
            _("Overall index (mean of the dimensions with a baseline)"),
            figures.dashboard_data["representativeness"]["index"],
        ]
    )
    return ReportTable(
        key="representativeness",
        title=_("Representativeness"),
        description=_(
            "How closely the people who described themselves resemble the population (docs/metrics.md). The index of "
            "a dimension is 1 − ½ Σ |p − q| over its groups, p being a group's share among the people who answered "
            "and q its share in the population; 1 means the same composition, 0 none in common. The overall index "
            "is the mean of the dimensions' indices over those with a population baseline; where none is known the "
            "index is unknown, never invented. Per group, the ratio is its share among the participants divided by "
            "its share in the population (the tables that follow)."
        ),
        columns=[Column("dimension", _("Dimension"), TEXT), Column("index", _("Index"), RATIO)],
        rows=rows,
    )


# Evaluation (teilhabe.evaluation: questionnaire, quality self-assessment, outcome indicators) ---------------------


def questionnaire_responses(figures: Figures) -> ReportTable:
    responses = figures.evaluation["questionnaire"]["responses"]
    return ReportTable(
        key="questionnaire_responses",
        title=_("Participant questionnaire: responses"),
        description=_(
            "Responses to the participant questionnaire (on the themes of the OECD evaluation guidelines), online "
            "and entered from paper, up to the last day of the period. Counts of people under %(k)s are shown as "
            "“< %(k)s”."
        )
        % {"k": small_cell_k()},
        columns=[Column("figure", _("Responses"), TEXT), Column("people", _("People"), PEOPLE)],
        rows=[
            [_("Responses"), responses["total"]],
            [_("Online"), responses["online"]],
            [_("On paper"), responses["paper"]],
        ],
        people=True,
    )


def questionnaire(figures: Figures) -> ReportTable | None:
    questions = figures.evaluation["questionnaire"]["questions"]
    if not questions:
        return None
    answers = questions[0]["counts"]
    columns = [Column("question", _("Question"), TEXT), Column("answered", _("Answered"), PEOPLE)]
    columns += [Column(f"answer_{cell['value']}", cell["label"], PEOPLE) for cell in answers]
    columns.append(Column("agreement", _("Agree (share of opinions)"), PERCENT))
    rows = []
    for question in questions:
        share = question["agreement_share"]
        rows.append(
            [
                question["text"],
                question["answered"],
                *[cell["count"] for cell in question["counts"]],
                None if share is None else round(100 * share, 1),
            ]
        )
    return ReportTable(
        key="questionnaire",
        title=_("Participant questionnaire: answers per question"),
        description=_(
            "How many people chose each answer, per question. Counts under %(k)s people are shown as “< %(k)s”, and "
            "another count of the question is withheld where its total would reveal them. The share who agree "
            "(agree or strongly agree, of those who gave an opinion) is unknown where a count is withheld."
        )
        % {"k": small_cell_k()},
        columns=columns,
        rows=rows,
        people=True,
    )


def quality(figures: Figures) -> ReportTable | None:
    matrix = figures.evaluation["quality"]
    if not matrix["phases"]:
        return None
    columns = [Column("principle", _("Quality principle"), TEXT)]
    columns += [Column(f"phase_{phase['id']}", str(phase["name"]), TEXT) for phase in matrix["phases"]]
    return ReportTable(
        key="quality",
        title=_("Quality self-assessment per phase"),
        description=_(
            "The process team's self-assessment against the ten quality principles of the Allianz Vielfältige "
            "Demokratie, per phase of the process: the latest rating given up to the last day of the period (empty "
            "where none was given)."
        ),
        columns=columns,
        rows=[
            [principle["title"], *[cell["label"] or "–" for cell in principle["ratings"]]]
            for principle in matrix["principles"]
        ],
    )


def _measured(value, date) -> str:
    return f"{value:g} ({date})"


def indicators(figures: Figures) -> ReportTable | None:
    series = figures.evaluation["indicators"]
    if not series:
        return None
    rows = []
    for indicator in series:
        latest = indicator["measurements"][-1] if indicator["measurements"] else None
        rows.append(
            [
                f"{indicator['name']} ({indicator['unit']})" if indicator["unit"] else indicator["name"],
                _measured(indicator["baseline"]["value"], indicator["baseline"]["date"]),
                _measured(indicator["target"]["value"], indicator["target"]["date"]),
                _measured(latest["value"], latest["date"]) if latest else _("none yet"),
                "↑" if indicator["direction"] == "up" else "↓",
            ]
        )
    return ReportTable(
        key="indicators",
        title=_("Outcome indicators"),
        description=_(
            "The plan's outcome indicators: baseline, target and the latest value measured up to the last day of "
            "the period (value and date). The arrow is the wanted direction."
        ),
        columns=[
            Column("indicator", _("Indicator"), TEXT),
            Column("baseline", _("Baseline"), TEXT),
            Column("target", _("Target"), TEXT),
            Column("latest", _("Latest value"), TEXT),
            Column("direction", _("Direction"), TEXT),
        ],
        rows=rows,
    )


def _represented(figures: Figures) -> list[ReportTable]:
    return [
        _from_dashboard(figures, key)
        for key in figures.dashboard
        if key.startswith("represented_") and key != "represented_by_district"
    ]


TABLES: list[Callable[[Figures], ReportTable | list[ReportTable] | None]] = [
    overview,
    _dashboard_builder("participants"),
    _dashboard_builder("by_channel"),
    _dashboard_builder("by_field"),
    _dashboard_builder("by_district"),
    _dashboard_builder("by_language"),
    _dashboard_builder("by_target_group"),
    contributions_by_sector,
    _dashboard_builder("by_month"),
    _dashboard_builder("events"),
    events_by_type,
    _dashboard_builder("answers"),
    median_days_to_statement,
    answers_by_state,
    answers_by_channel,
    _dashboard_builder("dispositions"),
    _dashboard_builder("measures"),
    _dashboard_builder("competition"),
    _dashboard_builder("councils"),
    representativeness_index,
    _represented,
    questionnaire_responses,
    questionnaire,
    quality,
    indicators,
]


def report_tables(
    process, *, until: datetime.date | None = None, on_table: Callable[[int, int], None] | None = None
) -> list[ReportTable]:
    """Every table of the report on ``process``, in order; ``until`` is the period's last day (for the selectors
    that take it); ``on_table(done, of)`` after each builder (progress)."""
    figures = Figures(process, until=until)
    tables = []
    for index, build in enumerate(TABLES, start=1):
        built = build(figures)
        if isinstance(built, list):
            tables.extend(table for table in built if table is not None)
        elif built is not None:
            tables.append(built)
        if on_table is not None:
            on_table(index, len(TABLES))
    return tables
