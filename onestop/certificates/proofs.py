"""Data Integrity proofs in the manner of the eddsa-jcs-2022 cryptosuite.

The document (without its proof) and the proof's configuration (without proofValue) are
each canonicalised with the JSON Canonicalization Scheme (RFC 8785) and hashed with
SHA-256; the proof configuration's hash followed by the document's is signed with
Ed25519; proofValue is the signature in multibase base58-btc ("z...").

For tenants that choose SM2, the cryptosuite ``onestop-sm2sm3-jcs`` does the same with
SM3 for the hashes and an SM2-with-SM3 signature (raw r||s) of their concatenation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from gmssl import func, sm3

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
CRYPTOSUITE = "eddsa-jcs-2022"
SM2_CRYPTOSUITE = "onestop-sm2sm3-jcs"


class ProofError(Exception):
    """The proof is malformed or does not verify."""


def jcs(value: Any) -> bytes:
    """RFC 8785 for the documents we make: objects, arrays, strings, integers, booleans,
    null. Keys sort by code point, which equals UTF-16 order for the keys we use."""

    def check(node: Any) -> None:
        if isinstance(node, float):
            raise ProofError("floating-point numbers are not used in credentials")
        if isinstance(node, dict):
            for key, item in node.items():
                if not isinstance(key, str):
                    raise ProofError("object keys must be strings")
                check(item)
        elif isinstance(node, list):
            for item in node:
                check(item)

    check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = ALPHABET[remainder] + encoded
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + encoded


def b58decode(text: str) -> bytes:
    number = 0
    for character in text:
        index = ALPHABET.find(character)
        if index < 0:
            raise ProofError("not base58")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _sm3(data: bytes) -> bytes:
    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def hash_data(document: dict[str, Any], config: dict[str, Any]) -> bytes:
    """The bytes a proof signs: the hash of the proof configuration, then the document's."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    if config.get("cryptosuite") == SM2_CRYPTOSUITE:
        return _sm3(jcs(config)) + _sm3(jcs(unsigned))
    return hashlib.sha256(jcs(config)).digest() + hashlib.sha256(jcs(unsigned)).digest()


def proof_config(document: dict[str, Any]) -> dict[str, Any]:
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("no proof")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if config.get("type") != "DataIntegrityProof":
        raise ProofError("unsupported proof type")
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def signature_of(document: dict[str, Any]) -> bytes:
    proof = document.get("proof")
    value = proof.get("proofValue") if isinstance(proof, dict) else None
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("malformed proofValue")
    return b58decode(value[1:])


def sign_with(
    document: dict[str, Any],
    *,
    signer: Callable[[bytes], bytes],
    cryptosuite: str,
    verification_method: str,
    created: str,
) -> dict[str, Any]:
    """Attach a proof made by ``signer`` (bytes to sign -> signature) under the cryptosuite."""
    config: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    if "@context" in document:
        config["@context"] = document["@context"]
    signature = signer(hash_data(document, config))
    proof = {k: v for k, v in config.items() if k != "@context"}
    return {**document, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}


def verify(document: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    config = proof_config(document)
    if config.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("unsupported cryptosuite")
    try:
        public_key.verify(signature_of(document), hash_data(document, config))
    except InvalidSignature as error:
        raise ProofError("signature does not verify") from error


def verify_sm2(document: dict[str, Any], public_hex: str) -> None:
    from onestop.certificates import sm2

    config = proof_config(document)
    if config.get("cryptosuite") != SM2_CRYPTOSUITE:
        raise ProofError("unsupported cryptosuite")
    if not sm2.verify(hash_data(document, config), signature_of(document), public_hex):
        raise ProofError("signature does not verify")
