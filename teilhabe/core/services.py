"""Writes shared by all apps: the audit log and accessibility feedback."""

import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from teilhabe.core.cache_versions import content_version_bump
from teilhabe.core.errors import ApplicationError
from teilhabe.core.mail import send_localised_mail
from teilhabe.core.models import AccessibilityFeedback, AuditEntry, ContentTranslation, audit_mac
from teilhabe.core.text import clean_plain_text

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
_AUDIT_LOCK_KEY = 74201  # any constant; serialises sealing across processes on PostgreSQL
_SEAL_BATCH = 1000
CHECKPOINT_FILE = "checkpoints.jsonl"


class AuditChainBroken(Exception):
    """The audit log no longer verifies: an operator must look (never shown to visitors)."""


@dataclass(frozen=True)
class AuditHead:
    """How far the chain reaches: its number of entries and the hash of the newest."""

    count: int
    hash: str


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    count: int  # entries whose seal was checked (chained and still pending)
    broken: int | None  # id of the first entry that fails
    head: AuditHead
    pending: int  # entries written but not chained yet
    problem: str = ""


def _audit_key() -> bytes:
    return settings.AUDIT_KEY.encode("utf-8")


def audit_actor_ref(user) -> str:
    """A user's stable pseudonym in the audit log (empty for anonymous visitors); survives account deletion."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return audit_mac(_audit_key(), f"user:{user.pk}")


def _chain_lock(*, asynchronous_commit: bool = False) -> bool:
    """Try to take the lock that orders the chain, held until the current transaction ends; never waits.

    On PostgreSQL an advisory lock; SQLite runs one writing transaction at a time, so it is always held there.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        # A sealing transaction may commit asynchronously: its entries are durable already, and a seal lost in a
        # crash is simply made again.
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s), set_config('synchronous_commit', %s, true)",
            [_AUDIT_LOCK_KEY, "off" if asynchronous_commit else "on"],
        )
        return cursor.fetchone()[0]


def _chain(entry: AuditEntry, head: AuditHead, key: bytes) -> None:
    entry.sequence, entry.previous_hash = head.count + 1, head.hash
    entry.hash = entry.compute_hash(key)


class ManyRows:
    """Stands for many rows of one table in a single audit entry (object id "*"): a bulk action's ``obj``."""

    def __init__(self, model):
        self._meta = model._meta
        self.pk = "*"


