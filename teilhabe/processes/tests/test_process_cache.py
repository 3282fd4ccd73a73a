"""The cached process carries its phases, fields of action and target groups, in order, loaded as a prefetch would."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from teilhabe.core.cache_versions import content_version_bump
from teilhabe.processes.models import FieldOfAction, Phase
from teilhabe.processes.selectors import phase_current, process_get, process_get_published


def test_the_process_comes_with_its_children_in_order(process, django_capture_on_commit_callbacks):
    now = timezone.now()
    Phase.objects.create(
        process=process, name="Später", start=now + datetime.timedelta(days=2), end=now + datetime.timedelta(days=3)
    )
    FieldOfAction.objects.create(process=process, slug="arbeit", name="Arbeit", order=0)
    cache.clear()
    loaded = process_get_published(slug=process.slug)
    for found in (loaded, process_get_published(slug=process.slug), process_get(pk=process.pk)):  # cold, cached, by id
        with CaptureQueriesContext(connection) as queries:
            assert [phase.name for phase in found.phases.all()] == ["Jetzt", "Später"]
            assert [field.slug for field in found.fields_of_action.all()] == ["arbeit", "bildung", "soziales"]
            assert [group.slug for group in found.target_groups.all()] == ["gefluechtete"]
            assert all(phase.process is found for phase in found.phases.all())
            assert phase_current(found).name == "Jetzt"
        assert not queries.captured_queries
    # A new field shows once the site's content version is bumped (as the admin does), not before.
    with django_capture_on_commit_callbacks(execute=True):
        FieldOfAction.objects.create(process=process, slug="wohnen", name="Wohnen", order=9)
    assert "wohnen" not in [field.slug for field in process_get_published(slug=process.slug).fields_of_action.all()]
    with django_capture_on_commit_callbacks(execute=True):
        content_version_bump()
    assert [field.slug for field in process_get_published(slug=process.slug).fields_of_action.all()][-1] == "wohnen"
