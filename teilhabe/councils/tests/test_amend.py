"""A submitted statement corrected or withdrawn before the department answers it: by the chair, or a coordinator
on the chair's behalf (recorded); the answer path closes cleanly on withdrawal; the members see the history."""

import shutil
import subprocess

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse

from teilhabe.administration import services as answers
from teilhabe.administration.models import AnswerPath, Routing, Statement
from teilhabe.contributions.models import Status
from teilhabe.core.errors import ApplicationError, Conflict, NotAllowed
from teilhabe.core.models import AuditEntry
from teilhabe.councils import services
from teilhabe.councils.models import CouncilMembership, PositionRevision
from teilhabe.councils.tests.conftest import EN
from teilhabe.councils.tests.test_positions import answer, draft, vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(process, space, chair, held, department):
    position = draft(chair, space, process)
    vote(chair, position, held, department)
    return services.position_submit(user=chair, position=position)


@pytest.fixture
def routed(submitted, coordinator):
    return services.position_route(user=coordinator, position=submitted)


def page_of(position):
    return reverse("councils:position", kwargs={"pk": position.space_id, "position": position.pk})


def district(process):
    return reverse("councils:district", kwargs={"slug": process.slug, "number": 1})


def test_the_chair_corrects_a_routed_statement_and_the_department_reads_the_correction(
    client, personas, process, chair, routed
):
    services.position_correct(
        user=chair, position=routed, title="Sprachkurse für alle", text="Mehr Kurse, auch abends.", reason="Tippfehler"
    )
    routed.refresh_from_db()
    contribution = routed.contribution
    contribution.refresh_from_db()
    assert (routed.title, routed.text, routed.state) == (
        "Sprachkurse für alle",
        "Mehr Kurse, auch abends.",
        "forwarded",
    )
    assert contribution.title == "Sprachkurse für alle"
    assert contribution.body.startswith("Mehr Kurse, auch abends.") and "9 in favour" in contribution.body
    revision = PositionRevision.objects.get(position=routed)
    assert (revision.kind, revision.previous_title, revision.on_behalf) == (
        "corrected",
        "Sprachkurse im Stadtbezirk",
        False,
    )
    entry = AuditEntry.objects.get(action="council.statement_corrected")
    assert entry.data["on_behalf_of_chair"] is False and entry.data["revision"] == revision.pk
    assert Routing.objects.get(contribution=contribution).state == "active"  # still on the department's desk
    assert "Sprachkurse für alle" in client.get(district(process), **EN).content.decode()


def test_a_coordinator_withdraws_on_the_chairs_behalf_and_the_answer_path_closes(
    client, personas, process, coordinator, routed, department
):
    contribution = routed.contribution
    staff = personas["department_staff"]
    answers.statement_save(user=staff, contribution=contribution, text="Entwurf der Antwort")
    services.position_withdraw(user=coordinator, position=routed, reason="Der Beirat hat neu beraten.")
    routed.refresh_from_db()
    contribution.refresh_from_db()
    assert routed.state == "withdrawn" and routed.withdrawn_at is not None
    routing = Routing.objects.get(contribution=contribution)
    assert (routing.state, routing.ended_by) == ("withdrawn", coordinator)
    assert Statement.objects.get(contribution=contribution).state == "withdrawn"
    path = AnswerPath.objects.get(contribution=contribution)
    assert path.lead_department_id is None
    assert (contribution.status, contribution.removal_reason) == (Status.REMOVED, "author_request")
    revision = PositionRevision.objects.get(position=routed)
    assert (revision.kind, revision.on_behalf) == ("withdrawn", True)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"council.statement_withdrawn", "routing.withdrawn"} <= actions
    assert AuditEntry.objects.get(action="council.statement_withdrawn").data["on_behalf_of_chair"] is True
    # The department: the queue no longer holds it; its page says it was withdrawn.
    client.force_login(staff)
    queue = client.get(reverse("administration:queue", kwargs={"pk": department.pk}), **EN).content.decode()
    assert reverse("administration:work", kwargs={"pk": contribution.pk}) not in queue
    work = client.get(reverse("administration:work", kwargs={"pk": contribution.pk}), **EN)
    assert work.status_code == 200 and "Withdrawn by its author" in work.content.decode()
    # The public: the statement is gone from the council's page.
    client.logout()
    cache.clear()
    assert "Sprachkurse im Stadtbezirk" not in client.get(district(process), **EN).content.decode()


def test_a_statement_submitted_but_not_routed_is_withdrawn_without_an_answer_path(chair, submitted, coordinator):
    services.position_withdraw(user=chair, position=submitted, reason="Zurückgezogen")
    submitted.refresh_from_db()
    assert submitted.state == "withdrawn" and submitted.contribution_id is None
    with pytest.raises(Conflict):
        services.position_route(user=coordinator, position=submitted)
    with pytest.raises(Conflict):
        services.position_correct(user=chair, position=submitted, title="x", text="y", reason="z")
    assert not Routing.objects.exists()


