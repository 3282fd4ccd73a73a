"""Eligibility: staff check each submitted application with a checklist and a reason; the applicant is told the
outcome by mail in their language and sees it on the application's page."""

import pytest
from django.core import mail
from django.urls import reverse

from teilhabe.competitions import services
from teilhabe.competitions.models import EligibilityItem
from teilhabe.competitions.tests.conftest import client_of, draft
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ALL = {item: True for item in EligibilityItem.values}


@pytest.fixture
def submitted(open_call, participant, process, city):
    application = draft(participant, open_call, process, city)
    return services.application_submit(user=participant, application=application)


def test_eligible_only_with_every_item_and_ineligible_only_with_a_reason(submitted, coordinator):
    with pytest.raises(ApplicationError) as error:
        services.eligibility_record(
            user=coordinator, application=submitted, checklist={**ALL, "budget": False}, is_eligible=True
        )
    assert "is_eligible" in error.value.field_errors
    with pytest.raises(ApplicationError) as error:
        services.eligibility_record(user=coordinator, application=submitted, checklist=ALL, is_eligible=False)
    assert "reason" in error.value.field_errors
    with pytest.raises(ApplicationError):
        services.eligibility_record(
            user=coordinator, application=submitted, checklist={"made_up": True}, is_eligible=False, reason="x"
        )
    assert not hasattr(submitted, "eligibility") or submitted.eligibility is None


def test_the_applicant_is_told_in_their_language(submitted, coordinator, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        eligibility = services.eligibility_record(
            user=coordinator,
            application=submitted,
            checklist={**ALL, "theme": False},
            is_eligible=False,
            reason="Das Projekt findet außerhalb der Stadt statt.",
        )
    assert not eligibility.is_eligible and eligibility.checklist["theme"] is False
    message = mail.outbox[-1]
    assert message.extra_headers["Content-Language"] == "tr"
    assert "außerhalb der Stadt" in message.body
    audit = AuditEntry.objects.get(action="application.eligibility_checked")
    assert audit.data["reason"] == "Das Projekt findet außerhalb der Stadt statt." and audit.data["eligible"] is False
    # A new check replaces the outcome, audited again.
    services.eligibility_record(user=coordinator, application=submitted, checklist=ALL, is_eligible=True)
    submitted.eligibility.refresh_from_db()
    assert submitted.eligibility.is_eligible
    assert AuditEntry.objects.filter(action="application.eligibility_checked").count() == 2


def test_only_the_calls_coordinators_check_and_only_submitted_applications(
    submitted, personas, open_call, process, city
):
    for role, user in personas.items():
        if role == "coordinator":
            continue
        with pytest.raises(NotAllowed):
            services.eligibility_record(user=user, application=submitted, checklist=ALL, is_eligible=True)
    other_draft = draft(personas["participant"], open_call, process, city)
    with pytest.raises(NotAllowed):
        services.eligibility_record(
            user=personas["coordinator"], application=other_draft, checklist=ALL, is_eligible=True
        )


def test_the_check_page_and_what_the_applicant_sees(submitted, coordinator, participant):
    url = reverse("competitions:eligibility", kwargs={"pk": submitted.pk})
    client = client_of(coordinator)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"outcome": "eligible", "check_in_time": "on"})
    assert refused.status_code == 400
    assert "every item of the checklist" in refused.content.decode()
    data = {f"check_{item}": "on" for item in EligibilityItem.values}
    assert (
        client.post(
            url, {**data, "check_budget": "", "outcome": "ineligible", "reason": "Kostenplan fehlt."}
        ).status_code
        == 302
    )
    page = client_of(participant).get(reverse("competitions:application", kwargs={"pk": submitted.pk}))
    html = page.content.decode()
    assert "Not eligible" in html and "Kostenplan fehlt." in html
    assert client_of(participant).get(url).status_code == 403
    listing = client.get(reverse("competitions:call_applications", kwargs={"pk": submitted.call_id}))
    assert "Not eligible" in listing.content.decode()
