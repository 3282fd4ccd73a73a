"""Writes shared by all apps: the audit log."""

from django.db import connection, transaction
from django.utils import timezone

from teilhabe.core.models import AuditEntry

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
