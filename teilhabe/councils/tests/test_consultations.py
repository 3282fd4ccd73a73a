"""A council's own consultation: restricted to its district, open between two dates, online and paper answers
that are ordinary contributions of the process."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.contributions.models import Channel, Contribution, Status
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.councils import services
from teilhabe.councils.models import DistrictConsultation
from teilhabe.councils.tests.conftest import EN

pytestmark = pytest.mark.django_db


def open_consultation(user, space, process, *, days=14, start=0):
    today = timezone.localdate()
    return services.consultation_open(
        user=user,
        space=space,
        process=process,
        question="Was fehlt im Stadtteil für Familien?",
        description="Der Beirat möchte es wissen.",
        field_of_action=process.fields_of_action.first(),
        starts_on=today + datetime.timedelta(days=start),
        ends_on=today + datetime.timedelta(days=days),
    )


def test_online_and_paper_answers_are_contributions_of_the_district(
    client, process, space, member, coordinator, participant
):
    consultation = open_consultation(member, space, process)
    assert AuditEntry.objects.filter(action="council.consultation_opened", actor=member).exists()
    online = services.consultation_contribute(
        user=participant,
        consultation=consultation,
        title="Spielplatz",
        body="Ein Spielplatz fehlt.",
        publication_consent=True,
    )
    paper = services.consultation_enter_paper(
        user=coordinator,
        consultation=consultation,
        title="Familiencafé",
        body="Vom Infostand.",
        original_date=timezone.localdate(),
        publication_consent=True,
    )
    for contribution in (online, paper):
        contribution.refresh_from_db()
        assert contribution.district_id == space.district_id and contribution.process_id == process.pk
    assert paper.channel == Channel.PAPER_FORM and paper.status == Status.PUBLISHED
    assert set(consultation.contributions.values_list("pk", flat=True)) == {online.pk, paper.pk}
    url = reverse("councils:consultation", kwargs={"slug": process.slug, "number": 1, "pk": consultation.pk})
    html = client.get(url, **EN).content.decode()
    assert "Was fehlt im Stadtteil für Familien?" in html and "Familiencafé" in html
    district = client.get(reverse("councils:district", kwargs={"slug": process.slug, "number": 1}), **EN)
    assert url in district.content.decode()


def test_an_anonymous_answer_on_the_page_waits_for_its_confirmation(
    client, process, space, member, django_capture_on_commit_callbacks, mailoutbox
):
    consultation = open_consultation(member, space, process)
    url = reverse("councils:consultation", kwargs={"slug": process.slug, "number": 1, "pk": consultation.pk})
    assert client.post(url, {"title": "", "body": "x"}, **EN).status_code == 400
    answer = {"title": "Bänke", "body": "Mehr Bänke.", "author_email": "a@example.org", "publication_consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, answer, **EN)
    assert response.status_code == 302
    contribution = Contribution.objects.get(title="Bänke")
    assert contribution.status == Status.AWAITING_CONFIRMATION and contribution.district_id == space.district_id
    assert consultation.contributions.filter(pk=contribution.pk).exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["a@example.org"]


def test_a_consultation_takes_answers_only_while_open_and_in_an_open_phase(
    client, process, closed_process, space, member, participant
):
    later = open_consultation(member, space, process, start=3, days=10)
    with pytest.raises(Conflict):
        services.consultation_contribute(
            user=participant, consultation=later, title="T", body="B", publication_consent=True
        )
    url = reverse("councils:consultation", kwargs={"slug": process.slug, "number": 1, "pk": later.pk})
    html = client.get(url, **EN).content.decode()
    assert "This consultation is not open." in html and "Your answer" not in html
    in_closed = open_consultation(member, space, closed_process)
    with pytest.raises(NotAllowed):  # the process's phase allows no contributions
        services.consultation_contribute(
            user=participant, consultation=in_closed, title="T", body="B", publication_consent=True
        )
    assert not Contribution.objects.exists()


def test_who_opens_and_what_is_refused(process, space, member, other_member, participant, coordinator):
    for user in (other_member, participant):
        with pytest.raises(NotAllowed):
            open_consultation(user, space, process)
    open_consultation(coordinator, space, process)
    with pytest.raises(ApplicationError) as refused:
        open_consultation(member, space, process, start=5, days=2)
    assert "ends_on" in refused.value.field_errors
    with pytest.raises(ApplicationError) as refused:
        services.consultation_open(
            user=member,
            space=space,
            process=process,
            question="",
            description="",
            field_of_action=process.fields_of_action.first(),
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
        )
    assert "question" in refused.value.field_errors
    assert DistrictConsultation.objects.count() == 1


def test_the_workspace_pages(client, process, space, member, coordinator):
    client.force_login(member)
    new = reverse("councils:consultation_new", kwargs={"pk": space.pk})
    today = timezone.localdate()
    data = {
        "question": "Wo fehlt Licht?",
        "field_of_action": process.fields_of_action.first().pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=7)).isoformat(),
    }
    assert client.post(new, {**data, "ends_on": "morgen"}, **EN).status_code == 400
    assert client.post(new, data, **EN).status_code == 302
    consultation = DistrictConsultation.objects.get()
    work = reverse("councils:consultation_work", kwargs={"pk": space.pk, "consultation": consultation.pk})
    assert "Enter a contribution that came on paper" not in client.get(work, **EN).content.decode()
    assert client.post(work, {"title": "x", "body": "y"}, **EN).status_code == 403
    client.force_login(coordinator)
    assert (
        client.post(work, {"title": "Laterne", "body": "Am Weg.", "publication_consent": "on"}, **EN).status_code == 302
    )
    assert consultation.contributions.filter(title="Laterne", channel="paper_form").exists()
