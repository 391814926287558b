"""Writes of messaging that are not sending: maintenance of stored messages."""

from __future__ import annotations

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import record_action
from onestop.core.crypto import reencrypt
from onestop.messaging.audit import MessagingAudit
from onestop.messaging.models import SandboxSms


def do_reencrypt_messages(*, actor: Actor) -> int:
    """Re-encrypt stored phone numbers with the newest data key."""
    with databases.action():
        rows = list(SandboxSms.objects.platform_wide().select_for_update().only("id", "phone_encrypted"))
        for row in rows:
            row.phone_encrypted = reencrypt(row.phone_encrypted)
        SandboxSms.objects.bulk_update(rows, ["phone_encrypted"], batch_size=1000)
        record_action(actor=actor, action=MessagingAudit.REENCRYPT, detail={"rows": len(rows)})
    return len(rows)