def test_once_the_department_answers_nothing_can_be_corrected_or_withdrawn(personas, chair, routed, coordinator):
    answer(personas, routed.contribution)
    for user in (chair, coordinator):
        with pytest.raises(Conflict):
            services.position_correct(user=user, position=routed, title="Neu", text="Neu", reason="spät")
        with pytest.raises(Conflict):
            services.position_withdraw(user=user, position=routed, reason="spät")
    assert not PositionRevision.objects.exists()


def test_a_draft_is_not_amended_this_way(process, space, chair):
    position = draft(chair, space, process)
    with pytest.raises(Conflict):
        services.position_withdraw(user=chair, position=position, reason="x")


def test_who_may_correct_and_withdraw(personas, process, space, member, other_member, routed, chair):
    plain = CouncilMembership.objects.create(
        space=space, user=personas["participant"], role="member"
    ).user  # a member of the same council who is not the chair
    for user in (plain, other_member, personas["department_staff"], personas["department_head"], AnonymousUser()):
        with pytest.raises(NotAllowed):
            services.position_correct(user=user, position=routed, title="Neu", text="Neu", reason="x")
        with pytest.raises(NotAllowed):
            services.position_withdraw(user=user, position=routed, reason="x")
    routed.refresh_from_db()
    assert routed.state == "forwarded" and routed.title == "Sprachkurse im Stadtbezirk"


def test_bad_input_is_refused_and_nothing_is_saved(chair, routed):
    cases = [
        ({"title": "", "text": "Text", "reason": "r"}, "title"),
        ({"title": "T", "text": "", "reason": "r"}, "text"),
        ({"title": "T", "text": "Text", "reason": "  "}, "reason"),
        ({"title": "x" * 201, "text": "Text", "reason": "r"}, "title"),
        ({"title": routed.title, "text": routed.text, "reason": "r"}, "text"),  # unchanged
    ]
    for data, field in cases:
        with pytest.raises(ApplicationError) as refused:
            services.position_correct(user=chair, position=routed, **data)
        assert field in refused.value.field_errors
    with pytest.raises(ApplicationError) as refused:
        services.position_withdraw(user=chair, position=routed, reason="")
    assert "reason" in refused.value.field_errors
    assert not PositionRevision.objects.exists()


def test_the_pages_correct_and_withdraw_and_members_see_the_history(
    client, personas, process, space, chair, routed, other_member
):
    page = page_of(routed)
    plain = CouncilMembership.objects.create(space=space, user=personas["participant"]).user
    # Anonymous: to the login; another council's member and a department's staff: refused.
    assert client.post(page, {"action": "withdraw", "reason": "x"}, **EN).status_code == 302
    for user in (other_member, personas["department_staff"], plain):
        client.force_login(user)
        assert client.post(page, {"action": "withdraw", "reason": "x"}, **EN).status_code == 403
        assert (
            client.post(page, {"action": "correct", "title": "a", "text": "b", "reason": "c"}, **EN).status_code == 403
        )
    client.force_login(plain)
    html = client.get(page, **EN).content.decode()
    assert "Withdraw the statement" not in html and "Correct the statement" not in html  # members read only
    client.force_login(chair)
    assert "Correct the statement" in client.get(page, **EN).content.decode()
    bad = client.post(page, {"action": "correct", "title": "Neu", "text": "Neu", "reason": ""}, **EN)
    assert bad.status_code == 400 and 'id="correct_reason"' in bad.content.decode()
    done = client.post(page, {"action": "correct", "title": "Neu", "text": "Neuer Text", "reason": "Klarer"}, **EN)
    assert done.status_code == 302
    assert client.post(page, {"action": "withdraw", "reason": "Erledigt"}, **EN).status_code == 302
    routed.refresh_from_db()
    assert routed.state == "withdrawn"
    client.force_login(plain)
    html = client.get(page, **EN).content.decode()
    assert "History" in html and "Klarer" in html and "Erledigt" in html and "Sprachkurse im Stadtbezirk" in html
    assert "Withdrawn on" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_annual_report_says_a_statement_was_withdrawn(chair, routed, space, tmp_path):
    from django.utils import timezone

    from teilhabe.councils.report import annual_report, render_annual_report

    services.position_withdraw(user=chair, position=routed, reason="Neu beraten")
    year = timezone.localdate().year
    (row,) = annual_report(space, year).positions
    assert row.state == "withdrawn" and not row.overdue and row.answer == ""
    out = tmp_path / "report.pdf"
    out.write_bytes(render_annual_report(space, year, "en"))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Withdrawn by the council before the department answered." in " ".join(text.split())
