import pytest
from django.test import Client
from django.urls import reverse

from teilhabe.demo.reports import COMMITTEE, demo_reports
from teilhabe.reports.models import Committee, CouncilReport, ReportState


@pytest.mark.slow
def test_the_demo_publishes_the_first_quarterly_report_once(figures, personas):
    report = demo_reports(figures, personas)
    again = demo_reports(figures, personas)  # a second run adds nothing
    assert again.pk == report.pk and CouncilReport.objects.count() == 1
    assert report.state == ReportState.PUBLISHED and report.audit_hash and report.meeting is not None
    committee = Committee.objects.get(name=COMMITTEE)
    assert committee.schedules.get().first_period == report.period
    html = Client().get(reverse("reports:archive")).content.decode()
    assert COMMITTEE in html and report.reference in html
    pdf = Client().get(reverse("reports:public_pdf", kwargs={"pk": report.pk}))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:5] == b"%PDF-"
