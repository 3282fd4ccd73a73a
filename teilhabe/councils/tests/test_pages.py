"""The public council pages and the members' and coordinators' pages."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from teilhabe.conftest import make_contribution
from teilhabe.contributions.models import Contribution, Status
from teilhabe.core.models import AuditEntry
from teilhabe.core.page_cache import page_cache_keys_for
from teilhabe.councils import services
from teilhabe.councils.models import CouncilMembership
from teilhabe.councils.tests.conftest import EN, person
from teilhabe.events.models import Event, EventState, EventType

pytestmark = pytest.mark.django_db


def district_url(process, number):
    return reverse("councils:district", kwargs={"slug": process.slug, "number": number})


def html_of(response) -> str:
    return response.content.decode()


def session(process, space, *, days, title):
    start = timezone.now() + datetime.timedelta(days=days)
    return Event.objects.create(
        process=process,
        type=EventType.COUNCIL_SESSION,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        state=EventState.PLANNED if days > 0 else EventState.HELD,
        organiser_council=space,
        district=space.district,
    )


def test_the_list_links_every_council_of_the_city(client, process, space, other_space):
    html = html_of(client.get(reverse("councils:list", kwargs={"slug": process.slug}), **EN))
    assert district_url(process, 1) in html and district_url(process, 2) in html
    assert "Integrationsbeirat Nord" in html


def test_a_district_page_names_only_consenting_members(client, coordinator, process, space, member):
    services.membership_add(
        user=coordinator, space=space, person=person("ada@example.org", "Ada Adler"), role="chair", name_public=True
    )
    html = html_of(client.get(district_url(process, 1), **EN))
    assert "Ada Adler" in html and "Chair" in html
    assert member.public_name not in html  # no consent
    assert "and 1 further member who is not named here." in html


def test_a_district_page_shows_sessions_contributions_events_and_measures(
    client, coordinator, participant, process, space, other_space, city
):
    session(process, space, days=10, title="Sitzung im Frühjahr")
    session(process, space, days=-20, title="Sitzung im Winter")
    session(process, other_space, days=5, title="Sitzung in Nord")
    mitte = city.districts.get(number=1)
    contribution = make_contribution(process, participant, title="Spielplatz am Markt", district=mitte)
    Contribution.objects.filter(pk=contribution.pk).update(status=Status.PUBLISHED)
    hidden = make_contribution(process, participant, title="Noch in Moderation", district=mitte)
    Contribution.objects.filter(pk=hidden.pk).update(status=Status.IN_MODERATION)
    html = html_of(client.get(district_url(process, 1), **EN))
    upcoming, past = html.split('id="past-title"')[0], html.split('id="past-title"')[1].split('id="district-title"')[0]
    assert "Sitzung im Frühjahr" in upcoming and "Sitzung im Winter" in past
    assert "Sitzung in Nord" not in html
    assert "Spielplatz am Markt" in html and reverse("contributions:detail", kwargs={"pk": contribution.pk}) in html
    assert "Noch in Moderation" not in html


def test_measures_of_the_published_plan_naming_the_district_are_linked(client, coordinator, process, space, city):
    from teilhabe.plan import services as plan

    version = plan.version_create(user=coordinator, process=process, title="Plan")
    field = plan.section_add(
        user=coordinator, owner=version, kind="field", title="Bildung", field_of_action=process.fields_of_action.first()
    )
    goal = plan.section_add(user=coordinator, owner=version, kind="goal", parent=field, title="Ziel")
    plan.section_add(
        user=coordinator,
        owner=version,
        kind="measure",
        parent=goal,
        title="Lernhaus Mitte",
        districts=[city.districts.get(number=1)],
    )
    plan.section_add(
        user=coordinator,
        owner=version,
        kind="measure",
        parent=goal,
        title="Lernhaus Nord",
        districts=[city.districts.get(number=2)],
    )
    assert "Lernhaus Mitte" not in html_of(client.get(district_url(process, 1), **EN))  # a working draft
    plan.version_publish_for_consultation(user=coordinator, version=version, phase=process.phases.first())
    cache.clear()
    html = html_of(client.get(district_url(process, 1), **EN))
    assert "Lernhaus Mitte" in html and "Lernhaus Nord" not in html
    assert reverse("plan:measure", kwargs={"slug": process.slug, "code": "M-001"}) in html


@pytest.mark.parametrize("number", ["03", "+1", "99", "0", "x", "1" * 40])
def test_no_such_district_is_a_404(client, process, space, number):
    assert client.get(district_url(process, number), **EN).status_code == 404


def test_an_unpublished_process_has_no_council_pages(client, process, space):
    process.is_published = False
    process.save()
    assert client.get(district_url(process, 1), **EN).status_code == 404


def test_the_page_is_kept_whole_and_a_membership_change_renews_it(
    client, coordinator, process, space, django_capture_on_commit_callbacks
):
    path = district_url(process, 1)
    assert "Bea Berg" not in html_of(client.get(path, **EN))
    assert cache.get_many(page_cache_keys_for(path))
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_add(
            user=coordinator, space=space, person=person("bea@example.org", "Bea Berg"), name_public=True
        )
    assert "Bea Berg" in html_of(client.get(path, **EN))


# --- members' and coordinators' pages ---------------------------------------------------------------------------


def space_url(space):
    return reverse("councils:space", kwargs={"pk": space.pk})


def test_a_member_sees_their_own_council_with_every_name_but_not_another(
    client, member, space, other_space, other_member
):
    client.force_login(member)
    response = client.get(space_url(space), **EN)
    assert response.status_code == 200
    html = html_of(response)
    assert member.public_name in html and "Add a member" not in html
    assert client.get(space_url(other_space), **EN).status_code == 403
    assert client.post(space_url(space), {"email": "x@example.org", "role": "member"}, **EN).status_code == 403
    mine = html_of(client.get(reverse("councils:mine"), **EN))
    assert "Integrationsbeirat Mitte" in mine and "Integrationsbeirat Nord" not in mine


@pytest.mark.parametrize("who", ["participant", "department_staff", "organisation_representative"])
def test_others_have_no_council_workspace(client, personas, space, who):
    client.force_login(personas[who])
    assert client.get(reverse("councils:mine"), **EN).status_code == 403
    assert client.get(space_url(space), **EN).status_code == 403


def test_anonymous_readers_are_sent_to_sign_in(client, space):
    assert client.get(space_url(space)).status_code == 302


def test_a_coordinator_adds_a_member_on_the_page(client, coordinator, space, other_space):
    ada = person("ada@example.org", "Ada Adler")
    client.force_login(coordinator)
    mine = html_of(client.get(reverse("councils:mine"), **EN))
    assert "Integrationsbeirat Mitte" in mine and "Integrationsbeirat Nord" in mine
    response = client.post(
        space_url(space),
        {"email": "ADA@example.org", "role": "deputy", "term_start": "2026-01-01", "term_end": "31.12.2030"},
        **EN,
    )
    assert response.status_code == 302
    membership = CouncilMembership.objects.get(space=space, user=ada)
    assert membership.role == "deputy" and membership.term_end == datetime.date(2030, 12, 31)
    assert not membership.name_public
    assert AuditEntry.objects.filter(action="council.member_added", actor=coordinator).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "nobody@example.org", "role": "member"}, "There is no account with this e-mail address"),
        ({"email": "ada@example.org", "role": "king"}, "Select a valid choice"),
        (
            {"email": "ada@example.org", "role": "member", "term_start": "2027-01-01", "term_end": "2026-01-01"},
            "The term cannot end before it begins.",
        ),
        ({"email": "ada@example.org", "role": "member", "term_start": "gestern"}, "Enter a valid date."),
    ],
)
def test_bad_input_on_the_page_is_a_400_with_a_message(client, coordinator, space, data, message):
    person("ada@example.org", "Ada Adler")
    client.force_login(coordinator)
    before = CouncilMembership.objects.count()
    response = client.post(space_url(space), data, **EN)
    assert response.status_code == 400
    assert message in html_of(response)
    assert CouncilMembership.objects.count() == before


def test_a_coordinator_changes_and_removes_a_membership(client, coordinator, space, member):
    membership = CouncilMembership.objects.get(space=space, user=member)
    client.force_login(coordinator)
    url = reverse("councils:membership", kwargs={"pk": space.pk, "member": membership.pk})
    assert client.get(url, **EN).status_code == 200
    response = client.post(url, {"role": "chair", "name_public": "on"}, **EN)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "chair" and membership.name_public
    remove = reverse("councils:membership_remove", kwargs={"pk": space.pk, "member": membership.pk})
    assert "Remove from the council" in html_of(client.get(remove, **EN))
    assert client.post(remove, **EN).status_code == 302
    assert not CouncilMembership.objects.filter(pk=membership.pk).exists()


def test_a_member_cannot_change_memberships_and_a_foreign_membership_is_not_found(
    client, coordinator, member, space, other_space, other_member
):
    membership = CouncilMembership.objects.get(space=space, user=member)
    client.force_login(member)
    url = reverse("councils:membership", kwargs={"pk": space.pk, "member": membership.pk})
    assert client.post(url, {"role": "chair"}, **EN).status_code == 403
    client.force_login(coordinator)
    foreign = CouncilMembership.objects.get(space=other_space)
    wrong = reverse("councils:membership", kwargs={"pk": space.pk, "member": foreign.pk})
    assert client.get(wrong, **EN).status_code == 404
    assert client.get(reverse("councils:space", kwargs={"pk": "abc"}), **EN).status_code == 404


def test_the_navigation_and_the_process_page_lead_to_the_councils(client, process, personas, space):
    workspace = reverse("councils:mine")
    client.force_login(personas["participant"])
    assert f'href="{workspace}"' not in client.get(reverse("processes:home"), **EN).content.decode()
    for who in ("district_council_member", "coordinator"):
        client.force_login(personas[who])
        assert f'href="{workspace}"' in client.get(reverse("processes:home"), **EN).content.decode(), who
    client.logout()
    html = client.get(reverse("processes:detail", kwargs={"slug": process.slug}), **EN).content.decode()
    assert reverse("councils:list", kwargs={"slug": process.slug}) in html


def test_the_district_page_queries_do_not_grow_with_its_rows(
    client, coordinator, participant, process, space, city, django_assert_max_num_queries
):
    """From an emptied cache the page runs a fixed set of queries, whatever the district holds (issue 13's
    benchmark: 10,000 contributions and 500 events)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teilhabe.councils.models import CouncilPosition, DistrictConsultation, FundedActivity

    mitte = city.districts.get(number=1)
    url = district_url(process, 1)

    def grow(n):
        for i in range(n):
            user = person(f"m{n}-{i}@example.org", f"Mitglied {n}-{i}")
            CouncilMembership.objects.create(space=space, user=user, name_public=i % 2 == 0)
            session(process, space, days=10 + i, title=f"Sitzung {n}-{i}")
            held = session(process, space, days=-10 - i, title=f"Vergangen {n}-{i}")
            Event.objects.create(
                process=process,
                title=f"Fest {n}-{i}",
                starts_at=timezone.now() + datetime.timedelta(days=3 + i),
                ends_at=timezone.now() + datetime.timedelta(days=3 + i, hours=2),
                state=EventState.PLANNED,
                district=mitte,
                organiser_department=process.city.departments.first(),
            )
            contribution = make_contribution(process, participant, title=f"Beitrag {n}-{i}", district=mitte)
            Contribution.objects.filter(pk=contribution.pk).update(status=Status.PUBLISHED)
            CouncilPosition.objects.create(
                space=space,
                process=process,
                field_of_action=process.fields_of_action.first(),
                title=f"Stellungnahme {n}-{i}",
                text="Text",
                drafted_by=coordinator,
                state="forwarded",
                session=held,
                votes_yes=5,
                votes_no=0,
                votes_abstain=0,
                department=process.city.departments.first(),
                due_date=timezone.localdate(),
                submitted_at=timezone.now(),
                contribution=contribution,
            )
            FundedActivity.objects.create(
                space=space,
                year=timezone.localdate().year,
                activity=f"Projekt {n}-{i}",
                amount=10,
                date=timezone.localdate(),
                session=held,
                recorded_by=coordinator,
            )
            DistrictConsultation.objects.create(
                space=space,
                process=process,
                question=f"Frage {n}-{i}?",
                field_of_action=process.fields_of_action.first(),
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate(),
                created_by=coordinator,
            )

    def counted() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **EN)
        assert response.status_code == 200
        return len(queries)

    grow(1)
    client.get(url, **EN)  # the worker compiles the page's queries once
    few = counted()
    grow(4)
    many = counted()
    html = html_of(client.get(url, **EN))
    assert "Beitrag 4-3" in html and "Sitzung 4-3" in html and "Fest 4-3" in html and "Projekt 4-3" in html
    assert many == few
    with django_assert_max_num_queries(20):
        cache.clear()
        client.get(url, **EN)


