"""Reads shared by all apps: translations of staff-written texts."""

from dataclasses import dataclass
from typing import NamedTuple

from django.apps import apps
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
# Staff texts that the pages of a process show together (its title, phases, fields of action, target groups): when
# the table of one of them is missing from the cache, all their tables are read in one query and stored together.
LOADED_TOGETHER = ("processes.process", "processes.phase", "processes.fieldofaction", "processes.targetgroup")


def _table_key(content_type_id: int, language: str, version: int) -> str:
    return f"translations:{content_type_id}:{language}:{version}"


def content_translation_table(model, language: str) -> dict[tuple[int, str], TranslationRow]:
    """All translations of one model into one language, keyed by (object id, field).

    Kept in the cache until a staff text or its translation changes (the content version); a missing table is
    read with those of the models loaded together with it (``LOADED_TOGETHER``), in one query.
    """
    content_type = ContentType.objects.get_for_model(model)
    version = cache_version(CONTENT_NAMESPACE, "site")
    table = cache.get(_table_key(content_type.pk, language, version))
    if table is None:
        together = {content_type.pk}
        if f"{content_type.app_label}.{content_type.model}" in LOADED_TOGETHER:
            together |= {ContentType.objects.get_for_model(apps.get_model(label)).pk for label in LOADED_TOGETHER}
        tables = {type_id: {} for type_id in together}
        rows = ContentTranslation.objects.filter(content_type_id__in=together, language=language)
        for type_id, object_id, field, text, state in rows.values_list(
            "content_type_id", "object_id", "field", "text", "state"
        ):
            tables[type_id][(object_id, field)] = TranslationRow(text, state)
        cache.set_many(
            {_table_key(type_id, language, version): rows for type_id, rows in tables.items()}, TABLE_SECONDS
        )
        table = tables[content_type.pk]
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
