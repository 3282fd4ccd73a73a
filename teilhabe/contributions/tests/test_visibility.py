"""Every page of a contribution or comment asks one visibility selector, so hidden items never show and
answer exactly like ids that do not exist (issue 6, points C and 13)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD, make_contribution, make_process
from teilhabe.contributions import services
from teilhabe.contributions.models import Comment, Contribution, Flag, Status
from teilhabe.processes.models import ProcessMembership, ProcessRole

# What differs between any two answers: the per-response CSRF token and the language picker's way back.
PER_REQUEST = re.compile(r'name="(csrfmiddlewaretoken|next)" (type="hidden" )?value="[^"]*"')
# Data that would make each action succeed, so that a refusal is the visibility check and nothing else.
POST_DATA = {"reason": "other", "note": "n", "body": "Eine Antwort", "language": "en", "action": "add"}


def id_patterns(patterns=None, namespace=()):
    """Every URL pattern of the project about one contribution (``beitraege/<pk>/…``: its public pages and the
    staff's work page with its forms), as its full name. Ids of other things (departments, routings, exports)
    have their own tests."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from id_patterns(
                pattern.url_patterns, namespace + ((pattern.namespace,) if pattern.namespace else ())
            )
        elif isinstance(pattern, URLPattern) and "beitraege/<str:pk>/" in str(pattern.pattern):
            if set(pattern.pattern.converters) == {"pk"}:  # one more id (a measure's link) has its own tests
                yield ":".join((*namespace, pattern.name))


def page(response) -> tuple[int, str]:
    """Status and body without what differs per request, so that two answers can be compared exactly."""
    return response.status_code, PER_REQUEST.sub("", response.content.decode())


@pytest.fixture
def items(city, process, personas):
    author = personas["department_staff"]
    coordinator = personas["coordinator"]
    pre = make_process(city, slug="vorab", moderation="pre")
    pre_coordinator = user_create_verified(email="vorab@example.org", password=PASSWORD, roles=[Role.COORDINATOR])
    ProcessMembership.objects.create(process=pre, user=pre_coordinator, role=ProcessRole.COORDINATOR)
    shown = make_contribution(process, author, title="Sichtbarer Beitrag", body="Sichtbarer Text")
    removed = make_contribution(process, author, title="Entfernter Titel XYZ", body="Entfernter Text XYZ")
    services.contribution_moderate(contribution=removed, user=coordinator, publish=False, reason="insulting")
    in_moderation = make_contribution(pre, author, title="Wartender Titel QRS", body="Wartender Text QRS")
    awaiting = make_contribution(
        process, AnonymousUser(), title="Unbestätigter Titel UVW", body="Unbestätigter Text UVW", author_email="a@b.de"
    )
    # A pre-moderated process: a published contribution whose new comments wait for review.
    pre_shown = make_contribution(pre, author, title="Freigegebener Beitrag", body="Freigegebener Text")
    pre_shown = services.contribution_moderate(contribution=pre_shown, user=pre_coordinator, publish=True)
    hidden_comment = services.comment_create(contribution=pre_shown, user=author, body="Wartender Kommentar JKL")
    removed_comment = services.comment_create(contribution=shown, user=author, body="Entfernter Kommentar MNO")
    services.comment_moderate(comment=removed_comment, user=coordinator, publish=False, reason="insulting")
    assert in_moderation.status == Status.IN_MODERATION and hidden_comment.status == Status.IN_MODERATION
    assert awaiting.status == Status.AWAITING_CONFIRMATION
    missing = Contribution.objects.order_by("-pk").first().pk + 1000
    missing_comment = Comment.objects.order_by("-pk").first().pk + 1000
    return {
        "pre": pre,
        "shown": shown,
        "pre_shown": pre_shown,
        "hidden": {"removed": removed, "in_moderation": in_moderation, "awaiting": awaiting},
        "missing": missing,
        "hidden_comments": {"in_moderation": hidden_comment, "removed": removed_comment},
        "missing_comment": missing_comment,
    }


def test_the_walk_covers_every_page_of_a_contribution():
    names = set(id_patterns())
    expected = {"detail", "submitted", "submitted_confirmed", "support", "comment", "flag", "language", "pdf"}
    assert {f"contributions:{name}" for name in expected} <= names, names
    staff = {"work", "statement_save", "statement_publish", "note_add", "decide", "subscribe"}
    assert {f"administration:{name}" for name in staff} <= names, names


# The two answers that are not "not found", on purpose: a removed contribution keeps a placeholder page
# (it was public; the page says it was removed and why), and an anonymous author's contribution has its
# "please check your mailbox" page until it is confirmed. Neither shows the title or text.
PLACEHOLDERS = {("contributions:detail", "removed"), ("contributions:submitted", "awaiting")}


@pytest.mark.slow
@pytest.mark.parametrize("visitor", ["anonymous", "participant"])
def test_hidden_contributions_answer_like_missing_ones_on_every_page(client, personas, items, visitor):
    if visitor != "anonymous":
        client.force_login(personas[visitor])
    flags_before, comments_before = Flag.objects.count(), Comment.objects.count()
    walked = 0
    for name in id_patterns():
        for method in ("get", "post"):
            send = getattr(client, method)
            data = POST_DATA if method == "post" else {}
            missing_url = reverse(name, kwargs={"pk": items["missing"]})
            missing = page(send(missing_url, data))
            # Not found; for the staff's pages (under /verwaltung/), anonymous visitors are sent to sign in and a
            # GET of a form's target is not allowed — the same answer whatever the id.
            staff_page = name.startswith("administration:") or missing_url.startswith("/verwaltung/")
            assert missing[0] == 404 or (staff_page and missing[0] in (302, 405)), (
                name,
                method,
                missing[0],
            )
            for kind, contribution in items["hidden"].items():
                status, body = page(send(reverse(name, kwargs={"pk": contribution.pk}), data))
                assert contribution.title not in body and contribution.body not in body, (name, method, kind)
                if (name, kind) in PLACEHOLDERS:
                    assert status == 200, (name, method, kind, status)
                else:
                    assert (status, body) == missing, (name, method, kind, status)
                walked += 1
    assert walked >= 8 * 2 * 3
    assert (Flag.objects.count(), Comment.objects.count()) == (flags_before, comments_before)


