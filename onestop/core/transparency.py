"""The audit chains seen from outside the database (ADR 4): their signed heads, published
where a rollback of the database cannot reach, the verification of each chain against
them, and the proofs anyone can check without trusting the platform.

Every database keeps one serialised audit chain; a chain is named after its database's
alias. Publishing signs the head of every chain that grew and appends it to the heads
file (``ONESTOP_AUDIT_HEADS_FILE``: JSON lines, opened with O_APPEND, fsync'd, never
rewritten), to the platform's copy (``SignedTreeHead``, read by the public endpoints and
the proofs), to a second database (``ONESTOP_AUDIT_HEADS_DATABASE``) and to a witness
(``ONESTOP_AUDIT_WITNESS_URL``) when they are set. Whatever proves how long a chain was
therefore lives outside the chain's database, and ``verify_chain`` fails when the log is
shorter than a published head, or its root at a published size is another.

Proofs read the chain's tree from its database (``StoredTree``): the leaf hashes, and the
complete subtrees of 256 leaves or more (``AuditTreeNode``) that publishing keeps, so an
audit path or a consistency proof costs a few dozen small queries at any size.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.core import databases, merkle
from onestop.core.audit import (
    LogHead,
    Verification,
    canonical_entry,
    read_log_head,
    verify_audit_log,
)
from onestop.core.crypto import audit_head_key, audit_mac
from onestop.core.errors import Conflict, CoreErrorCode, NotFound, OnestopError, ValidationFailed
from onestop.core.models import AuditEntry, AuditTreeNode, SignedTreeHead
from onestop.core.treeheads import (
    CHAIN_RE,
    TreeHead,
    b64,
    check_inclusion_proof,
    inclusion_proof_document,
)

logger = logging.getLogger(__name__)

# Complete subtrees of 2**INDEX_HEIGHT leaves and more are kept as AuditTreeNode rows.
INDEX_HEIGHT = 8
WITNESS_TIMEOUT_SECONDS = 5.0


# --- chains -------------------------------------------------------------------------------


def chain_of(alias: str) -> str:
    """The public name of the chain kept on the database ``alias``: the alias when it
    makes a tidy name, a digest of it otherwise (nothing else of the database shows)."""
    if CHAIN_RE.match(alias):
        return alias
    return "db-" + hashlib.sha256(alias.encode()).hexdigest()[:12]


def alias_of(chain: str) -> str | None:
    return next((alias for alias in databases.aliases() if chain_of(alias) == chain), None)


def public_key() -> Ed25519PublicKey:
    return audit_head_key().public_key()


# --- the tree as the database keeps it ---------------------------------------------------


class ProofUnavailable(LookupError):
    """The leaves a proof needs were pruned, or are missing."""


class StoredTree:
    """The Merkle tree of the chain on the current database: pruned leaves through the
    frontier kept at the first retained entry, kept subtrees, and leaf hashes, read a
    block of 256 at a time."""

    def __init__(self, head: LogHead) -> None:
        self.base = head.base
        self.known: dict[tuple[int, int], bytes] = {}
        offset = 0
        for height, node in head.base_frontier.subtrees:
            self.known[(height, offset >> height)] = node
            offset += 1 << height
        self.leaves: dict[int, bytes] = {}
        self.blocks: set[int] = set()

    def subtree(self, lo: int, hi: int) -> bytes:
        size = hi - lo
        if size & (size - 1) == 0 and lo % size == 0:  # a perfect subtree: perhaps kept
            height = size.bit_length() - 1
            key = (height, lo >> height)
            found = self.known.get(key)
            if found is None and height >= INDEX_HEIGHT:
                found = kept_subtree(height, key[1])
            if found is not None:
                self.known[key] = found
                return found
            if size == 1:
                return self._leaf(lo)
        k = merkle.split_point(size)
        return merkle.node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))

    def _leaf(self, sequence: int) -> bytes:
        if sequence < self.base:
            raise ProofUnavailable(f"entry {sequence} was pruned")
        block = sequence >> INDEX_HEIGHT
        if block not in self.blocks:
            rows = AuditEntry.objects.filter(
                sequence__gte=max(block << INDEX_HEIGHT, self.base),
                sequence__lt=(block + 1) << INDEX_HEIGHT,
            ).values_list("sequence", "leaf_hash")
            self.leaves.update((number, bytes.fromhex(leaf)) for number, leaf in rows)
            self.blocks.add(block)
        try:
            return self.leaves[sequence]
        except KeyError:
            raise ProofUnavailable(f"entry {sequence} is missing") from None


def _node_mac(level: int, index: int, node: bytes) -> str:
    return audit_mac(f"node:{level}:{index}:".encode() + node)


def kept_subtree(level: int, index: int) -> bytes | None:
    """A kept subtree's hash, if it is kept and its MAC holds."""
    kept = AuditTreeNode.objects.filter(level=level, index=index).values_list("hash", "mac").first()
    if kept is None:
        return None
    node = bytes.fromhex(kept[0])
    if not hmac.compare_digest(_node_mac(level, index, node), kept[1]):
        logger.warning("audit tree node %s/%s fails its MAC: ignored", level, index)
        return None
    return node


