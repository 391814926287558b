"""Integrations fail closed: outside the demo the server does not start while a sandbox
plugin is enabled, unless the operator allowed that sandbox by name; every enabled plugin
checks its configuration first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

from onestop.core.checks import check_integrations
from onestop.core.plugins import registries

EVERY_SANDBOX = ["sms", "email", "registry", "face", "data", "payment"]


def _ids(**settings: object) -> list[tuple[str, str]]:
    with override_settings(**settings):
        return [(m.id or "", m.msg) for m in check_integrations(None)]


def test_every_integration_is_a_registry_of_plugins_with_a_sandbox() -> None:
    kinds = {registry.kind: registry for registry in registries()}
    assert set(EVERY_SANDBOX) <= set(kinds)
    for kind in EVERY_SANDBOX:
        if kinds[kind].many:  # several enabled at once, each sandbox named after its real plugin
            sandboxes = [plugin for plugin in kinds[kind] if plugin.is_sandbox]
            assert sandboxes and all(p.identifier.endswith("_sandbox") and p.label for p in sandboxes)
            continue
        sandbox = kinds[kind].get("sandbox")
        assert sandbox.is_sandbox and sandbox.identifier == "sandbox" and sandbox.label
        sandbox.check_config()  # needs nothing


def test_outside_the_demo_each_sandbox_is_refused_by_name() -> None:
    problems = _ids(ONESTOP_DEMO=False, ONESTOP_SANDBOX_ALLOWED=[])
    refused = [message for check_id, message in problems if check_id == "onestop.E001"]
    assert len(refused) == len(EVERY_SANDBOX)
    assert any(message.startswith("SMS uses the sandbox plugin 'sandbox'") for message in refused)
    # Allowing one sandbox leaves the others refused; allowing all of them starts.
    allowed_sms = _ids(ONESTOP_DEMO=False, ONESTOP_SANDBOX_ALLOWED=["sms"])
    assert (
        not any(m.startswith("SMS ") for _id, m in allowed_sms) and len(allowed_sms) == len(EVERY_SANDBOX) - 1
    )
    assert _ids(ONESTOP_DEMO=False, ONESTOP_SANDBOX_ALLOWED=EVERY_SANDBOX) == []
    assert _ids(ONESTOP_DEMO=True) == []


def test_a_plugin_without_its_settings_or_an_unknown_one_is_refused() -> None:
    missing = _ids(ONESTOP_RATE_LIMIT_BACKEND="redis", REDIS_URL="")
    assert [check_id for check_id, _m in missing] == ["onestop.E002"]
    assert "REDIS_URL" in missing[0][1]
    unknown = _ids(ONESTOP_SMS_BACKEND="nonesuch")
    assert [check_id for check_id, _m in unknown] == ["onestop.E002"]
    assert "nonesuch" in unknown[0][1]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "ONESTOP_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
        **extra,
    }
    env.pop("ONESTOP_DEMO", None)
    env.pop("ONESTOP_SANDBOX_ALLOWED", None)
    env.update(extra)
    return env


def test_production_mode_refuses_to_serve_with_the_sandbox_sms_backend(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).with_name("onestop"))
    refused = subprocess.run(
        [cli, "serve", "--port", "1", "--no-worker"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "onestop.E001" in refused.stderr and "SMS uses the sandbox plugin" in refused.stderr
    assert "serving on" not in refused.stdout
    # The WSGI application refuses too, however a server was started.
    wsgi = subprocess.run(
        [sys.executable, "-c", "import onestop.wsgi"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wsgi.returncode != 0 and "onestop.E001" in wsgi.stderr
    # Told explicitly, it starts (the check passes; pages then carry the banner).
    told = _production_env(tmp_path, ONESTOP_SANDBOX_ALLOWED=",".join(EVERY_SANDBOX))
    checked = subprocess.run(
        [cli, "check", "--deploy", "--tag", "integrations", "--fail-level", "ERROR"],
        env=told,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr
