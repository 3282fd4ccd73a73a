"""Applications: drafts, the checks at submission (budget plan adds up, limits, the funding tier's rule named),
locking, the acknowledgement in the applicant's language, withdrawal, private files with sniffed types, paper
applications entered by staff, and who sees what."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from teilhabe.competitions import services
from teilhabe.competitions.models import Application, ApplicationFile, ApplicationState, Call
from teilhabe.competitions.tests.conftest import PDF, PNG, client_of, complete, draft
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.stakeholders.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_draft_is_saved_incomplete_and_submitted_complete(
    open_call, participant, process, city, django_capture_on_commit_callbacks
):
    application = services.application_create(
        user=participant, call=open_call, kind="group", title="Sprachcafé", language="tr"
    )
    assert application.state == ApplicationState.DRAFT
    services.application_update(user=participant, application=application, description="Erst ein Anfang.")
    with pytest.raises(ApplicationError) as error:
        services.application_submit(user=participant, application=application)
    assert {"target_groups", "districts", "lines", "requested", "group_name"} <= set(error.value.field_errors)
    services.application_update(
        user=participant, application=application, group_name="Nachbarschaft Nord", **complete(process, city)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(user=participant, application=application)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED and application.submitted_at
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [participant.email]
    assert mail.outbox[0].extra_headers["Content-Language"] == "tr"  # the applicant's language
    assert application.reference in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="application.submitted", object_id=str(application.pk)).exists()
    # Locked: no more changes, no files.
    with pytest.raises(NotAllowed):
        services.application_update(user=participant, application=application, title="Anders")
    with pytest.raises(NotAllowed):
        services.application_file_add(
            user=participant, application=application, upload=SimpleUploadedFile("a.png", PNG), title="Foto"
        )


def test_the_budget_plan_must_add_up(open_call, participant, process, city):
    application = draft(participant, open_call, process, city, own_contribution=Decimal("400"))
    with pytest.raises(ApplicationError) as error:
        services.application_submit(user=participant, application=application)
    assert "does not add up" in error.value.field_errors["lines"]
    assert "4,500.00" in error.value.field_errors["lines"] or "4.500,00" in error.value.field_errors["lines"]
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_the_20_percent_rule_is_named_when_broken(open_call, participant, process, city):
    application = draft(
        participant,
        open_call,
        process,
        city,
        requested=Decimal("8000"),
        own_contribution=Decimal("1000"),
        other_funding=Decimal("1000"),
        lines=[("Honorare", Decimal("10000"))],
    )
    with pytest.raises(ApplicationError) as error:
        services.application_submit(user=participant, application=application)
    message = error.value.field_errors["own_contribution"]
    assert "Rule" in message and "at least 20" in message and "10.0 %" in message


def test_limits_of_the_call(open_call, participant, process, city):
    too_much = draft(
        participant, open_call, process, city, requested=Decimal("25000"), lines=[("Alles", Decimal("25500"))]
    )
    with pytest.raises(ApplicationError) as error:
        services.application_submit(user=participant, application=too_much)
    assert "at most" in error.value.field_errors["requested"]
    too_long = draft(participant, open_call, process, city, ends_on=datetime.date(2028, 12, 31))
    with pytest.raises(ApplicationError) as error:
        services.application_submit(user=participant, application=too_long)
    assert "22 months" in error.value.field_errors["ends_on"]


def test_the_period_is_enforced_by_the_server(open_call, participant, process, city):
    application = draft(participant, open_call, process, city)
    Call.objects.filter(pk=open_call.pk).update(closes=timezone.now() - datetime.timedelta(seconds=1))
    application.refresh_from_db()
    with pytest.raises(Conflict):
        services.application_submit(user=participant, application=application)
    with pytest.raises(NotAllowed):
        services.application_create(user=participant, call=Call.objects.get(pk=open_call.pk), kind="group", title="x")


def test_who_may_apply(open_call, personas):
    participant = personas["participant"]
    with pytest.raises(ApplicationError):
        services.application_create(user=participant, call=open_call, kind="individual", title="x")  # not allowed
    with pytest.raises(ApplicationError):
        services.application_create(
            user=participant, call=open_call, kind="organisation", organisation=Organisation.objects.get(), title="x"
        )
    representative = personas["organisation_representative"]
    application = services.application_create(
        user=representative,
        call=open_call,
        kind="organisation",
        organisation=Organisation.objects.get(name="Verein"),
        title="Vereinsprojekt",
    )
    assert application.organisation.name == "Verein"


def test_withdrawal_until_the_decision(open_call, participant, process, city, personas):
    application = draft(participant, open_call, process, city)
    with pytest.raises(NotAllowed):
        services.application_withdraw(user=participant, application=application)  # a draft is not withdrawn
    services.application_submit(user=participant, application=application)
    with pytest.raises(NotAllowed):
        services.application_withdraw(user=personas["coordinator"], application=application)
    services.application_withdraw(user=participant, application=application)
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN and application.withdrawn_at


def test_files_are_sniffed_and_limited(open_call, participant, settings):
    application = services.application_create(user=participant, call=open_call, kind="group", title="x")
    stored = services.application_file_add(
        user=participant, application=application, upload=SimpleUploadedFile("foto.png", PNG), title="Foto"
    )
    assert stored.content_type == "image/png" and stored.file.name.endswith(".png")
    with pytest.raises(ApplicationError) as error:
        services.application_file_add(
            user=participant,
            application=application,
            upload=SimpleUploadedFile("plan.pdf", b"<script>alert(1)</script>", content_type="application/pdf"),
            title="Plan",
        )
    assert "Only PDF" in error.value.field_errors["file"]
    settings.TEILHABE_APPLICATION_FILE_MAX_BYTES = 20
    with pytest.raises(ApplicationError) as error:
        services.application_file_add(
            user=participant, application=application, upload=SimpleUploadedFile("a.pdf", PDF), title="x"
        )
    assert "too large" in error.value.field_errors["file"]
    assert ApplicationFile.objects.count() == 1


def test_paper_applications_are_entered_by_staff_with_channel_and_scan(
    open_call, coordinator, participant, process, city, django_capture_on_commit_callbacks
):
    data = {
        "channel": "letter",
        "received_on": timezone.localdate(),
        "kind": "group",
        "contact_name": "Frau Yılmaz",
        "contact_email": "yilmaz@example.org",
        "language": "tr",
        "title": "Nähcafé",
        "group_name": "Frauen aus Linden",
        **complete(process, city),
    }
    with pytest.raises(NotAllowed):
        services.application_enter_paper(
            user=participant, call=open_call, scan=SimpleUploadedFile("s.pdf", PDF), **data
        )
    with pytest.raises(ApplicationError) as error:
        services.application_enter_paper(
            user=coordinator,
            call=open_call,
            scan=SimpleUploadedFile("s.pdf", PDF),
            **{**data, "received_on": timezone.localdate() - datetime.timedelta(days=30)},
        )
    assert "received_on" in error.value.field_errors
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_enter_paper(
            user=coordinator, call=open_call, scan=SimpleUploadedFile("s.pdf", PDF), **data
        )
    assert application.state == ApplicationState.SUBMITTED and application.channel == "letter"
    assert application.entered_by == coordinator and application.applicant is None
    assert application.files.get().is_scan
    assert mail.outbox[-1].to == ["yilmaz@example.org"]
    assert Application.objects.count() == 1


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_applicants_journey_in_the_site(
    open_call, participant, personas, process, city, django_capture_on_commit_callbacks
):
    client = client_of(participant)
    start = reverse("competitions:apply", kwargs={"slug": process.slug, "pk": open_call.pk})
    assert client.get(start).status_code == 200
    assert client.post(start, {"kind": "group", "title": "Sprachcafé"}).status_code == 302
    application = Application.objects.get()
    edit = reverse("competitions:application_edit", kwargs={"pk": application.pk})
    form = {
        "title": "Sprachcafé",
        "group_name": "Nachbarschaft Nord",
        "description": "Ein Café.",
        "target_groups": [tg.pk for tg in process.target_groups.all()],
        "districts": [city.districts.first().pk],
        "fields_of_action": [process.fields_of_action.first().pk],
        "starts_on": "2027-03-01",
        "ends_on": "2027-12-31",
        "requested": "8000",
        "own_contribution": "1000",
        "other_funding": "1000",
        "item_1": "Honorare",
        "amount_1": "10000",
    }
    assert client.post(edit, {**form, "save": "1"}).status_code == 302
    submit = reverse("competitions:application_submit", kwargs={"pk": application.pk})
    check = client.get(submit)
    assert "Rule" in check.content.decode() and "20" in check.content.decode()
    assert client.post(submit).status_code == 400
    assert client.post(edit, {**form, "own_contribution": "2000", "other_funding": "0"}).status_code == 302
    upload = client.post(
        reverse("competitions:application_file_add", kwargs={"pk": application.pk}),
        {"title": "Foto", "file": SimpleUploadedFile("foto.png", PNG)},
    )
    assert upload.status_code == 302 and application.files.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(submit).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    page = reverse("competitions:application", kwargs={"pk": application.pk})
    file_url = reverse(
        "competitions:application_file", kwargs={"pk": application.pk, "file": application.files.get().pk}
    )
    assert client.get(page).status_code == 200
    assert client.get(file_url)["Cache-Control"] == "private, no-store"
    assert client.get(edit).status_code == 403  # locked
    # Nobody but the applicant and the call's coordinators sees it.
    for role, user in personas.items():
        expected = 200 if role in {"participant", "coordinator"} else 404
        assert client_of(user).get(page).status_code == expected, role
        assert client_of(user).get(file_url).status_code == expected, role
    assert client_of(None).get(page).status_code == 302
    staff = client_of(personas["coordinator"]).get(
        reverse("competitions:call_applications", kwargs={"pk": open_call.pk})
    )
    assert "Sprachcafé" in staff.content.decode()
    withdraw = reverse("competitions:application_withdraw", kwargs={"pk": application.pk})
    assert client.post(withdraw).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN


def test_paper_entry_page(open_call, coordinator, process, city):
    client = client_of(coordinator)
    url = reverse("competitions:paper_application", kwargs={"pk": open_call.pk})
    assert client.get(url).status_code == 200
    form = {
        "channel": "letter",
        "received_on": timezone.localdate().isoformat(),
        "kind": "individual",
        "contact_name": "Herr Nowak",
        "language": "pl",
        "title": "Nachbarschaftsgarten",
        "description": "Ein Garten.",
        "target_groups": [tg.pk for tg in process.target_groups.all()],
        "districts": [city.districts.first().pk],
        "fields_of_action": [process.fields_of_action.first().pk],
        "starts_on": "2027-04-01",
        "ends_on": "2027-10-31",
        "requested": "3000",
        "own_contribution": "0",
        "other_funding": "0",
        "item_1": "Pflanzen",
        "amount_1": "3000",
    }
    assert client.post(url, {**form, "scan": SimpleUploadedFile("s.txt", b"hello")}).status_code == 400
    assert not Application.objects.exists()
    response = client.post(url, {**form, "scan": SimpleUploadedFile("scan.pdf", PDF)})
    assert response.status_code == 302
    assert Application.objects.get().channel == "letter"
