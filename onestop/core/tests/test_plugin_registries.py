"""A registry that enables several plugins: each is checked, each sandbox named, each
companion process started once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from onestop.core import plugins
from onestop.core.checks import _integration_problems
from onestop.core.plugins import Plugin, PluginConfigError, Registry


class Channel(Plugin):
    pass


@pytest.fixture
def registry(settings: Any) -> Any:
    made: Registry[Channel] = Registry(
        kind="testpay", label="Test channels", setting="TEST_CHANNELS", many=True
    )

    @made.register("real")
    class Real(Channel):
        def check_config(self) -> None:
            raise PluginConfigError("no merchant id")

    @made.register("fake")
    class Fake(Channel):
        is_sandbox = True
        companion = ("payments", "sandbox", "fake")

    @made.register("fake_too")
    class FakeToo(Channel):
        is_sandbox = True
        companion = ("payments", "sandbox", "fake")

    settings.TEST_CHANNELS = "real, fake,fake_too"
    yield made
    plugins._registries.remove(made)  # type: ignore[arg-type]


def test_every_enabled_plugin_is_checked_and_every_sandbox_refused_outside_the_demo(
    registry: Any, settings: Any
) -> None:
    assert [p.identifier for p in registry.enabled_plugins()] == ["real", "fake", "fake_too"]
    with pytest.raises(ImproperlyConfigured):
        registry.enabled()  # several are enabled: there is no one
    settings.ONESTOP_DEMO = False
    found = [m for m in _integration_problems() if "Test channels" in m.msg]
    assert sorted(m.id for m in found) == ["onestop.E001", "onestop.E001", "onestop.E002"]
    assert [str(r.label) for r, p in plugins.enabled_sandboxes() if r is registry] == ["Test channels"] * 2
    assert plugins.companions().count(("payments", "sandbox", "fake")) == 1
    settings.TEST_CHANNELS = "real,nowhere"
    assert any("unknown testpay plugin 'nowhere'" in m.msg for m in _integration_problems())
