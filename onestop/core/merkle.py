"""Merkle tree hashing of RFC 6962 (Certificate Transparency), section 2.1.

Leaves are hashed as SHA-256(0x00 || data) and inner nodes as SHA-256(0x01 || left ||
right); a tree of n leaves splits at the largest power of two below n. ``Frontier`` keeps
the roots of the perfect subtrees of a growing log, so appending a leaf and computing the
root of the whole log cost O(log n), without reading earlier entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass
class Frontier:
    """The perfect subtrees of a log, left to right, as (height, hash)."""

    size: int = 0
    subtrees: list[tuple[int, bytes]] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        """Add a leaf hash (already hashed with ``leaf_hash``)."""
        self.subtrees.append((0, leaf))
        self.size += 1
        while len(self.subtrees) >= 2 and self.subtrees[-1][0] == self.subtrees[-2][0]:
            (height, right), (_, left) = self.subtrees.pop(), self.subtrees.pop()
            self.subtrees.append((height + 1, node_hash(left, right)))

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
