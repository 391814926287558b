"""The outbox topics certificates emit (see docs/events.md)."""

from __future__ import annotations

from onestop.core.events import declare

CERTIFICATE_ISSUED = declare(
    "certificates.certificate.issued",
    description="A certificate was signed into its holder's wallet.",
    fields={
        "tenant": "the tenant's code",
        "number": "the certificate number",
        "type": "the certificate type's code",
        "holder": "the holder's account id",
    },
)
CERTIFICATE_REVOKED = declare(
    "certificates.certificate.revoked",
    description="A department revoked a certificate; its status-list bit is set.",
    fields={
        "tenant": "the tenant's code",
        "number": "the certificate number",
        "type": "the certificate type's code",
        "type_name": "the certificate type's name",
        "type_name_en": "the certificate type's English name",
        "holder": "the holder's account id",
        "reason": "a revocation reason code (issued_in_error, superseded, entitlement_ended, fraud)",
        "revoked_at": "when (ISO date and time)",
    },
)
