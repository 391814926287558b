"""Signed tree heads published outside the database, and what they catch: a log cut back
to an older head row (MACs and all) passes the log's own check but not `audit verify`;
inclusion and consistency proofs from the stored tree; the public endpoints."""

from __future__ import annotations

import json
import stat
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from onestop.core import databases, merkle
from onestop.core.actors import Actor
from onestop.core.audit import prune_audit_log, record_action, verify_audit_log
from onestop.core.crypto import audit_head_key
from onestop.core.errors import Conflict
from onestop.core.models import AuditEntry, AuditLogHead, AuditTreeNode, SignedTreeHead
from onestop.core.tasks import publish_audit_heads, recurring_tasks
from onestop.core.tests.helpers import TestAudit
from onestop.core.transparency import (
    consistency,
    inclusion_proof,
    latest_head,
    public_key,
    publish_heads,
)
from onestop.core.treeheads import TreeHead, check_inclusion_proof, unb64

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]

CHAIN = "default"  # the chain of the platform's database


def _record(count: int, alias: str = databases.PLATFORM) -> list[AuditEntry]:
    entries = []
    with databases.using(alias):
        for n in range(count):
            with databases.atomic():
                entries.append(
                    record_action(actor=Actor.system("t"), action=TestAudit.STEP, object_id=str(n))
                )
    return entries


def _lines() -> list[dict[str, Any]]:
    path = Path(settings.ONESTOP_AUDIT_HEADS_FILE)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _published(chain: str = CHAIN) -> dict[str, Any]:
    publications = {p.chain: p for p in publish_heads()}
    assert publications[chain].published, publications[chain]
    return _lines()[-1]


def _leaves() -> list[bytes]:
    return [
        bytes.fromhex(h) for h in AuditEntry.objects.order_by("sequence").values_list("leaf_hash", flat=True)
    ]


def _roll_back(to: dict[str, Any], first_removed: int) -> None:
    """What the attack does: delete the newest entries and put back the head row as it
    was before them, MACs included (nothing here needs the audit key)."""
    AuditEntry.objects.filter(sequence__gte=first_removed).delete()
    AuditLogHead.objects.filter(pk=1).update(**{k: v for k, v in to.items() if k != "id"})


def _head_row() -> dict[str, Any]:
    return AuditLogHead.objects.values().get(pk=1)


# --- publishing ---------------------------------------------------------------------------


def test_publishing_signs_each_grown_chain_once_into_the_append_only_file() -> None:
    _record(3)
    before = int(timezone.now().timestamp() * 1000)
    line = _published()
    after = int(timezone.now().timestamp() * 1000)
    size = AuditLogHead.objects.get(pk=1).next_sequence
    head = TreeHead.from_json(line)
    assert (head.chain, head.tree_size) == (CHAIN, size)
    assert head.root == merkle.mth(_leaves())
    assert head.signature_valid(public_key())
    assert before <= head.timestamp <= after  # milliseconds, as RFC 6962 counts
    assert SignedTreeHead.objects.using("default").filter(chain=CHAIN, tree_size=size).count() == 1

    again = {p.chain: p for p in publish_heads()}
    assert not again[CHAIN].published and again[CHAIN].head == head  # nothing grew
    assert [line for line in _lines() if line["chain"] == CHAIN] == [line]

    _record(1)
    assert TreeHead.from_json(_published()).tree_size == size + 1
    assert [line["tree_size"] for line in _lines() if line["chain"] == CHAIN] == [size, size + 1]


def test_a_log_cut_back_to_an_older_head_row_fails_verification() -> None:
    _record(2)
    before = _head_row()  # the head row with its MACs, as a backup would hold it
    newest = _record(3)
    published = _published()
    call_command("audit", "verify")

    _roll_back(before, newest[0].sequence)

    # The log's own check cannot tell: that was all `audit verify` did before heads were
    # published.
    assert verify_audit_log().ok
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    message = str(failure.value)
    assert f"the log holds {newest[0].sequence} entries, but a head of {published['tree_size']}" in message
    assert str(settings.ONESTOP_AUDIT_HEADS_FILE) in message
    # Nor does the publisher sign the shorter log.
    refused = {p.chain: p for p in publish_heads()}[CHAIN]
    assert not refused.published and "rolled back" in refused.refused


