"""Equal treatment, proven (issue 10, item 5): a paper form entered on the entry screen goes through the same
moderation, listing, search, supports, comments, routing, consideration export and counts as a contribution
made online, and every figure of the process splits by channel into parts that add up to it."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from teilhabe.administration import services as administration
from teilhabe.administration.consideration import consideration_table_write
from teilhabe.administration.models import Department, Routing, RoutingState
from teilhabe.analog.services import analog_entry_record
from teilhabe.analog.tests.conftest import entry, serial
from teilhabe.conftest import make_contribution
from teilhabe.contributions import services as contributions
from teilhabe.contributions.models import Channel, Status
from teilhabe.contributions.selectors import ContributionFilters, contribution_list
from teilhabe.events.tests.organiser_support import client_of
from teilhabe.monitoring import metrics

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and what it leaves for after the commit (the cache versions that keep figures fresh)."""

    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


@pytest.fixture
def pair(process, participant, coordinator, print_run, run):
    """The same wish twice: typed online by a resident, and on a paper form entered by a coordinator."""
    online = run(
        make_contribution,
        process=process,
        user=participant,
        title="Abendkurse Deutsch online",
        body="Sprachkurse am Abend mit Kinderbetreuung, bitte.",
    )
    paper = run(
        analog_entry_record,
        user=coordinator,
        **entry(
            process,
            form_serial=serial(process, 9),
            title="Abendkurse Deutsch auf Papier",
            body="Sprachkurse am Abend mit Kinderbetreuung, bitte.",
        ),
    )
    assert (online.channel, paper.channel) == (Channel.ONLINE, Channel.PAPER_FORM)
    assert online.status == paper.status == Status.PUBLISHED
    return {"online": online, "paper": paper}


def listed(process, **filters) -> set[int]:
    return set(
        contribution_list(process=process, filters=ContributionFilters(**filters), user=AnonymousUser()).values_list(
            "pk", flat=True
        )
    )


def test_both_are_listed_and_found_by_the_same_search_and_filters(process, pair):
    both = {pair["online"].pk, pair["paper"].pk}
    assert listed(process) == both
    assert listed(process, q="Kinderbetreuung") == both
    assert listed(process, q="Papier") == {pair["paper"].pk}
    assert listed(process, channel=Channel.PAPER_FORM) == {pair["paper"].pk}
    assert listed(process, field=process.fields_of_action.first().slug) == both


def test_both_are_on_the_public_list_page_and_have_a_public_page(process, pair):
    page = client_of(None).get(reverse("contributions:list", kwargs={"slug": process.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    for contribution in pair.values():
        detail = reverse("contributions:detail", kwargs={"pk": contribution.pk})
        assert detail in html
        assert client_of(None).get(detail).status_code == 200


def test_both_are_supported_and_discussed_online_alike(process, pair, personas, run):
    for contribution in pair.values():
        assert run(contributions.support_add, contribution=contribution, user=personas["participant"]) is True
        assert run(contributions.support_add, contribution=contribution, user=personas["participant"]) is False
        run(
            contributions.comment_create,
            contribution=contribution,
            user=personas["organisation_representative"],
            body="Das unterstützen wir.",
        )
    by_channel = metrics.process_figures_by_channel(process=process)
    for channel in (Channel.ONLINE, Channel.PAPER_FORM):
        assert (by_channel[channel]["contributions"], by_channel[channel]["supports"]) == (1, 1)
        assert by_channel[channel]["comments"] == 1
    figures = metrics.process_figures(process=process)
    assert (figures["contributions"], figures["supports"], figures["comments"]) == (2, 2, 2)
    for key in ("contributions", "supports", "comments"):
        assert sum(part[key] for part in by_channel.values()) == figures[key]


def test_both_go_through_the_same_moderation(process, pair, personas, coordinator, run):
    for contribution in pair.values():
        reporter = personas["participant"]
        assert run(contributions.flag_create, contribution=contribution, user=reporter, reason="advertising")
        removed = run(
            contributions.contribution_moderate,
            contribution=contribution,
            user=coordinator,
            publish=False,
            reason="advertising",
        )
        assert (removed.status, removed.removal_reason) == (Status.REMOVED, "advertising")
    assert listed(process) == set()
    assert metrics.process_figures(process=process)["contributions"] == 0
    assert metrics.contributions_by_channel(process=process) in ({}, {"online": 0, "paper_form": 0})


def test_both_are_routed_answered_and_counted_alike(process, pair, coordinator, run):
    department = Department.objects.get(code="50")
    routed = run(
        administration.routing_route,
        user=coordinator,
        process=process,
        contributions=list(pair.values()),
        lead=department,
    )
    assert routed == 2
    assert Routing.objects.filter(department=department, state=RoutingState.ACTIVE).count() == 2
    run(
        administration.disposition_decide,
        user=coordinator,
        process=process,
        contributions=list(pair.values()),
        outcome="adopted",
        justification="Wird im Plan aufgenommen.",
    )
    answered = metrics.answer_figures(process=process)
    by_channel = metrics.answer_figures_by_channel(process=process)
    assert (answered["answered"], answered["answerable"]) == (2, 2)
    assert by_channel == {
        Channel.ONLINE: {"answered": 1, "answerable": 1},
        Channel.PAPER_FORM: {"answered": 1, "answerable": 1},
    }


def test_staff_of_the_department_work_on_both(process, pair, coordinator, personas, run):
    run(
        administration.routing_route,
        user=coordinator,
        process=process,
        contributions=list(pair.values()),
        lead=Department.objects.get(code="50"),
    )
    for contribution in pair.values():
        page = client_of(personas["department_staff"]).get(
            reverse("administration:work", kwargs={"pk": contribution.pk})
        )
        assert page.status_code == 200


def test_both_are_in_the_consideration_export_with_their_channel(process, pair):
    out = io.BytesIO()
    consideration_table_write(process=process, format="csv", out=out, language="en")
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")), delimiter=";"))
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {str(pair["online"].pk), str(pair["paper"].pk)}
    assert by_id[str(pair["paper"].pk)][2] == "Paper form" and by_id[str(pair["online"].pk)][2] == "Online"
    assert by_id[str(pair["paper"].pk)][7] == "Abendkurse Deutsch auf Papier"


def test_analog_input_without_consent_is_answered_and_counted_but_not_listed(process, coordinator, print_run, run):
    withheld = run(analog_entry_record, user=coordinator, **entry(process, publication_consent=False))
    assert withheld.status == Status.IN_MODERATION and listed(process) == set()
    assert metrics.answer_figures_by_channel(process=process) == {Channel.PAPER_FORM: {"answered": 0, "answerable": 1}}
    out = io.BytesIO()
    consideration_table_write(process=process, format="csv", out=out, language="en")
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [str(withheld.pk)]
    assert "Mehr Sprachkurse" not in out.getvalue().decode("utf-8-sig")  # the text is withheld in the export
