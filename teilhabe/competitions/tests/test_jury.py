"""The jury: conflict declarations and recusal, independent scoring per criterion, nothing of others' scores before
the chair closes, then weighted means over non-recused jurors, spread and ranking, and the recommendation within
the call's budget."""

from decimal import Decimal

import pytest
from django.urls import reverse

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.competitions import services
from teilhabe.competitions.models import ConflictDeclaration, EligibilityItem, JuryMembership, Recommendation, Score
from teilhabe.competitions.selectors import jury_overview
from teilhabe.competitions.tests.conftest import client_of, draft
from teilhabe.conftest import PASSWORD
from teilhabe.core.errors import ApplicationError, NotAllowed
from teilhabe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ALL = {item: True for item in EligibilityItem.values}


@pytest.fixture
def jurors(open_call):
    """Four jurors, the first the chair (the curator)."""
    seats = []
    for number in range(4):
        user = user_create_verified(email=f"juror{number}@example.org", password=PASSWORD, roles=[Role.JURY_MEMBER])
        seats.append(JuryMembership.objects.create(call=open_call, user=user, is_chair=number == 0))
    return [seat.user for seat in seats]


@pytest.fixture
def eligible(open_call, participant, coordinator, process, city):
    """Three submitted, eligible applications (asking for €4,000 each) and a draft."""
    applications = []
    for title in ("Sprachcafé", "Nähcafé", "Gartenprojekt"):
        application = draft(participant, open_call, process, city)
        services.application_update(user=participant, application=application, title=title)
        services.application_submit(user=participant, application=application)
        services.eligibility_record(user=coordinator, application=application, checklist=ALL, is_eligible=True)
        applications.append(application)
    draft(participant, open_call, process, city)
    return applications


def score_all(user, application, values, comment=""):
    criteria = list(application.call.criteria.order_by("position"))
    services.scores_record(
        user=user,
        application=application,
        scores={criterion.pk: (value, comment) for criterion, value in zip(criteria, values, strict=True)},
    )


def declare(user, application, conflict=False):
    return services.conflict_declare(user=user, application=application, has_conflict=conflict)


def test_a_juror_declares_before_scoring_and_a_recused_one_never_scores(jurors, eligible):
    first = eligible[0]
    with pytest.raises(NotAllowed):
        score_all(jurors[1], first, [5, 5, 5, 5])  # not declared yet
    declaration = declare(jurors[1], first, conflict=True)
    assert AuditEntry.objects.filter(action="jury.recused", object_id=str(declaration.pk)).exists()
    with pytest.raises(NotAllowed):
        score_all(jurors[1], first, [5, 5, 5, 5])
    with pytest.raises(NotAllowed):
        declare(jurors[1], first, conflict=False)  # once: a recusal is not taken back
    declare(jurors[2], first)
    score_all(jurors[2], first, [7, 8, 9, 10], comment="Überzeugend")
    assert Score.objects.filter(application=first).count() == 4
    assert AuditEntry.objects.filter(action="jury.scored", object_id=str(first.pk)).exists()


def test_scores_are_on_the_scale_and_complete(jurors, eligible):
    declare(jurors[0], eligible[0])
    with pytest.raises(ApplicationError):
        score_all(jurors[0], eligible[0], [11, 5, 5, 5])
    with pytest.raises(ApplicationError):
        services.scores_record(user=jurors[0], application=eligible[0], scores={})
    assert not Score.objects.exists()


def test_only_jurors_of_the_call_score_and_only_eligible_applications(
    jurors, eligible, personas, open_call, participant, process, city
):
    for user in personas.values():
        with pytest.raises(NotAllowed):
            declare(user, eligible[0])
    not_checked = draft(participant, open_call, process, city)
    services.application_submit(user=participant, application=not_checked)
    with pytest.raises(NotAllowed):
        declare(jurors[0], not_checked)