def test_a_log_rolled_back_and_grown_again_fails_at_the_published_size() -> None:
    _record(2)
    before = _head_row()
    newest = _record(2)
    published = _published()
    _roll_back(before, newest[0].sequence)
    _record(3)  # the platform goes on writing: the log is longer than the published head

    assert verify_audit_log().ok
    with pytest.raises(
        CommandError, match=f"root at {published['tree_size']} entries is not the published one"
    ):
        call_command("audit", "verify")
    refused = {p.chain: p for p in publish_heads()}[CHAIN]
    assert "no longer extends" in refused.refused


def test_a_forged_or_damaged_head_fails_verification() -> None:
    _record(2)
    line = _published()
    path = Path(settings.ONESTOP_AUDIT_HEADS_FILE)
    # A head claiming a shorter log, keeping the real signature.
    forged = {**line, "tree_size": line["tree_size"] - 1}
    with path.open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="does not carry a valid signature"):
        call_command("audit", "verify")


def test_a_line_torn_by_a_crash_is_left_alone_and_the_next_head_starts_a_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _record(1)
    line = _published()
    path = Path(settings.ONESTOP_AUDIT_HEADS_FILE)
    with path.open("a") as handle:
        handle.write(json.dumps(line)[:40])  # the write a crash cut short
    _record(1)
    assert {p.chain: p for p in publish_heads()}[CHAIN].published
    lines = path.read_text().splitlines()
    assert lines[-2] == json.dumps(line)[:40] and json.loads(lines[-1])["tree_size"] == line["tree_size"] + 1
    call_command("audit", "verify")
    assert "1 unreadable record(s) of heads skipped" in capsys.readouterr().out


def test_the_second_store_alone_still_catches_the_rollback(settings: Any) -> None:
    settings.ONESTOP_AUDIT_HEADS_DATABASE = "cell1"
    _record(1)
    before = _head_row()
    newest = _record(2)
    _published()
    assert SignedTreeHead.objects.using("cell1").filter(chain=CHAIN).count() == 1
    # The attacker also removes the heads file and the platform's copy.
    Path(settings.ONESTOP_AUDIT_HEADS_FILE).unlink()
    SignedTreeHead.objects.using("default").all().delete()
    _roll_back(before, newest[0].sequence)
    with pytest.raises(CommandError, match="database cell1"):
        call_command("audit", "verify")


def test_a_witness_is_told_and_one_that_is_down_does_not_stop_publishing(settings: Any) -> None:
    with _Witness() as witness:
        settings.ONESTOP_AUDIT_WITNESS_URL = witness.url
        _record(1)
        line = _published()
    assert witness.received == [line]
    settings.ONESTOP_AUDIT_WITNESS_URL = witness.url  # closed now
    _record(1)
    publication = {p.chain: p for p in publish_heads()}[CHAIN]
    assert publication.published and "witness" in publication.warnings[0]


def test_a_head_row_that_fails_its_mac_is_not_signed() -> None:
    _record(1)
    AuditLogHead.objects.filter(pk=1).update(next_sequence=AuditLogHead.objects.get(pk=1).next_sequence + 5)
    publication = {p.chain: p for p in publish_heads()}[CHAIN]
    assert not publication.published and "does not verify" in publication.refused
    assert not [line for line in _lines() if line["chain"] == CHAIN]


def test_the_task_publishes_and_keeps_one_run_scheduled() -> None:
    _record(1)
    assert publish_audit_heads.func()["published"] >= 1
    assert publish_audit_heads.func()["published"] == 0
    waiting = DBTaskResult.objects.filter(task_path=publish_audit_heads.module_path, status="READY")
    assert waiting.count() == 1
    assert publish_audit_heads in recurring_tasks()


def test_the_signing_key_is_made_once_in_its_file(settings: Any, tmp_path: Path) -> None:
    settings.ONESTOP_AUDIT_HEAD_KEY_PATH = tmp_path / "keys" / "audit-head.pem"
    key = audit_head_key()
    path = Path(settings.ONESTOP_AUDIT_HEAD_KEY_PATH)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and b"PRIVATE KEY" in path.read_bytes()
    assert isinstance(key, Ed25519PrivateKey)
    from onestop.core.crypto import reset_key_cache

    reset_key_cache()
    assert audit_head_key().public_key() == key.public_key()  # read back, not made again


# --- the stored tree and its proofs -------------------------------------------------------


