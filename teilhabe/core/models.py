"""Shared models: base model, the keyed, hash-chained audit log, translations of staff texts, feedback."""

import hashlib
import hmac
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


def audit_mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


class AuditEntry(models.Model):
    """One state change in the audit log (Prüfprotokoll), sealed with the audit key and chained.

    ``mac`` seals the entry's content when it is written (HMAC-SHA256 with ``AUDIT_KEY``, which is kept outside
    the database); right after the writing transaction commits, ``audit_seal`` gives the entry its place in the
    chain (``sequence``) and a keyed ``hash`` over its place, the previous hash and its ``mac``. Only fields that
    never change after writing are covered: the actor appears as ``actor_ref``, a keyed pseudonym of the user id,
    so deleting the account (``actor`` becomes empty) leaves the chain valid. ``verify_audit`` recomputes it.
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_ref = models.CharField(_("actor reference"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)
    mac = models.CharField(_("content seal"), max_length=64)
    sequence = models.PositiveBigIntegerField(_("position in the chain"), null=True, blank=True, unique=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_history"),
            # Small: only entries waiting to be chained, found after every commit.
            models.Index(fields=["id"], condition=models.Q(sequence__isnull=True), name="audit_unchained"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.action} {self.object_type}#{self.object_id}"

    def content(self) -> str:
        """The entry's own content as canonical JSON: everything written once and never changed."""
        return json.dumps(
            {
                "created_at": self.created_at.isoformat(),
                "actor": self.actor_ref,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "data": self.data,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )

    def compute_mac(self, key: bytes) -> str:
        return audit_mac(key, self.content())

    def compute_hash(self, key: bytes) -> str:
        return audit_mac(key, f"{self.sequence}:{self.previous_hash}:{self.mac}")


class TranslationState(models.TextChoices):
    MACHINE = "machine", _("Machine-translated")
    CHECKED = "checked", _("Checked by a person")


class ContentTranslation(TimeStampedModel):
    """A staff-written text in another language (Übersetzung): any model's field, one row per language.

    Models list their translatable fields in ``translatable_fields``; a missing row falls back to German.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
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
