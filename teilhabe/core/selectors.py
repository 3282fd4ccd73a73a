"""Reads shared by all apps: translations of staff-written texts."""

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from teilhabe.core.cache_versions import CONTENT_NAMESPACE, cache_version
from teilhabe.core.models import ContentTranslation


@dataclass(frozen=True)
class LocalisedText:
    text: str
    language: str
    state: str  # "original", "checked", "machine", or "missing" (German shown instead)

    def __str__(self):
        return self.text

    @property
    def is_fallback(self) -> bool:
        return self.state == "missing"


class TranslationRow(NamedTuple):
    text: str
    state: str


TABLE_SECONDS = 3600  # an upper bound: every change of a staff text bumps the content version


def content_translation_table(model, language: str) -> dict[tuple[int, str], TranslationRow]:
    """All translations of one model into one language, keyed by (object id, field).

    One query, then kept in the cache until a staff text or its translation changes (the content version).
    """
    content_type = ContentType.objects.get_for_model(model)
    key = f"translations:{content_type.pk}:{language}:{cache_version(CONTENT_NAMESPACE, 'site')}"
    table = cache.get(key)
    if table is None:
        rows = ContentTranslation.objects.filter(content_type=content_type, language=language)
        table = {
            (object_id, field): TranslationRow(text, state)
            for object_id, field, text, state in rows.values_list("object_id", "field", "text", "state")
        }
        cache.set(key, table, TABLE_SECONDS)
    return table


def localise(obj, field: str, language: str, table: dict | None = None) -> LocalisedText:
    """The text of ``obj.field`` in ``language``; the original (German) text when there is no translation."""
    original = getattr(obj, field) or ""
    if language == settings.LANGUAGE_CODE or not original:
        return LocalisedText(original, settings.LANGUAGE_CODE, "original")
    if table is None:
        table = content_translation_table(type(obj), language)
    row = table.get((obj.pk, field))
    if row is None or not row.text.strip():
        return LocalisedText(original, settings.LANGUAGE_CODE, "missing")
    return LocalisedText(row.text, language, row.state)


def translation_status(objects, languages) -> list[dict]:
    """For a staff overview: every translatable text of ``objects`` and its state in each language."""
    rows = []
    tables = {}
    for obj in objects:
        for field in obj.translatable_fields:
            if not getattr(obj, field):
                continue
            states = {}
            for language in languages:
                key = (type(obj), language)
                if key not in tables:
                    tables[key] = content_translation_table(type(obj), language)
                row = tables[key].get((obj.pk, field))
                states[language] = row.state if row is not None else "missing"
            rows.append({"object": obj, "field": obj._meta.get_field(field).verbose_name, "states": states})
    return rows
