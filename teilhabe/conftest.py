"""Shared fixtures: a city, an open process, and one persona per role (the roles of docs/roles.md)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from teilhabe.accounts.models import Role
from teilhabe.accounts.services import role_groups_sync, user_create_verified
from teilhabe.administration.models import Department, DepartmentMembership
from teilhabe.competitions.models import Call, Fund, JuryMembership
from teilhabe.contributions import services as contribution_services
from teilhabe.councils.models import CouncilMembership, DistrictSpace
from teilhabe.places.models import City, District, Neighbourhood
from teilhabe.processes.models import FieldOfAction, Phase, Process, ProcessMembership, ProcessRole, TargetGroup
from teilhabe.stakeholders.models import Organisation, OrganisationType, Representative

PASSWORD = "a-Long-test-passw0rd"
PERSONA_ROLES = [role.value for role in Role]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    cache.clear()  # versioned figures must not leak between tests that reuse ids
    # Tests render templates without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.RATELIMIT_ENABLE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks_and_own_audit_checkpoints(settings, tmp_path):
    # Background tasks run at once in tests; each test keeps its audit checkpoints to itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit"


@pytest.fixture
def city(db):
    city = City.objects.create(name="Teststadt", slug="teststadt", population=1000)
    for number, name in [(1, "Mitte"), (2, "Nord")]:
        district = District.objects.create(city=city, number=number, name=name, population=500)
        Neighbourhood.objects.create(district=district, number=number * 10, name=f"{name}-Altstadt")
    return city


def make_process(city, *, slug="lip", phase="open", moderation="post"):
    """A published process whose current phase allows everything ('open') or nothing ('closed')."""
    process = Process.objects.create(
        city=city,
        slug=slug,
        title=f"Prozess {slug}",
        summary="Worum es geht.",
        is_published=True,
        moderation=moderation,
    )
    now = timezone.now()
    allows = phase == "open"
    Phase.objects.create(
        process=process,
        name="Jetzt",
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1),
        allows_contribute=allows,
        allows_comment=allows,
        allows_support=allows,
    )
    FieldOfAction.objects.create(process=process, slug="bildung", name="Bildung", order=1)
    FieldOfAction.objects.create(process=process, slug="soziales", name="Soziales", order=2)
    TargetGroup.objects.create(process=process, slug="gefluechtete", name="Geflüchtete")
    return process


@pytest.fixture
def process(city):
    return make_process(city)


@pytest.fixture
def closed_process(city):
    return make_process(city, slug="closed", phase="closed")


@pytest.fixture
def personas(db, city, process, closed_process):
    """One user per role, with the scoped memberships that role needs, for both test processes."""
    role_groups_sync()
    users = {}
    for role in Role:
        users[role.value] = user_create_verified(email=f"{role.value}@example.org", password=PASSWORD, roles=[role])
    organisation = Organisation.objects.create(name="Verein", type=OrganisationType.MIGRANT_ORGANISATION)
    Representative.objects.create(
        organisation=organisation, user=users["organisation_representative"], verified_at=timezone.now()
    )
    space = DistrictSpace.objects.create(district=city.districts.first(), name="Integrationsbeirat Mitte")
    CouncilMembership.objects.create(space=space, user=users["district_council_member"])
    department = Department.objects.create(city=city, code="50", name="Soziales")
    DepartmentMembership.objects.create(department=department, user=users["department_staff"])
    DepartmentMembership.objects.create(department=department, user=users["department_head"], is_head=True)
    fund = Fund.objects.create(city=city, name="Fonds")
    call = Call.objects.create(
        process=process,
        fund=fund,
        title="Ideenwettbewerb",
        opens=timezone.now(),
        closes=timezone.now() + datetime.timedelta(days=30),
    )
    JuryMembership.objects.create(call=call, user=users["jury_member"])
    for proc in (process, closed_process):
        ProcessMembership.objects.create(process=proc, user=users["coordinator"], role=ProcessRole.COORDINATOR)
        ProcessMembership.objects.create(process=proc, user=users["evaluator"], role=ProcessRole.EVALUATOR)
    return users


@pytest.fixture
def participant(personas):
    return personas["participant"]


@pytest.fixture
def coordinator(personas):
    return personas["coordinator"]


def make_contribution(process, user, **overrides):
    data = {
        "process": process,
        "user": user,
        "title": "Mehr Sprachkurse mit Kinderbetreuung",
        "body": "Viele Eltern können nicht teilnehmen, weil es keine Betreuung gibt.",
        "fields_of_action": [process.fields_of_action.first()],
        "publication_consent": True,
    }
    data.update(overrides)
    return contribution_services.contribution_create(**data)


@pytest.fixture
def contribution(process, participant):
    return make_contribution(process, participant)
