"""The jury's seats, managed by the call's coordinators in the site: a person found by e-mail joins, exactly one
chair, a juror who has declared or scored is not removed, nothing changes after closing; all audited."""

import pytest
from django.urls import reverse

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.competitions import services
from teilhabe.competitions.models import JuryMembership
from teilhabe.competitions.tests.conftest import ALL_ITEMS, client_of, draft
from teilhabe.conftest import PASSWORD
from teilhabe.core.errors import Conflict, NotAllowed
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def person(number):
    return user_create_verified(email=f"person{number}@example.org", password=PASSWORD, roles=[Role.JURY_MEMBER])


def chairs(call):
    return list(JuryMembership.objects.filter(call=call, is_chair=True).values_list("user__email", flat=True))


def test_the_first_juror_chairs_and_a_new_chair_takes_over(open_call, coordinator):
    first = services.jury_member_add(user=coordinator, call=open_call, person=person(1))
    second = services.jury_member_add(user=coordinator, call=open_call, person=person(2))
    assert first.is_chair and not second.is_chair
    services.jury_member_add(user=coordinator, call=open_call, person=person(3), is_chair=True)
    assert chairs(open_call) == ["person3@example.org"]
    services.jury_chair_set(user=coordinator, seat=second)
    assert chairs(open_call) == ["person2@example.org"]
    assert JuryMembership.objects.filter(call=open_call).count() == 3
    actions = list(AuditEntry.objects.filter(action__startswith="jury.").values_list("action", flat=True))
    assert actions.count("jury.member_added") == 3 and actions.count("jury.chair_set") == 1
    with pytest.raises(Conflict):
        services.jury_member_add(user=coordinator, call=open_call, person=first.user)


def test_only_the_calls_coordinators_seat_the_jury_and_only_until_closing(open_call, coordinator, personas):
    for role in ("participant", "jury_member", "department_staff"):
        with pytest.raises(NotAllowed):
            services.jury_member_add(user=personas[role], call=open_call, person=person(1))
    seat = services.jury_member_add(user=coordinator, call=open_call, person=person(1))
    services.scoring_close(user=seat.user, call=open_call)
    open_call.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.jury_member_add(user=coordinator, call=open_call, person=person(2))
    with pytest.raises(NotAllowed):
        services.jury_member_remove(user=coordinator, seat=seat)


def test_a_juror_who_declared_is_not_removed_and_the_chair_only_last(
    open_call, coordinator, participant, process, city
):
    chair = services.jury_member_add(user=coordinator, call=open_call, person=person(1))
    juror = services.jury_member_add(user=coordinator, call=open_call, person=person(2))
    idle = services.jury_member_add(user=coordinator, call=open_call, person=person(3))
    application = draft(participant, open_call, process, city)
    services.application_submit(user=participant, application=application)
    services.eligibility_record(user=coordinator, application=application, checklist=ALL_ITEMS, is_eligible=True)
    services.conflict_declare(user=juror.user, application=application, has_conflict=True)
    with pytest.raises(Conflict, match="cannot be removed"):
        services.jury_member_remove(user=coordinator, seat=juror)
    with pytest.raises(Conflict, match="make another juror the chair first"):
        services.jury_member_remove(user=coordinator, seat=chair)
    services.jury_member_remove(user=coordinator, seat=idle)
    assert not JuryMembership.objects.filter(pk=idle.pk).exists()
    entry = AuditEntry.objects.get(action="jury.member_removed")
    assert entry.data["person"] == idle.user_id
    assert JuryMembership.objects.filter(pk__in=[chair.pk, juror.pk]).count() == 2


def test_the_jury_page(open_call, coordinator, personas):
    page = reverse("competitions:jury_setup", kwargs={"pk": open_call.pk})
    client = client_of(coordinator)
    assert client.get(page).status_code == 200
    unknown = client.post(page, {"email": "nobody@example.org"})
    assert unknown.status_code == 400 and "There is no account" in unknown.content.decode()
    person(1)
    response = client.post(page, {"email": "PERSON1@example.org"})
    assert response.status_code == 302
    seat = JuryMembership.objects.get(call=open_call)
    assert seat.is_chair and seat.user.email == "person1@example.org"
    person(2)
    client.post(page, {"email": "person2@example.org"})
    other = JuryMembership.objects.get(call=open_call, is_chair=False)
    refused = client.post(reverse("competitions:jury_remove", kwargs={"pk": open_call.pk, "seat": seat.pk}))
    assert refused.status_code == 409 and "make another juror the chair first" in refused.content.decode()
    chair = reverse("competitions:jury_chair", kwargs={"pk": open_call.pk, "seat": other.pk})
    assert client.post(chair).status_code == 302
    assert chairs(open_call) == ["person2@example.org"]
    remove = reverse("competitions:jury_remove", kwargs={"pk": open_call.pk, "seat": seat.pk})
    assert client.post(remove).status_code == 302
    assert client.post(remove).status_code == 404
    for role in ("participant", "jury_member", "department_staff"):
        assert client_of(personas[role]).get(page).status_code == 403
        assert client_of(personas[role]).post(chair).status_code == 403
