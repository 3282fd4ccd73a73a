"""Property-based: whatever is sent to any form of the site, the answer is never a server error (issue 6, D).

Hypothesis sends arbitrary values (text, unicode, huge and negative numbers, empty values, lists) for the
fields each form reads, as an anonymous visitor and as a coordinator.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teilhabe.conftest import make_contribution
from teilhabe.contributions import services

EDGE = [
    "",
    "0",
    "-1",
    "1",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    "9" * 30,
    "1e9",
    "1.5",
    "٣",
    "NaN",
    "\x00",
    "a" * 3000,
    "on",
    "publish",
    "keep",
    "remove",
    "contribution",
    "comment",
    "withdraw",
    "de",
    "ar",
    "other",
    "off_topic",
    "published",
    "removed",
    "in_moderation",
    "supported",
    "online",
    "bildung",
    "x@example.org",
    "/",
    "//evil.example/",
    'AND OR NOT "*^(NEAR',
]
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.integers(min_value=2**62, max_value=2**65)
).map(str)
SCALAR = st.one_of(st.sampled_from(EDGE), NUMBERS, st.text(max_size=40))
VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=3))

# Every form endpoint: (URL name, URL kwargs key, method, the fields its form reads).
ENDPOINTS = {
    "contribution create": ("contributions:create", "slug", "post", [
        "title", "body", "fields_of_action", "target_groups", "district", "neighbourhood", "language",
        "organisation", "author_email", "publication_consent", "website",
    ]),
    "contribution list": ("contributions:list", "slug", "get", [
        "q", "field", "district", "target_group", "channel", "language", "status", "sort", "page",
    ]),
    "contribution detail": ("contributions:detail", "pk", "get", ["uebersetzen", "kommentare"]),
    "comment": ("contributions:comment", "pk", "post", ["body", "language", "parent"]),
    "flag": ("contributions:flag", "pk", "post", ["reason", "note", "comment"]),
    "flag form": ("contributions:flag", "pk", "get", ["comment"]),
    "support": ("contributions:support", "pk", "post", ["action"]),
    "language": ("contributions:language", "pk", "post", ["language"]),
    "moderation": ("contributions:moderation", "slug", "post", ["kind", "target", "decision", "reason"]),
    "accessibility feedback": ("core:accessibility", None, "post", ["message", "page_url", "name", "email"]),
    "accessibility page": ("core:accessibility", None, "get", ["seite"]),
    "language switch": ("set_language", None, "post", ["language", "next"]),
    "sign-up": ("account_signup", None, "post", ["email", "password1", "password2", "display_name"]),
    "sign-in": ("account_login", None, "post", ["login", "password", "remember"]),
}  # fmt: skip


@pytest.fixture
def targets(process, personas):
    contribution = make_contribution(process, personas["participant"])
    comment = services.comment_create(contribution=contribution, user=personas["participant"], body="Ein Kommentar")
    services.flag_create(contribution=contribution, user=personas["evaluator"], reason="other")
    # Valid values that the fuzzed ones replace field by field, so that they also reach the code behind a form
    # that is otherwise valid.
    valid = {
        "contribution create": {
            "title": "Titel",
            "body": "Text",
            "fields_of_action": str(process.fields_of_action.first().pk),
            "author_email": "x@example.org",
            "publication_consent": "on",
        },
        "comment": {"body": "Antwort", "language": "de", "parent": str(comment.pk)},
        "flag": {"reason": "other", "comment": str(comment.pk)},
        "moderation": {"kind": "comment", "target": str(comment.pk), "decision": "keep"},
        "accessibility feedback": {"message": "Eine Barriere"},
    }
    return {"slug": process.slug, "pk": contribution.pk, "valid": valid}


@pytest.mark.slow
@pytest.mark.parametrize("visitor", ["anonymous", "coordinator"])
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_no_form_answers_with_a_server_error(client, personas, targets, endpoint, visitor):
    name, key, method, names = ENDPOINTS[endpoint]
    url = reverse(name, kwargs={key: targets[key]} if key else None)
    if visitor != "anonymous":
        client.force_login(personas[visitor])

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.dictionaries(st.sampled_from(names), VALUE, max_size=len(names)))
    def send(data):
        data = {**targets["valid"].get(endpoint, {}), **data}
        response = getattr(client, method)(url, data)
        assert response.status_code < 500, (endpoint, data, response.status_code)

    send()
