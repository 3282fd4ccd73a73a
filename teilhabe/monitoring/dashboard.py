"""The dashboards' tables: every figure read from ``metrics`` (never counted here), laid out as tables that the
page (with a chart each), the CSV and the JSON download all render — so the three show the same numbers.

``dashboard_figures`` computes the numbers (plain data) and keeps them in the shared cache for
``TEILHABE_DASHBOARD_SECONDS``, stamped with the time they were computed; every output shows that time.
``dashboard_tables`` puts labels (in the request's language) on them.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teilhabe.administration.models import AnswerState, Outcome
from teilhabe.contributions.models import Channel, Language
from teilhabe.core.disclosure import format_count, small_cell_k
from teilhabe.events.models import AgeBand, EventState, EventType
from teilhabe.monitoring import metrics
from teilhabe.places.models import District
from teilhabe.plan.models import MeasureStatus
from teilhabe.processes.models import FieldOfAction, TargetGroup
from teilhabe.profiles.models import Gender, MigrationExperience

# Kinds of column: how a value is written and what an empty one (None) means.
PEOPLE = "people"  # a count of people: None is "< k" (small-cell protection)
COUNT = "count"  # a count of things: never None
PERCENT = "percent"  # None: unknown
RATIO = "ratio"  # None: unknown
TEXT = "text"


@dataclass
class Column:
    key: str
    label: str
    kind: str


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    chart: str | None = None  # the key of the column the bar chart shows (rows labelled by the first column)
    note: str = ""
    internal: bool = False
    extra: dict = field(default_factory=dict)


# The figures are kept this long at most; after TEILHABE_DASHBOARD_SECONDS they are served while a background task
# computes them afresh (their age is shown), so that no reader waits for the computation but the very first.
KEEP_SECONDS = 24 * 3600


def _key(process, internal: bool) -> str:
    return f"dashboard:{process.pk}:{'internal' if internal else 'public'}"


def dashboard_figures(*, process, internal: bool) -> dict:
    """Every figure of a dashboard, plain data, with ``computed_at`` (ISO 8601, UTC). From the shared cache: when
    they are older than ``TEILHABE_DASHBOARD_SECONDS`` they are still served and a background task (one at a time)
    computes them afresh; only when there are none at all are they computed in the request."""
    key = _key(process, internal)
    figures = cache.get(key)
    if figures is None:
        return dashboard_refresh(process=process, internal=internal)
    age = (timezone.now() - computed_at(figures)).total_seconds()
    if age > settings.TEILHABE_DASHBOARD_SECONDS and cache.add(f"{key}:refreshing", 1, 600):
        from teilhabe.monitoring.tasks import dashboard_refresh as refresh_task

        transaction.on_commit(lambda: refresh_task.enqueue(process_id=process.pk, internal=internal))
    return figures


def dashboard_refresh(*, process, internal: bool) -> dict:
    """Compute a dashboard's figures and keep them in the shared cache."""
    figures = _compute(process, internal)
    key = _key(process, internal)
    cache.set(key, figures, KEEP_SECONDS)
    cache.delete(f"{key}:refreshing")
    return figures


def _compute(process, internal: bool) -> dict:
    figures = {
        "computed_at": timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds"),
        "small_cell_k": small_cell_k(),
        "participants": metrics.participant_figures(process=process),
        "by_channel": metrics.contributions_by(process=process, dimension="channel"),
        "by_field": metrics.contributions_by(process=process, dimension="field_of_action"),
        "by_district": metrics.contributions_by(process=process, dimension="district"),
        "by_language": metrics.contributions_by(process=process, dimension="language"),
        "by_target_group": metrics.contributions_by(process=process, dimension="target_group"),
        "by_month": metrics.contributions_over_time(process=process, period="month"),
        "events": metrics.event_figures(process=process),
        "answers": metrics.answer_rate_figures(process=process),
        "median": metrics.median_days_to_statement(process=process),
        "dispositions": metrics.disposition_shares(process=process),
        "measures": metrics.measures_by_status(process=process),
        "competition": metrics.competition_figures(process=process),
        "councils": metrics.council_statement_figures(process=process),
        "representativeness": metrics.representativeness(process=process),
    }
    if internal:
        figures["by_week"] = metrics.contributions_over_time(process=process, period="week")
        figures["answer_states"] = metrics.answer_figures(process=process)["by_state"]
        figures["by_district_migration"] = metrics.representativeness_by_district(process=process)
    return figures


