"""Every field of the core models that the admin shows has a translatable label (no English in the German admin)."""

import pytest
from django.apps import apps
from django.utils.functional import Promise

CORE_MODELS = list(apps.get_app_config("core").get_models())


@pytest.mark.parametrize("model", CORE_MODELS, ids=lambda model: model.__name__)
def test_every_field_has_a_translatable_verbose_name(model):
    fields = [field for field in model._meta.get_fields() if field.concrete and not field.auto_created]
    untranslated = [field.name for field in fields if not isinstance(field.verbose_name, Promise)]
    assert fields and untranslated == []
