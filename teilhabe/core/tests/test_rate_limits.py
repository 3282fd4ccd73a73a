"""Point F of issue 6: rate limits key on the real client address, never lock the owner out, answer 429.

conftest switches django-ratelimit off for every test; these tests switch it on again. allauth's limits
(ACCOUNT_RATE_LIMITS) stay as configured. docs/rate-limits.md describes every limit tested here.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from teilhabe.accounts.adapter import AccountAdapter
from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD
from teilhabe.contributions.views import WRITE_RATE
from teilhabe.core.ratelimit import client_address

OWNER = "owner@example.org"
ATTACKER_ADDRESS = "203.0.113.66"
OWNER_ADDRESS = "198.51.100.7"
PROXY = "10.0.0.2"


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    assert settings.ACCOUNT_RATE_LIMITS, "allauth's limits are switched off in this environment"
    return settings


def sign_in(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_owner_signs_in_after_failures_from_another_address(client, db, limits_on):
    user_create_verified(email=OWNER, password=PASSWORD)
    for _ in range(6):
        response = sign_in(client, OWNER, "wrong-password", REMOTE_ADDR=ATTACKER_ADDRESS)
        assert response.status_code == 200
    too_many = sign_in(client, OWNER, PASSWORD, REMOTE_ADDR=ATTACKER_ADDRESS)
    assert not signed_in(too_many), "the attacker's address should be slowed down for this account"
    owner = sign_in(client, OWNER, PASSWORD, REMOTE_ADDR=OWNER_ADDRESS)
    assert signed_in(owner)


def test_failures_on_other_accounts_from_a_shared_address_do_not_lock_out_everyone(client, db, limits_on):
    """Many people sign in from one address (an office, a library): a few typos lock out nobody else."""
    user_create_verified(email=OWNER, password=PASSWORD)
    for number in range(12):
        sign_in(client, f"colleague{number}@example.org", "wrong-password", REMOTE_ADDR=OWNER_ADDRESS)
    assert signed_in(sign_in(client, OWNER, PASSWORD, REMOTE_ADDR=OWNER_ADDRESS))


@pytest.mark.parametrize(
    "behind_proxy,count,forwarded,expected",
    [
        (False, 1, "198.51.100.1", PROXY),  # without a proxy the header is the client's own word: ignored
        (True, 1, "198.51.100.1", "198.51.100.1"),
        (True, 1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client prepended a fake entry
        (True, 2, "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies of ours
        (True, 2, "198.51.100.1", PROXY),  # fewer entries than proxies: not from our proxies
        (True, 1, "not-an-address", PROXY),
        (True, 1, "", PROXY),
        (True, 1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, behind_proxy, count, forwarded, expected):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = behind_proxy, count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
    assert AccountAdapter(request).get_client_ip(request) == expected  # allauth counts on the same address


def test_behind_proxy_two_clients_are_limited_separately(client, db, limits_on):
    limits_on.BEHIND_PROXY, limits_on.TRUSTED_PROXY_COUNT = True, 1
    url = reverse("core:accessibility")
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    statuses = [client.post(url, {"message": ""}, **first).status_code for _ in range(25)]
    assert 429 in statuses and statuses[0] == 400
    assert client.post(url, {"message": ""}, **second).status_code == 400  # the other client is not limited
    assert client.post(url, {"message": ""}, **first).status_code == 429


def test_behind_proxy_failed_sign_ins_count_per_client(client, db, limits_on):
    limits_on.BEHIND_PROXY, limits_on.TRUSTED_PROXY_COUNT = True, 1
    user_create_verified(email=OWNER, password=PASSWORD)
    for _ in range(6):
        sign_in(client, OWNER, "wrong-password", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER_ADDRESS)
    assert signed_in(sign_in(client, OWNER, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OWNER_ADDRESS))


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "de", "ar"])
def test_exceeding_a_write_limit_answers_429_with_a_translated_page(
    client, contribution, participant, limits_on, language
):
    client.force_login(participant)
    client.cookies["django_language"] = language
    url = reverse("contributions:comment", kwargs={"pk": contribution.pk})
    allowed = int(WRITE_RATE.split("/")[0])
    for _ in range(allowed):
        assert client.post(url, {"body": ""}).status_code == 400
    response = client.post(url, {"body": ""})
    assert response.status_code == 429
    html = response.content.decode()
    assert f'lang="{language}"' in html
    with translation.override(language):
        assert f"<h1>{gettext('Too many requests')}</h1>" in html
    if language == "en":
        assert "<h1>Too many requests</h1>" in html


def test_allauth_limits_answer_with_the_same_429_page(client, db, limits_on):
    client.cookies["django_language"] = "en"
    url = reverse("account_signup")
    statuses = [client.post(url, {"email": "x"}).status_code for _ in range(25)]
    assert statuses[0] == 200 and statuses[-1] == 429
    response = client.post(url, {"email": "x"})
    assert response.status_code == 429
    assert "<h1>Too many requests</h1>" in response.content.decode()
    assert 'lang="en"' in response.content.decode()
