"""The annual report: a tagged PDF with the year's sessions, statements and answers, budget and participation."""

import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from teilhabe.conftest import make_contribution
from teilhabe.core.tests.pdf_objects import pdf_objects
from teilhabe.councils import services
from teilhabe.councils.report import annual_report
from teilhabe.councils.tests.test_positions import answer, draft, vote
from teilhabe.councils.tests.test_sessions import make_session
from teilhabe.events.models import EventState

pytestmark = pytest.mark.django_db
HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None


@pytest.fixture
def year_of_work(process, personas, space, member, coordinator, city, participant):
    from teilhabe.administration.models import Department
    from teilhabe.councils.models import CouncilMembership

    CouncilMembership.objects.filter(space=space, user=member).update(role="chair")
    held = make_session(process, space, days=-3, state=EventState.HELD, attendance_total=17)
    services.agenda_item_add(user=member, session=held, title="Haushalt")
    department = Department.objects.get(city=city, code="50")
    position = draft(member, space, process)
    vote(member, position, held, department)
    position = services.position_route(
        user=coordinator, position=services.position_submit(user=member, position=position)
    )
    answer(personas, position.contribution, text="Zwei neue Kurse ab Herbst.")
    year = timezone.localdate().year
    services.budget_year_set(user=coordinator, city=city, year=year, total=10000, rule="equal")
    services.funding_record(
        user=member,
        space=space,
        year=year,
        activity="Sommerfest",
        amount="750",
        date=timezone.localdate(),
        session=held,
    )
    make_contribution(process, participant, title="Mehr Bänke", district=space.district)
    return year


def test_the_report_gathers_the_year(space, year_of_work):
    report = annual_report(space, year_of_work)
    assert [(line.title, line.attendance, line.agenda_items) for line in report.sessions] == [
        ("Öffentliche Sitzung", 17, 1)
    ]
    assert report.answered == 1 and report.overdue == 0 and report.median_days == 0.0
    assert report.positions[0].answer == "Zwei neue Kurse ab Herbst."
    assert report.budget.allocated == 10000 and str(report.budget.balance) == "9250.00"
    channels = dict(report.channels)
    assert channels["District integration council"] == 1 and channels["Online"] == 1
    assert annual_report(space, year_of_work - 1).sessions == []


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils (make install) not installed")
def test_the_command_writes_a_tagged_pdf(space, year_of_work, tmp_path):
    out = tmp_path / "bericht.pdf"
    call_command("council_annual_report", "--district", "1", "--year", str(year_of_work), "--output", str(out))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert b"/Lang (de)" in out.read_bytes() or "/Lang (de)" in _objects(out.read_bytes())
    for expected in (
        "Integrationsbeirat Mitte",
        "Öffentliche Sitzung",
        "Sommerfest",
        "Zwei neue Kurse ab Herbst.",
        "Sprachkurse im Stadtbezirk",
    ):
        assert expected in " ".join(text.split()), expected


def _objects(data: bytes) -> str:
    return pdf_objects(data)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--district", "x", "--year", "2026"], "must be a number"),
        (["--district", "1", "--year", "26"], "four digits"),
        (["--district", "77", "--year", "2026"], "No district integration council"),
        (["--district", "1", "--year", "2026", "--language", "xx"], "Unknown language"),
    ],
)
def test_the_command_refuses_bad_arguments(space, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("council_annual_report", *args, "--output", str(tmp_path / "x.pdf"))


@pytest.mark.slow
def test_members_download_the_report_and_others_do_not(client, space, member, other_member, year_of_work):
    url = reverse("councils:annual_report", kwargs={"pk": space.pk, "year": year_of_work})
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(other_member)
    assert client.get(url).status_code == 403
    client.force_login(member)
    assert client.get(reverse("councils:annual_report", kwargs={"pk": space.pk, "year": "12"})).status_code == 404
