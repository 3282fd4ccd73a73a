"""One number everywhere (issue 15, item 1): on one set of data with small groups, the same metric shows the same
value through every output — the public dashboard's page, its CSV and JSON downloads, the council report's PDF, its
CSVs and data.json (and, for the questionnaire, the evaluation's page) — and a suppressed group is "< 5" in each
(null in the dashboard's JSON, which says so under ``null_means``)."""

import csv
import io
import json
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from teilhabe.administration import services as answers
from teilhabe.administration.models import Department
from teilhabe.contributions import services as contribution_services
from teilhabe.contributions.models import Contribution
from teilhabe.evaluation.tests.conftest import answer_online
from teilhabe.events.models import Gender
from teilhabe.monitoring import metrics
from teilhabe.profiles.models import Source
from teilhabe.profiles.services import self_description_create
from teilhabe.reports.documents import tables_of
from teilhabe.reports.tests.conftest import make_report, pdf_text

pytestmark = pytest.mark.slow


class Rows(HTMLParser):
    """Every table row of a page as its cells' texts."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_rows(html: str) -> list[list[str]]:
    parser = Rows()
    parser.feed(html)
    return parser.rows


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def data(figures, personas):
    """The report's figures (15 contributions in three channels, 3 people at an event) and: supports from several
    accounts, 3 contributions routed, self-descriptions with a small group (2 men), questionnaire responses."""
    process = figures
    online = Contribution.objects.filter(process=process, channel="online").first()
    for user in personas.values():
        try:
            contribution_services.support_add(contribution=online, user=user)
        except Exception:  # noqa: BLE001, S112 — a role that may not support simply does not
            continue
    workshop = list(Contribution.objects.filter(process=process, channel="workshop")[:3])
    answers.routing_route(
        user=personas["coordinator"], process=process, contributions=workshop, lead=Department.objects.get(code="50")
    )
    for _ in range(9):
        self_description_create(process=process, source=Source.ONLINE, gender="female")
    for _ in range(2):
        self_description_create(process=process, source=Source.ONLINE, gender="male")
    answer_online(process, 7, value=5)
    answer_online(process, 6, value=4)
    return process


def test_one_number_in_every_output(
    data, personas, coordinator, committee, period, client, django_capture_on_commit_callbacks, tmp_path
):
    process = data
    # What the metrics module says.
    by_channel = metrics.contributions_by(process=process, dimension="channel")
    registered = metrics.participant_figures(process=process)["registered"]
    gender = {
        row["key"]: row["count"]
        for row in metrics.representativeness(process=process)["dimensions"]["gender"]["groups"]
    }
    rates = metrics.answer_rate_figures(process=process)
    assert by_channel["online"] == 7 and registered >= 5 and gender["male"] is None and rates["routed_rate"] == 20.0

    report = make_report(
        django_capture_on_commit_callbacks, user=coordinator, process=process, committee=committee, period=period
    )
    tables = {table.key: table for table in tables_of(report.content)}

    def label(key, first_cell_of):
        return next(row[0] for row in tables[key].rows if first_cell_of(row))

    online = str(label("by_channel", lambda row: row[1] == 7))
    accounts = str(tables["participants"].rows[0][0])
    with translation.override(report.language):
        men = str(Gender.MALE.label)
    routed = str(label("answers", lambda row: row[2] == 20.0))
    statement = next(row for row in tables["questionnaire"].rows)[0]
    # (table, label, value as printed, value as the dashboard's JSON holds it, column index of the value)
    checks = [
        ("by_channel", online, "7", 7, 1),
        ("participants", accounts, str(registered), registered, 1),
        ("represented_gender", men, "< 5", None, 1),
        ("answers", routed, "20.0 %", 20.0, 2),
    ]

    # The report: its PDF's text, its CSVs and data.json.
    with zipfile.ZipFile(io.BytesIO(report.data_package.open("rb").read())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    document = {table["key"]: table for table in json.loads(files["data/data.json"])["tables"]}
    text = squeeze(pdf_text(report.pdf.open("rb").read(), tmp_path, layout=True))
    for key, row_label, printed, _raw, column in checks:
        rows = list(csv.reader(io.StringIO(files[f"data/{key}.csv"].decode("utf-8"))))
        assert next(row for row in rows if row[0] == row_label)[column] == printed
        in_json = next(row for row in document[key]["rows"] if row[0] == row_label)[column]
        assert (in_json if isinstance(in_json, str) else tables[key].cell_text(column, in_json)) == printed
        # In the PDF the row is printed on one line (pdftotext -layout), after the chart's labels.
        row = next(row for row in tables[key].text_rows() if row[0] == row_label)
        assert row[column] == printed and squeeze("".join(row)) in text

    # The public dashboard, computed afresh (not from the figures the report left in the cache).
    cache.clear()
    page = client.get(reverse("monitoring:public", kwargs={"slug": process.slug}))
    assert page.status_code == 200
    shown = page_rows(page.content.decode("utf-8"))
    dashboard = client.get(reverse("monitoring:public_json", kwargs={"slug": process.slug})).json()
    dashboard_tables = {table["key"]: table for table in dashboard["tables"]}
    for key, row_label, printed, raw, column in checks:
        assert next(row for row in shown if row[0] == row_label)[column] == printed
        response = client.get(reverse("monitoring:public_csv", kwargs={"slug": process.slug, "table": key}))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert next(row for row in rows if row[0] == row_label)[column] == printed
        table = dashboard_tables[key]
        label_key, value_key = table["columns"][0]["key"], table["columns"][column]["key"]
        assert next(row for row in table["rows"] if row[label_key] == row_label)[value_key] == raw
    assert "fewer than 5 people" in dashboard["null_means"]["people"]

    # An evaluation figure: people who strongly agree with the first statement (the dashboard has no evaluation
    # figures; the evaluation's own page shows them).
    strongly = tables["questionnaire"].columns.index(
        next(c for c in tables["questionnaire"].columns if c.key == "answer_5")
    )
    assert tables["questionnaire"].rows[0][strongly] == 7
    assert tables["questionnaire_responses"].rows[0][1] == 13
    rows = list(csv.reader(io.StringIO(files["data/questionnaire.csv"].decode("utf-8"))))
    assert next(row for row in rows if row[0] == statement)[strongly] == "7"
    assert next(row for row in document["questionnaire"]["rows"] if row[0] == statement)[strongly] == 7
    assert squeeze(statement)[:20] in text
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:overview", kwargs={"slug": process.slug}))
    assert page.status_code == 200
    evaluation_rows = page_rows(page.content.decode("utf-8"))
    first = next(row for row in evaluation_rows if row and row[0].endswith(statement))
    assert first[strongly - 1] == "7"  # the page has no "answered" column