def test_weighted_means_spread_and_ranking_after_closing(jurors, eligible, open_call, coordinator):
    criteria = list(open_call.criteria.order_by("position"))
    criteria[0].weight = 2
    criteria[0].save()
    a, b, c = eligible
    declare(jurors[0], a)
    declare(jurors[1], a, conflict=True)  # the recusal
    declare(jurors[2], a)
    declare(jurors[3], a)
    score_all(jurors[0], a, [10, 6, 6, 6])  # (20 + 18) / 5 = 7.60
    score_all(jurors[2], a, [5, 5, 5, 5])  # 5.00
    score_all(jurors[3], a, [8, 8, 8, 8])  # 8.00
    for juror in jurors:
        declare(juror, b)
        score_all(juror, b, [9, 9, 9, 9])  # 9.00 each
    declare(jurors[0], c)
    score_all(jurors[0], c, [2, 2, 2, 2])
    declare(jurors[1], c)  # declared but never scored: does not count
    # Nobody sees results before closing.
    rows = jury_overview(open_call, seat=None, show_results=False)
    assert all(row.mean is None for row in rows)
    with pytest.raises(NotAllowed):
        services.scoring_close(user=jurors[1], call=open_call)  # not the chair
    with pytest.raises(NotAllowed):
        services.scoring_close(user=coordinator, call=open_call)
    services.scoring_close(user=jurors[0], call=open_call)
    open_call.refresh_from_db()
    with pytest.raises(NotAllowed):
        score_all(jurors[2], c, [1, 1, 1, 1])  # closed
    rows = {row.application.pk: row for row in jury_overview(open_call, seat=None, show_results=True)}
    assert rows[a.pk].mean == Decimal("6.87")  # (7.60 + 5.00 + 8.00) / 3
    assert rows[a.pk].spread == Decimal("3.00")
    assert rows[a.pk].jurors == 3 and rows[a.pk].recused == 1
    assert rows[b.pk].mean == Decimal("9.00") and rows[b.pk].spread == Decimal("0.00")
    assert [rows[b.pk].rank, rows[a.pk].rank, rows[c.pk].rank] == [1, 2, 3]
    # The recused juror's own overview hides the results of the application they are recused from.
    seat = JuryMembership.objects.get(user=jurors[1])
    mine = {row.application.pk: row for row in jury_overview(open_call, seat=seat, show_results=True)}
    assert mine[a.pk].declaration is True and mine[a.pk].mean is None
    assert mine[b.pk].mean == Decimal("9.00")


def test_the_recommendation_stays_within_the_budget(jurors, eligible, open_call):
    for application in eligible:
        declare(jurors[0], application)
        score_all(jurors[0], application, [5, 5, 5, 5])
    with pytest.raises(NotAllowed):
        services.recommendation_set(user=jurors[0], call=open_call, amounts={eligible[0].pk: "4000"})  # not closed
    services.scoring_close(user=jurors[0], call=open_call)
    open_call.refresh_from_db()
    open_call.budget = Decimal("10000")
    open_call.save()
    with pytest.raises(ApplicationError) as error:
        services.recommendation_set(
            user=jurors[0], call=open_call, amounts={application.pk: "4000" for application in eligible}
        )
    assert "2,000.00" in error.value.message and "10,000.00" in error.value.message
    assert not Recommendation.objects.exists()
    with pytest.raises(ApplicationError):
        services.recommendation_set(user=jurors[0], call=open_call, amounts={eligible[0].pk: "4000.01"})
    with pytest.raises(NotAllowed):
        services.recommendation_set(user=jurors[1], call=open_call, amounts={eligible[0].pk: "4000"})
    services.recommendation_set(
        user=jurors[0], call=open_call, amounts={eligible[0].pk: "4000", eligible[1].pk: "3500.50"}
    )
    assert sum(r.amount for r in Recommendation.objects.all()) == Decimal("7500.50")
    assert AuditEntry.objects.filter(action="jury.recommended").get().data["total"] == "7500.50"


# --- pages: who sees what ---------------------------------------------------------------------------------------


