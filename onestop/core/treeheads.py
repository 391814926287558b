"""Signed tree heads of the audit log and the inclusion proofs given to citizens: their
formats, and how anyone checks them. Nothing here touches a database or the settings, so
that the checks can run anywhere (ADR 4 spells the algorithm out).

A signed tree head (RFC 6962 section 3.5, one per audit chain) says: the chain ``chain``
held ``tree_size`` entries whose Merkle tree hash was ``root`` at ``timestamp``
(milliseconds since the epoch). The Ed25519 signature covers the chain's name followed
by RFC 6962's ``TreeHeadSignature`` structure::

    b"onestop-audit-tree-head\\x00" || chain (ASCII) || b"\\x00"
    || 0x00 (version v1) || 0x01 (signature type tree_hash)
    || timestamp (8 bytes, big-endian) || tree_size (8 bytes, big-endian) || root (32 bytes)

An inclusion proof names an entry by its chain and leaf index (its sequence number),
carries the entry's canonical content (the leaf data, which holds nothing personal), its
RFC 6962 audit path, and the signed head the path leads to.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from onestop.core import merkle

CHAIN_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SIGNATURE_CONTEXT = b"onestop-audit-tree-head\x00"
PROOF_FORMAT = "onestop-audit-inclusion-proof/1"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: object, *, size: int | None = None) -> bytes:
    """Strict base64 (the standard alphabet, padded); ``ValueError`` otherwise."""
    if not isinstance(text, str):
        raise ValueError("expected a base64 string")
    try:
        data = base64.b64decode(text.encode(), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not base64") from exc
    if size is not None and len(data) != size:
        raise ValueError(f"expected {size} bytes")
    return data


def key_id(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: how a head names the key that signed it."""
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_from(text: str) -> Ed25519PublicKey:
    """A public key given as PEM (SubjectPublicKeyInfo) or as base64 of its 32 bytes."""
    if "-----BEGIN" in text:
        loaded = serialization.load_pem_public_key(text.encode())
        if not isinstance(loaded, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return loaded
    return Ed25519PublicKey.from_public_bytes(unb64(text.strip(), size=32))


def signed_message(chain: str, tree_size: int, timestamp: int, root: bytes) -> bytes:
    return (
        SIGNATURE_CONTEXT
        + chain.encode("ascii")
        + b"\x00"
        + struct.pack(">BBQQ", 0, 1, timestamp, tree_size)
        + root
    )


@dataclass(frozen=True, slots=True)
class TreeHead:
    chain: str
    tree_size: int
    root: bytes
    timestamp: int
    signature: bytes
    key_id: str

    @classmethod
    def sign(
        cls, key: Ed25519PrivateKey, *, chain: str, tree_size: int, root: bytes, timestamp: int
    ) -> TreeHead:
        signature = key.sign(signed_message(chain, tree_size, timestamp, root))
        return cls(chain, tree_size, root, timestamp, signature, key_id(key.public_key()))

    def signature_valid(self, public_key: Ed25519PublicKey) -> bool:
        if self.key_id != key_id(public_key):
            return False
        try:
            public_key.verify(
                self.signature,
                signed_message(self.chain, self.tree_size, self.timestamp, self.root),
            )
        except InvalidSignature:
            return False
        return True

    def as_json(self) -> dict[str, Any]:
        """The head as published (the field names of RFC 6962's get-sth, plus the chain
        and the key's id)."""
        return {
            "chain": self.chain,
            "tree_size": self.tree_size,
            "timestamp": self.timestamp,
            "sha256_root_hash": b64(self.root),
            "tree_head_signature": b64(self.signature),
            "key_id": self.key_id,
        }

    @classmethod
    def from_json(cls, data: object) -> TreeHead:
        """A published head; ``ValueError`` when it is not one (whatever its signature)."""
        if not isinstance(data, Mapping):
            raise ValueError("a tree head is a JSON object")
        chain, size, timestamp = data.get("chain"), data.get("tree_size"), data.get("timestamp")
        if not isinstance(chain, str) or not CHAIN_RE.match(chain):
            raise ValueError("the chain's name is missing or malformed")
        for value in (size, timestamp):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
                raise ValueError("tree_size and timestamp are whole numbers")
        assert isinstance(size, int)
        assert isinstance(timestamp, int)
        key = data.get("key_id")
        if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{64}", key):
            raise ValueError("the key's id is missing or malformed")
        root = unb64(data.get("sha256_root_hash"), size=merkle.HASH_SIZE)
        signature = unb64(data.get("tree_head_signature"), size=64)
        return cls(chain, size, root, timestamp, signature, key)


@dataclass(frozen=True, slots=True)
class ProofCheck:
    problem: str = ""
    head: TreeHead | None = None
    leaf_index: int = -1

    @property
    def ok(self) -> bool:
        return not self.problem


def inclusion_proof_document(
    *, head: TreeHead, leaf_index: int, leaf_data: bytes, path: list[bytes], public_key: Ed25519PublicKey
) -> dict[str, Any]:
    return {
        "format": PROOF_FORMAT,
        "chain": head.chain,
        "leaf_index": leaf_index,
        # The canonical content exactly as hashed: SHA-256(0x00 || UTF-8 of this string).
        "leaf_data": leaf_data.decode(),
        "audit_path": [b64(node) for node in path],
        "tree_head": head.as_json(),
        "public_key": b64(raw_public_key(public_key)),
    }


def check_inclusion_proof(document: object, public_key: Ed25519PublicKey) -> ProofCheck:
    """Whether ``document`` proves that its entry is in the audit chain whose head it
    carries, signed with ``public_key`` (take the key from the platform's /audit/key, not
    from the document). The steps are those of ADR 4."""
    if not isinstance(document, Mapping) or document.get("format") != PROOF_FORMAT:
        return ProofCheck("this is not an audit inclusion proof")
    try:
        head = TreeHead.from_json(document.get("tree_head"))
    except ValueError as error:
        return ProofCheck(f"the tree head is malformed: {error}")
    if not head.signature_valid(public_key):
        return ProofCheck("the tree head's signature does not verify with this key", head)
    index, data = document.get("leaf_index"), document.get("leaf_data")
    if document.get("chain") != head.chain:
        return ProofCheck("the proof and its tree head name different chains", head)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < head.tree_size:
        return ProofCheck("the leaf index is not in the signed tree", head)
    raw_path = document.get("audit_path")
    if not isinstance(data, str) or not isinstance(raw_path, list):
        return ProofCheck("the leaf data or the audit path is missing", head, index)
    try:
        path = [unb64(node, size=merkle.HASH_SIZE) for node in raw_path]
    except ValueError:
        return ProofCheck("the audit path is malformed", head, index)
    leaf = merkle.leaf_hash(data.encode())
    if not merkle.verify_inclusion(index, head.tree_size, leaf, path, head.root):
        return ProofCheck("the entry is not in the signed tree at this index", head, index)
    return ProofCheck("", head, index)