def test_proofs_from_the_stored_tree_are_the_rfc_ones() -> None:
    _record(300)  # beyond one kept subtree of 256 leaves, whatever the log held before
    line = _published()
    size = line["tree_size"]
    assert AuditTreeNode.objects.filter(level=8).count() == size // 256
    leaves = _leaves()
    in_memory = merkle.subtrees_of(leaves)
    root = unb64(line["sha256_root_hash"])
    for sequence in {0, 1, 255, 256, size // 2, size - 2, size - 1}:
        proof = inclusion_proof(CHAIN, sequence)
        assert [unb64(n) for n in proof["audit_path"]] == merkle.inclusion_path(sequence, size, in_memory)
        assert check_inclusion_proof(proof, public_key()).ok
    _record(5)
    second = _published()["tree_size"]
    for first in {1, 256, size - 1, size}:
        nodes = consistency(CHAIN, first, second)
        assert nodes == merkle.consistency_proof(first, second, merkle.subtrees_of(_leaves()))
    assert merkle.verify_consistency(
        size,
        second,
        root,
        unb64(_lines()[-1]["sha256_root_hash"]),
        consistency(CHAIN, size, second),
    )


def test_a_changed_kept_subtree_is_ignored_and_its_leaves_read_instead() -> None:
    _record(300)
    size = _published()["tree_size"]
    for node in AuditTreeNode.objects.all():  # without the audit key, no MAC to match
        AuditTreeNode.objects.filter(pk=node.pk).update(hash="00" * 32)
    for sequence in (0, 255, size - 1):
        assert check_inclusion_proof(inclusion_proof(CHAIN, sequence), public_key()).ok
    _record(1)
    line = _published()  # indexing starts over from the leaves, and mends the kept nodes
    assert not AuditTreeNode.objects.filter(hash="00" * 32).exists()
    assert check_inclusion_proof(inclusion_proof(CHAIN, line["tree_size"] - 1), public_key()).ok


def test_proofs_after_pruning_still_reach_the_signed_head() -> None:
    entries = _record(20)
    old = timezone.now() - timedelta(days=400)
    cut = entries[9].sequence
    AuditEntry.objects.filter(sequence__lte=cut).update(occurred_at=old)
    assert prune_audit_log(older_than_days=180) == cut + 1
    line = _published()
    for entry in entries[10:]:
        assert check_inclusion_proof(inclusion_proof(CHAIN, entry.sequence), public_key()).ok
    assert inclusion_proof(CHAIN, cut + 1)["leaf_index"] == cut + 1
    assert line["tree_size"] == entries[-1].sequence + 1


def test_an_entry_is_proved_only_once_a_published_head_holds_it() -> None:
    _record(1)
    _published()
    newest = _record(1)[0]
    with pytest.raises(Conflict) as refused:
        inclusion_proof(CHAIN, newest.sequence)
    assert refused.value.code == "audit_proof_not_yet_published"
    with translation.override("en"):
        assert "after the audit log's next publication" in str(refused.value.message)
    _published()
    assert inclusion_proof(CHAIN, newest.sequence)["leaf_index"] == newest.sequence


# --- checking a proof, by anyone ----------------------------------------------------------


@pytest.fixture
def proof_file(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    entry = _record(1)[0]
    _published()
    proof = inclusion_proof(CHAIN, entry.sequence)
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof, ensure_ascii=False))
    return path, proof


def test_check_proof_accepts_a_proof_and_refuses_a_changed_one(
    proof_file: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, proof = proof_file
    call_command("audit", "check-proof", str(path))
    assert f"proof OK: entry {proof['leaf_index']} is in audit chain {CHAIN}" in capsys.readouterr().out
    # The platform's key given explicitly, as anyone would take it from /audit/key.
    key = Client().get("/audit/key").json()["public_key"]
    call_command("audit", "check-proof", str(path), public_key=key)

    changed = {**proof, "leaf_data": proof["leaf_data"].replace("test.step", "test.other")}
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    with pytest.raises(CommandError, match="not in the signed tree at this index"):
        call_command("audit", "check-proof", str(tmp_path / "changed.json"))
    other = Ed25519PrivateKey.generate().public_key()
    assert "signature does not verify" in check_inclusion_proof(proof, other).problem


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: {**p, "format": "other"}, "not an audit inclusion proof"),
        (lambda p: {**p, "leaf_index": p["tree_head"]["tree_size"]}, "not in the signed tree"),
        (lambda p: {**p, "leaf_index": True}, "not in the signed tree"),
        (lambda p: {**p, "chain": "cell1"}, "different chains"),
        (lambda p: {**p, "audit_path": ["not base64!"]}, "audit path is malformed"),
        (
            lambda p: {**p, "audit_path": [*p["audit_path"], p["tree_head"]["sha256_root_hash"]]},
            "not in the signed tree",
        ),
        (lambda p: {**p, "tree_head": {**p["tree_head"], "tree_size": -1}}, "tree head is malformed"),
        (
            lambda p: {**p, "tree_head": {**p["tree_head"], "timestamp": p["tree_head"]["timestamp"] + 1}},
            "signature does not verify",
        ),
        (lambda p: {k: v for k, v in p.items() if k != "leaf_data"}, "missing"),
        (lambda p: [p], "not an audit inclusion proof"),
    ],
)
def test_check_proof_names_what_is_wrong(
    proof_file: tuple[Path, dict[str, Any]], change: Any, problem: str
) -> None:
    _path, proof = proof_file
    check = check_inclusion_proof(change(proof), public_key())
    assert not check.ok and problem in check.problem


