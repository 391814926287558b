"""The audit log: RFC 6962 hashing, and verification that names the first entry changed,
removed or reordered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from onestop.core import databases, merkle
from onestop.core.actors import Actor
from onestop.core.audit import prune_audit_log, record_action, verify_audit_log
from onestop.core.models import AuditEntry, AuditLogHead
from onestop.core.tests.helpers import TestAudit

pytestmark = pytest.mark.own_data  # builds its own data: no demo province

# Certificate Transparency's reference leaves and roots (RFC 6962 test vectors).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_rfc_6962_reference_vectors(size: int) -> None:
    assert merkle.root_of(LEAVES[:size]).hex() == ROOTS[size - 1]


def test_empty_tree_and_frontier_round_trip() -> None:
    assert merkle.root_of([]) == merkle.EMPTY_ROOT
    frontier = merkle.Frontier()
    for leaf in LEAVES[:5]:
        frontier.append(merkle.leaf_hash(leaf))
    assert merkle.Frontier.from_json(frontier.to_json()).root().hex() == ROOTS[4]


def _record(count: int) -> list[AuditEntry]:
    entries = []
    for n in range(count):
        with databases.atomic():
            entries.append(record_action(actor=Actor.system("t"), action=TestAudit.STEP, object_id=str(n)))
    return entries


@pytest.mark.django_db
def test_an_untouched_log_verifies() -> None:
    _record(3)
    result = verify_audit_log()
    assert result.ok and result.entries == AuditEntry.objects.count()


@pytest.mark.django_db
def test_a_changed_entry_is_named() -> None:
    entries = _record(5)
    AuditEntry.objects.filter(pk=entries[2].pk).update(outcome="denied")
    result = verify_audit_log()
    assert (result.problem, result.sequence) == ("changed", entries[2].sequence)


@pytest.mark.django_db
def test_a_change_with_a_recomputed_leaf_hash_is_still_caught() -> None:
    from onestop.core.audit import canonical_entry

    entries = _record(4)
    entry = AuditEntry.objects.get(pk=entries[1].pk)
    entry.detail = {"forged": True}
    entry.leaf_hash = merkle.leaf_hash(canonical_entry(entry)).hex()  # no key: the MAC stays old
    entry.save()
    result = verify_audit_log()
    assert (result.problem, result.sequence) == ("changed", entries[1].sequence)


@pytest.mark.django_db
def test_a_removed_entry_is_named() -> None:
    entries = _record(5)
    AuditEntry.objects.filter(pk=entries[3].pk).delete()
    result = verify_audit_log()
    assert (result.problem, result.sequence) == ("removed", entries[3].sequence)


@pytest.mark.django_db
def test_cutting_off_the_newest_entries_is_caught() -> None:
    entries = _record(3)
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    AuditLogHead.objects.filter(pk=1).update(next_sequence=entries[-1].sequence)
    result = verify_audit_log()
    assert (result.problem, result.sequence) == ("removed", entries[-1].sequence)


@pytest.mark.django_db
def test_reordered_entries_are_named() -> None:
    entries = _record(4)
    first, second = entries[1], entries[2]
    AuditEntry.objects.filter(pk=first.pk).update(sequence=-1)
    AuditEntry.objects.filter(pk=second.pk).update(sequence=first.sequence)
    AuditEntry.objects.filter(pk=first.pk).update(sequence=second.sequence)
    result = verify_audit_log()
    assert (result.problem, result.sequence) == ("reordered", first.sequence)


@pytest.mark.django_db
def test_the_verify_command_reports_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    entries = _record(2)
    call_command("audit", "verify")
    assert "audit log OK" in capsys.readouterr().out
    AuditEntry.objects.filter(pk=entries[0].pk).update(action="test.forged")
    with pytest.raises(CommandError, match=f"entry {entries[0].sequence} was changed"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_pruning_old_entries_keeps_the_rest_verifiable() -> None:
    entries = _record(6)
    old = timezone.now() - timedelta(days=400)
    AuditEntry.objects.filter(sequence__lte=entries[2].sequence).update(occurred_at=old)
    # Moving the date changes those entries: re-seal them as if written then (test only).
    assert verify_audit_log().problem == "changed"
    _reseal(list(AuditEntry.objects.filter(sequence__lte=entries[2].sequence)))
    assert verify_audit_log().ok
    expired = AuditEntry.objects.filter(sequence__lte=entries[2].sequence).count()
    assert prune_audit_log(older_than_days=180) == expired > 0
    assert not AuditEntry.objects.filter(sequence__lte=entries[2].sequence).exists()
    assert AuditEntry.objects.filter(sequence__gt=entries[2].sequence).count() == 3
    result = verify_audit_log()
    assert result.ok and result.entries == AuditEntry.objects.count()


def _reseal(entries: list[AuditEntry]) -> None:
    """Recompute the entries' hashes and MACs with the key, as record_action would have."""
    from onestop.core.audit import _leaf_mac, _root_mac, canonical_entry

    for entry in entries:
        leaf = merkle.leaf_hash(canonical_entry(entry))
        entry.leaf_hash, entry.entry_mac = leaf.hex(), _leaf_mac(leaf)
    AuditEntry.objects.bulk_update(entries, ["leaf_hash", "entry_mac"], batch_size=500)
    # Roots do not depend on the date, only on leaves: recompute the chain from the start.
    frontier = merkle.Frontier()
    rows = list(AuditEntry.objects.order_by("sequence"))
    for row in rows:
        frontier.append(bytes.fromhex(row.leaf_hash))
        row.root_mac = _root_mac("root", row.sequence, frontier.root())
    AuditEntry.objects.bulk_update(rows, ["root_mac"], batch_size=500)
    head = AuditLogHead.objects.get(pk=1)
    head.frontier = frontier.to_json()
    head.head_mac = _root_mac("head", head.next_sequence, frontier.root())
    head.save()
