import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from teilhabe.reports.models import CouncilReport, ReportState


@pytest.mark.slow
def test_the_command_writes_pdf_data_and_oparl(figures, committee, period, tmp_path):
    out = tmp_path / "out"
    call_command(
        "council_report",
        "--process", figures.slug,
        "--committee", "internationaler ausschuss",
        "--period", period,
        "--output", str(out),
    )  # fmt: skip
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    report = CouncilReport.objects.get()
    assert report.state == ReportState.DRAFT and report.requested_by is None
    csvs = sorted(path.name for path in (out / "data").glob("*.csv"))
    assert csvs == sorted(f"{table['key']}.csv" for table in report.content["tables"])
    assert json.loads((out / "data" / "data.json").read_text())["report"]["period"] == period
    assert json.loads((out / "oparl.json").read_text())["type"] == "https://schema.oparl.org/1.1/Paper"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"process": "nope"}, "No process"),
        ({"committee": "Sportausschuss"}, "No committee"),
        ({"period": "2027-Q7"}, "year and a quarter"),
        ({"period": "2099-Q1"}, "not begun"),
        ({"language": "xx"}, "Unknown language"),
    ],
)
def test_bad_options_are_clear_errors_and_make_nothing(figures, committee, period, tmp_path, options, message):
    arguments = {"process": figures.slug, "committee": committee.name, "period": period, "language": "de", **options}
    # The messages are the active language's: English here, to match them.
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("council_report", output=str(tmp_path / "out"), **arguments)
    assert not CouncilReport.objects.exists()