def test_a_proof_holds_the_entry_exactly_as_hashed(proof_file: tuple[Path, dict[str, Any]]) -> None:
    _path, proof = proof_file
    entry = AuditEntry.objects.get(sequence=proof["leaf_index"])
    assert merkle.leaf_hash(proof["leaf_data"].encode()).hex() == entry.leaf_hash
    assert json.loads(proof["leaf_data"])["action"] == "test.step"


# --- the public endpoints -----------------------------------------------------------------


def test_the_public_endpoints_need_no_login_and_may_be_cached() -> None:
    anyone = Client()
    key = anyone.get("/audit/key")
    assert key.status_code == 200 and key["Cache-Control"] == "public, max-age=3600"
    assert key.json()["algorithm"] == "Ed25519" and "BEGIN PUBLIC KEY" in key.json()["public_key_pem"]
    assert anyone.get("/audit/sth/default").json()["code"] == "audit_chain_not_found"  # nothing yet

    _record(2)
    line = _published()
    heads = anyone.get("/audit/sth")
    assert heads.status_code == 200 and heads["Cache-Control"] == "public, max-age=60"
    assert line in heads.json()["tree_heads"]
    assert anyone.get("/audit/sth/default").json() == line
    assert TreeHead.from_json(line).key_id == key.json()["key_id"]

    _record(3)
    second = _published()
    answer = anyone.get(
        "/audit/consistency/default", {"first": line["tree_size"], "second": second["tree_size"]}
    )
    assert answer.status_code == 200
    nodes = [unb64(n) for n in answer.json()["consistency"]]
    assert merkle.verify_consistency(
        line["tree_size"],
        second["tree_size"],
        unb64(line["sha256_root_hash"]),
        unb64(second["sha256_root_hash"]),
        nodes,
    )


@pytest.mark.parametrize(
    ("path", "query", "status", "code"),
    [
        ("/audit/sth/nowhere", {}, 404, "audit_chain_not_found"),
        ("/audit/sth/..", {}, 404, "audit_chain_not_found"),
        ("/audit/consistency/nowhere", {"first": 1, "second": 2}, 404, "audit_chain_not_found"),
        ("/audit/consistency/default", {"first": "x", "second": 2}, 422, "invalid_parameter"),
        ("/audit/consistency/default", {"first": 2, "second": 1}, 422, "invalid_parameter"),
        ("/audit/consistency/default", {"first": 0, "second": 1}, 422, "invalid_parameter"),
        ("/audit/consistency/default", {"first": 1, "second": 10**12}, 422, "invalid_parameter"),
    ],
)
def test_the_public_endpoints_refuse_bad_input_with_a_code(
    path: str, query: dict[str, Any], status: int, code: str
) -> None:
    _record(2)
    _published()
    answer = Client().get(path, query)
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_a_chain_on_another_database_is_published_under_its_own_name() -> None:
    _record(2, alias="cell1")
    publications = {p.chain: p for p in publish_heads()}
    assert publications["cell1"].published
    head = latest_head("cell1")
    assert head is not None
    with databases.using("cell1"):
        assert head.tree_size == AuditLogHead.objects.get(pk=1).next_sequence
    call_command("audit", "verify")


class _Witness:
    """An HTTP server on 127.0.0.1 that keeps the heads posted to it."""

    def __init__(self) -> None:
        received: list[Any] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/heads"

    def __enter__(self) -> _Witness:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
