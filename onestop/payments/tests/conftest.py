"""The WeChat Pay sandbox server, started for a test on 127.0.0.1 with its notifications
held back, so that a test hands each one to the notification endpoint when it chooses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onestop.identity.models import User
from onestop.identity.tests.factories import make_citizen
from onestop.payments.sandbox.keys import wechatpay_keys
from onestop.payments.sandbox.wechatpay import Behaviour, SandboxServer, WeChatPaySandbox
from onestop.payments.tests.wechatpay_helpers import CHANNEL
from onestop.tenancy.models import Tenant
from onestop.tenancy.tests.factories import make_tenant


@pytest.fixture
def tenant() -> Tenant:
    return make_tenant()


@pytest.fixture
def payer(tenant: Tenant) -> User:
    return make_citizen(tenant)


@pytest.fixture(scope="session")
def sandbox_keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("payment-sandbox")


@pytest.fixture
def wechatpay(settings: Any, sandbox_keys_dir: Path) -> Iterator[WeChatPaySandbox]:
    settings.ONESTOP_PAYMENT_SANDBOX_DIR = sandbox_keys_dir
    settings.ONESTOP_PAYMENT_CHANNELS = CHANNEL
    sandbox = WeChatPaySandbox(wechatpay_keys(), behaviour=Behaviour(hold=True))
    server = SandboxServer(sandbox).start()
    settings.ONESTOP_WECHATPAY_SANDBOX_URL = sandbox.base_url
    try:
        yield sandbox
    finally:
        server.stop()
