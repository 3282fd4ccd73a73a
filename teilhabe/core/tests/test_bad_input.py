"""Bad input gets a clear 4xx, never a 500, wherever it is sent."""

import pytest
from django.urls import reverse

from teilhabe.conftest import make_contribution

LONG = "x" * 100_000


@pytest.fixture
def urls(process, participant):
    contribution = make_contribution(process, participant)
    return {
        "list": reverse("contributions:list", kwargs={"slug": process.slug}),
        "create": reverse("contributions:create", kwargs={"slug": process.slug}),
        "detail": reverse("contributions:detail", kwargs={"pk": contribution.pk}),
        "support": reverse("contributions:support", kwargs={"pk": contribution.pk}),
        "comment": reverse("contributions:comment", kwargs={"pk": contribution.pk}),
        "flag": reverse("contributions:flag", kwargs={"pk": contribution.pk}),
        "language": reverse("contributions:language", kwargs={"pk": contribution.pk}),
        "moderation": reverse("contributions:moderation", kwargs={"slug": process.slug}),
        "accessibility": reverse("core:accessibility"),
    }


GET_QUERIES = [
    {"page": LONG},
    {"q": LONG},
    {"district": "1e9"},
    {"field": "\x00"},
    {"sort": ["newest", "x"]},
    {"q": '"*^(NEAR'},
    {"q": "AND OR NOT"},
    {"status": "removed"},
    {"status": "in_moderation"},
    {"uebersetzen": "1"},
    {"page": "9" * 40},
]
POST_BODIES = [
    {},
    {"title": LONG, "body": LONG},
    {"body": "\x00\x01"},
    {"parent": "abc", "body": "x"},
    {"parent": "-5", "body": "x"},
    {"reason": LONG},
    {"kind": "comment", "target": "abc", "decision": "publish"},
    {"kind": "contribution", "target": "999999", "decision": "publish"},
    {"language": LONG},
    {"fields_of_action": ["a", "b"], "district": "0", "neighbourhood": LONG, "publication_consent": "maybe"},
    {"message": LONG, "email": LONG},
]


GET_PAGES = ["list", "detail", "create", "flag", "moderation", "accessibility"]
POST_PAGES = ["create", "support", "comment", "flag", "language", "moderation", "accessibility"]


@pytest.mark.slow
@pytest.mark.parametrize("signed_in", ["anonymous", "coordinator"])
def test_no_500_on_bad_input(client, personas, urls, signed_in):
    if signed_in != "anonymous":
        client.force_login(personas[signed_in])
    for name in GET_PAGES:
        for query in GET_QUERIES:
            status = client.get(urls[name], query).status_code
            assert 200 <= status < 500, (name, query, status)
    for name in POST_PAGES:
        for body in POST_BODIES:
            status = client.post(urls[name], body).status_code
            assert 200 <= status < 500, (name, body, status)


def test_unknown_urls_are_404(client, db):
    for url in ["/p/../../etc/passwd", "/beitraege/%00/", "/bestaetigen/" + "a" * 5000 + "/", "/nichts/"]:
        assert client.get(url).status_code == 404
