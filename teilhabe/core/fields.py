"""Form fields for database ids: a value that cannot be an id is invalid before any query runs.

SQLite raises OverflowError for integers beyond 64 bits, and no id is zero or negative, so every field that
reads an id from a request checks the range first (a 400 with a message, never a 500). Forms use these
fields instead of Django's ``IntegerField`` for ids and ``ModelChoiceField``/``ModelMultipleChoiceField``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

ID_MAX = 2**63 - 1  # the largest signed 64-bit integer, the range of a BigAutoField


def parse_id(value) -> int | None:
    """``value`` as a database id (1 … 2**63 - 1), or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
            return None
        number = int(text)
    return number if 1 <= number <= ID_MAX else None


def _checks_ids(field) -> bool:
    """Whether the field's values are integer primary keys (not a ``to_field_name`` such as a slug)."""
    if field.to_field_name is not None:
        return False
    return isinstance(field.queryset.model._meta.pk, models.AutoField | models.IntegerField)


class IdField(forms.IntegerField):
    """An id sent along in a form (a hidden field): a positive 64-bit integer."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, models.Model) and _checks_ids(self):
            if parse_id(value) is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if _checks_ids(self):
            for pk in value:
                if not isinstance(pk, models.Model) and parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
