"""Shared models: base model, the hash-chained audit log, translations of staff texts, feedback."""

import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One state change, chained to the previous entry by SHA-256 (Prüfprotokoll).

    Entries are only ever added (services call ``audit_record``); ``verify_audit`` recomputes the chain.
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def compute_hash(self) -> str:
        payload = json.dumps(
            {
                "created_at": self.created_at.isoformat(),
                "actor": self.actor_id,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "data": self.data,
                "previous_hash": self.previous_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class TranslationState(models.TextChoices):
    MACHINE = "machine", _("Machine-translated")
    CHECKED = "checked", _("Checked by a person")


class ContentTranslation(TimeStampedModel):
    """A staff-written text in another language (Übersetzung): any model's field, one row per language.

    Models list their translatable fields in ``translatable_fields``; a missing row falls back to German.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=50)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"), max_length=20000)
    state = models.CharField(
        _("state"), max_length=10, choices=TranslationState.choices, default=TranslationState.CHECKED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="content_translation_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "language"], name="content_translation_lookup")]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")

    def __str__(self):
        return f"{self.field} [{self.language}]"


class AccessibilityFeedback(TimeStampedModel):
    """A report of an accessibility barrier, sent from the accessibility statement (Feedback Barrierefreiheit)."""

    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail address for our answer"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self):
        return self.message[:60]