def test_the_district_lists_written_in_python_match_the_templates(process, space, coordinator, city):
    """The district page writes its lists in Python (district_html.py) for speed; the templates that write the same
    lists elsewhere are the reference, with values that need escaping, an answer on two lines, an overdue and a
    waiting statement, an override and a negative balance."""
    import re
    from decimal import Decimal

    from django.template.loader import render_to_string

    from teilhabe.councils import district_html
    from teilhabe.councils.selectors import BudgetSummary, Link, PositionRow, contribution_url_maker

    def normal(html) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()

    today = timezone.localdate()
    row = dict(
        state="forwarded",
        state_label="Routed",
        subject="On a topic <of its own>",
        session_date=today,
        votes="9 in favour, 1 against, 0 abstentions",
        department="50 Soziales & Gesundheit",
        due_date=today,
        days_to_answer=None,
        answered_at=None,
        overdue=False,
        answer="",
    )
    rows = [
        PositionRow(
            pk=1,
            title="Bänke <b>",
            contribution_id=7,
            **{**row, "answer": "Ja.\nAb Mai & Juni.", "answered_at": timezone.now(), "days_to_answer": 3},
        ),
        PositionRow(pk=2, title="Licht", contribution_id=8, **{**row, "overdue": True}),
        PositionRow(pk=3, title="Wege", contribution_id=None, **{**row, "department": "", "votes": ""}),
    ]
    expected = render_to_string("councils/_positions.html", {"rows": rows})
    assert normal(district_html.positions_html(rows, contribution_url_maker())) == normal(expected)

    session = Event(title="S", starts_at=timezone.now(), ends_at=timezone.now())
    entries = [
        district_html_entry(activity="Fest <1>", amount=Decimal("1234.50"), override="Notfall & mehr", session=session),
        district_html_entry(activity="Kurs", amount=Decimal("10.00"), override="", session=session),
    ]
    for summary in (
        BudgetSummary(2026, 1000, Decimal("1244.50"), Decimal("-244.50"), entries, 5),
        BudgetSummary(2026, None, Decimal("0"), None, [], 0),
        BudgetSummary(2026, 11538, Decimal("0.00"), Decimal("11538"), entries, 2),
    ):
        expected = render_to_string("councils/_budget.html", {"summary": summary})
        assert normal(district_html.budget_html(summary)) == normal(expected)

    links = [Link("Sitzung <1>", "/a?b=1&c=2", "1. Mai"), Link("Ohne", "/b", "")]
    for given in (links, []):
        expected = render_to_string("councils/_links.html", {"links": given, "empty": "Nichts & niemand"})
        assert normal(district_html.links_html(given, "Nichts & niemand")) == normal(expected)


def district_html_entry(*, activity, amount, override, session):
    from teilhabe.councils.models import FundedActivity

    return FundedActivity(
        activity=activity, amount=amount, date=timezone.localdate(), override_reason=override, session=session
    )