def index_tree(head: LogHead) -> bytes:
    """Keep the complete subtrees of 256 leaves and more up to the head, going on from
    those already kept; the root of the log recomputed from them and the leaf hashes."""
    frontier, start = _resume(head)
    kept: list[AuditTreeNode] = []
    leaves = AuditEntry.objects.filter(sequence__gte=start, sequence__lt=head.size)
    expected = start
    for sequence, leaf in (
        leaves.order_by("sequence").values_list("sequence", "leaf_hash").iterator(chunk_size=2000)
    ):
        if sequence != expected:
            raise ProofUnavailable(f"entry {expected} is missing")
        for height, index, node in frontier.append(bytes.fromhex(leaf)):
            if height >= INDEX_HEIGHT:
                kept.append(
                    AuditTreeNode(
                        level=height, index=index, hash=node.hex(), mac=_node_mac(height, index, node)
                    )
                )
        expected += 1
    if expected != head.size:
        raise ProofUnavailable(f"entry {expected} is missing")
    # A node kept before is replaced: it holds the same hash, unless it was damaged.
    AuditTreeNode.objects.bulk_create(
        kept,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["level", "index"],
        update_fields=["hash", "mac"],
    )
    return frontier.root()


def _resume(head: LogHead) -> tuple[merkle.Frontier, int]:
    """Where indexing goes on: after the last kept subtree of 256 leaves, with the
    frontier there made of kept subtrees; from the first retained entry otherwise."""
    last = (
        AuditTreeNode.objects.filter(level=INDEX_HEIGHT)
        .order_by("-index")
        .values_list("index", flat=True)
        .first()
    )
    indexed = 0 if last is None else (last + 1) << INDEX_HEIGHT
    start = (merkle.Frontier(head.base_frontier.size, list(head.base_frontier.subtrees)), head.base)
    if indexed <= head.base or indexed > head.size:
        return start
    tree, subtrees, offset = StoredTree(head), [], 0
    for height in range(indexed.bit_length() - 1, INDEX_HEIGHT - 1, -1):
        if indexed >> height & 1:
            node = tree.known.get((height, offset >> height)) or kept_subtree(height, offset >> height)
            if node is None:
                return start
            subtrees.append((height, node))
            offset += 1 << height
    return merkle.Frontier(indexed, subtrees), indexed


# --- publishing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Publication:
    chain: str
    head: TreeHead | None = None
    published: bool = False
    refused: str = ""  # why the chain's head was not signed (the log needs looking at)
    warnings: tuple[str, ...] = ()


def publish_heads() -> list[Publication]:
    """Sign and publish the head of every chain that grew since its last published head.
    Idempotent: a chain that did not grow is left alone. Not audited: an audit entry per
    publication would make every chain grow, and publish again, for ever."""
    return databases.on_each(lambda: _publish(databases.current()))


def _publish(alias: str) -> Publication:
    chain = chain_of(alias)
    try:
        head = read_log_head()
    except ValueError as error:
        return _refuse(chain, str(error))
    if head.size == 0:
        return Publication(chain)
    with _heads_file() as handle:  # one publisher at a time decides and appends
        last = _last_in_file(handle, chain)
        if last is not None and last.tree_size == head.size and last.root == head.root:
            return Publication(chain, last)
        if last is not None and last.tree_size > head.size:
            return _refuse(
                chain,
                f"the log holds {head.size} entries but a head of "
                f"{last.tree_size} was published: it was rolled back",
            )
        try:
            root = index_tree(head)
            if root != head.root:  # the kept subtrees may be damaged: rebuild them once
                AuditTreeNode.objects.all().delete()
                root = index_tree(head)
        except ProofUnavailable as error:
            return _refuse(chain, str(error))
        if root != head.root:
            return _refuse(chain, "the stored leaf hashes do not lead to the head's root")
        if last is not None and not _extends(head, last):
            return _refuse(chain, f"the log no longer extends its head published at {last.tree_size}")
        signed = TreeHead.sign(
            audit_head_key(),
            chain=chain,
            tree_size=head.size,
            root=head.root,
            timestamp=time.time_ns() // 1_000_000,
        )
        _append(handle, signed)
        warnings = _copy_to_stores(signed)
    witness = _tell_witness(signed)
    return Publication(chain, signed, True, warnings=(*warnings, *witness))


