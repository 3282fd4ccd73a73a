import pytest
from django.core.management import CommandError, call_command

from teilhabe.core.models import AuditEntry
from teilhabe.core.services import GENESIS_HASH, audit_record, audit_verify


@pytest.fixture
def chain(process, participant):
    return [audit_record(actor=participant, action=f"test.{n}", obj=process, data={"n": n}) for n in range(4)]


def test_entries_chain_by_hash(chain):
    assert chain[0].previous_hash == GENESIS_HASH
    assert all(later.previous_hash == earlier.hash for earlier, later in zip(chain, chain[1:], strict=False))
    assert audit_verify() == (True, 4, None)


def test_changed_entry_breaks_the_chain(chain, capsys):
    AuditEntry.objects.filter(pk=chain[2].pk).update(data={"n": 99})
    assert audit_verify() == (False, 2, chain[2].pk)
    with pytest.raises(CommandError, match="broken at entry"):
        call_command("verify_audit")


def test_deleted_entry_breaks_the_chain(chain):
    AuditEntry.objects.filter(pk=chain[1].pk).delete()
    ok, _count, broken = audit_verify()
    assert not ok and broken == chain[2].pk


def test_verify_command_reports_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert "4 entries" in capsys.readouterr().out
