"""The audit log: keyed seals, the chain, its outside checkpoint, and the attacks each of them catches."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from teilhabe.core import services
from teilhabe.core.models import AuditEntry
from teilhabe.core.services import (
    GENESIS_HASH,
    AuditHead,
    audit_actor_ref,
    audit_check,
    audit_checkpoint_latest,
    audit_checkpoint_path,
    audit_head,
    audit_record,
    audit_seal,
    audit_verify,
)


def record(obj, actor=None, n=0):
    return audit_record(actor=actor, action=f"test.{n}", obj=obj, data={"n": n})


@pytest.fixture
def clean_log(process, participant):
    """Start from an empty log, whatever the fixtures' own set-up has audited."""
    AuditEntry.objects.all().delete()


@pytest.fixture
def chain(clean_log, process, participant):
    entries = [record(process, participant, n) for n in range(4)]
    audit_seal()
    return [AuditEntry.objects.get(pk=entry.pk) for entry in entries]


def test_entries_are_chained_as_they_are_written(clean_log, process, participant):
    first, second = record(process, participant, 0), record(process, participant, 1)
    assert (first.sequence, first.previous_hash) == (1, GENESIS_HASH)
    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert audit_head() == AuditHead(2, second.hash)
    assert audit_verify() == (True, 2, None)


def test_an_entry_written_while_another_holds_the_lock_is_chained_after_the_commit(
    clean_log, process, participant, monkeypatch, django_capture_on_commit_callbacks
):
    # The writer finds the chain's lock taken; the sealer after the commit gets it.
    monkeypatch.setattr(services, "_chain_lock", lambda *, asynchronous_commit=False: asynchronous_commit)
    with django_capture_on_commit_callbacks(execute=True):
        entry = record(process, participant, 0)
        assert entry.sequence is None and audit_check().pending == 1
    entry.refresh_from_db()
    assert entry.sequence == 1 and audit_check() == services.AuditReport(True, 1, None, AuditHead(1, entry.hash), 0)


def test_entries_chain_by_keyed_hash(chain, settings):
    assert [entry.sequence for entry in chain] == [1, 2, 3, 4]
    assert all(later.previous_hash == earlier.hash for earlier, later in zip(chain, chain[1:], strict=False))
    assert audit_verify() == (True, 4, None)
    settings.AUDIT_KEY = "another-key-" + "x" * 30  # without the right key nothing verifies
    assert audit_verify() == (False, 0, chain[0].pk)


def test_in_place_edit_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[2].pk).update(data={"n": 99})
    assert audit_verify() == (False, 2, chain[2].pk)
    with pytest.raises(CommandError, match=f"broken at entry {chain[2].pk}: its content was changed"):
        call_command("verify_audit")


def test_middle_delete_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[1].pk).delete()
    assert audit_verify() == (False, 1, chain[2].pk)
    with pytest.raises(CommandError, match="an entry before it is missing"):
        call_command("verify_audit")


def test_tail_delete_after_a_checkpoint_is_detected(chain, capsys):
    call_command("verify_audit", "--checkpoint")
    assert audit_checkpoint_latest() == AuditHead(4, chain[3].hash)
    AuditEntry.objects.filter(pk__in=[chain[2].pk, chain[3].pk]).delete()
    assert audit_verify()[0]  # what is left is a valid chain by itself ...
    with pytest.raises(CommandError, match="ends at entry #2, before the checkpoint's entry #4"):
        call_command("verify_audit")  # ... but it no longer reaches the checkpoint


def test_rehash_after_edit_is_detected(chain):
    """An attacker without the key edits an entry and recomputes every seal and hash with plain SHA-256."""
    AuditEntry.objects.filter(pk=chain[1].pk).update(data={"n": 42})
    previous = chain[0].hash
    for entry in AuditEntry.objects.filter(pk__in=[e.pk for e in chain[1:]]).order_by("sequence"):
        entry.mac = hashlib.sha256(entry.content().encode()).hexdigest()
        entry.previous_hash = previous
        entry.hash = previous = hashlib.sha256(f"{entry.sequence}:{previous}:{entry.mac}".encode()).hexdigest()
        entry.save()
    assert audit_verify() == (False, 1, chain[1].pk)


def test_replacing_the_checkpointed_head_is_detected(chain, process):
    call_command("verify_audit", "--checkpoint")
    AuditEntry.objects.filter(pk=chain[3].pk).delete()
    record(process, None, 7)  # a fresh, properly sealed entry takes the deleted one's place #4
    audit_seal()
    report = audit_check(checkpoint=audit_checkpoint_latest())
    assert not report.ok and "differs from the checkpoint's entry #4" in report.problem


def test_a_forged_entry_is_never_chained(chain, process):
    forged = AuditEntry.objects.create(
        created_at=timezone.now(), action="test.forged", object_type="x", object_id="1", mac="0" * 64
    )
    assert audit_seal() == 0
    forged.refresh_from_db()
    assert forged.sequence is None
    assert audit_verify() == (False, 4, forged.pk)


def test_verify_prints_the_head_and_checkpoint_is_an_outside_file(chain, capsys):
    call_command("verify_audit")
    assert f"Audit chain intact: 4 entries, head {chain[3].hash}." in capsys.readouterr().out
    call_command("verify_audit", "--checkpoint")
    call_command("verify_audit", "--checkpoint")  # unchanged head: not written twice
    lines = audit_checkpoint_path().read_text().splitlines()
    assert len(lines) == 1
    checkpoint = json.loads(lines[0])
    assert (checkpoint["count"], checkpoint["hash"]) == (4, chain[3].hash) and checkpoint["time"]
    assert "Reaches the checkpoint at entry #4" in capsys.readouterr().out


def test_a_broken_chain_is_never_checkpointed(chain):
    AuditEntry.objects.filter(pk=chain[3].pk).update(action="test.changed")
    with pytest.raises(CommandError):
        call_command("verify_audit", "--checkpoint")
    assert audit_checkpoint_latest() is None


def test_deleting_a_user_leaves_the_chain_valid(chain, participant):
    reference = chain[0].actor_ref
    assert reference == audit_actor_ref(participant) and len(reference) == 64 and reference != str(participant.pk)
    participant.delete()
    assert AuditEntry.objects.get(pk=chain[0].pk).actor_id is None
    assert audit_verify() == (True, 4, None)
    call_command("verify_audit")


def test_per_object_history_has_an_index(db):
    constraints = connection.introspection.get_constraints(connection.cursor(), AuditEntry._meta.db_table)
    assert any(c["index"] and c["columns"] == ["object_type", "object_id"] for c in constraints.values())
