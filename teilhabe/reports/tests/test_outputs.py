"""The report's outputs render the same tables: the PDF, every CSV and data.json agree with each other and with the
metrics module; small counts of people are "< 5" in each of them; oparl.json validates against OParl 1.1.1."""

import csv
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teilhabe.core.tests.pdf_objects import pdf_objects
from teilhabe.monitoring import metrics
from teilhabe.reports.documents import tables_of
from teilhabe.reports.tests.conftest import make_report, pdf_text

pytestmark = pytest.mark.slow

SCHEMAS = Path(__file__).resolve().parents[1] / "oparl_schema"


@pytest.fixture
def report(figures, coordinator, committee, meeting, period, django_capture_on_commit_callbacks):
    return make_report(
        django_capture_on_commit_callbacks,
        user=coordinator,
        process=figures,
        committee=committee,
        period=period,
        meeting=meeting,
    )


def package(report) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(report.data_package.open("rb").read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_pdf_csv_and_json_show_the_same_tables(report, tmp_path):
    tables = tables_of(report.content)
    files = package(report)
    document = json.loads(files["data/data.json"])
    # pdftotext (-layout: a row on one line) may drop or add spaces, as in "< 5": compare without whitespace.
    text = "".join(pdf_text(report.pdf.open("rb").read(), tmp_path, layout=True).split())
    assert [table["key"] for table in document["tables"]] == [table.key for table in tables]
    for table, in_json in zip(tables, document["tables"], strict=True):
        printed = table.text_rows()
        rows = list(csv.reader(io.StringIO(files[f"data/{table.key}.csv"].decode("utf-8"))))
        assert rows[0] == [column.key for column in table.columns]
        assert rows[1:] == printed
        # data.json holds numbers as numbers (printed as the PDF prints them), and "< 5" or "unknown" as text.
        assert [
            [cell if isinstance(cell, str) else table.cell_text(index, cell) for index, cell in enumerate(row)]
            for row in in_json["rows"]
        ] == printed
        # The PDF prints the table's caption and then each row. A narrow table's rows come out whole and in order;
        # in a wide one a long label wraps (and may be hyphenated), so its first word and the row's other cells are
        # looked for.
        start = text.index("".join(table.title.split()))
        for row in printed:
            if len(table.columns) <= 4:
                start = text.index("".join("".join(row).split()), start)
            else:
                assert "".join(row[0].split()[:1]) in text[start:]
                assert "".join("".join(row[1:]).split()) in text[start:]


def test_the_numbers_are_the_metrics_modules(report):
    tables = {table.key: table for table in tables_of(report.content)}
    process = report.process
    by_channel = metrics.contributions_by(process=process, dimension="channel")
    assert sum(row[1] for row in tables["by_channel"].rows) == sum(by_channel.values()) == 15
    overview = dict((row[0], row[1]) for row in tables["overview"].rows)
    assert metrics.process_figures(process=process)["contributions"] in overview.values()
    answers = metrics.answer_figures(process=process)
    assert [row[1] for row in tables["answers_by_state"].rows] == list(answers["by_state"].values())
    participants = metrics.participant_figures(process=process)
    with translation.override(report.language):
        attendance = _("Attendance at events (head counts)")  # the dashboard's label
    assert dict((row[0], row[1]) for row in tables["participants"].rows)[attendance] == participants["attendance"]
    assert participants["attendance"] is None  # 3 people at the door: a small cell
    assert sum(row[1] for row in tables["by_sector"].rows) == 15


def test_every_table_the_committee_asked_for_is_in_the_report(report):
    keys = [table.key for table in tables_of(report.content)]
    for key in [
        "participants",
        "by_channel",
        "by_field",
        "by_district",
        "by_language",
        "by_target_group",
        "by_sector",
        "by_month",
        "events",
        "answers",
        "median_days_to_statement",
        "dispositions",
        "measures",
        "competition",
        "councils",
        "representativeness",
        "represented_age_band",
        "questionnaire_responses",
        "questionnaire",
        "quality",
    ]:
        assert key in keys


def test_small_counts_of_people_are_protected_in_every_output(report, tmp_path):
    files = package(report)
    csv_text = files["data/participants.csv"].decode("utf-8")
    assert "< 5" in csv_text and ",3\r\n" not in csv_text
    people = next(table for table in json.loads(files["data/data.json"])["tables"] if table["key"] == "participants")
    assert "< 5" in [row[1] for row in people["rows"]] and 3 not in [row[1] for row in people["rows"]]
    text = "".join(pdf_text(report.pdf.open("rb").read(), tmp_path, layout=True).split())
    participants = next(table for table in tables_of(report.content) if table.key == "participants")
    label = next(row[0] for row in participants.rows if row[1] is None)
    assert "".join(label.split()) + "<5" in text


def _validate(instance: dict, schema_name: str) -> int:
    """Validate an OParl object and, recursively, the objects OParl's ``"schema"`` keys embed; returns how many."""
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    jsonschema.validate(instance, schema)
    checked = 1
    for name, definition in schema["properties"].items():
        if name not in instance:
            continue
        if definition.get("type") == "object" and "schema" in definition:
            checked += _validate(instance[name], definition["schema"])
        elif definition.get("type") == "array" and "schema" in definition.get("items", {}):
            for item in instance[name]:
                checked += _validate(item, definition["items"]["schema"])
    return checked


def test_the_oparl_paper_validates_against_the_oparl_schemas(report, coordinator):
    from teilhabe.reports import services

    frozen = services.report_freeze(user=coordinator, report=report)
    paper = json.loads(frozen.oparl.open("rb").read())
    assert _validate(paper, "Paper.json") == 4  # the paper, its main and auxiliary file, its consultation
    assert _validate(paper["teilhabe:organization"], "Organization.json") == 1
    assert _validate(paper["teilhabe:meeting"], "Meeting.json") == 1
    assert paper["paperType"] == "Informationsdrucksache"
    assert paper["reference"] == frozen.reference
    assert paper["mainFile"]["sha512Checksum"] == hashlib.sha512(frozen.pdf.open("rb").read()).hexdigest()
    assert paper["mainFile"]["size"] == frozen.pdf.size
    assert paper["teilhabe:organization"]["name"] == "Internationaler Ausschuss"
    assert paper["consultation"][0]["meeting"] == paper["teilhabe:meeting"]["id"]
    assert paper["underDirectionOf"] == [paper["teilhabe:organization"]["id"]]


def test_a_broken_paper_fails_the_validation(report):
    paper = json.loads(report.oparl.open("rb").read())
    paper["type"] = "https://schema.oparl.org/1.0/Paper"
    with pytest.raises(jsonschema.ValidationError):
        _validate(paper, "Paper.json")
    paper = json.loads(report.oparl.open("rb").read())
    del paper["mainFile"]["accessUrl"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(paper, "Paper.json")


def _pdf_objects(data: bytes) -> str:
    return pdf_objects(data)


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_pdf_is_tagged_in_its_language_with_headings_and_figures(
    figures, coordinator, committee, period, django_capture_on_commit_callbacks, tmp_path, language
):
    report = make_report(
        django_capture_on_commit_callbacks,
        user=coordinator,
        process=figures,
        committee=committee,
        period=period,
        language=language,
    )
    pdf = report.pdf.open("rb").read()
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", source], capture_output=True, text=True, check=True).stdout
    raw = _pdf_objects(pdf)
    assert "Tagged:          yes" in info
    assert f"/Lang ({language})" in raw
    assert "/StructTreeRoot" in raw and "/Outlines" in raw  # tags, and bookmarks from the headings
    assert "/Figure" in raw and "/Alt" in raw  # each chart is a figure with its text alternative
    if language == "ar":
        fonts = subprocess.run(["pdffonts", source], capture_output=True, text=True).stdout
        assert "Arabic" in fonts


def test_the_evaluation_stops_at_the_periods_last_day(
    figures, coordinator, committee, django_capture_on_commit_callbacks
):
    from teilhabe.evaluation.tests.conftest import answer_online
    from teilhabe.reports.periods import period_of

    answer_online(figures, 6, value=5)  # today
    current = period_of(timezone.localdate())
    reports = {
        period: make_report(
            django_capture_on_commit_callbacks, user=coordinator, process=figures, committee=committee, period=period
        )
        for period in (str(current), str(current.next(-1)))
    }
    responses = {
        period: next(t for t in tables_of(report.content) if t.key == "questionnaire_responses").rows[0][1]
        for period, report in reports.items()
    }
    assert responses == {str(current): 6, str(current.next(-1)): 0}
    document = json.loads(package(reports[str(current.next(-1))])["data/data.json"])
    assert document["report"]["evaluation_until"] == current.next(-1).end.isoformat()