def test_pages_hide_scores_until_closing_and_from_the_recused(jurors, eligible, open_call, coordinator, personas):
    a = eligible[0]
    declare(jurors[0], a)
    declare(jurors[1], a, conflict=True)
    declare(jurors[2], a)
    page = reverse("competitions:jury_application", kwargs={"pk": open_call.pk, "application": a.pk})
    overview = reverse("competitions:jury", kwargs={"pk": open_call.pk})
    # Scoring in the site.
    criteria = list(open_call.criteria.order_by("position"))
    form = {"form": "score"}
    for criterion in criteria:
        form[f"score_{criterion.pk}"] = "8"
        form[f"comment_{criterion.pk}"] = "GEHEIMER KOMMENTAR"
    assert client_of(jurors[0]).post(page, form).status_code == 302
    assert Score.objects.filter(application=a).count() == 4
    assert client_of(jurors[0]).post(page, {**form, f"score_{criteria[0].pk}": "99"}).status_code == 400
    # Before closing: nobody else sees the comment or the scores.
    for user in (jurors[2], jurors[1], coordinator):
        for url in (page, overview):
            html = client_of(user).get(url).content.decode()
            assert "GEHEIMER KOMMENTAR" not in html, (user, url)
    recused_page = client_of(jurors[1]).get(page).content.decode()
    assert "You are recused" in recused_page and "Ein Sprachcafé" not in recused_page
    assert client_of(jurors[1]).post(page, form).status_code == 403
    application_page = reverse("competitions:application", kwargs={"pk": a.pk})
    assert client_of(jurors[1]).get(application_page).status_code == 404
    assert client_of(jurors[2]).get(application_page).status_code == 200
    assert client_of(jurors[3]).get(application_page).status_code == 404  # not declared yet
    # Others: no jury page at all.
    for role in ("participant", "organisation_representative", "department_staff", "evaluator", "jury_member"):
        assert client_of(personas[role]).get(overview).status_code == 403, role
    # Close in the site; then the non-recused see the scores, the recused still not.
    assert client_of(jurors[1]).post(reverse("competitions:jury_close", kwargs={"pk": open_call.pk})).status_code == 403
    assert client_of(jurors[0]).post(reverse("competitions:jury_close", kwargs={"pk": open_call.pk})).status_code == 302
    assert "GEHEIMER KOMMENTAR" in client_of(jurors[2]).get(page).content.decode()
    assert "GEHEIMER KOMMENTAR" in client_of(coordinator).get(page).content.decode()
    assert "GEHEIMER KOMMENTAR" not in client_of(jurors[1]).get(page).content.decode()
    assert "Not shown: you are recused" in client_of(jurors[1]).get(overview).content.decode()
    # The chair's recommendation: over budget refused with the budget left shown.
    open_call.refresh_from_db()
    open_call.budget = Decimal("3000")
    open_call.save()
    refused = client_of(jurors[0]).post(
        reverse("competitions:jury_recommend", kwargs={"pk": open_call.pk}),
        {"recommend": [str(a.pk)], f"amount_{a.pk}": "4000"},
    )
    assert refused.status_code == 400 and "more than the call" in refused.content.decode()
    assert "Budget left" in refused.content.decode()
    done = client_of(jurors[0]).post(
        reverse("competitions:jury_recommend", kwargs={"pk": open_call.pk}),
        {"recommend": [str(a.pk)], f"amount_{a.pk}": "3000"},
    )
    assert done.status_code == 302 and Recommendation.objects.get().amount == Decimal("3000.00")
    assert ConflictDeclaration.objects.filter(has_conflict=True).count() == 1


def test_the_overview_escapes_what_applicants_wrote(jurors, eligible, open_call, participant):
    """The overview's rows are built in the view (for speed): a title with markup is shown as text."""
    from teilhabe.competitions.models import Application

    Application.objects.filter(pk=eligible[0].pk).update(
        title='<script>alert("x")</script>', group_name="<b>Gruppe</b>"
    )
    html = client_of(jurors[0]).get(reverse("competitions:jury", kwargs={"pk": open_call.pk})).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>Gruppe</b>" not in html and "&lt;b&gt;Gruppe&lt;/b&gt;" in html