def audit_record(*, actor, action: str, obj, data: dict | None = None) -> AuditEntry:
    """Write one entry, sealed with the audit key, in the caller's transaction, and chain it.

    One lock orders the chain (one chain, never a fork; ``sequence`` is unique, too), but no writer waits for
    it: if it is free, the entry is chained at once (the lock then lasts until the caller's commit); if another
    transaction holds it, the entry is written unchained and ``audit_seal`` chains it after the commit, or the
    holder does, in a batch, after releasing the lock.
    """
    key = _audit_key()
    authenticated = getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_ref=audit_actor_ref(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
    entry.mac = entry.compute_mac(key)
    with transaction.atomic():
        if _chain_lock():
            _chain(entry, audit_head(), key)
        entry.save()
    transaction.on_commit(audit_seal, robust=True)  # a failure is logged; housekeeping chains what is left
    return entry


def audit_seal() -> int:
    """Chain every committed entry not chained yet; returns how many. Safe to call any time, from any process.

    Whoever releases the chain's lock looks for unchained entries again afterwards, so an entry written while
    the lock was taken is chained by the holder's next batch; a sealer that finds the lock taken returns at once.
    (Called inside a transaction, as tests do, the lock lasts until that commits; housekeeping chains leftovers.)
    """
    key = _audit_key()
    sealed, skipped = 0, set()
    while AuditEntry.objects.filter(sequence__isnull=True).exclude(pk__in=skipped).exists():
        with transaction.atomic():
            if not _chain_lock(asynchronous_commit=True):
                return sealed
            head = audit_head()
            unsealed = AuditEntry.objects.filter(sequence__isnull=True).exclude(pk__in=skipped)
            chained = []
            for entry in unsealed.order_by("id")[:_SEAL_BATCH]:
                if not hmac.compare_digest(entry.mac, entry.compute_mac(key)):
                    logger.error("Audit entry %s does not match its seal and is left out of the chain.", entry.pk)
                    skipped.add(entry.pk)
                    continue
                _chain(entry, head, key)
                head = AuditHead(entry.sequence, entry.hash)
                chained.append(entry)
            AuditEntry.objects.bulk_update(chained, ["sequence", "previous_hash", "hash"])
        sealed += len(chained)
    return sealed


def audit_head() -> AuditHead:
    """The chain's head now: count and newest hash (what a frozen report prints, and a checkpoint records)."""
    last = AuditEntry.objects.filter(sequence__isnull=False).order_by("-sequence").only("sequence", "hash").first()
    return AuditHead(last.sequence, last.hash) if last else AuditHead(0, GENESIS_HASH)


def audit_check(*, checkpoint: AuditHead | None = None) -> AuditReport:
    """Recompute every entry's seal and the chain; with a checkpoint, also prove the chain still reaches it."""
    key = _audit_key()
    previous, count = GENESIS_HASH, 0

    def failed(entry, problem):
        return AuditReport(False, count, entry.pk, AuditHead(count, previous), pending, problem)

    pending = 0
    chain = AuditEntry.objects.filter(sequence__isnull=False).order_by("sequence")
    for entry in chain.iterator(chunk_size=2000):
        if entry.sequence != count + 1 or entry.previous_hash != previous:
            return failed(entry, "an entry before it is missing")
        if not hmac.compare_digest(entry.mac, entry.compute_mac(key)):
            return failed(entry, "its content was changed")
        if not hmac.compare_digest(entry.hash, entry.compute_hash(key)):
            return failed(entry, "its place in the chain was changed")
        if checkpoint and entry.sequence == checkpoint.count and entry.hash != checkpoint.hash:
            return failed(entry, f"it differs from the checkpoint's entry #{checkpoint.count}")
        previous, count = entry.hash, count + 1
    head = AuditHead(count, previous)
    for entry in AuditEntry.objects.filter(sequence__isnull=True).order_by("id").iterator(chunk_size=2000):
        if not hmac.compare_digest(entry.mac, entry.compute_mac(key)):
            return AuditReport(False, count + pending, entry.pk, head, pending, "its content was changed")
        pending += 1
    if checkpoint and count < checkpoint.count:
        problem = f"the chain ends at entry #{count}, before the checkpoint's entry #{checkpoint.count}"
        return AuditReport(False, count + pending, None, head, pending, problem)
    return AuditReport(True, count + pending, None, head, pending)


def audit_verify() -> tuple[bool, int, int | None]:
    """Recompute the chain. Returns (ok, entries checked, id of the first broken entry)."""
    report = audit_check()
    return report.ok, report.count, report.broken


def audit_checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE


def audit_checkpoint_latest() -> AuditHead | None:
    """The newest checkpoint written outside the database, if any."""
    path = audit_checkpoint_path()
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    record = json.loads(lines[-1])
    return AuditHead(int(record["count"]), record["hash"])


def audit_checkpoint_write() -> AuditReport:
    """Chain what is pending, verify against the newest checkpoint and, if intact, append the head to the file.

    Idempotent: an unchanged head is not written again. A broken chain is never checkpointed.
    """
    audit_seal()
    latest = audit_checkpoint_latest()
    report = audit_check(checkpoint=latest)
    if report.ok and report.head != latest and report.head.count > 0:
        path = audit_checkpoint_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"count": report.head.count, "hash": report.head.hash, "time": timezone.now().isoformat()}
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")
            file.flush()
            os.fsync(file.fileno())
    return report


def audit_checkpoint_job() -> None:
    """Housekeeping job: checkpoint the audit chain; fails loudly when the chain is broken."""
    report = audit_checkpoint_write()
    if not report.ok:
        raise AuditChainBroken(f"Audit chain broken at entry {report.broken}: {report.problem}.")


def accessibility_feedback_recipients():
    """Who handles barrier reports: holders of the permission to handle them in the admin (the coordinator
    group), or, while nobody holds it (a fresh deployment), the superusers."""
    users = get_user_model().objects.filter(is_active=True)
    holders = users.filter(
        models.Q(groups__permissions__codename="change_accessibilityfeedback")
        | models.Q(user_permissions__codename="change_accessibilityfeedback"),
    ).distinct()
    return holders if holders.exists() else users.filter(is_superuser=True)


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
    recipients = accessibility_feedback_recipients()

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


@transaction.atomic
def content_translation_set(*, obj, field: str, language: str, text: str, state: str, actor=None) -> None:
    """Store the translation of one staff-written text (replacing an earlier one), audited."""
    if field not in getattr(obj, "translatable_fields", ()):
        raise ApplicationError(f"{type(obj).__name__}.{field} is not translatable")
    translation, created = ContentTranslation.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        language=language,
        defaults={"text": text, "state": state},
    )
    audit_record(
        actor=actor,
        action="content_translation.added" if created else "content_translation.changed",
        obj=translation,
        data={"object": f"{obj._meta.label_lower}:{obj.pk}", "field": field, "language": language, "state": state},
    )
    content_version_bump()
