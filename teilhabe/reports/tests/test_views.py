import pytest
from django.test import Client
from django.urls import reverse

from teilhabe.conftest import PASSWORD
from teilhabe.core.models import AuditEntry
from teilhabe.reports import services
from teilhabe.reports.models import CouncilReport, ReportState


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def make_state(process, committee, period, state, **extra) -> CouncilReport:
    """A report in ``state`` without rendering it (its files are not needed here)."""
    report = services.report_request(user=None, process=process, committee=committee, period=period, enqueue=False)
    CouncilReport.objects.filter(pk=report.pk).update(state=state, **extra)
    report.refresh_from_db()
    return report


def test_the_coordinator_asks_for_a_report_and_follows_its_progress(
    process, coordinator, committee, period, django_capture_on_commit_callbacks, monkeypatch
):
    made = []
    monkeypatch.setattr(services, "_queue", lambda report_id: made.append(report_id))  # the task is not run here
    client = client_for(coordinator)
    url = reverse("reports:reports", kwargs={"slug": process.slug})
    response = client.post(url, {"committee": committee.pk, "period": period, "language": "de"})
    report = CouncilReport.objects.get()
    assert made == [report.pk]
    assert response.status_code == 302 and response["Location"].endswith(f"/berichte/{report.pk}/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html and 'id="report-progress"' in html
    assert "refresh" not in client.get(response["Location"] + "?auto=0").content.decode().split("</head>")[0]


@pytest.mark.parametrize("period_text", ["2027-Q9", "nächstes Jahr", "2099-Q1", ""])
def test_a_bad_period_is_a_400_with_the_error_summary(process, coordinator, committee, period_text):
    response = client_for(coordinator).post(
        reverse("reports:reports", kwargs={"slug": process.slug}),
        {"committee": committee.pk, "period": period_text, "language": "de"},
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not CouncilReport.objects.exists()


def test_a_committee_of_another_city_or_a_stranger_id_is_refused(process, coordinator, committee, period):
    response = client_for(coordinator).post(
        reverse("reports:reports", kwargs={"slug": process.slug}),
        {"committee": "999999", "period": period, "language": "de"},
    )
    assert response.status_code == 400 and not CouncilReport.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("evaluator", 200),
        ("committee_member", 200),
        ("participant", 403),
        ("department_staff", 403),
    ],
)
def test_who_reads_drafts(process, personas, committee, period, role, status):
    report = make_state(process, committee, period, ReportState.DRAFT)
    client = client_for(personas[role])
    assert client.get(reverse("reports:reports", kwargs={"slug": process.slug})).status_code == status
    assert client.get(reverse("reports:report", kwargs={"slug": process.slug, "pk": report.pk})).status_code == status


def test_readers_of_drafts_see_no_form_and_cannot_freeze(process, personas, committee, period):
    report = make_state(process, committee, period, ReportState.DRAFT)
    client = client_for(personas["evaluator"])
    page = client.get(reverse("reports:reports", kwargs={"slug": process.slug})).content.decode()
    assert 'id="generate-form"' not in page
    detail = reverse("reports:report", kwargs={"slug": process.slug, "pk": report.pk})
    assert 'id="freeze-button"' not in client.get(detail).content.decode()
    assert client.post(detail, {"action": "freeze"}).status_code == 403
    assert (
        client.post(reverse("reports:reports", kwargs={"slug": process.slug}), {"period": "2026-Q1"}).status_code == 403
    )
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_anonymous_visitors_are_sent_to_sign_in(process, committee, period):
    report = make_state(process, committee, period, ReportState.DRAFT)
    response = Client().get(reverse("reports:report", kwargs={"slug": process.slug, "pk": report.pk}))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


@pytest.mark.parametrize("pk", ["abc", "0", "99999999999999999999", "-1"])
def test_bad_ids_are_404(process, coordinator, pk):
    client = client_for(coordinator)
    assert client.get(reverse("reports:report", kwargs={"slug": process.slug, "pk": pk})).status_code == 404
    assert client.get(reverse("reports:public_report", kwargs={"pk": pk})).status_code == 404


