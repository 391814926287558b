"""Merkle tree hashing of RFC 6962 (Certificate Transparency), section 2.1.

Leaves are hashed as SHA-256(0x00 || data) and inner nodes as SHA-256(0x01 || left ||
right); a tree of n leaves splits at the largest power of two below n. ``Frontier`` keeps
the roots of the perfect subtrees of a growing log, so appending a leaf and computing the
root of the whole log cost O(log n), without reading earlier entries.

Proofs (sections 2.1.1 and 2.1.2): the audit path of a leaf, and the consistency proof
between two sizes of the same log, built from a ``SubtreeHash`` (the Merkle tree hash of
the leaves ``lo`` to ``hi``) so that a log on disk answers with the few subtrees it needs;
and their verification, as RFC 9162 (section 2.1.3.2 and 2.1.4.2) words it, which needs
nothing but the proof, the leaf and the roots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()
HASH_SIZE = 32

# The Merkle tree hash of the leaves lo (inclusive) to hi (exclusive), 0 <= lo < hi.
SubtreeHash = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass
class Frontier:
    """The perfect subtrees of a log, left to right, as (height, hash)."""

    size: int = 0
    subtrees: list[tuple[int, bytes]] = field(default_factory=list)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash (already hashed with ``leaf_hash``); the perfect subtrees it
        completed, as (height, index among the subtrees of that height, hash)."""
        self.subtrees.append((0, leaf))
        self.size += 1
        completed = []
        while len(self.subtrees) >= 2 and self.subtrees[-1][0] == self.subtrees[-2][0]:
            (height, right), (_, left) = self.subtrees.pop(), self.subtrees.pop()
            merged = node_hash(left, right)
            self.subtrees.append((height + 1, merged))
            completed.append((height + 1, (self.size >> (height + 1)) - 1, merged))
        return completed

    def root(self) -> bytes:
        if not self.subtrees:
            return EMPTY_ROOT
        # The right-most subtrees fold first: RFC 6962 splits at the largest power of two,
        # so every left part is one of the perfect subtrees.
        root = self.subtrees[-1][1]
        for _, subtree in reversed(self.subtrees[:-1]):
            root = node_hash(subtree, root)
        return root

    def to_json(self) -> dict[str, object]:
        return {"size": self.size, "subtrees": [[h, s.hex()] for h, s in self.subtrees]}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Frontier:
        subtrees = data.get("subtrees") or []
        assert isinstance(subtrees, list)
        size = data.get("size") or 0
        assert isinstance(size, int)
        return cls(size=size, subtrees=[(int(h), bytes.fromhex(s)) for h, s in subtrees])


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The Merkle tree hash of raw leaf data."""
    frontier = Frontier()
    for data in leaves:
        frontier.append(leaf_hash(data))
    return frontier.root()


def mth(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of leaf hashes (already hashed with ``leaf_hash``)."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def split_point(size: int) -> int:
    """The largest power of two smaller than ``size`` (> 1): where RFC 6962 splits a tree."""
    return 1 << ((size - 1).bit_length() - 1)


def subtrees_of(leaves: Sequence[bytes]) -> SubtreeHash:
    """A ``SubtreeHash`` over leaf hashes held in memory."""
    return lambda lo, hi: mth(leaves[lo:hi])


def inclusion_path(index: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """PATH(index, D[size]) of RFC 6962 section 2.1.1: the siblings on the way from the
    leaf to the root, nearest first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:  # descend; the siblings come out farthest first
        k = split_point(hi - lo)
        if index < lo + k:
            path.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree(lo, lo + k))
            lo += k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, subtree: SubtreeHash) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 6962 section 2.1.2: what shows that the tree of
    ``second`` leaves extends the tree of its first ``first`` leaves (0 < first <= second)."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    proof: list[bytes] = []
    lo, hi, whole = 0, second, True  # SUBPROOF(first - lo, D[lo:hi], whole)
    while first - lo != hi - lo:
        k = split_point(hi - lo)
        if first - lo <= k:
            proof.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            proof.append(subtree(lo, lo + k))
            lo, whole = lo + k, False
    if not whole:
        proof.append(subtree(lo, hi))
    proof.reverse()
    return proof


def _valid(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def root_from_inclusion_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root an audit path leads to from the leaf hash at ``index`` in a tree of
    ``size`` leaves (RFC 9162 section 2.1.3.2), or None when the path cannot be one."""
    if not 0 <= index < size or not _valid(leaf, *path):
        return None
    fn, sn, root = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None  # more siblings than the tree is high
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    return root if sn == 0 else None


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes) -> bool:
    """Whether ``path`` proves that ``leaf`` is the leaf hash at ``index`` of the tree of
    ``size`` leaves whose root is ``root``."""
    found = root_from_inclusion_path(index, size, leaf, path)
    return found is not None and _valid(root) and found == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows that the tree of ``second`` leaves with ``second_root``
    extends the tree of ``first`` leaves with ``first_root`` (RFC 9162 section 2.1.4.2)."""
    if not 0 <= first <= second or not _valid(*proof):
        return False
    if first == 0:
        return not proof  # every tree extends the empty one
    if first == second:
        return not proof and _valid(first_root, second_root) and first_root == second_root
    if not proof or not _valid(first_root, second_root):
        return False
    nodes = list(proof)
    if first & (first - 1) == 0:  # a perfect first tree is its own left-most node
        nodes.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first_hash = second_hash = nodes[0]
    for node in nodes[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first_hash, second_hash = node_hash(node, first_hash), node_hash(node, second_hash)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            second_hash = node_hash(second_hash, node)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and first_hash == first_root and second_hash == second_root
