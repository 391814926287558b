"""Proof Key for Code Exchange (RFC 7636), S256 only: ``plain`` protects nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(verifier: str, challenge: str) -> bool:
    if not VERIFIER.match(verifier or ""):
        return False
    return hmac.compare_digest(challenge_of(verifier), challenge)
