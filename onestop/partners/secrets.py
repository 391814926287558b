"""Credentials handed to partners: long random strings with a prefix saying what they are
(so that a leaked one is recognised by secret scanners), stored as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets

# Prefixes, not secrets.
CLIENT_ID = "osp_"
CLIENT_SECRET = "oscs_"  # noqa: S105
ACCESS_TOKEN = "osat_"  # noqa: S105
REFRESH_TOKEN = "osrt_"  # noqa: S105
AUTHORIZATION_CODE = "osac_"
WEBHOOK_SECRET = "oswh_"  # noqa: S105


def generate(prefix: str, nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_client_id() -> str:
    return CLIENT_ID + secrets.token_hex(10)
