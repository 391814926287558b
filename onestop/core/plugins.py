"""Typed registries of pluggable integrations (SMS, email, population registry, face check,
data providers, rate-limit counters).

Each integration has a base class deriving from ``Plugin`` and a ``Registry`` of plugin
instances, each registered under an identifier; a setting names the one that is enabled.
Every integration ships a sandbox plugin that says plainly that it is one
(``is_sandbox``) and behaves like the real service, so that the demo and the tests
exercise the same paths as production. Outside the demo a sandbox is refused at start-up
(``onestop.core.checks``) unless the operator allows it by name; every plugin checks its
own configuration (``check_config``) before the server starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


class PluginConfigError(Exception):
    """A plugin's settings are missing or wrong; the message says which, the hint how to
    fix it."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class Plugin:
    """One implementation of an integration. Instances are made once, at registration,
    and shared by every request: they keep no per-request state."""

    verbose_name: str | Promise = ""
    is_sandbox: bool = False
    # The arguments of `onestop …` for a process that runs beside the server while this
    # plugin is enabled: a sandbox's own server on 127.0.0.1 (`serve` starts and stops it).
    companion: tuple[str, ...] = ()

    def __init__(self, identifier: str) -> None:
        self.identifier = identifier

    def check_config(self) -> None:
        """Raise ``PluginConfigError`` when the settings this plugin needs are missing or
        wrong. Called for the enabled plugin before the server starts; it must not reach
        the network."""

    @property
    def label(self) -> str:
        return str(self.verbose_name or self.identifier)


P = TypeVar("P", bound=Plugin)

_registries: list[Registry[Plugin]] = []


class Registry(Generic[P]):
    """The plugins of one integration; ``setting`` names the enabled one, or with
    ``many`` the enabled ones, comma-separated (payment channels: a payer chooses)."""

    def __init__(self, *, kind: str, label: str | Promise, setting: str, many: bool = False) -> None:
        self.kind = kind  # the integration's name in ONESTOP_SANDBOX_ALLOWED
        self.label = label
        self.setting = setting
        self.many = many
        self._plugins: dict[str, P] = {}
        _registries.append(self)  # type: ignore[arg-type]

    def register(self, identifier: str) -> Callable[[type[P]], type[P]]:
        def decorator(plugin: type[P]) -> type[P]:
            if identifier in self._plugins:
                raise ImproperlyConfigured(f"{self.kind} plugin {identifier!r} is registered twice")
            self._plugins[identifier] = plugin(identifier)
            return plugin

        return decorator

    def get(self, identifier: str) -> P:
        try:
            return self._plugins[identifier]
        except KeyError:
            known = ", ".join(sorted(self._plugins)) or "none"
            raise ImproperlyConfigured(
                f"unknown {self.kind} plugin {identifier!r} (known: {known}; set {self.setting})"
            ) from None

    def enabled_identifier(self) -> str:
        if self.many:
            raise ImproperlyConfigured(f"{self.kind} enables several plugins: use enabled_plugins()")
        return str(getattr(settings, self.setting))

    def enabled(self) -> P:
        """The plugin the settings choose."""
        return self.get(self.enabled_identifier())

    def enabled_plugins(self) -> list[P]:
        """Every plugin the settings choose (one, unless the registry enables ``many``)."""
        if not self.many:
            return [self.enabled()]
        value = getattr(settings, self.setting)
        names = value.split(",") if isinstance(value, str) else list(value)
        return [self.get(name.strip()) for name in names if name.strip()]

    def __iter__(self) -> Iterator[P]:
        return iter(self._plugins[name] for name in sorted(self._plugins))

    def names(self) -> list[str]:
        return sorted(self._plugins)


def registries() -> list[Registry[Plugin]]:
    """Every integration's registry (each app registers its plugins when it is ready)."""
    return list(_registries)


def enabled_sandboxes() -> list[tuple[Registry[Plugin], Plugin]]:
    """The integrations whose enabled plugins are sandboxes."""
    found: list[tuple[Registry[Plugin], Plugin]] = []
    for registry in _registries:
        try:
            plugins = registry.enabled_plugins()
        except ImproperlyConfigured:
            continue  # reported by the configuration check
        found.extend((registry, plugin) for plugin in plugins if plugin.is_sandbox)
    return found


def companions() -> list[tuple[str, ...]]:
    """The processes the enabled plugins need beside the server, each once."""
    found: dict[tuple[str, ...], None] = {}
    for registry in _registries:
        try:
            plugins = registry.enabled_plugins()
        except ImproperlyConfigured:
            continue  # reported by the configuration check
        found.update((plugin.companion, None) for plugin in plugins if plugin.companion)
    return list(found)
