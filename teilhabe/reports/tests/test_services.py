import hashlib
import io
import json
import zipfile

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.core.services import audit_head
from teilhabe.reports import services
from teilhabe.reports.models import CouncilReport, ReportState
from teilhabe.reports.periods import Period, period_parse
from teilhabe.reports.tests.conftest import make_report, pdf_text


@pytest.mark.parametrize("text", ["2027-Q1", " 2027-q4 "])
def test_periods_are_a_year_and_a_quarter(text):
    period = period_parse(text)
    assert str(period) in {"2027-Q1", "2027-Q4"}


@pytest.mark.parametrize("text", ["2027-Q5", "2027-Q0", "27-Q1", "2027Q1", "", None, "1999-Q1", "2027-Q1x"])
def test_a_bad_period_is_refused_with_its_form(text):
    with pytest.raises(ApplicationError) as caught:
        period_parse(text)
    assert "period" in caught.value.field_errors


def test_a_quarter_knows_its_days():
    assert (Period(2027, 1).start.isoformat(), Period(2027, 1).end.isoformat()) == ("2027-01-01", "2027-03-31")
    assert Period(2027, 4).end.isoformat() == "2027-12-31"
    assert Period(2027, 4).next() == Period(2028, 1)


def test_only_coordinators_keep_committees(process, personas):
    with pytest.raises(NotAllowed):
        services.committee_create(user=personas["evaluator"], process=process, name="Ausschuss")
    committee = services.committee_create(user=personas["coordinator"], process=process, name="Ausschuss")
    assert AuditEntry.objects.filter(action="committee.created", object_id=str(committee.pk)).exists()
    with pytest.raises(ApplicationError) as caught:
        services.committee_create(user=personas["coordinator"], process=process, name="ausschuss")
    assert "name" in caught.value.field_errors


def test_a_schedule_is_one_per_committee_and_process(process, coordinator, committee):
    services.schedule_set(
        user=coordinator, process=process, committee=committee, frequency="quarterly", first_period="2026-Q1"
    )
    schedule = services.schedule_set(
        user=coordinator, process=process, committee=committee, frequency="yearly", first_period="2026-q2"
    )
    assert (schedule.frequency, schedule.first_period) == ("yearly", "2026-Q2")
    assert committee.schedules.count() == 1
    with pytest.raises(ApplicationError):
        services.schedule_set(
            user=coordinator, process=process, committee=committee, frequency="daily", first_period="2026-Q1"
        )


def test_a_future_period_is_refused_and_nothing_is_saved(process, coordinator, committee):
    with pytest.raises(ApplicationError) as caught:
        services.report_request(user=coordinator, process=process, committee=committee, period="2099-Q1")
    assert "period" in caught.value.field_errors
    assert not CouncilReport.objects.exists()


@pytest.mark.slow
def test_a_report_is_made_in_the_background_frozen_and_published(
    figures, coordinator, committee, meeting, period, django_capture_on_commit_callbacks, tmp_path
):
    report = make_report(
        django_capture_on_commit_callbacks,
        user=coordinator,
        process=figures,
        committee=committee,
        period=period,
        meeting=meeting,
    )
    assert (report.state, report.progress, report.version) == (ReportState.DRAFT, 100, 1)
    assert report.pdf.read()[:5] == b"%PDF-"
    draft_text = pdf_text(report.pdf.open("rb").read(), tmp_path)
    with translation.override(report.language):
        draft = _("Draft: not frozen yet. Its figures may still change.")
    assert "".join(draft.split()) in "".join(draft_text.split())
    # A draft is made again in place when asked again.
    again = make_report(
        django_capture_on_commit_callbacks, user=coordinator, process=figures, committee=committee, period=period
    )
    assert (again.pk, again.version) == (report.pk, 1)

    head = audit_head()
    frozen = services.report_freeze(user=coordinator, report=again)
    assert frozen.state == ReportState.FROZEN
    assert frozen.audit_count >= head.count and frozen.audit_hash
    pdf = frozen.pdf.open("rb").read()
    text = pdf_text(pdf, tmp_path)
    assert frozen.audit_hash in text.replace("\n", "")
    assert hashlib.sha256(pdf).hexdigest() == frozen.pdf_sha256
    assert hashlib.sha512(pdf).hexdigest() == frozen.pdf_sha512
    assert hashlib.sha256(frozen.data_package.open("rb").read()).hexdigest() == frozen.data_sha256
    oparl = json.loads(frozen.oparl.open("rb").read())
    assert oparl["mainFile"]["sha512Checksum"] == frozen.pdf_sha512
    with pytest.raises(Conflict):
        services.report_freeze(user=coordinator, report=frozen)

    published = services.report_publish(user=coordinator, report=frozen)
    assert published.state == ReportState.PUBLISHED and published.pdf_sha256 == frozen.pdf_sha256
    actions = set(AuditEntry.objects.filter(object_type="reports.councilreport").values_list("action", flat=True))
    assert {
        "council_report.requested",
        "council_report.made",
        "council_report.frozen",
        "council_report.published",
    } <= actions

    # A correction is the next version and names the one it corrects; the frozen one stays as it was.
    correction = make_report(
        django_capture_on_commit_callbacks, user=coordinator, process=figures, committee=committee, period=period
    )
    assert (correction.version, correction.corrects_id, correction.state) == (2, published.pk, ReportState.DRAFT)
    published.refresh_from_db()
    assert hashlib.sha256(published.pdf.open("rb").read()).hexdigest() == frozen.pdf_sha256


