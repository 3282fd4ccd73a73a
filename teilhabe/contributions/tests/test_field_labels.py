"""Issue 6 point 14: every field of the contributions app has a translatable label, so the German admin is German."""

import pytest
from django.apps import apps
from django.utils.functional import Promise


@pytest.mark.parametrize("model", apps.get_app_config("contributions").get_models(), ids=lambda model: model.__name__)
def test_every_field_has_a_translatable_label(model):
    untranslated = [
        field.name
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert not untranslated, f"{model.__name__}: {untranslated} have no gettext_lazy verbose_name"
