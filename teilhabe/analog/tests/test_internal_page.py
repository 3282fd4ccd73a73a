"""The contribution's internal page (administration:work) says what missing consent means and links the scan of
the original for coordinators only; the workspace links the entry screen."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.administration import services as administration
from teilhabe.administration.models import Department
from teilhabe.analog.models import Scan
from teilhabe.analog.services import analog_entry_record, scans_purge
from teilhabe.analog.tests.conftest import entry, pdf_bytes, upload
from teilhabe.events.tests.organiser_support import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def withheld(process, coordinator, print_run):
    """A paper form without consent, with its scan, routed to department 50 (the staff personas')."""
    form = analog_entry_record(
        user=coordinator, **entry(process, publication_consent=False, scan=upload("scan.pdf", pdf_bytes()))
    )
    administration.routing_route(
        user=coordinator, process=process, contributions=[form], lead=Department.objects.get(code="50")
    )
    return form


def work(user, contribution):
    return client_of(user).get(reverse("administration:work", kwargs={"pk": contribution.pk}))


def test_the_coordinator_reads_that_it_is_not_published_and_gets_the_scan(coordinator, withheld):
    response = work(coordinator, withheld)
    html = response.content.decode()
    scan = Scan.objects.get(contribution=withheld)
    assert response.status_code == 200 and 'id="consent-not-given"' in html
    assert reverse("analog:scan", kwargs={"pk": scan.pk}) in html


def test_department_staff_read_the_consent_line_but_get_no_scan_link(personas, withheld):
    response = work(personas["department_staff"], withheld)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="consent-not-given"' in html
    assert "/verwaltung/scans/" not in html


def test_a_removed_scan_is_named_without_a_link(coordinator, withheld):
    scans_purge(now=timezone.now() + datetime.timedelta(days=10_000))
    html = work(coordinator, withheld).content.decode()
    assert "/verwaltung/scans/" not in html and 'id="consent-not-given"' in html


def test_a_contribution_with_consent_has_no_consent_line(process, coordinator, print_run):
    form = analog_entry_record(user=coordinator, **entry(process))
    assert 'id="consent-not-given"' not in work(coordinator, form).content.decode()


def test_the_workspace_links_the_entry_screen(process, coordinator):
    html = client_of(coordinator).get(reverse("administration:workspace")).content.decode()
    assert reverse("analog:entry", kwargs={"slug": process.slug}) in html