def _refuse(chain: str, reason: str) -> Publication:
    logger.error("audit chain %s: head not published: %s", chain, reason)
    return Publication(chain, refused=reason)


def _extends(head: LogHead, last: TreeHead) -> bool:
    """Whether the log is the one whose head was published last, grown (RFC 6962
    consistency). Proved true when the pruned part of the log is all it would need."""
    try:
        proof = merkle.consistency_proof(last.tree_size, head.size, StoredTree(head).subtree)
    except ProofUnavailable:
        return True
    return merkle.verify_consistency(last.tree_size, head.size, last.root, head.root, proof)


@contextmanager
def _heads_file() -> Iterator[int]:
    """The heads file, open for appending (O_APPEND: every write goes to its end, nothing
    is ever rewritten) and locked against other publishers on this machine."""
    path = Path(settings.ONESTOP_AUDIT_HEADS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if created:  # the file's name must last as long as what is written in it
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield descriptor
    finally:
        os.close(descriptor)  # and with it the lock


def _append(descriptor: int, head: TreeHead) -> None:
    data = (json.dumps(head.as_json(), sort_keys=True, separators=(",", ":")) + "\n").encode()
    size = os.fstat(descriptor).st_size
    if size and os.pread(descriptor, 1, size - 1) != b"\n":
        data = b"\n" + data  # a line torn by a crash stays alone on its line
    while data:
        data = data[os.write(descriptor, data) :]
    os.fsync(descriptor)


def _last_in_file(descriptor: int, chain: str) -> TreeHead | None:
    """The chain's last head in the heads file that carries a valid signature, read
    backwards from the end (the last lines are the recent ones)."""
    key, end, tail = public_key(), os.fstat(descriptor).st_size, b""
    while end > 0:
        start = max(0, end - 65536)
        lines = (os.pread(descriptor, end - start, start) + tail).split(b"\n")
        tail = lines.pop(0) if start else b""  # its beginning is in the next chunk back
        for line in reversed(lines):
            head = _parse(line, chain)
            if head is not None and head.signature_valid(key):
                return head
        end = start
    return None


def _parse(line: bytes, chain: str) -> TreeHead | None:
    try:
        record = json.loads(line)
        return TreeHead.from_json(record) if record.get("chain") == chain else None
    except (ValueError, AttributeError):
        return None


def _copy_to_stores(head: TreeHead) -> tuple[str, ...]:
    warnings = []
    for alias in dict.fromkeys([databases.PLATFORM, settings.ONESTOP_AUDIT_HEADS_DATABASE]):
        if not alias:
            continue
        try:
            SignedTreeHead.objects.using(alias).create(
                chain=head.chain,
                tree_size=head.tree_size,
                root_hash=head.root.hex(),
                timestamp=head.timestamp,
                signature=head.as_json()["tree_head_signature"],
                key_id=head.key_id,
            )
        except Exception as error:  # the heads file has it: the copies are for reading
            logger.exception("audit chain %s: head not copied to database %s", head.chain, alias)
            warnings.append(f"not copied to database {alias}: {error}")
    return tuple(warnings)


def _tell_witness(head: TreeHead) -> tuple[str, ...]:
    url = settings.ONESTOP_AUDIT_WITNESS_URL
    if not url:
        return ()
    if not url.startswith(("https://", "http://")):
        logger.warning("audit chain %s: ONESTOP_AUDIT_WITNESS_URL is no http(s) URL", head.chain)
        return ("the witness's address is no http(s) URL",)
    body = json.dumps(head.as_json()).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL was checked to be http(s)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=WITNESS_TIMEOUT_SECONDS) as answer:  # noqa: S310
            if 200 <= answer.status < 300:
                return ()
            problem = f"the witness answered {answer.status}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        problem = f"the witness could not be reached: {error}"
    logger.warning("audit chain %s: %s", head.chain, problem)
    return (problem,)


