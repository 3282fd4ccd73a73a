import pytest
from django.core.management import call_command
from django.utils import timezone

from teilhabe.accounts.models import Role, User
from teilhabe.administration.models import (
    AnswerPath,
    AnswerState,
    Disposition,
    DispositionGroup,
    Outcome,
    PublicStep,
    Routing,
    Statement,
    StatementReview,
)
from teilhabe.analog.models import Scan
from teilhabe.competitions.models import Call
from teilhabe.contributions.models import Comment, Contribution, Support
from teilhabe.core.models import ContentTranslation
from teilhabe.core.services import audit_verify
from teilhabe.councils.models import CouncilPosition
from teilhabe.demo.councils import SESSION_VENUE
from teilhabe.events.models import Event, Registration
from teilhabe.places.models import District


@pytest.mark.slow
def test_seed_demo_builds_hannover_once(demo, settings, capsys):
    out = demo
    counts = (Contribution.objects.count(), Comment.objects.count(), Support.objects.count(), User.objects.count())
    # 21 are results of events, 3 paper forms entered on the entry screen, 7 comments on the plan's draft; the
    # councils' statements routed on the answer path and a paper answer to a council's consultation (demo/councils.py)
    councils = CouncilPosition.objects.exclude(contribution=None).count() + 1
    assert councils >= 10
    # 16 on behalf of the registry's fictional organisations (demo/stakeholders.py)
    assert counts[0] == 321 + 21 + 3 + 7 + 16 + councils and counts[1] > 100 and counts[2] > 200
    assert Contribution.objects.filter(organisation__is_fictional=True).count() == 16
    assert District.objects.count() == 13
    stand = Contribution.objects.filter(form_serial__regex=r"^[0-9]+-[0-9]{6}-[A-Z]$")  # serials of printed forms
    assert stand.count() == 3 and Scan.objects.filter(contribution__in=stand).count() == 1
    languages = set(Contribution.objects.values_list("language", flat=True))
    assert {"de", "tr", "ar", "en", "pl", "ru", "uk"} <= languages
    assert Contribution.objects.exclude(channel="online").exists()  # analog input is part of the demo
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    assert "koordination@demo.teilhabe.test" in out
    open_call = Call.objects.get(title__startswith="Ideenwettbewerb „Zusammen Wirken“")
    assert open_call.jury.filter(user__email="jury@demo.teilhabe.test").exists()
    # The competition (issue 12): two years of ledger, a closed call with funded projects, an open call in every
    # state with a jury of four and one recusal.
    assert open_call.jury.count() == 4 and open_call.jury.filter(declarations__has_conflict=True).count() == 1
    assert set(open_call.applications.values_list("state", flat=True)) == {"draft", "submitted", "withdrawn"}
    assert open_call.applications.exclude(channel="online").count() == 2
    assert set(
        open_call.applications.filter(eligibility__isnull=False).values_list("eligibility__is_eligible", flat=True)
    ) == {True, False}
    # The public support phase: open, two projects shown with consent, online supports and one analog tally.
    assert open_call.support_opens < timezone.now() < open_call.support_closes
    assert open_call.applications.filter(summary_consent=True, supports__isnull=False).distinct().count() == 2
    assert open_call.applications.filter(support_tallies__count=23).count() == 1
    closed_call = Call.objects.exclude(pk=open_call.pk).get()
    assert closed_call.scoring_closed_at and closed_call.applications.filter(grant__public_consent=True).count() == 2
    assert len({entry.year for entry in closed_call.fund.ledger.all()}) >= 1 and closed_call.fund.years.count() == 2
    assert Contribution.objects.filter(open_flag_count__gt=0).exists()  # the moderation queue has work
    # Every process text exists in every offered language except German.
    assert ContentTranslation.objects.values("language").distinct().count() == len(settings.LANGUAGES) - 1
    assert audit_verify()[0]
    # Every case of the answer path is there on the first visit.
    paths = AnswerPath.objects.all()
    assert set(paths.values_list("state", flat=True)) == set(AnswerState.values)
    assert paths.filter(returned_at__isnull=False).exists()  # handed back
    assert paths.filter(due_date__lt=timezone.localdate(), state=AnswerState.ROUTED).exists()  # overdue
    assert set(Statement.objects.values_list("state", flat=True)) >= {"draft", "in_review", "signed_off", "published"}
    assert StatementReview.objects.filter(decision="returned").exists()
    assert set(Disposition.objects.values_list("outcome", flat=True)) == set(Outcome.values)
    assert DispositionGroup.objects.get().dispositions.count() == 5
    assert Routing.objects.filter(state="superseded").exists()  # re-routed, with its history
    assert PublicStep.objects.filter(created_at__gt=timezone.now()).count() == 0
    # Events across all 13 districts: held with attendance and results, cancelled, upcoming with a waiting list.
    events = Event.objects.exclude(venue_name=SESSION_VENUE)  # the councils' sessions (demo/councils.py) apart
    assert 20 <= events.count() <= 30
    assert events.values("district").distinct().count() == 13
    assert set(events.values_list("state", flat=True)) == {"held", "planned", "cancelled", "proposed"}
    assert not events.filter(state="held", attendance_total__isnull=True).exists()
    results = Contribution.objects.filter(event__state="held", status="published", council_position__isnull=True)
    assert results.count() == 21  # the councils' routed statements (from their sessions) apart
    assert Registration.objects.filter(state="waiting").exists()
    assert events.filter(state="planned", starts_at__gt=timezone.now(), registrations__isnull=False).exists()
    # One long-past event still holds registrations: the retention command has something to delete.
    retention = timezone.timedelta(days=settings.TEILHABE_REGISTRATION_RETENTION_DAYS)
    assert Registration.objects.filter(event__ends_at__lt=timezone.now() - retention).exists()
    events_before = Event.objects.count()
    call_command("seed_demo")
    assert (
        Contribution.objects.count(),
        Comment.objects.count(),
        Support.objects.count(),
        User.objects.count(),
    ) == counts
    assert Event.objects.count() == events_before
    for contribution in Contribution.objects.all()[:50]:
        assert contribution.support_count == contribution.supports.count()
        assert contribution.comment_count == contribution.comments.filter(status="published").count()
