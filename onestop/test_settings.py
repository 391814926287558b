"""The settings of the test suite: the project's own, plus a second database (``cell1``)
beside the default one, of the same engine, for the tests of tenants on databases of
their own. On PostgreSQL it is another database of the same cluster."""

from __future__ import annotations

import json
import os

from onestop.core.sqlite import is_sqlite
from onestop.settings import *  # noqa: F403
from onestop.settings import DATABASES, VAR_DIR

ONESTOP_DEMO = True  # the suite runs the sandboxes, as the demo does
# Test modules read what was written wherever it was (tenancy.scoping); product code
# called from a test names its tenant as ever.
ONESTOP_TENANT_QUERIES_FROM_TESTS = True

if "cell1" not in DATABASES:
    _default = DATABASES["default"]
    if is_sqlite(_default["ENGINE"]):
        _url = f"sqlite:///{VAR_DIR / 'cell1.sqlite3'}"
    else:
        _url = (
            f"postgres://{_default['USER']}:{_default['PASSWORD']}@{_default['HOST']}:{_default['PORT']}/"
            f"{_default['NAME']}_cell1"
        )
    add_databases(DATABASES, json.dumps({"cell1": {"url": _url, "block": 1}}))  # noqa: F405

# The audit heads a test run publishes are its own, never those of the development
# database (each test's are removed with its rolled-back database: conftest).
ONESTOP_AUDIT_HEADS_FILE = VAR_DIR / f"audit-heads-test-{os.getpid()}.jsonl"