# --- published heads ----------------------------------------------------------------------


def _head_of(row: SignedTreeHead) -> TreeHead:
    return TreeHead.from_json(
        {
            "chain": row.chain,
            "tree_size": row.tree_size,
            "timestamp": row.timestamp,
            "sha256_root_hash": _hex_to_b64(row.root_hash),
            "tree_head_signature": row.signature,
            "key_id": row.key_id,
        }
    )


def _hex_to_b64(text: str) -> str:
    try:
        return b64(bytes.fromhex(text))
    except ValueError:
        return ""


def latest_head(chain: str) -> TreeHead | None:
    """The chain's last published head, from the platform's copy (whoever reads it checks
    its signature; the proofs given out are checked before)."""
    row = SignedTreeHead.objects.using(databases.PLATFORM).filter(chain=chain).order_by("-timestamp").first()
    if row is None:
        return None
    try:
        return _head_of(row)
    except ValueError:
        logger.error("audit chain %s: the platform's copy of head %s is malformed", chain, row.pk)
        return None


def latest_heads() -> dict[str, TreeHead]:
    """The last published head of every chain of this installation."""
    heads = {}
    for alias in databases.aliases():
        head = latest_head(chain_of(alias))
        if head is not None:
            heads[head.chain] = head
    return heads


@dataclass(frozen=True, slots=True)
class PublishedHead:
    head: TreeHead | None  # None: the record is not a head at all
    source: str


def published_heads(chain: str) -> list[PublishedHead]:
    """Every head of the chain that was published: in the heads file, the platform's copy
    and the second database."""
    found = []
    path = Path(settings.ONESTOP_AUDIT_HEADS_FILE)
    if path.exists():
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                source = f"{path}, line {number}"
                try:
                    record = json.loads(line)
                except ValueError:
                    found.append(PublishedHead(None, source))  # a line torn by a crash
                    continue
                if isinstance(record, dict) and record.get("chain") == chain:
                    try:
                        found.append(PublishedHead(TreeHead.from_json(record), source))
                    except ValueError:
                        found.append(PublishedHead(None, source))
    for alias in dict.fromkeys([databases.PLATFORM, settings.ONESTOP_AUDIT_HEADS_DATABASE]):
        if alias:
            for row in SignedTreeHead.objects.using(alias).filter(chain=chain).order_by("timestamp"):
                source = f"database {alias}, head {row.pk}"
                try:
                    found.append(PublishedHead(_head_of(row), source))
                except ValueError:
                    found.append(PublishedHead(None, source))
    return found


