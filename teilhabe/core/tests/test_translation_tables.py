"""Translation tables of a process's staff texts are read together and stay fresh through the content version."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teilhabe.core.models import ContentTranslation
from teilhabe.core.selectors import content_translation_table
from teilhabe.core.services import content_translation_set
from teilhabe.processes.models import FieldOfAction, Phase, Process, TargetGroup


def test_tables_read_together_show_a_new_translation_on_the_next_read(process, django_capture_on_commit_callbacks):
    field = process.fields_of_action.get(slug="bildung")
    with django_capture_on_commit_callbacks(execute=True):
        content_translation_set(obj=field, field="name", language="en", text="Education", state="checked")
    assert content_translation_table(Phase, "en") == {}  # read with the process's other tables, in one query
    with CaptureQueriesContext(connection) as queries:
        for model in (Process, FieldOfAction, TargetGroup):
            content_translation_table(model, "en")
    assert not queries.captured_queries
    assert content_translation_table(FieldOfAction, "en")[(field.pk, "name")].text == "Education"
    # A change that bypasses the services is not seen until the content version moves ...
    ContentTranslation.objects.filter(content_type=ContentType.objects.get_for_model(FieldOfAction)).update(
        text="Schooling"
    )
    assert content_translation_table(FieldOfAction, "en")[(field.pk, "name")].text == "Education"
    # ... and the service moves it: the next read of any of the tables is fresh.
    group = process.target_groups.get()
    with django_capture_on_commit_callbacks(execute=True):
        content_translation_set(obj=group, field="name", language="en", text="Refugees", state="checked")
    assert content_translation_table(TargetGroup, "en")[(group.pk, "name")].text == "Refugees"
    assert content_translation_table(FieldOfAction, "en")[(field.pk, "name")].text == "Schooling"