def computed_at(figures: dict) -> datetime.datetime:
    return datetime.datetime.fromisoformat(figures["computed_at"])


# Labels ---------------------------------------------------------------------------------------------------------

DIMENSION_TITLES = {
    "age_band": gettext_lazy("Age"),
    "gender": gettext_lazy("Gender"),
    "district": gettext_lazy("District"),
    "migration_experience": gettext_lazy("Migration experience"),
    "language": gettext_lazy("Languages spoken at home"),
    "target_group": gettext_lazy("Target groups"),
}


def _labels(process) -> dict[str, dict[str, str]]:
    districts = {
        str(number): name
        for number, name in District.objects.filter(city_id=process.city_id).values_list("number", "name")
    }
    fields = dict(FieldOfAction.objects.filter(process=process).values_list("slug", "name"))
    groups = dict(TargetGroup.objects.filter(process=process).values_list("slug", "name"))
    return {
        "channel": {key: str(label) for key, label in Channel.choices},
        "language": {key: str(label) for key, label in Language.choices},
        "district": districts,
        "field_of_action": fields,
        "target_group": groups,
        "age_band": {key: str(label) for key, label in AgeBand.choices},
        "gender": {key: str(label) for key, label in Gender.choices},
        "migration_experience": {
            **{key: str(label) for key, label in MigrationExperience.choices},
            "own_or_family": _("With migration experience (own or family)"),
        },
        "outcome": {key: str(label) for key, label in Outcome.choices},
        "measure_status": {key: str(label) for key, label in MeasureStatus.choices},
        "event_state": {key: str(label) for key, label in EventState.choices},
        "event_type": {key: str(label) for key, label in EventType.choices},
        "answer_state": {key: str(label) for key, label in AnswerState.choices},
    }


def _label(labels: dict, kind: str, key: str) -> str:
    if key == "":
        return _("None given")
    return labels.get(kind, {}).get(key, key)