def test_the_archive_shows_published_reports_only(process, committee, period):
    draft = make_state(process, committee, period, ReportState.DRAFT)
    assert str(draft.reference) not in Client().get(reverse("reports:archive")).content.decode()
    for kind in ("pdf", "data", "oparl"):
        assert Client().get(reverse(f"reports:public_{kind}", kwargs={"pk": draft.pk})).status_code == 404
    assert Client().get(reverse("reports:public_report", kwargs={"pk": draft.pk})).status_code == 404
    CouncilReport.objects.filter(pk=draft.pk).update(state=ReportState.FROZEN)
    assert draft.reference not in Client().get(reverse("reports:archive")).content.decode()
    CouncilReport.objects.filter(pk=draft.pk).update(state=ReportState.PUBLISHED)
    html = Client().get(reverse("reports:archive")).content.decode()
    assert draft.reference in html and "Internationaler Ausschuss" in html


def test_archive_queries_do_not_grow_with_reports(process, committee, django_assert_max_num_queries):
    for quarter in range(1, 4):
        make_state(process, committee, f"2026-Q{quarter}", ReportState.PUBLISHED)
    with django_assert_max_num_queries(12) as few:
        Client().get(reverse("reports:archive"))
    for quarter in range(1, 5):
        make_state(process, committee, f"2025-Q{quarter}", ReportState.PUBLISHED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert Client().get(reverse("reports:archive")).status_code == 200


def test_reports_list_queries_do_not_grow_with_reports(process, coordinator, committee, django_assert_max_num_queries):
    client = client_for(coordinator)
    url = reverse("reports:reports", kwargs={"slug": process.slug})
    make_state(process, committee, "2026-Q1", ReportState.DRAFT)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for quarter in range(1, 5):
        make_state(process, committee, f"2025-Q{quarter}", ReportState.PUBLISHED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_coordinators_enter_committees_schedules_and_sessions(process, personas):
    client = client_for(personas["coordinator"])
    url = reverse("reports:committees", kwargs={"slug": process.slug})
    assert (
        client.post(url, {"form": "committee", "name": "Internationaler Ausschuss", "short_name": "IA"}).status_code
        == 302
    )
    committee = process.city.committees.get()
    assert (
        client.post(
            url, {"form": "schedule", "committee": committee.pk, "frequency": "quarterly", "first_period": "2026-Q1"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"form": "meeting", "committee": committee.pk, "name": "1. Sitzung", "date": "2026-03-10"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"form": "schedule", "committee": committee.pk, "frequency": "quarterly", "first_period": "Q1"}
        ).status_code
        == 400
    )
    assert client.post(url, {"form": "committee", "name": ""}).status_code == 400
    assert client.post(url, {"form": "other"}).status_code == 400
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"committee.created", "report_schedule.created", "committee_meeting.created"} <= actions
    assert client_for(personas["evaluator"]).get(url).status_code == 403


def test_the_archive_leads_those_who_read_drafts_to_their_reports(process, personas):
    link = reverse("reports:reports", kwargs={"slug": process.slug})
    for role in ("coordinator", "evaluator", "committee_member"):
        assert link in client_for(personas[role]).get(reverse("reports:archive")).content.decode(), role
    for user in (None, personas["participant"]):
        assert link not in client_for(user).get(reverse("reports:archive")).content.decode()
    assert reverse("reports:archive") in Client().get("/").content.decode()  # the footer links the archive


def test_the_schedule_says_which_reports_are_due(process, coordinator, committee):
    import datetime

    from teilhabe.reports import selectors

    services.schedule_set(
        user=coordinator, process=process, committee=committee, frequency="half_yearly", first_period="2026-Q1"
    )
    make_state(process, committee, "2026-Q1", ReportState.PUBLISHED)
    [schedule] = selectors.schedules_of(process, today=datetime.date(2027, 2, 1))
    assert schedule.due == [("2027-Q1", None), ("2026-Q3", None), ("2026-Q1", "published")]
    page = client_for(coordinator).get(reverse("reports:reports", kwargs={"slug": process.slug})).content.decode()
    assert "2026-Q1" in page and 'class="due-reports"' in page
