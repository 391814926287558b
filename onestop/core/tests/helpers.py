"""What the kernel's tests record: audit actions and an event topic of their own."""

from __future__ import annotations

from onestop.core.audit import AuditAction
from onestop.core.events import declare


class TestAudit(AuditAction):
    __test__ = False  # not a test class

    STEP = "test.step"
    OUTSIDE = "test.outside"
    ROLLBACK = "test.rollback"


TEST_TOPIC = declare("core.test.happened", description="A test's event.", fields={})
