"""Fixtures of the ideas competition's tests: the personas' fund with a budget for this year."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from teilhabe.competitions.models import Fund
from teilhabe.competitions.services import fund_year_set


def client_of(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def fund(personas, coordinator):
    """The personas' fund ("Fonds", city Teststadt) with a budget of €10,000 this year."""
    fund = Fund.objects.get(name="Fonds")
    fund_year_set(user=coordinator, fund=fund, year=timezone.localdate().year, budget=Decimal("10000"))
    return fund


@pytest.fixture
def year():
    return timezone.localdate().year
