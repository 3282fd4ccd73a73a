"""Writes shared by all apps: the audit log and accessibility feedback."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from teilhabe.core.errors import ApplicationError
from teilhabe.core.mail import send_localised_mail
from teilhabe.core.models import AccessibilityFeedback, AuditEntry, ContentTranslation
from teilhabe.core.text import clean_plain_text

GENESIS_HASH = "0" * 64
_AUDIT_LOCK_KEY = 74201  # any constant; serialises chain appends across processes on PostgreSQL


def audit_record(*, actor, action: str, obj, data: dict | None = None) -> AuditEntry:
    """Append one entry to the hash chain. Call inside the service's transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").only("hash").first()
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            data=data or {},
            previous_hash=last.hash if last else GENESIS_HASH,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        return entry


def audit_verify() -> tuple[bool, int, int | None]:
    """Recompute the chain. Returns (ok, entries checked, id of the first broken entry)."""
    previous = GENESIS_HASH
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != previous or entry.compute_hash() != entry.hash:
            return False, count, entry.id
        previous = entry.hash
        count += 1
    return True, count, None


@transaction.atomic
def accessibility_feedback_submit(
    *, message: str, page_url: str = "", name: str = "", email: str = "", language: str = ""
):
    """Store a report of a barrier and tell the coordinators, each in their own language."""
    message = clean_plain_text(message)
    if not message:
        raise ApplicationError(field_errors={"message": gettext_lazy("Please describe the barrier.")})
    feedback = AccessibilityFeedback.objects.create(
        message=message,
        page_url=clean_plain_text(page_url)[:500],
        name=clean_plain_text(name)[:120],
        email=email.strip().lower(),
        language=language[:8],
    )
    audit_record(actor=None, action="accessibility_feedback.received", obj=feedback)
    recipients = get_user_model().objects.filter(groups__name="coordinator", is_active=True).distinct()

    def notify():
        for coordinator in recipients:
            send_localised_mail(
                to=[coordinator.email],
                language=coordinator.preferred_language,
                subject=gettext_lazy("New feedback on accessibility"),
                template="core/email/accessibility_feedback",
                context={"feedback": feedback},
            )

    transaction.on_commit(notify)
    return feedback


def content_translation_set(*, obj, field: str, language: str, text: str, state: str) -> None:
    """Store the translation of one staff-written text (replacing an earlier one)."""
    if field not in getattr(obj, "translatable_fields", ()):
        raise ApplicationError(f"{type(obj).__name__}.{field} is not translatable")
    ContentTranslation.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        language=language,
        defaults={"text": text, "state": state},
    )