def test_visible_contribution_pages_still_answer(client, personas, items):
    client.force_login(personas["participant"])
    shown = items["shown"]
    for name in ("detail", "flag"):
        response = client.get(reverse(f"contributions:{name}", kwargs={"pk": shown.pk}))
        assert response.status_code == 200 and shown.title in response.content.decode()


def test_removed_contribution_cannot_be_reported_and_its_flag_form_shows_no_title(client, personas, items):
    removed = items["hidden"]["removed"]
    client.force_login(personas["participant"])
    url = reverse("contributions:flag", kwargs={"pk": removed.pk})
    response = client.get(url)
    assert response.status_code == 404 and removed.title not in response.content.decode()
    assert client.post(url, {"reason": "other"}).status_code == 404
    assert not Flag.objects.filter(contribution=removed).exists()


def _comment_answers(client, contribution, comment_id):
    comment_url = reverse("contributions:comment", kwargs={"pk": contribution.pk})
    flag_url = reverse("contributions:flag", kwargs={"pk": contribution.pk})
    return {
        "reply": page(client.post(comment_url, {"body": "Antwort", "language": "de", "parent": comment_id})),
        "flag": page(client.post(flag_url, {"reason": "other", "comment": comment_id})),
        "flag form": page(client.get(flag_url, {"comment": comment_id})),
    }


@pytest.mark.parametrize("kind", ["in_moderation", "removed"])
def test_hidden_comments_cannot_be_replied_to_or_reported(client, personas, items, kind):
    comment = items["hidden_comments"][kind]
    contribution = comment.contribution
    client.force_login(personas["participant"])
    counts = Comment.objects.count(), Flag.objects.count()
    hidden = _comment_answers(client, contribution, comment.pk)
    missing = _comment_answers(client, contribution, items["missing_comment"])
    for action, (status, body) in hidden.items():
        assert status == 404, (action, status)
        assert comment.body not in body, action
        assert (status, body) == missing[action], action
    assert (Comment.objects.count(), Flag.objects.count()) == counts


def test_published_comments_can_still_be_replied_to_and_reported(client, personas, items):
    comment = services.comment_create(contribution=items["shown"], user=personas["evaluator"], body="Öffentlich")
    client.force_login(personas["participant"])
    answers = _comment_answers(client, comment.contribution, comment.pk)
    assert answers["reply"][0] == 302 and answers["flag"][0] == 302 and answers["flag form"][0] == 200
    assert Comment.objects.filter(parent=comment).exists() and Flag.objects.filter(comment=comment).exists()


def test_moderation_targets_outside_the_process_answer_like_missing_ones(client, personas, items, process):
    """The coordinator of one process cannot decide on another process's items through its queue."""
    client.force_login(personas["coordinator"])  # coordinates `process`, not the pre-moderated one
    url = reverse("contributions:moderation", kwargs={"slug": process.slug})

    def decide(kind, target):
        return page(client.post(url, {"kind": kind, "target": target, "decision": "publish"}))

    missing = decide("contribution", items["missing"])
    assert missing[0] == 404
    for contribution in (items["hidden"]["in_moderation"], items["hidden"]["removed"]):
        assert decide("contribution", contribution.pk) == missing
    missing_comment = decide("comment", items["missing_comment"])
    assert missing_comment[0] == 404
    assert decide("comment", items["hidden_comments"]["in_moderation"].pk) == missing_comment
    items["hidden"]["in_moderation"].refresh_from_db()
    assert items["hidden"]["in_moderation"].status == Status.IN_MODERATION


def test_submitted_and_confirmed_pages_exist_only_for_their_contributions(client, process, items):
    awaiting = items["hidden"]["awaiting"]
    for name in ("submitted", "submitted_confirmed"):
        for pk in (items["missing"], 2**40, items["shown"].pk, items["hidden"]["in_moderation"].pk):
            assert client.get(reverse(f"contributions:{name}", kwargs={"pk": pk})).status_code == 404, (name, pk)
    assert client.get(reverse("contributions:submitted", kwargs={"pk": awaiting.pk})).status_code == 200
    assert client.get(reverse("contributions:submitted_confirmed", kwargs={"pk": awaiting.pk})).status_code == 404
    services.contribution_confirm_email(token=services.contribution_confirmation_token(awaiting))
    assert client.get(reverse("contributions:submitted", kwargs={"pk": awaiting.pk})).status_code == 404
    assert client.get(reverse("contributions:submitted_confirmed", kwargs={"pk": awaiting.pk})).status_code == 200


def test_the_comment_service_refuses_a_reply_to_a_hidden_comment(participant, coordinator, contribution):
    from teilhabe.core.errors import NotFound

    parent = services.comment_create(contribution=contribution, user=participant, body="Gute Idee")
    services.comment_moderate(comment=parent, user=coordinator, publish=False, reason="off_topic")
    parent.refresh_from_db()
    with pytest.raises(NotFound):
        services.comment_create(contribution=contribution, user=participant, body="Antwort", parent=parent)