def when(head: TreeHead) -> str:
    return datetime.fromtimestamp(head.timestamp / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def verify_chain() -> Verification:
    """``verify_audit_log`` on the current database's chain, and against every head of it
    ever published: each head's signature must verify, the log must be at least as long
    as each head, and its root at each head's size, recomputed from the leaves, must be
    the head's root. A log cut back to an older head row (MACs and all) passes the log's
    own check, not this one."""
    key = public_key()
    published = published_heads(chain_of(databases.current()))
    heads = [(record.head, record.source) for record in published if record.head is not None]
    for head, source in heads:
        if not head.signature_valid(key):
            return Verification(0, "", "bad_signature", head.tree_size, detail=source)
    result = verify_audit_log(roots_at={head.tree_size for head, _ in heads})
    if not result.ok:
        return result
    for head, source in sorted(heads, key=lambda found: -found[0].tree_size):
        detail = f"{source}, signed {when(head)}"
        if head.tree_size > result.size:
            return replace(result, problem="rolled_back", sequence=head.tree_size, detail=detail)
        root = result.roots.get(head.tree_size)
        if root is not None and root != head.root:
            return replace(result, problem="diverged", sequence=head.tree_size, detail=detail)
    if not heads:
        detail = "no head published yet"
    else:
        largest = max((head for head, _ in heads), key=lambda head: head.tree_size)
        # A head found in the file and in the databases' copies counts once.
        distinct = len({(head.tree_size, head.timestamp) for head, _ in heads})
        detail = (
            f"{distinct} published heads match it (the largest: {largest.tree_size} "
            f"entries, signed {when(largest)})"
        )
    if unreadable := len(published) - len(heads):
        detail += f"; {unreadable} unreadable record(s) of heads skipped"
    return replace(result, detail=detail)


# --- proofs ---------------------------------------------------------------------------------


def _chain_alias(chain: str) -> str:
    alias = alias_of(chain)
    if alias is None:
        raise NotFound(CoreErrorCode.AUDIT_CHAIN_NOT_FOUND, _("No such audit chain."))
    return alias


def _unavailable() -> OnestopError:
    return OnestopError(
        CoreErrorCode.AUDIT_PROOF_UNAVAILABLE,
        _("This proof cannot be made: the entries it needs are no longer kept."),
    )


def inclusion_proof(chain: str, sequence: int) -> dict[str, Any]:
    """The proof that the entry ``sequence`` of ``chain`` is in the chain's last published
    head, checked before it is given out. Only once a published head covers the entry."""
    alias = _chain_alias(chain)
    head = latest_head(chain)
    if head is None or head.tree_size <= sequence:
        raise Conflict(
            CoreErrorCode.AUDIT_PROOF_NOT_YET_PUBLISHED,
            _("The proof will be available after the audit log's next publication."),
        )
    with databases.using(alias):
        entry = AuditEntry.objects.filter(sequence=sequence).first()
        if entry is None:
            raise _unavailable()
        try:
            path = merkle.inclusion_path(sequence, head.tree_size, StoredTree(read_log_head()).subtree)
        except (ProofUnavailable, ValueError) as error:
            logger.error("audit chain %s: no proof for entry %s: %s", chain, sequence, error)
            raise _unavailable() from error
    key = audit_head_key().public_key()
    document = inclusion_proof_document(
        head=head, leaf_index=sequence, leaf_data=canonical_entry(entry), path=path, public_key=key
    )
    if not check_inclusion_proof(document, key).ok:
        # The log or its kept subtrees differ from what was signed: never hand that out.
        logger.error("audit chain %s: the proof of entry %s does not verify", chain, sequence)
        raise _unavailable()
    return document


def consistency(chain: str, first: int, second: int) -> list[bytes]:
    """RFC 6962 consistency proof between two sizes of ``chain``, both within its last
    published head."""
    alias = _chain_alias(chain)
    head = latest_head(chain)
    if head is None or not 0 < first <= second <= head.tree_size:
        raise ValidationFailed(
            CoreErrorCode.INVALID_PARAMETER,
            _("Give two sizes, the first not larger than the second, within the last published head."),
            field="second",
        )
    with databases.using(alias):
        try:
            return merkle.consistency_proof(first, second, StoredTree(read_log_head()).subtree)
        except (ProofUnavailable, ValueError) as error:
            raise _unavailable() from error


# --- the entries a person may ask proofs for ----------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditSubject:
    """Entries of one action about some objects (the reveals of one account's data, the
    queries about a person's cases)."""

    action: str
    object_type: str
    object_ids: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ChainEntry:
    chain: str
    entry: AuditEntry
    covered: bool  # a published head holds it: its proof can be given


def _about(tenant_code: str, subjects: Sequence[AuditSubject]) -> Q | None:
    condition = None
    for subject in subjects:
        if subject.object_ids:
            one = Q(
                action=subject.action, object_type=subject.object_type, object_id__in=list(subject.object_ids)
            )
            condition = one if condition is None else condition | one
    return condition & Q(tenant_code=tenant_code) if condition is not None else None


def entries_about(
    tenant_code: str, subjects: Sequence[AuditSubject], *, limit: int = 200
) -> list[ChainEntry]:
    """The newest entries of the tenant about the subjects, from every chain (a tenant
    that moved left its earlier entries in the chain that recorded them)."""
    condition = _about(tenant_code, subjects)
    if condition is None:
        return []
    heads = latest_heads()
    found = []
    for alias in databases.aliases():
        chain = chain_of(alias)
        size = heads[chain].tree_size if chain in heads else 0
        with databases.using(alias):
            rows = AuditEntry.objects.filter(condition).order_by("-sequence")[:limit]
            found += [ChainEntry(chain, entry, entry.sequence < size) for entry in rows]
    found.sort(key=lambda found: found.entry.occurred_at, reverse=True)
    return found[:limit]


def entry_about(
    tenant_code: str, subjects: Sequence[AuditSubject], chain: str, sequence: int
) -> AuditEntry | None:
    """The entry ``sequence`` of ``chain`` if it is one of the tenant's about the subjects."""
    condition, alias = _about(tenant_code, subjects), alias_of(chain)
    if condition is None or alias is None:
        return None
    with databases.using(alias):
        return AuditEntry.objects.filter(condition, sequence=sequence).first()