def _counts_table(key, title, counts: dict, labels, kind, *, note="", internal=False) -> Table:
    rows = [
        {"key": group, "group": _label(labels, kind, group), "contributions": n}
        for group, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return Table(
        key=key,
        title=title,
        columns=[Column("group", _("Group"), TEXT), Column("contributions", _("Contributions"), COUNT)],
        rows=rows,
        chart="contributions",
        note=note,
        internal=internal,
    )


def dashboard_tables(*, process, figures: dict, internal: bool) -> list[Table]:
    labels = _labels(process)
    tables = []
    people = figures["participants"]
    tables.append(
        Table(
            key="participants",
            title=_("Participants"),
            columns=[Column("measure", _("Who"), TEXT), Column("value", _("Number"), PEOPLE)],
            rows=[
                {"key": "registered", "measure": _("Accounts that took part"), "value": people["registered"]},
                {
                    "key": "anonymous_online",
                    "measure": _("Contributions sent online without an account"),
                    "value": people["anonymous_online"],
                },
                {
                    "key": "registered_without_account",
                    "measure": _("Event registrations without an account"),
                    "value": people["registered_without_account"],
                },
                {
                    "key": "attendance",
                    "measure": _("Attendance at events (head counts)"),
                    "value": people["attendance"],
                },
                {
                    "key": "in_group_results",
                    "measure": _("People in group results"),
                    "value": people["in_group_results"],
                },
                {"key": "self_descriptions", "measure": _("Self-descriptions"), "value": people["self_descriptions"]},
            ],
            chart="value",
            note=_("Different kinds of count: they are never added up, as the same person can be in several of them."),
        )
    )
    tables.append(_counts_table("by_channel", _("Contributions by channel"), figures["by_channel"], labels, "channel"))
    several = _("A contribution can name several, so the rows add up to more than the contributions.")
    tables.append(
        _counts_table(
            "by_field",
            _("Contributions by field of action"),
            figures["by_field"],
            labels,
            "field_of_action",
            note=several,
        )
    )
    tables.append(
        _counts_table("by_district", _("Contributions by district"), figures["by_district"], labels, "district")
    )
    tables.append(
        _counts_table("by_language", _("Contributions by language"), figures["by_language"], labels, "language")
    )
    tables.append(
        _counts_table(
            "by_target_group",
            _("Contributions by target group"),
            figures["by_target_group"],
            labels,
            "target_group",
            note=several,
        )
    )
    tables.append(
        Table(
            key="by_month",
            title=_("Contributions per month"),
            columns=[Column("group", _("Month"), TEXT), Column("contributions", _("Contributions"), COUNT)],
            rows=[{"key": month, "group": month, "contributions": n} for month, n in figures["by_month"]],
            chart="contributions",
        )
    )
    if internal:
        tables.append(
            Table(
                key="by_week",
                title=_("Contributions per week"),
                columns=[Column("group", _("Week"), TEXT), Column("contributions", _("Contributions"), COUNT)],
                rows=[{"key": week, "group": week, "contributions": n} for week, n in figures["by_week"]],
                chart="contributions",
                internal=True,
            )
        )
    events = figures["events"]
    tables.append(
        Table(
            key="events",
            title=_("Events and attendance"),
            columns=[Column("measure", _("Figure"), TEXT), Column("value", _("Number"), COUNT)],
            rows=[
                {"key": "events", "measure": _("Events (planned, cancelled or held)"), "value": events["events"]},
                {"key": "held", "measure": _("Held events"), "value": events["held"]},
                {"key": "results", "measure": _("Contributions from events"), "value": events["results"]},
            ],
            chart="value",
        )
    )
    if internal:
        tables.append(
            Table(
                key="events_by_type",
                title=_("Events by type"),
                columns=[Column("group", _("Type"), TEXT), Column("events", _("Events"), COUNT)],
                rows=[
                    {"key": kind, "group": _label(labels, "event_type", kind), "events": n}
                    for kind, n in events["by_type"].items()
                ],
                chart="events",
                internal=True,
            )
        )
    answers, median = figures["answers"], figures["median"]
    tables.append(
        Table(
            key="answers",
            title=_("Routing and answers"),
            columns=[
                Column("measure", _("Figure"), TEXT),
                Column("value", _("Contributions"), COUNT),
                Column("rate", _("Share of those that get an answer"), PERCENT),
            ],
            rows=[
                {"key": "answerable", "measure": _("Get an answer"), "value": answers["answerable"], "rate": None},
                {"key": "routed", "measure": _("Routed"), "value": answers["routed"], "rate": answers["routed_rate"]},
                {
                    "key": "answered",
                    "measure": _("Answered"),
                    "value": answers["answered"],
                    "rate": answers["answered_rate"],
                },
                {
                    "key": "disposed",
                    "measure": _("Decided"),
                    "value": answers["disposed"],
                    "rate": answers["disposed_rate"],
                },
            ],
            chart="value",
            note=(
                _("Median time from routing to the published statement: %(days)s days (of %(n)s statements).")
                % {"days": median["median_days"], "n": median["answered"]}
                if median["median_days"] is not None
                else _("No statement has been published yet.")
            ),
            extra={"median_days_to_statement": median["median_days"], "statements_timed": median["answered"]},
        )
    )
    if internal:
        tables.append(
            Table(
                key="answer_states",
                title=_("Contributions by answer state"),
                columns=[Column("group", _("State"), TEXT), Column("contributions", _("Contributions"), COUNT)],
                rows=[
                    {"key": state, "group": _label(labels, "answer_state", state), "contributions": n}
                    for state, n in figures["answer_states"].items()
                ],
                chart="contributions",
                internal=True,
            )
        )
    dispositions = figures["dispositions"]
    tables.append(
        Table(
            key="dispositions",
            title=_("Decisions on contributions"),
            columns=[
                Column("group", _("Decision"), TEXT),
                Column("contributions", _("Contributions"), COUNT),
                Column("share", _("Share"), PERCENT),
            ],
            rows=[
                {
                    "key": outcome,
                    "group": _label(labels, "outcome", outcome),
                    "contributions": n,
                    "share": dispositions["shares"][outcome],
                }
                for outcome, n in dispositions["by_outcome"].items()
            ],
            chart="contributions",
        )
    )
    tables.append(
        Table(
            key="measures",
            title=_("Measures by status"),
            columns=[Column("group", _("Status"), TEXT), Column("measures", _("Measures"), COUNT)],
            rows=[
                {"key": status, "group": _label(labels, "measure_status", status), "measures": n}
                for status, n in figures["measures"].items()
            ],
            chart="measures",
        )
    )
    competition = figures["competition"]
    competition_columns = [
        Column("call", _("Call"), TEXT),
        Column("submitted", _("Applications"), COUNT),
        Column("approved", _("Approved"), COUNT),
        Column("changed", _("Approved with a changed amount"), COUNT),
        Column("rejected", _("Rejected"), COUNT),
        Column("grants", _("Grants"), COUNT),
        Column("granted", _("Granted (EUR)"), TEXT),
    ]
    if internal:
        competition_columns.insert(2, Column("withdrawn", _("Withdrawn"), COUNT))
    tables.append(
        Table(
            key="competition",
            title=_("Ideas competition"),
            columns=competition_columns,
            rows=[{"key": str(row["call"]), **row, "call": row["title"]} for row in competition["calls"]],
            chart="submitted",
        )
    )
    councils = figures["councils"]
    tables.append(
        Table(
            key="councils",
            title=_("Statements of the district integration councils"),
            columns=[
                Column("group", _("District"), TEXT),
                Column("statements", _("Statements routed"), COUNT),
                Column("answered", _("Answered"), COUNT),
            ],
            rows=[
                {"key": number, "group": _label(labels, "district", number), **row}
                for number, row in councils["by_district"].items()
            ],
            chart="statements",
        )
    )
    represented = figures["representativeness"]
    for dimension, data in represented["dimensions"].items():
        kind = dimension
        rows = [
            {
                "key": row["key"],
                "group": _label(labels, kind, row["key"]),
                "people": row["count"],
                "share": row["share"],
                "population_share": row["population_share"],
                "ratio": row["ratio"],
            }
            for row in data["groups"]
        ]
        index = data["index"]
        note = (
            _("Representativeness index of this dimension: %(index)s (1 is the population's composition).")
            % {"index": index}
            if index is not None
            else _("No population baseline is known for this dimension: its shares in the population are unknown.")
        )
        if dimension in ("language", "target_group"):
            note = " ".join(
                [note, _("One person may name several: the shares are of all answers given, not of the people.")]
            )
        tables.append(
            Table(
                key=f"represented_{dimension}",
                title=_("Who described themselves: %(dimension)s") % {"dimension": DIMENSION_TITLES[dimension]},
                columns=[
                    Column("group", _("Group"), TEXT),
                    Column("people", _("People"), PEOPLE),
                    Column("share", _("Share among them"), PERCENT),
                    Column("population_share", _("Share in the population"), PERCENT),
                    Column("ratio", _("Ratio"), RATIO),
                ],
                rows=rows,
                chart="people",
                note=note,
                extra={"answered": data["answered"], "index": index},
            )
        )
    if internal:
        tables.append(
            Table(
                key="represented_by_district",
                title=_("Migration experience by district"),
                columns=[
                    Column("group", _("District"), TEXT),
                    Column("answered", _("People who answered"), PEOPLE),
                    Column("with_migration_experience", _("With migration experience"), PEOPLE),
                    Column("share", _("Share among them"), PERCENT),
                    Column("population_share", _("Share in the population (migration background)"), PERCENT),
                    Column("ratio", _("Ratio"), RATIO),
                ],
                rows=[
                    {"key": row["district"], "group": _label(labels, "district", row["district"]), **row}
                    for row in figures["by_district_migration"]
                ],
                chart="with_migration_experience",
                internal=True,
            )
        )
    return tables


def display(value, kind: str, k: int) -> str:
    """A value as every output writes it: "< k" for a suppressed count of people, "unknown" for a missing share."""
    if kind == PEOPLE:
        return format_count(value, k=k)
    if value is None:
        return "" if kind == TEXT else _("unknown")
    if kind == PERCENT:
        return f"{value} %"
    return str(value)


def table_as_json(table: Table) -> dict:
    return {
        "key": table.key,
        "title": table.title,
        "columns": [{"key": column.key, "label": column.label, "kind": column.kind} for column in table.columns],
        "rows": [
            {"key": row["key"], **{column.key: row.get(column.key) for column in table.columns}} for row in table.rows
        ],
        "note": table.note,
        **table.extra,
    }


def dashboard_json(*, process, figures: dict, tables: list[Table]) -> dict:
    return {
        "process": process.slug,
        "computed_at": figures["computed_at"],
        "small_cell_k": figures["small_cell_k"],
        "null_means": {
            PEOPLE: f"fewer than {figures['small_cell_k']} people, or suppressed so that totals cannot reveal such "
            "a count",
            PERCENT: "unknown",
            RATIO: "unknown",
        },
        "index": figures["representativeness"]["index"],
        "tables": [table_as_json(table) for table in tables],
    }


def table_as_csv_rows(table: Table, k: int) -> list[list[str]]:
    rows = [[column.label for column in table.columns]]
    for row in table.rows:
        rows.append([display(row.get(column.key), column.kind, k) for column in table.columns])
    return rows