@pytest.mark.slow
def test_the_task_claims_the_report_once(figures, coordinator, committee, period):
    report = services.report_request(
        user=coordinator, process=figures, committee=committee, period=period, enqueue=False
    )
    with pytest.raises(Conflict):  # asked again while it waits: refused, not queued twice
        CouncilReport.objects.filter(pk=report.pk).update(state=ReportState.RUNNING)
        services.report_request(user=coordinator, process=figures, committee=committee, period=period)
    CouncilReport.objects.filter(pk=report.pk).update(state=ReportState.QUEUED)
    assert services.report_make(report_id=report.pk) == "done"
    assert services.report_make(report_id=report.pk) == "skipped"


def test_a_failing_report_is_marked_failed_with_nothing_half_saved(
    figures, coordinator, committee, period, monkeypatch
):
    report = services.report_request(
        user=coordinator, process=figures, committee=committee, period=period, enqueue=False
    )

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "report_files", broken)
    assert services.report_make(report_id=report.pk) == "failed"
    report.refresh_from_db()
    assert report.state == ReportState.FAILED and not report.pdf and not report.content
    assert AuditEntry.objects.filter(action="council_report.failed", object_id=str(report.pk)).exists()


def test_only_coordinators_freeze_and_publish(figures, personas, committee, period):
    report = services.report_request(
        user=personas["coordinator"], process=figures, committee=committee, period=period, enqueue=False
    )
    CouncilReport.objects.filter(pk=report.pk).update(state=ReportState.DRAFT)
    report.refresh_from_db()
    for role in ("evaluator", "committee_member", "participant"):
        with pytest.raises(NotAllowed):
            services.report_freeze(user=personas[role], report=report)
        with pytest.raises(NotAllowed):
            services.report_publish(user=personas[role], report=report)


@pytest.mark.slow
def test_the_data_package_holds_one_csv_per_table_and_data_json(
    figures, coordinator, committee, period, django_capture_on_commit_callbacks
):
    report = make_report(
        django_capture_on_commit_callbacks, user=coordinator, process=figures, committee=committee, period=period
    )
    with zipfile.ZipFile(io.BytesIO(report.data_package.open("rb").read())) as archive:
        names = set(archive.namelist())
    keys = {table["key"] for table in report.content["tables"]}
    assert names == {f"data/{key}.csv" for key in keys} | {"data/data.json"}


def test_a_report_whose_worker_died_may_be_asked_for_again(figures, coordinator, committee, period):
    import datetime

    from django.utils import timezone

    report = services.report_request(
        user=coordinator, process=figures, committee=committee, period=period, enqueue=False
    )
    CouncilReport.objects.filter(pk=report.pk).update(state=ReportState.RUNNING)
    with pytest.raises(Conflict):
        services.report_request(user=coordinator, process=figures, committee=committee, period=period, enqueue=False)
    CouncilReport.objects.filter(pk=report.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=16))
    again = services.report_request(
        user=coordinator, process=figures, committee=committee, period=period, enqueue=False
    )
    assert (again.pk, again.state) == (report.pk, ReportState.QUEUED)
