"""Fixtures of the councils' tests: the personas' council (Mitte, district 1) and another one (Nord)."""

import pytest
from django.utils import translation

from teilhabe.accounts.services import user_create_verified
from teilhabe.conftest import PASSWORD
from teilhabe.councils.models import CouncilMembership, DistrictSpace

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def space(personas):
    return DistrictSpace.objects.get(name="Integrationsbeirat Mitte")


@pytest.fixture
def member(personas):
    return personas["district_council_member"]


@pytest.fixture
def other_space(city):
    return DistrictSpace.objects.create(district=city.districts.get(number=2), name="Integrationsbeirat Nord")


@pytest.fixture
def other_member(other_space):
    user = user_create_verified(
        email="nord@example.org", password=PASSWORD, display_name="Nora Nord", roles=["district_council_member"]
    )
    CouncilMembership.objects.create(space=other_space, user=user)
    return user


def person(email, name):
    return user_create_verified(email=email, password=PASSWORD, display_name=name, roles=["participant"])


# Formal statements (test_positions, test_amend): the persona member chairs the council; department 50; a held
# session.
@pytest.fixture
def chair(space, member):
    CouncilMembership.objects.filter(space=space, user=member).update(role="chair")
    return member


@pytest.fixture
def department(personas, city):
    from teilhabe.administration.models import Department

    return Department.objects.get(city=city, code="50")


@pytest.fixture
def held(process, space):
    from teilhabe.councils.tests.test_sessions import make_session
    from teilhabe.events.models import EventState

    return make_session(process, space, days=-3, state=EventState.HELD)
